#pragma once
/// \file
/// The candidate forecasts among which cross-validation chooses (`parley forecast --cv`): every
/// bargaining model as it is, and three families with one or two parameters each. Pure: models
/// run on inputs in memory. See docs/VALIDATION.md, "Better forecasts".

#include <string>
#include <vector>

#include "engine/model/bargaining.hpp"

namespace parley {

/// One candidate: a forecast for each issue.
struct Candidate {
  std::string family;            ///< "model", "exponents", "mix" or "camps"
  std::string name;              ///< e.g. "nbs", "compromise c^0.5 s^3", "mix 0.4", "camps 2 nbs"
  std::vector<double> forecast;  ///< one per issue, on the issue's position scale
};

/// The candidate families, in the order candidate_forecasts lists them.
[[nodiscard]] std::vector<std::string> candidate_families();

/// Forecasts of every candidate for every issue (dim 0 of each input; one-dimensional issues):
/// - "model": each BargainingModel with its default_rounds (eum and blend with Q = 1);
/// - "exponents": compromise_power_1d with capability exponent 0, 0.5, 1, 1.5, 2 and salience
///   exponent 0, 0.5, 1, 2, 3, 4 (30 candidates);
/// - "mix": w median + (1 - w) compromise, w = 0, 0.1, ..., 1 (11 candidates);
/// - "camps": the weighted median when camp_count <= k, else compromise or nbs, k = 2, 3, 4
///   (6 candidates; "camps 2 nbs" is the split model).
/// Deterministic; the eum and smp runs dominate the cost (about 0.5 s for 107 DEU issues).
[[nodiscard]] std::vector<Candidate> candidate_forecasts(
    const std::vector<BargainingInput>& issues);

}  // namespace parley

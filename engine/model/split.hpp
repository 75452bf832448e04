#pragma once
/// \file
/// split: the weighted median when the actors stand in two camps, the Nash Bargaining Solution
/// otherwise. Chosen by cross-validation over proposals on the DEU training issues (see
/// docs/VALIDATION.md, "Better forecasts", and docs/BARGAINING.md, "split").

#include <Eigen/Core>

#include "engine/model/bargaining.hpp"

namespace parley {

/// The number of camps above which split uses the NBS: at most this many distinct positions
/// (among actors with a positive weight) and the forecast is the weighted median. Chosen by
/// leave-one-proposal-out cross-validation among 1-4 on the training issues.
inline constexpr int kSplitMaxCamps = 2;

/// The number of distinct positions among actors with a positive weight w_i s_i (all actors when
/// every weight is 0). Exact comparison of positions: 50 and 50.000001 are two camps. >= 1 for a
/// non-empty input, 0 for an empty one.
[[nodiscard]] int camp_count(const Eigen::Ref<const Eigen::VectorXd>& x,
                             const Eigen::Ref<const Eigen::VectorXd>& s,
                             const Eigen::Ref<const Eigen::VectorXd>& w);

/// Runs split on every dim of `input`: the weighted median (median_1d) when camp_count <=
/// kSplitMaxCamps, else the NBS exactly as `bargain(BargainingModel::nbs, ...)` computes it (with
/// the input's status quo as disagreement point when given). Weights capability x power x
/// salience. `unweighted_fallback[dim]` is set when all weights of the dim are 0; `history` is
/// round 0 (the input) when recorded. Deterministic, no I/O, O(n log n) per dim.
[[nodiscard]] BargainingResult split_bargain(const BargainingInput& input,
                                             const BargainingSettings& settings);

}  // namespace parley

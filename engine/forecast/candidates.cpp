/// \file
/// The candidate forecasts of cross-validation.

#include "engine/forecast/candidates.hpp"

#include <cstdio>

#include "engine/model/split.hpp"

namespace parley {
namespace {

/// "0.5", "1", "1.5": short exponent labels.
std::string label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::vector<std::string> candidate_families() {
  return {"model", "exponents", "mix", "camps"};
}

std::vector<Candidate> candidate_forecasts(const std::vector<BargainingInput>& issues) {
  const std::size_t n = issues.size();
  std::vector<Candidate> out;
  // The published models as they are; their forecasts also feed the families below.
  std::vector<std::vector<double>> by_model(kBargainingModels.size(), std::vector<double>(n));
  for (std::size_t m = 0; m < kBargainingModels.size(); ++m) {
    const BargainingModel model = kBargainingModels[m];
    BargainingSettings settings;
    settings.rounds = default_rounds(model);
    for (std::size_t i = 0; i < n; ++i)
      by_model[m][i] = bargain(model, issues[i], settings).outcome[0];
    out.push_back({"model", std::string(bargaining_name(model)), by_model[m]});
  }
  const auto& compromise = by_model[static_cast<std::size_t>(BargainingModel::compromise)];
  const auto& median = by_model[static_cast<std::size_t>(BargainingModel::median)];
  const auto& nbs = by_model[static_cast<std::size_t>(BargainingModel::nbs)];

  for (const double a : {0.0, 0.5, 1.0, 1.5, 2.0}) {
    for (const double b : {0.0, 0.5, 1.0, 2.0, 3.0, 4.0}) {
      Candidate c{"exponents", "compromise c^" + label(a) + " s^" + label(b),
                  std::vector<double>(n)};
      for (std::size_t i = 0; i < n; ++i) {
        const BargainingInput& in = issues[i];
        c.forecast[i] =
            compromise_power_1d(in.position.col(0), in.salience.col(0), in.capability, a, b);
      }
      out.push_back(std::move(c));
    }
  }
  for (int k = 0; k <= 10; ++k) {
    const double w = 0.1 * k;
    Candidate c{"mix", "mix " + label(w), std::vector<double>(n)};
    for (std::size_t i = 0; i < n; ++i) c.forecast[i] = w * median[i] + (1.0 - w) * compromise[i];
    out.push_back(std::move(c));
  }
  std::vector<int> camps(n);
  for (std::size_t i = 0; i < n; ++i) {
    camps[i] =
        camp_count(issues[i].position.col(0), issues[i].salience.col(0), issues[i].capability);
  }
  for (const int k : {2, 3, 4}) {
    for (const bool use_nbs : {false, true}) {
      Candidate c{"camps", "camps " + std::to_string(k) + (use_nbs ? " nbs" : " compromise"),
                  std::vector<double>(n)};
      for (std::size_t i = 0; i < n; ++i) {
        c.forecast[i] = camps[i] <= k ? median[i] : (use_nbs ? nbs[i] : compromise[i]);
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace parley

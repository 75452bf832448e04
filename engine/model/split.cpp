/// \file
/// split: weighted median for two camps, NBS otherwise.

#include "engine/model/split.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <vector>

#include "engine/model/nbs.hpp"

namespace parley {

int camp_count(const Eigen::Ref<const Eigen::VectorXd>& x,
               const Eigen::Ref<const Eigen::VectorXd>& s,
               const Eigen::Ref<const Eigen::VectorXd>& w) {
  bool any_weight = false;
  for (Eigen::Index i = 0; i < x.size(); ++i) any_weight = any_weight || w[i] * s[i] > 0.0;
  std::vector<double> seen;
  seen.reserve(static_cast<std::size_t>(x.size()));
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    // An actor without weight takes no part in the median, so it makes no camp of its own.
    if (any_weight && !(w[i] * s[i] > 0.0)) continue;
    seen.push_back(x[i]);
  }
  std::sort(seen.begin(), seen.end());
  return static_cast<int>(std::unique(seen.begin(), seen.end()) - seen.begin());
}

BargainingResult split_bargain(const BargainingInput& input, const BargainingSettings& settings) {
  const Eigen::Index dims = input.position.cols();
  BargainingResult result;
  result.outcome.resize(dims);
  result.unweighted_fallback.assign(static_cast<std::size_t>(dims), false);
  for (Eigen::Index j = 0; j < dims; ++j) {
    const Eigen::VectorXd w =
        input.power.size() == 0
            ? input.capability
            : Eigen::VectorXd(input.capability.cwiseProduct(input.power.col(j)));
    const auto x = input.position.col(j);
    const auto s = input.salience.col(j);
    result.unweighted_fallback[static_cast<std::size_t>(j)] = !(w.cwiseProduct(s).sum() > 0.0);
    if (camp_count(x, s, w) <= kSplitMaxCamps) {
      result.outcome[j] = median_1d(x, s, w);
    } else {
      const std::optional<double> q =
          input.status_quo.size() > 0 ? std::optional<double>(input.status_quo[j]) : std::nullopt;
      result.outcome[j] = nbs_1d(x, s, w, input.scale_lo, input.scale_hi, q).outcome;
    }
  }
  hold_uncared_dims(input, result);
  if (settings.record_history) result.history.push_back(input.position);
  return result;
}

}  // namespace parley

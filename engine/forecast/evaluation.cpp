/// \file
/// Error summaries, the cluster bootstrap and cross-validated choice.

#include "engine/forecast/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "engine/core/rng.hpp"

namespace parley {

ErrorSummary summarize_errors(std::span<const double> abs_errors, double within) {
  ErrorSummary out;
  out.issues = abs_errors.size();
  if (abs_errors.empty()) return out;
  std::vector<double> sorted(abs_errors.begin(), abs_errors.end());
  std::sort(sorted.begin(), sorted.end());
  double sum = 0.0;
  std::size_t close = 0;
  for (const double e : sorted) {
    sum += e;
    close += e <= within ? 1U : 0U;
  }
  const std::size_t n = sorted.size();
  out.mean_abs = sum / static_cast<double>(n);
  out.median_abs = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  out.share_within = static_cast<double>(close) / static_cast<double>(n);
  return out;
}

std::vector<int> clusters_by_prefix(const std::vector<std::string>& names, std::size_t prefix) {
  std::vector<int> out;
  out.reserve(names.size());
  std::unordered_map<std::string, int> index;
  for (std::size_t i = 0; i < names.size(); ++i) {
    // Prefix 0: every name is its own cluster, even when two names are equal.
    const std::string key = prefix == 0 ? std::to_string(i) : names[i].substr(0, prefix);
    const auto [it, added] = index.try_emplace(key, static_cast<int>(index.size()));
    out.push_back(it->second);
  }
  return out;
}

Interval cluster_bootstrap_mean(std::span<const double> values, std::span<const int> clusters,
                                const BootstrapSettings& settings) {
  Interval out;
  if (values.empty()) return out;
  int k = 0;
  for (const int c : clusters) k = std::max(k, c + 1);
  // Resampling works on per-cluster sums and counts: a draw costs O(K), not O(n).
  std::vector<double> sum(static_cast<std::size_t>(k), 0.0);
  std::vector<double> count(static_cast<std::size_t>(k), 0.0);
  double total = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    sum[static_cast<std::size_t>(clusters[i])] += values[i];
    count[static_cast<std::size_t>(clusters[i])] += 1.0;
    total += values[i];
  }
  // Only clusters that hold issues are drawn, so a draw is never empty even if some numbers
  // between 0 and K-1 are unused.
  std::size_t used = 0;
  for (std::size_t j = 0; j < sum.size(); ++j) {
    if (count[j] > 0.0) {
      sum[used] = sum[j];
      count[used] = count[j];
      ++used;
    }
  }
  k = static_cast<int>(used);
  out.estimate = total / static_cast<double>(values.size());
  const int draws = std::max(1, settings.draws);
  std::vector<double> means;
  means.reserve(static_cast<std::size_t>(draws));
  Rng rng(settings.seed, 0x14);
  for (int b = 0; b < draws; ++b) {
    double s = 0.0;
    double c = 0.0;
    for (int j = 0; j < k; ++j) {
      const auto pick = static_cast<std::size_t>(rng.below(static_cast<std::uint64_t>(k)));
      s += sum[pick];
      c += count[pick];
    }
    means.push_back(s / c);  // c >= 1: every drawn cluster holds an issue
  }
  std::sort(means.begin(), means.end());
  const double tail = 0.5 * (1.0 - settings.level);
  const auto b = static_cast<double>(draws);
  const auto lo_index = static_cast<std::size_t>(std::floor(tail * b));
  const auto hi_index = static_cast<std::size_t>(std::max(0.0, std::ceil((1.0 - tail) * b) - 1.0));
  out.lo = means[std::min(lo_index, means.size() - 1)];
  out.hi = means[std::min(hi_index, means.size() - 1)];
  return out;
}

CrossValidatedChoice cross_validate_choice(const std::vector<std::vector<double>>& candidates,
                                           std::span<const double> outcomes,
                                           std::span<const int> clusters) {
  CrossValidatedChoice out;
  const std::size_t n = outcomes.size();
  const std::size_t c = candidates.size();
  int k = 0;
  for (const int g : clusters) k = std::max(k, g + 1);
  // Per candidate: total error and error per cluster; leaving a cluster out subtracts its part.
  std::vector<double> total(c, 0.0);
  std::vector<double> part(c * static_cast<std::size_t>(k), 0.0);
  for (std::size_t m = 0; m < c; ++m) {
    for (std::size_t i = 0; i < n; ++i) {
      const double e = std::abs(candidates[m][i] - outcomes[i]);
      total[m] += e;
      part[m * static_cast<std::size_t>(k) + static_cast<std::size_t>(clusters[i])] += e;
    }
  }
  const auto best = [&](int left_out) {
    int choice = 0;
    double least = HUGE_VAL;
    for (std::size_t m = 0; m < c; ++m) {
      const double e =
          left_out < 0
              ? total[m]
              : total[m] -
                    part[m * static_cast<std::size_t>(k) + static_cast<std::size_t>(left_out)];
      // Strict <: ties keep the lower index, so the choice does not depend on rounding order
      // among equal candidates listed later.
      if (e < least) {
        least = e;
        choice = static_cast<int>(m);
      }
    }
    return choice;
  };
  out.full_choice = c > 0 ? best(-1) : -1;
  out.fold_choice.resize(static_cast<std::size_t>(k));
  for (int g = 0; g < k; ++g) out.fold_choice[static_cast<std::size_t>(g)] = best(g);
  out.held_out_error.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int m = out.fold_choice[static_cast<std::size_t>(clusters[i])];
    out.held_out_error[i] = std::abs(candidates[static_cast<std::size_t>(m)][i] - outcomes[i]);
  }
  return out;
}

}  // namespace parley

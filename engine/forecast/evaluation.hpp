#pragma once
/// \file
/// Judging forecasts against what was decided: error summaries, the cluster bootstrap over
/// proposals and cross-validated choice among candidate forecasts. Pure arithmetic on vectors:
/// no I/O, no models. See docs/VALIDATION.md for how the figures are used.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace parley {

/// Summary of absolute errors |forecast - outcome| on the outcome's scale (DEU: points of 0-100).
struct ErrorSummary {
  std::size_t issues = 0;     ///< number of errors summarised
  double mean_abs = 0.0;      ///< mean absolute error (0 when there are none)
  double median_abs = 0.0;    ///< median absolute error (mean of the two middle values if even)
  double share_within = 0.0;  ///< 0-1: share of errors <= the `within` threshold
};

/// Summarises `abs_errors` (each >= 0, finite). `within` >= 0 is the threshold of share_within
/// (inclusive: an error of exactly `within` counts). O(n log n).
[[nodiscard]] ErrorSummary summarize_errors(std::span<const double> abs_errors, double within);

/// The cluster of each name: names whose first `prefix` characters agree share a cluster
/// (a name shorter than `prefix` is its own prefix); `prefix` 0 puts each name in its own
/// cluster. Clusters are numbered 0, 1, ... in order of first appearance. Used with the DEU ids,
/// whose first six characters name the proposal.
[[nodiscard]] std::vector<int> clusters_by_prefix(const std::vector<std::string>& names,
                                                  std::size_t prefix);

/// A point estimate with a two-sided interval.
struct Interval {
  double estimate = 0.0;  ///< the statistic on the data as they are
  double lo = 0.0;        ///< lower end of the interval
  double hi = 0.0;        ///< upper end of the interval
};

/// Settings of the cluster bootstrap.
struct BootstrapSettings {
  int draws = 2000;         ///< >= 1: resamples
  std::uint64_t seed = 14;  ///< the resamples are a fixed function of the seed
  double level = 0.95;      ///< 0-1: coverage of the percentile interval
};

/// Percentile cluster bootstrap of the mean of `values` (one per issue): each draw picks as many
/// clusters as there are, with replacement, and takes the mean over all issues of the picked
/// clusters (a cluster picked twice counts twice). The interval is the (1-level)/2 and
/// (1+level)/2 quantiles of the draws (order statistics floor(q B) and ceil(q B) - 1, B draws).
/// `clusters[i]` >= 0 (as from clusters_by_prefix), one per value; numbers that no value uses are
/// skipped, so K counts the clusters that hold values. Deterministic: the same
/// inputs and settings give the same interval. O(B K + n). With values = errors of model A minus
/// errors of model B this is the paired comparison of the two models.
[[nodiscard]] Interval cluster_bootstrap_mean(std::span<const double> values,
                                              std::span<const int> clusters,
                                              const BootstrapSettings& settings);

/// The result of choosing among candidate forecasts by leave-one-cluster-out cross-validation.
struct CrossValidatedChoice {
  /// Per issue: |forecast - outcome| of the candidate chosen on the other clusters' issues.
  std::vector<double> held_out_error;
  /// Per cluster: the candidate chosen without it (index into the candidates).
  std::vector<int> fold_choice;
  int full_choice = -1;  ///< the candidate chosen on all issues (the one to use)
};

/// Chooses among `candidates` (each a forecast per issue, all of one length n) the one with the
/// least total absolute error, first on all issues (full_choice) and then once per cluster
/// leaving that cluster's issues out, and scores each left-out issue with its fold's choice. The
/// mean of held_out_error is the cross-validated error of the whole procedure (choice included).
/// Ties go to the lower index. Preconditions: at least one candidate, sizes n, clusters 0..K-1.
/// O(C n + C K).
[[nodiscard]] CrossValidatedChoice cross_validate_choice(
    const std::vector<std::vector<double>>& candidates, std::span<const double> outcomes,
    std::span<const int> clusters);

}  // namespace parley

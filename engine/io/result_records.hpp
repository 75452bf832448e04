#pragma once
/// \file
/// The plain records of a result folder that its writers (engine/batch) and its reader
/// (engine/io/result_folder.hpp) share: what manifest.json says of a sweep's design, one row of
/// comparison.csv, and the default min effect a verdict uses when the folder records none.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/sim/run.hpp"

namespace parley {

/// One varied input of a sweep, as manifest.json records it.
struct ManifestVary {
  std::string path;  ///< canonical path text, also the column name in sweep.csv
  double lo = 0.0;   ///< lower end of the range
  double hi = 1.0;   ///< upper end of the range
  int steps = 0;     ///< grid levels, 0 when not given
};

/// What manifest.json records of a sweep's design.
struct ManifestSweep {
  std::string design;                ///< "lhs", "grid" or "sobol"
  std::uint64_t samples = 0;         ///< sample points (rows of sweep.csv)
  std::uint64_t base_rows = 0;       ///< Sobol' designs: N (samples = N x (paths + 2)); else 0
  std::vector<ManifestVary> vary;    ///< the varied inputs, in column order
  std::vector<std::string> metrics;  ///< the metric columns of sweep.csv
};

/// The comparison of one option with the baseline on one metric.
struct PairedSummary {
  std::uint64_t n = 0;         ///< paired runs used (both runs succeeded)
  double baseline_mean = 0.0;  ///< over the n pairs, in the metric's unit
  double option_mean = 0.0;    ///< over the n pairs
  double diff_mean = 0.0;      ///< option_mean - baseline_mean
  double diff_sd = 0.0;        ///< sample sd of the paired differences (0 when n < 2)
  double ci_low = 0.0;         ///< diff_mean - t(0.975, n-1) * diff_sd / sqrt(n)
  double ci_high = 0.0;        ///< diff_mean + t(0.975, n-1) * diff_sd / sqrt(n)
  double p_greater = 0.5;      ///< (count(diff > 0) + count(diff == 0) / 2) / n; 0.5 when n = 0
};

/// The smallest difference of means that matters in practice, by kind of metric, when
/// --min-effect gives none: 0.01 utility; 1 point of an issue's 0-100 scale (and the same point
/// in the unit: `unit_per_point` = (unit_high - unit_low) / 100); 0.1 recognizing actors
/// or times a move is made per run (one more in one run of ten); 1 turn of settling.
[[nodiscard]] double default_min_effect(MetricKind kind, double unit_per_point) noexcept;

}  // namespace parley

#pragma once
/// \file
/// The statistics files of `parley run`: summary.csv, trajectory.csv and histograms.csv, built
/// from a batch's statistics alone (so byte-identical for any threads, MPI ranks or resume).
/// Their reader is engine/io/result_folder.hpp.

#include <string>
#include <vector>

#include "engine/batch/runner.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// summary.csv text: option,metric,mean,sd,p05,p50,p95.
[[nodiscard]] std::string summary_csv(const MetricCatalog& catalog,
                                      const std::vector<std::string>& option_names,
                                      const BatchResult& result);

/// trajectory.csv text: option,turn,metric,mean,p05,p50,p95.
[[nodiscard]] std::string trajectory_csv(const MetricCatalog& catalog,
                                         const std::vector<std::string>& option_names,
                                         const BatchResult& result, int turns);

/// The most bins a metric gets in histograms.csv.
inline constexpr int kHistogramBins = 50;

/// histograms.csv text: option,metric,low,high,count. Per final metric, the options share one
/// set of at most kHistogramBins consecutive bins [low, high) in the metric's unit (the last one
/// closed), covering every value any option took: the batch's fixed-width bins (see
/// MetricStats::bins) from the first to the last occupied one, merged in equal groups. An integer
/// metric's value v lies in [v - 0.5, v + 0.5). Built from the statistics alone, so it is
/// byte-identical for any thread count, MPI ranks or resume, like summary.csv.
[[nodiscard]] std::string histograms_csv(const MetricCatalog& catalog,
                                         const std::vector<std::string>& option_names,
                                         const BatchResult& result);

}  // namespace parley

#pragma once
/// \file
/// The statistics of one option over a batch (final and per-turn metrics), and the block buffer
/// that feeds them: a worker keeps the values of the runs of its current block and adds them
/// metric by metric when the block ends, so each metric's histogram is touched by one burst of
/// values per block instead of once per run among several hundred other histograms.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/batch/stats.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// The statistics of one option: final metrics and per-turn metrics (index turn * M + metric).
struct OptionStats {
  std::vector<MetricStats> final;
  std::vector<MetricStats> per_turn;
};

/// Empty statistics for one option, shaped by the catalogue.
[[nodiscard]] OptionStats make_option_stats(const MetricCatalog& catalog, int turns);

/// Adds `from` to `into`, metric by metric (same shape). Exact sums: the order of merges never
/// changes the result.
void merge_option_stats(OptionStats& into, const OptionStats& from) noexcept;

/// The values of up to `capacity` runs of one option, waiting to be added to an OptionStats.
/// Row r holds run r's final metrics, then its trajectory turn by turn (the order of
/// OptionStats::final then OptionStats::per_turn).
class BlockValues {
 public:
  /// Room for `capacity` >= 1 runs of `finals` final metrics and `per_turn` trajectory values.
  BlockValues(std::size_t finals, std::size_t per_turn, std::size_t capacity);

  /// Copies the metrics of a run (out.final.size() must be `finals`, the trajectory's size
  /// `per_turn`). Call add_to() before more than `capacity` runs are held.
  void push(const RunOutput& out);
  /// Adds the held runs to `into` metric by metric, in run order, and empties the buffer.
  /// `into` ends exactly as if each run's values had been added one by one.
  void add_to(OptionStats& into);
  /// Runs held.
  [[nodiscard]] std::size_t size() const noexcept { return runs_; }

 private:
  std::size_t finals_;
  std::size_t width_;  // finals_ + per-turn values: one row
  std::size_t capacity_;
  std::size_t runs_ = 0;
  std::vector<double> values_;  // capacity_ rows of width_, row-major
};

}  // namespace parley

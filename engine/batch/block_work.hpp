#pragma once
/// \file
/// One worker's share of a batch: computes whole blocks of runs (every option of each run),
/// formats their rows and adds their statistics. Internal to run_batch; one per worker thread,
/// so the hot loop shares nothing.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/batch/option_stats.hpp"
#include "engine/batch/runner.hpp"

namespace parley {

/// The rows of one block, as the writer takes them.
struct BlockText {
  std::string runs, events, failures;
};

/// A worker's accumulators and buffers. Not thread-safe: one thread uses it at a time.
class BlockWorker {
 public:
  /// `options` are the option indices run for every run (spec.options, or {0}); `worker` is
  /// passed to spec.observer.
  BlockWorker(const Rules& rules, const MetricCatalog& catalog, const RowFormat& format,
              const BatchSpec& spec, const std::vector<int>& options, int worker);

  /// Runs every run of block `block` (runs [block * kBatchBlock, ...) below spec.runs) for every
  /// option: rows into `text` (replacing what it held), statistics and failures into this
  /// worker's totals, outputs to the observer. The block's statistics are in the totals when
  /// this returns, so a snapshot taken between blocks is exact.
  void compute(std::uint64_t block, BlockText& text);

  /// This worker's statistics so far, per option (empty when !spec.collect_stats).
  [[nodiscard]] std::vector<OptionStats>& stats() noexcept { return stats_; }
  /// This worker's statistics so far (read-only).
  [[nodiscard]] const std::vector<OptionStats>& stats() const noexcept { return stats_; }
  /// Runs (x options) of this worker that produced a non-finite value, plus any added.
  [[nodiscard]] std::uint64_t failed() const noexcept { return failed_; }
  /// Adds `n` failures (those of a resumed batch's earlier part).
  void add_failed(std::uint64_t n) noexcept { failed_ += n; }

 private:
  // One run of one option: simulate, rows, failure count, the block's pending values.
  void run_option(std::uint64_t run, size_t o, bool trace, BlockText& text);

  const Rules& rules_;
  const MetricCatalog& catalog_;
  const RowFormat& format_;
  const BatchSpec& spec_;
  const std::vector<int>& options_;
  const int worker_;
  Params params_;
  std::vector<RunOutput> outs_;       // per option: the current run's outputs
  std::vector<BlockValues> pending_;  // per option: the current block's metric values
  std::vector<OptionStats> stats_;    // per option
  std::uint64_t failed_ = 0;
};

}  // namespace parley

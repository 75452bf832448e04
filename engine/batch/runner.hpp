#pragma once
/// \file
/// Monte Carlo batches: runs x options spread over threads (and MPI ranks), results streamed in
/// run order. Run k of every option uses the streams of (seed, k), so the output is
/// byte-identical for any thread count, rank count or interruption, and options are compared on
/// common random numbers. Checkpoints and resuming: see BatchCheckpointer and docs/BATCHES.md.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/option_stats.hpp"
#include "engine/batch/row_format.hpp"
#include "engine/batch/stats.hpp"
#include "engine/model/rules.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// A per-run hook for analyses that need all options' outputs of one run together (paired
/// comparisons on common random numbers). Called on worker threads, concurrently: `worker`
/// (0 <= worker < BatchSpec::threads) names the caller, so an implementation keeps one
/// accumulator per worker and merges them after the batch with order-independent sums.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// `outputs[k]` is the output of option BatchSpec::options[k] in run `run`.
  virtual void observe(int worker, std::uint64_t run, const std::vector<RunOutput>& outputs) = 0;
  /// The accumulated state of every worker, serialised, for checkpoints (--resume) and for
  /// gathering MPI ranks' results. Must not depend on which worker saw which run. Written with
  /// ByteWriter, starting with a magic word of its own (engine/batch/bytes.hpp).
  [[nodiscard]] virtual std::string save() const { return {}; }
  /// Adds a state produced by save() (from a checkpoint or another rank) to this one. Returns
  /// false, having added nothing, when `state` is not such a state (another magic word or
  /// shape, truncated, bytes after its end); run_batch then stops with std::runtime_error
  /// before any checkpoint could record the incomplete sums. The default takes the default
  /// save()'s empty state only.
  [[nodiscard]] virtual bool merge_saved(std::string_view state) { return state.empty(); }
};

/// Runs per block: the unit of work of a thread, of a checkpoint and of an MPI message.
inline constexpr std::uint64_t kBatchBlock = 32;

/// Saves a batch's progress so that a later process can finish it (`--resume`). run_batch calls
/// it on rank 0's calling thread, every BatchSpec::checkpoint_seconds or so and once at the end.
class BatchCheckpointer {
 public:
  virtual ~BatchCheckpointer() = default;
  /// The sink has received every row of runs [0, runs_done) and no other; `state` is the batch
  /// state after exactly those runs (statistics, failure count and RunObserver::save() states,
  /// an opaque byte string). An implementation makes the sink's output durable up to here, then
  /// records (runs_done, state) atomically. To continue, a new process passes both back as
  /// BatchSpec::resume_runs and BatchSpec::resume_state, with a sink positioned just after the
  /// rows of runs [0, runs_done). runs_done is a multiple of kBatchBlock, or BatchSpec::runs.
  virtual void save(std::uint64_t runs_done, std::string_view state) = 0;
};

/// What to run.
struct BatchSpec {
  std::uint64_t runs = 1000;  ///< runs per option, >= 1
  std::uint64_t seed = 1;     ///< batch seed
  int threads = 1;            ///< worker threads, >= 1
  std::vector<int> options;   ///< option indices to run, in output order; empty = baseline only
  std::uint64_t trace = 0;    ///< record the events of runs [0, trace)
  RunObserver* observer = nullptr;  ///< optional; sees every run's outputs on worker threads
  bool write_rows = true;           ///< format runs.csv/events.csv/failures.csv rows for the sink
  bool collect_stats = true;  ///< fill BatchResult::options (summary and trajectory statistics)

  /// Optional, rank 0 only: receives checkpoints (see BatchCheckpointer).
  BatchCheckpointer* checkpointer = nullptr;
  /// Seconds between checkpoints, >= 0 (0: as often as possible, for tests). Each one pauses
  /// the workers for about one block. With several ranks it also sets how often the ranks
  /// synchronise (to snapshot their states), whether or not rank 0 has a checkpointer.
  double checkpoint_seconds = 5.0;
  /// Runs already done by an earlier process (from BatchCheckpointer::save); 0 = a fresh batch.
  /// The same on every rank.
  std::uint64_t resume_runs = 0;
  /// The state saved with resume_runs (read on rank 0 only; ignored when resume_runs is 0).
  std::string resume_state;

  /// MPI: this process's rank, 0 <= rank < ranks, and the number of ranks. Every rank calls
  /// run_batch with the same spec (bar checkpointer and resume_state); block b goes to rank
  /// b % ranks; rank 0 gathers the rows and states, calls the sink, and returns the result of
  /// the whole batch (other ranks return their own part only). Without MPI: 0 and 1.
  int rank = 0;
  int ranks = 1;
};

/// Receives a batch's output in run order, on the thread that called run_batch.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  /// Consecutive runs.csv rows.
  virtual void runs_rows(std::string_view text) = 0;
  /// Consecutive events.csv rows (may be empty).
  virtual void events_rows(std::string_view text) = 0;
  /// Consecutive failures.csv rows (may be empty).
  virtual void failures_rows(std::string_view text) = 0;
  /// Progress: `done` of `total` runs written. Called at most every few milliseconds.
  virtual void progress(std::uint64_t /*done*/, std::uint64_t /*total*/) {}
};

/// The aggregate of a batch, one entry per BatchSpec::options entry.
struct BatchResult {
  std::vector<OptionStats> options;
  std::uint64_t failed = 0;  ///< runs (x options) that produced a non-finite value
};

/// Runs the batch. Blocks until done; calls `sink` on this thread in run order (rank 0 only).
/// Memory stays bounded whatever the number of runs: at most a fixed window of blocks is
/// buffered per rank. Throws std::runtime_error if spec.resume_state, or a state another rank
/// sends, does not fit the batch (including an observer's state its merge_saved refuses).
[[nodiscard]] BatchResult run_batch(const Rules& rules, const MetricCatalog& catalog,
                                    const RowFormat& format, const BatchSpec& spec,
                                    BatchSink& sink);

/// The order in which K ranks take the blocks of a checkpoint segment under MPI, repeated over
/// the segment: each rank (index into `rates`, blocks per second) in proportion to its speed,
/// at least once per 16 K blocks, interleaved (smooth weighted round robin) so that rank 0,
/// writing in block order, never waits long for one rank. Equal speeds give 0, 1, ..., K-1;
/// a rate that is not a positive number counts as the slowest share. Which rank runs a block
/// never changes the outputs.
[[nodiscard]] std::vector<std::uint32_t> weighted_pattern(const std::vector<double>& rates);

}  // namespace parley

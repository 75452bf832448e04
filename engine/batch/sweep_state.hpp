#pragma once
/// \file
/// What a sweep saves (engine/batch/sweep.hpp): the per-sample sums of one chunk of samples,
/// which is the RunObserver of the chunk's batch, and the sweep's checkpoint state, which lists
/// the finished chunks' means and the batch state of at most one unfinished chunk. Internal to
/// run_sweep (declared here to be tested); both in the one encoding of engine/batch/bytes.hpp.

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/bytes.hpp"
#include "engine/batch/runner.hpp"
#include "engine/batch/sweep.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// Samples per chunk: per compiled copy of the scenario, and per batch. Each sample is one
/// option, and sampling a run's numbers touches every option's overrides, so the cost per run
/// grows with the square of the options in one batch; chunks keep it flat. Fixed (not derived
/// from --threads) so that the NumberIds of the base option's copied overrides, and with them
/// any draws they make, are the same for every thread count.
inline constexpr Eigen::Index kSweepChunk = 32;

/// The per-sample sums of one chunk: for each sample the runs that succeeded and, per final
/// metric, the exact fixed-point sum of its values (clamped to the metric's range, in units of
/// fixed_step). One accumulator per worker, so any split of the runs gives the same sums.
class SweepSums final : public RunObserver {
 public:
  /// `samples` >= 1 samples (outputs[s] of every run is sample s), `threads` >= 1 workers.
  SweepSums(const MetricCatalog& catalog, Eigen::Index samples, int threads);

  void observe(int worker, std::uint64_t run, const std::vector<RunOutput>& outputs) override;
  /// Magic word, samples, metrics, then per sample its ok count and its 128-bit sums.
  [[nodiscard]] std::string save() const override;
  /// Adds a save() of sums of the same shape; false (nothing added, ok() false) when the state
  /// is of another kind or shape, truncated, or longer than one state.
  [[nodiscard]] bool merge_saved(std::string_view state) override;

  /// Every worker's sums plus the saved states, as means: rows [first, first + samples) of
  /// `means` (NaN where every run failed) and of `ok`, which must be that large.
  void write_means(Eigen::MatrixXd& means, std::vector<std::uint64_t>& ok,
                   Eigen::Index first) const;
  /// False once a saved state was refused.
  [[nodiscard]] bool ok() const noexcept { return ok_; }

 private:
  struct Sums {
    std::vector<std::uint64_t> ok;  // per sample
    std::vector<Int128> sum;        // per sample and metric, row-major
    void reset(std::size_t samples, std::size_t metrics);
    void add(const Sums& o);
  };
  [[nodiscard]] Sums total() const;

  std::size_t samples_;
  std::size_t metrics_;
  std::vector<double> lo_, hi_, step_;  // per metric: range and fixed-point unit
  std::vector<Sums> workers_;
  Sums saved_;
  bool ok_ = true;
};

/// The resumable state of a sweep besides the finished chunks' rows of its SweepResult.
struct SweepState {
  std::vector<bool> done;          ///< per chunk: finished, its means in the result
  Eigen::Index current = -1;       ///< the unfinished chunk under way, or -1
  std::uint64_t current_runs = 0;  ///< runs of `current` its batch state holds
  std::string current_state;       ///< that chunk's run_batch state (BatchCheckpointer::save)
};

/// The sweep's checkpoint state: magic word, the shape (samples, metrics, `runs` per sample),
/// each finished chunk of `state` with its samples' ok counts and means (as bit patterns, from
/// `result`), then the unfinished chunk's batch state if there is one.
[[nodiscard]] std::string encode_sweep_state(const SweepState& state, const SweepResult& result,
                                             std::uint64_t runs);

/// Reads encode_sweep_state()'s bytes into `state` (whose `done` has one entry per chunk) and
/// the finished chunks' rows of `result` (sized for the sweep). Throws std::runtime_error: "the
/// sweep checkpoint does not fit this sweep" for another kind of state, another shape or a
/// chunk the sweep does not have; "the sweep checkpoint is damaged" when it is truncated or
/// longer than one state.
void decode_sweep_state(std::string_view bytes, std::uint64_t runs, SweepState& state,
                        SweepResult& result);

}  // namespace parley

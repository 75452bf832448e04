#pragma once
/// \file
/// Parameter sweeps: vary any writable path of the path grammar over a range, run a batch at
/// each sample point, and record the mean metrics per sample; with Saltelli's design, estimate
/// first- and total-order Sobol' indices of every metric (engine/batch/sensitivity.hpp).
///
/// Every sample is an option of a copy of the scenario (the base option's overrides plus the
/// varied paths as constants), so run k of every sample draws from the streams of (seed, k):
/// samples share common random numbers, and the differences between samples come from the
/// varied values, not from different draws. Means are exact fixed-point sums, so sweep.csv and
/// sensitivity.csv are byte-identical for any thread count.

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/runner.hpp"
#include "engine/batch/sensitivity.hpp"
#include "engine/scenario/number.hpp"
#include "engine/scenario/path.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// One `--vary PATH=LO..HI[:STEPS]`.
struct VaryRange {
  Slot slot{};       ///< the varied quantity (writable)
  std::string path;  ///< its canonical text, e.g. "model.settle_rate"
  double lo = 0.0;   ///< lower end, inside the path's range
  double hi = 1.0;   ///< upper end, > lo, inside the path's range
  int steps = 0;     ///< grid levels (>= 2), 0 when not given
};

/// Largest STEPS of one grid path.
inline constexpr int kMaxSteps = 10000;
/// Largest number of sample points a sweep may have (guards against typos in STEPS/--samples;
/// the means take samples x metrics x 8 bytes).
inline constexpr std::int64_t kMaxSamples = 1'000'000;

/// The valid range of values at `slot` (slot_range, or model_key_range for model keys).
[[nodiscard]] Range writable_range(const Slot& slot) noexcept;

/// Parses `PATH=LO..HI` or `PATH=LO..HI:STEPS`. PATH must be writable and numeric, LO < HI both
/// finite and inside the path's range, STEPS a whole number in [2, kMaxSteps]. On failure
/// returns nullopt and sets `error` (0-based offset into `text`, message with what was expected
/// and, for a misspelt id, the nearest known one).
[[nodiscard]] std::optional<VaryRange> parse_vary(std::string_view text, const IdTables& ids,
                                                  ParseError& error);

/// The design of a sweep.
enum class Design : std::uint8_t {
  lhs,    ///< Latin hypercube of --samples points
  grid,   ///< full factorial: STEPS levels per path, ends included
  sobol,  ///< Saltelli's scheme: --samples base rows, samples x (paths + 2) points
};

/// Parses "lhs", "grid" or "sobol".
[[nodiscard]] std::optional<Design> parse_design(std::string_view text) noexcept;
/// "lhs", "grid" or "sobol".
[[nodiscard]] std::string_view design_name(Design d) noexcept;

/// The sample points of a sweep.
struct SweepPlan {
  Design design = Design::lhs;
  std::vector<VaryRange> vary;
  Eigen::MatrixXd values;  ///< samples x vary.size(), in the paths' own units
  int base_rows = 0;       ///< sobol: the N of Saltelli's scheme; otherwise 0

  /// Number of sample points.
  [[nodiscard]] Eigen::Index samples() const noexcept { return values.rows(); }
};

/// Number of sample points the design gives: lhs `samples`, grid the product of the paths'
/// steps, sobol samples x (paths + 2). Saturates at kMaxSamples + 1 (for error messages).
[[nodiscard]] std::int64_t planned_samples(Design design, const std::vector<VaryRange>& vary,
                                           std::int64_t samples) noexcept;

/// Builds the points: lhs draws from Rng(seed, stream "lhs"); grid uses each path's steps;
/// sobol takes `samples` >= 2 base rows of saltelli_design. Contract (checked by the caller):
/// 1 <= vary.size() (<= kMaxSobolInputs for sobol), steps >= 2 on every path for grid.
[[nodiscard]] SweepPlan make_sweep_plan(Design design, std::vector<VaryRange> vary, int samples,
                                        std::uint64_t seed);

/// How to run a sweep.
struct SweepSpec {
  std::uint64_t runs_per_sample = 100;  ///< runs at every sample point, >= 1
  std::uint64_t seed = 1;               ///< batch seed: run k of every sample uses (seed, k)
  int threads = 1;                      ///< worker threads, >= 1
  int base_option = 0;                  ///< the option the varied values are laid over
  /// Optional progress report (simulations done, total), called on the calling thread.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  /// Optional, rank 0 only: receives checkpoints. Its `runs_done` is the number of simulations
  /// (samples x runs) the state holds; the state records the finished chunks of 32 samples
  /// (their exact means) and the batch state of an unfinished one.
  BatchCheckpointer* checkpointer = nullptr;
  /// Seconds between checkpoints (and MPI synchronisations), >= 0.
  double checkpoint_seconds = 5.0;
  /// A state saved through `checkpointer` by an earlier process, to continue from (rank 0
  /// only; empty = a fresh sweep). run_sweep throws std::runtime_error if it does not fit.
  std::string resume_state;
  /// MPI: this process's rank and the number of ranks (every rank calls run_sweep with the same
  /// spec bar checkpointer and resume_state; rank 0's result is the whole sweep's). 0 and 1
  /// without MPI.
  int rank = 0;
  int ranks = 1;  ///< see rank
};

/// The mean metrics of every sample.
struct SweepResult {
  Eigen::MatrixXd means;          ///< samples x catalog.final; NaN where every run failed
  std::vector<std::uint64_t> ok;  ///< per sample: runs that succeeded
  std::uint64_t failed = 0;       ///< runs that failed, all samples
};

/// Runs `spec.runs_per_sample` runs at every point of `plan`. Memory: O(samples x metrics);
/// no rows are kept. Byte-identical means for any thread count, rank count or interruption
/// (resumed through SweepSpec::resume_state).
[[nodiscard]] SweepResult run_sweep(const Scenario& scenario, const MetricCatalog& catalog,
                                    const SweepPlan& plan, const SweepSpec& spec);

/// The Sobol' indices of every column of `outputs` (plan.samples() rows, e.g. SweepResult::means
/// or a test function's values at plan.values) for every varied path: result[column][path].
/// Requires plan.design == Design::sobol; `bootstrap` resamples from Rng(seed, ...).
[[nodiscard]] std::vector<std::vector<SobolIndex>> sweep_sensitivity(const SweepPlan& plan,
                                                                     const Eigen::MatrixXd& outputs,
                                                                     int bootstrap,
                                                                     std::uint64_t seed);

/// True when a metric's spread over the design, p05 to p95, is below `min_effect` (the smallest
/// difference that matters for it, see default_min_effect): its Sobol' indices then share out
/// differences too small to matter, mostly the runs' noise. False when the spread is unknown.
[[nodiscard]] bool negligible_spread(const OutputSpread& spread, double min_effect) noexcept;

/// sweep.csv text: `sample,[block,]PATH...,METRIC...` with one row per sample; `block` (A, B,
/// AB1..) only for sobol. Varied values in shortest round-trip form, means with 6 significant
/// digits, empty where every run failed. `metrics` = indices into catalog.final.
[[nodiscard]] std::string sweep_csv(const SweepPlan& plan, const MetricCatalog& catalog,
                                    const SweepResult& result,
                                    const std::vector<std::size_t>& metrics);

/// sensitivity.csv text: `metric,path,S1,S1_ci,ST,ST_ci,sd,p05,p95`, one row per selected metric
/// and path (`indices[k]` and `spread[k]` belong to metrics[k]); empty index cells where the
/// metric does not vary. sd, p05 and p95 are the metric's spread over the design (sobol_spread,
/// in its unit), the same on each of its rows; appended last so that readers of the first six
/// columns are unaffected.
[[nodiscard]] std::string sensitivity_csv(const SweepPlan& plan, const MetricCatalog& catalog,
                                          const std::vector<std::size_t>& metrics,
                                          const std::vector<std::vector<SobolIndex>>& indices,
                                          const std::vector<OutputSpread>& spread);

}  // namespace parley

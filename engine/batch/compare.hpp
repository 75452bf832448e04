#pragma once
/// \file
/// Paired comparison of policy options against the baseline on common random numbers: run k of
/// every option draws from the streams of (seed, k), so the difference option - baseline of run
/// k cancels the noise the two share. Per option and metric: the means, the mean paired
/// difference with a 95% interval over runs, and the probability that the option gives the
/// higher value in a paired run.
///
/// Sums are exact fixed-point integers (as in engine/batch/stats.hpp), so the result is
/// byte-identical for any thread count and any split of the runs over checkpoints or MPI ranks.
/// Resolution: each value is rounded to (hi - lo) / 2^32 of its metric's range before summing,
/// far below any difference worth reporting; integer metrics (counts, turns) are summed exactly.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/runner.hpp"
#include "engine/batch/stats.hpp"
#include "engine/core/diagnostics.hpp"
#include "engine/io/result_records.hpp"
#include "engine/model/rules.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// The 0.975 quantile of Student's t distribution with `df` degrees of freedom (df >= 1; 0 is
/// treated as 1): exact to 4 decimals for df <= 30 (table), within 1e-5 above (Cornish-Fisher
/// expansion in 1/df), tending to 1.95996 as df grows.
[[nodiscard]] double student_t_975(std::uint64_t df) noexcept;

/// Exact, mergeable sums of the paired differences of one metric.
struct PairedSums {
  std::uint64_t n = 0;        ///< pairs where both runs succeeded
  std::uint64_t greater = 0;  ///< pairs with option > baseline
  std::uint64_t ties = 0;     ///< pairs with option == baseline (exactly)
  Int128 base = 0;            ///< sum of baseline values, fixed point
  Int128 option = 0;          ///< sum of option values, fixed point
  Int128 diff_sq = 0;         ///< sum of squared differences, fixed point squared
};

/// A plain reading of a paired difference: its 95% interval and its size against the smallest
/// difference that matters in practice (the metric's min effect).
enum class Verdict : std::uint8_t {
  better,      ///< the interval lies above 0 and the mean difference is >= +min effect
  worse,       ///< the interval lies below 0 and the mean difference is <= -min effect
  negligible,  ///< the whole interval lies within [-min effect, +min effect]
  unclear,     ///< anything else: too uncertain to tell whether it matters
};

/// The verdict on a paired difference: the one rule behind `parley compare`'s tables, the
/// report's verdicts and colours. `min_effect` >= 0, in the metric's unit. Decided on the values
/// as comparison.csv holds them (6 significant digits), so that reading the folder back gives
/// the same verdicts. Fewer than 2 pairs: unclear.
[[nodiscard]] Verdict verdict(const PairedSummary& s, double min_effect) noexcept;

/// What a verdict says: "better"/"worse" where higher is better for the one whose metric it is
/// (`higher_is_better`: utilities), else "higher"/"lower"; "no practical difference" and
/// "no clear difference" either way.
[[nodiscard]] std::string_view verdict_text(Verdict v, bool higher_is_better) noexcept;

/// True for the metrics whose "higher" reads as "better": utilities (final and mean).
[[nodiscard]] bool higher_is_better(MetricKind kind) noexcept;

/// The smallest difference of means that matters in practice for a metric of the catalogue
/// (default_min_effect of its kind and unit, see engine/io/result_records.hpp).
[[nodiscard]] double default_min_effect(const MetricInfo& m) noexcept;

/// The min effect of every final metric of `catalog` (in its order): the defaults, then each
/// "GLOB=VALUE" of `specs` in order (a later one wins) for the metrics whose names match GLOB
/// ('*', '?'). VALUE is a finite number >= 0 in the metric's unit. A malformed spec, or a GLOB
/// that matches no metric, is an error under "--min-effect 'SPEC'" saying what was expected.
[[nodiscard]] std::vector<double> min_effects(const MetricCatalog& catalog,
                                              const std::vector<std::string>& specs,
                                              Diagnostics& diag);

/// Decimals to print a paired difference and its interval with: at least `at_least`, up to two
/// more when the interval is narrow (one significant digit of its width), and always enough that
/// a bound of an interval excluding 0 does not print as 0 (so "+0.0*" cannot happen). At most 10.
[[nodiscard]] int difference_decimals(const PairedSummary& s, int at_least) noexcept;

/// One entry of a ranking of options by mean.
struct RankedOption {
  int slot = -1;      ///< compared-option slot, or -1 for the baseline
  double mean = 0.0;  ///< the mean it is ranked by
};

/// The baseline and every compared option ordered by mean, highest first (for utilities: best
/// first); equal means keep the given order, baseline first. `option_means[k]` is slot k's.
[[nodiscard]] std::vector<RankedOption> rank_by_mean(double baseline_mean,
                                                     const std::vector<double>& option_means);

/// Paired sums for `options` options x every final metric of a catalogue. Cheap to merge.
class PairedAccumulator {
 public:
  /// Empty sums shaped by the catalogue (its metrics' ranges set the fixed-point scale).
  PairedAccumulator(const MetricCatalog& catalog, std::size_t options);

  /// Adds run pair (baseline, option `slot`), 0 <= slot < options(). Skipped unless both ok.
  void add(std::size_t slot, const RunOutput& baseline, const RunOutput& option) noexcept;
  /// Adds every pair of `other` (same shape).
  void merge(const PairedAccumulator& other) noexcept;

  /// Number of options.
  [[nodiscard]] std::size_t options() const noexcept { return options_; }
  /// Number of metrics.
  [[nodiscard]] std::size_t metrics() const noexcept { return lo_.size(); }
  /// The sums of option `slot`, metric `metric`.
  [[nodiscard]] const PairedSums& sums(std::size_t slot, std::size_t metric) const noexcept {
    return sums_[slot * lo_.size() + metric];
  }
  /// The summary of option `slot`, metric `metric`.
  [[nodiscard]] PairedSummary summary(std::size_t slot, std::size_t metric) const noexcept;

  /// The exact sums as a saved state (ByteWriter: magic word, shape, then every option's and
  /// metric's counts and 128-bit sums), for checkpoints and MPI gathers.
  [[nodiscard]] std::string save() const;
  /// Adds sums produced by save() on an accumulator of the same shape. False (and nothing
  /// added) when the state is of another kind or shape, truncated, or longer than one state.
  [[nodiscard]] bool merge_saved(std::string_view state);

 private:
  std::size_t options_;
  std::vector<double> lo_;    // per metric: range start
  std::vector<double> hi_;    // per metric: range end (> lo)
  std::vector<double> step_;  // per metric: the value of one fixed-point unit
  std::vector<PairedSums> sums_;
};

/// The RunObserver of a comparison: outputs[0] of every run is the baseline, outputs[1 + k] is
/// option slot k. One accumulator per worker; total() merges them with any saved state.
class CompareObserver final : public RunObserver {
 public:
  /// `options` compared options (not counting the baseline), `threads` workers.
  CompareObserver(const MetricCatalog& catalog, std::size_t options, int threads);

  void observe(int worker, std::uint64_t run, const std::vector<RunOutput>& outputs) override;
  /// The total's PairedAccumulator::save().
  [[nodiscard]] std::string save() const override;
  /// PairedAccumulator::merge_saved into the saved part; false (nothing added) on a bad state.
  [[nodiscard]] bool merge_saved(std::string_view state) override;

  /// Every worker's sums plus every merged saved state.
  [[nodiscard]] PairedAccumulator total() const;
  /// False once a saved state was refused.
  [[nodiscard]] bool ok() const noexcept { return ok_; }

 private:
  std::vector<PairedAccumulator> workers_;
  PairedAccumulator saved_;
  bool ok_ = true;
};

/// What to compare.
struct CompareSpec {
  std::uint64_t runs = 1000;  ///< paired runs, >= 1
  std::uint64_t seed = 1;     ///< batch seed
  int threads = 1;            ///< worker threads, >= 1
  std::vector<int> options;   ///< option indices to compare with the baseline (0 is skipped)
  /// Optional progress report (runs done, total), called on the calling thread.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  /// Optional, rank 0 only: receives checkpoints (as BatchSpec::checkpointer).
  BatchCheckpointer* checkpointer = nullptr;
  /// Seconds between checkpoints (and MPI synchronisations), >= 0 (as BatchSpec).
  double checkpoint_seconds = 5.0;
  /// Runs already done by an earlier process, the same on every rank; 0 = fresh.
  std::uint64_t resume_runs = 0;
  /// The state saved with resume_runs (rank 0 only).
  std::string resume_state;
  /// MPI: this process's rank and the number of ranks (as BatchSpec); 0 and 1 without MPI.
  int rank = 0;
  int ranks = 1;  ///< see rank
  /// Optional: another observer of every run (outputs[0] the baseline, outputs[1 + k] option
  /// k), e.g. `--given`; its state is checkpointed and gathered with the comparison's.
  RunObserver* also = nullptr;
};

/// The result of a comparison.
struct CompareResult {
  std::vector<int> options;  ///< compared option indices (baseline excluded), in order
  PairedAccumulator sums;    ///< slot k = options[k]
  std::uint64_t runs = 0;    ///< paired runs made
  std::uint64_t failed = 0;  ///< runs x options (baseline included) that failed
};

/// Runs the baseline and every option of `spec` over the same runs and accumulates the paired
/// differences. Memory is flat in the number of runs (no rows are kept). With several ranks
/// every rank calls it with the same spec; rank 0's result is the whole comparison's.
[[nodiscard]] CompareResult run_compare(const Scenario& scenario, const Rules& rules,
                                        const MetricCatalog& catalog, const CompareSpec& spec);

/// comparison.csv text: header `option,metric,baseline_mean,option_mean,diff_mean,diff_ci_low,
/// diff_ci_high,p_greater`, then one row per compared option and selected metric (`metrics` =
/// indices into catalog.final, in output order). Numbers with 6 significant digits.
[[nodiscard]] std::string comparison_csv(const Scenario& scenario, const MetricCatalog& catalog,
                                         const CompareResult& result,
                                         const std::vector<std::size_t>& metrics);

/// Indices of the final metrics whose names match any of the comma-separated glob patterns in
/// `patterns` ('*' any run of characters, '?' one character); all metrics when empty. Patterns
/// that match nothing are appended to `unmatched`.
[[nodiscard]] std::vector<std::size_t> select_metrics(const MetricCatalog& catalog,
                                                      std::string_view patterns,
                                                      std::vector<std::string>& unmatched);

/// The value of one fixed-point unit for a metric: (hi - lo) / 2^32, or 2^-32 for integer
/// metrics so that whole numbers are represented, and their means computed, exactly.
[[nodiscard]] double fixed_step(const MetricInfo& m) noexcept;

/// True when `name` matches the glob `pattern` ('*' and '?').
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view name) noexcept;

}  // namespace parley

#pragma once
/// \file
/// Outcomes given an event (`--given CONDITION` of run and compare): statistics over the runs
/// in which a condition on the end of the run held, and the share of runs in which it held.
///
/// The condition is one of the scenario's conditions (engine/scenario/expr.hpp), read on the
/// state after the last turn: `issue.X`, `position.A.X`, ... their final values; `done.M`
/// whether M was made at any turn of the run; `turn` the number of turns; `last.M` whether M
/// was made in the turn before the last (as the last turn's conditions read it). Failed runs
/// (a non-finite value) count neither as runs nor as runs in which it held.
///
/// Everything is kept as counts and order-independent statistics (MetricStats, PairedSums), so
/// the results are byte-identical for any thread count, MPI ranks and interruption/resume.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/compare.hpp"
#include "engine/batch/runner.hpp"
#include "engine/batch/stats.hpp"
#include "engine/scenario/expr.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// The share of runs in which an event held, with its Wilson score 95% interval.
struct Share {
  std::uint64_t runs = 0;  ///< runs counted (those that did not fail)
  std::uint64_t held = 0;  ///< runs in which the condition held
  double share = 0.0;      ///< held / runs, 0-1; 0 when runs = 0
  double low = 0.0;        ///< Wilson 95% interval, 0-1; [0, 1] when runs = 0
  double high = 1.0;
};

/// held of runs as a Share with the Wilson score interval (z = 1.96): well-behaved at 0 and at
/// every run (never outside 0-1, never of zero width), unlike the normal approximation.
[[nodiscard]] Share wilson_share(std::uint64_t held, std::uint64_t runs) noexcept;

/// The counts and statistics of a run batch given a condition, per option of the batch.
struct GivenRunTotals {
  std::vector<Share> shares;          ///< per option: runs and runs in which the condition held
  std::vector<OptionStats> outcomes;  ///< per option: final metrics over the runs where it held
};

/// The counts of a comparison given a condition. Arm 0 is the baseline, arm 1 + k compared
/// option slot k. The paired differences are those of the runs in which the condition held
/// under both the option and the baseline.
struct GivenCompareTotals {
  std::vector<Share> shares;        ///< per arm: runs and runs in which the condition held
  std::vector<std::uint64_t> both;  ///< per compared option: pairs in which it held in both arms
  PairedAccumulator paired;         ///< slot k: pairs (baseline, option k) where it held in both
};

/// The RunObserver of `--given`: evaluates the condition on each run's final state and keeps
/// per worker the counts and statistics over the runs in which it held. In `paired` mode (a
/// comparison) outputs[0] is the baseline and outputs[1 + k] compared option slot k, and the
/// paired differences over runs where it held in both arms are kept too.
class GivenObserver final : public RunObserver {
 public:
  /// `arms` outputs per run (options of a run batch; baseline + compared options of a
  /// comparison), `threads` workers.
  GivenObserver(Condition condition, const MetricCatalog& catalog, int turns, std::size_t arms,
                int threads, bool paired);

  void observe(int worker, std::uint64_t run, const std::vector<RunOutput>& outputs) override;
  /// Magic word, per arm the runs and runs in which it held, the pairs in which it held in both
  /// arms, the outcome statistics (run batches), then the paired sums as a nested state
  /// (comparisons; empty otherwise).
  [[nodiscard]] std::string save() const override;
  /// Adds a save() of an observer of the same shape; false (nothing added, ok() false) when
  /// the state is of another kind or shape, truncated, or longer than one state.
  [[nodiscard]] bool merge_saved(std::string_view state) override;

  /// A run batch's totals (every worker plus every merged saved state).
  [[nodiscard]] GivenRunTotals run_totals() const;
  /// A comparison's totals (paired mode).
  [[nodiscard]] GivenCompareTotals compare_totals() const;
  /// False once a saved state was refused.
  [[nodiscard]] bool ok() const noexcept { return ok_; }

 private:
  struct Part {
    std::vector<std::uint64_t> runs, held;  // per arm
    std::vector<std::uint64_t> both;        // per compared option (paired)
    std::vector<OptionStats> outcomes;      // per arm (not paired)
    PairedAccumulator paired;               // paired mode
  };
  [[nodiscard]] Part empty_part() const;
  static void merge(Part& into, const Part& from);
  [[nodiscard]] Part total() const;

  Condition condition_;
  const MetricCatalog& catalog_;
  int turns_;
  std::size_t arms_;
  bool paired_;
  std::vector<Part> workers_;
  Part saved_;
  bool ok_ = true;
};

/// given.csv of a run: `option,runs,held,share,share_low,share_high`, one row per option.
[[nodiscard]] std::string given_run_csv(const std::vector<std::string>& option_names,
                                        const GivenRunTotals& totals);

/// summary_given.csv: the columns of summary.csv over the runs in which the condition held;
/// an option in which it never held has its number cells left empty.
[[nodiscard]] std::string summary_given_csv(const MetricCatalog& catalog,
                                            const std::vector<std::string>& option_names,
                                            const GivenRunTotals& totals);

/// given.csv of a comparison: `option,runs,held,share,share_low,share_high,both`, the baseline
/// first; `both` = paired runs in which it held under the option and the baseline (the pairs
/// of comparison_given.csv), the baseline's own `held` on its row.
[[nodiscard]] std::string given_compare_csv(const std::vector<std::string>& arm_names,
                                            const GivenCompareTotals& totals);

}  // namespace parley

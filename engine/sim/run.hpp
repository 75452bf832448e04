#pragma once
/// \file
/// One run of a scenario: sample, initialise, step through the turns, record the metrics.

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley {

/// What a metric measures, so a run can compute it from its states.
enum class MetricKind : std::uint8_t {
  issue,         ///< final status quo of issue `index`, 0-100
  issue_value,   ///< the same in the issue's unit: a + b * q
  utility,       ///< actor `index`'s utility after the last turn, 0-1
  utility_mean,  ///< actor `index`'s utility averaged over turns 1..T
  recognized,    ///< how many other actors recognize actor `index` at >= 0.5
  moves,         ///< how many times move `index` was made
  settled,       ///< first turn after which issue `index` stayed within the tolerance, or -1
};

/// One output column: its name, meaning and range (the range sets the histogram bins).
struct MetricInfo {
  std::string name;
  MetricKind kind = MetricKind::issue;
  int index = 0;
  double a = 0.0;        ///< issue_value: offset
  double b = 1.0;        ///< issue_value: scale
  double lo = 0.0;       ///< smallest possible value
  double hi = 100.0;     ///< largest possible value
  bool integer = false;  ///< integer-valued (counts, turns)
};

/// The metrics of a scenario: per run (runs.csv, summary.csv) and per turn (trajectory.csv).
struct MetricCatalog {
  std::vector<MetricInfo>
      final;  ///< issue.*, issue.*.value, utility.*, recognized.*, moves.*, settled.*
  std::vector<MetricInfo> per_turn;  ///< issue.*, utility.*, recognized.* at every turn 0..T
};

/// Builds the catalogue: names from the scenario's ids, ranges from the model.
[[nodiscard]] MetricCatalog metric_catalog(const Scenario& scenario);

/// Consecutive per-turn metrics of one kind with consecutive indices: entries [first, first +
/// count) of a trajectory row hold the kind's values at indices [index, index + count).
struct RowRun {
  MetricKind kind = MetricKind::issue;
  int first = 0;  ///< first entry of the row
  int index = 0;  ///< issue or actor of the first entry
  int count = 0;  ///< entries, >= 1
};

/// A catalogue's per-turn metrics resolved once for record(): their runs, in row order (as
/// metric_catalog() lists them, the issues, the utilities and the recognitions: a few runs).
struct RowPlan {
  std::vector<RowRun> runs;
};

/// Resolves catalog.per_turn into `plan` (its runs replaced, capacity kept).
void plan_row(const MetricCatalog& catalog, RowPlan& plan);

/// One event of the event feed: a move made in a turn.
struct Event {
  std::int32_t turn = 0;
  std::int32_t move = 0;
  bool by_timeline = false;  ///< made by a timeline row; otherwise chosen by its AI actor
};

/// simulate()'s working buffers. They live in RunOutput so that a worker reusing its RunOutput
/// allocates none of them per run; their contents are not part of the output.
struct RunScratch {
  Eigen::MatrixXd q_hist;   ///< (turns + 1) x I: status quo per turn, for settled.*
  Eigen::VectorXd u_sum;    ///< A: utility summed over turns 1..T, for utility.*.mean
  Eigen::VectorXd utility;  ///< A: every actor's utility in the latest state recorded
  Eigen::VectorXd num;      ///< A: utility_sums' numerators, for utilities_at
  Eigen::VectorXd den;      ///< A: utility_sums' salience sums, for utilities_at
  RowPlan row_plan;         ///< the catalogue's per-turn metrics, resolved for record()
};

/// Everything one run produces. Reused between runs by a worker, so vectors keep capacity.
struct RunOutput {
  std::vector<double> final;  ///< by MetricCatalog::final
  /// (turns + 1) x per_turn metrics, row-major so each turn's row is contiguous.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> trajectory;
  std::vector<Event> events;  ///< filled only when tracing
  /// The state after the last turn, for conditions on the end of a run (`--given`). The run's
  /// working state itself, so keeping it costs no copy and a warm worker no allocation.
  State state;
  bool ok = true;       ///< false when the run produced a non-finite value
  std::string failure;  ///< why, when !ok
  RunScratch scratch;   ///< simulate()'s buffers, kept for the next run
};

/// Phase 6: the per-turn metrics of a state, into `row` (one entry per catalog.per_turn of the
/// catalogue `plan` was resolved from, by plan_row). `utilities[a]` must hold utility(s, a) for
/// every actor `a` with a utility.* metric (simulate computes each actor's utility once per
/// turn and shares it with utility.*.mean).
void record(const RowPlan& plan, const State& s, const Eigen::VectorXd& utilities,
            Eigen::Ref<Eigen::RowVectorXd> row);

/// Runs one simulation with params `p` and the dynamics stream of (seed, run). Deterministic:
/// the same arguments give the same output on any thread.
void simulate(const Rules& rules, const MetricCatalog& catalog, const Params& p, std::uint64_t seed,
              std::uint64_t run, bool trace, RunOutput& out);

/// The final metrics (RunOutput::final, by catalog.final) of a run that ended in state `s`:
/// `u` every actor's utility in `s`, `u_sum` their utilities summed over turns 1..T, `q_hist`
/// the (T + 1) x issues status quo history. Sets out.ok = false (with out.failure) on a
/// non-finite value; never sets it back to true.
void final_metrics(const MetricCatalog& catalog, const State& s, const Eigen::VectorXd& u,
                   const Eigen::VectorXd& u_sum, const Eigen::Ref<const Eigen::MatrixXd>& q_hist,
                   RunOutput& out);

/// The settle turn of one issue's status-quo history q[0..T]: the smallest t < T such that every
/// later value lies within `tolerance` of q[t]; -1 if there is none.
[[nodiscard]] int settle_turn(const Eigen::Ref<const Eigen::VectorXd>& history, double tolerance);

}  // namespace parley

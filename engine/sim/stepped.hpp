#pragma once
/// \file
/// One run stepped turn by turn from outside, with people in some actors' seats: the engine of
/// a classroom world. Each turn opens (drift and timeline), people choose while the turn is
/// open (the facilitator may inject moves), then it resolves (everyone's choices, bargaining,
/// influence) and is recorded. With nobody seated and nothing injected it is run `run` of a
/// batch exactly: the same Params, the same random draws, the same events and metrics.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"
#include "engine/model/turn.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// Who made a move of a stepped run.
enum class MoveSource : std::uint8_t {
  timeline,  ///< a timeline row
  inject,    ///< injected between the halves of a turn (as a timeline row would make it)
  ai,        ///< the actor's AI
  person,    ///< the person (team) in the actor's seat
};

/// "timeline", "inject", "ai" or "person".
[[nodiscard]] std::string_view move_source_name(MoveSource s) noexcept;

/// One move of a stepped run.
struct SteppedEvent {
  int turn = 0;           ///< 1..turns
  std::int32_t move = 0;  ///< index into Rules::moves
  MoveSource source = MoveSource::ai;
};

/// Why one resolved turn of a stepped run went as it did, as the turn itself recorded it.
struct SteppedTurnDetail {
  /// The turn's detail record (begin_turn and finish_turn): the timeline rows, every AI actor's
  /// choice with its scores' parts, what the AI would have chosen in each seat people held
  /// (ChoiceDetail::seated), the bargaining.
  TurnDetail detail;
  /// The state the choices were made from (after drift, timeline and injects): what a move's
  /// availability was judged on.
  State snapshot;
};

/// A run stepped from outside. Holds references to `rules` and `catalog`, which must outlive it.
class SteppedRun {
 public:
  /// Rows of metrics, one per turn, as RunOutput::trajectory.
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  /// Run `run` of option `option` with batch seed `seed`: the Params and streams of that run.
  SteppedRun(const Rules& rules, const MetricCatalog& catalog, int option, std::uint64_t seed,
             std::uint64_t run = 0);

  /// Turns resolved so far, 0..turns.
  [[nodiscard]] int resolved() const noexcept { return resolved_; }
  /// True between open_turn() and resolve(): the turn resolved() + 1 is open.
  [[nodiscard]] bool open() const noexcept { return open_; }
  /// True once every turn is resolved.
  [[nodiscard]] bool finished() const noexcept { return resolved_ >= rules_.turns; }

  /// Opens the next turn: phases 1-2. Requires !open() && !finished().
  void open_turn();
  /// Makes move `m` now, as a timeline row would. Requires open(); false (nothing done) when m
  /// is not a move of the scenario.
  bool inject(std::int32_t m);
  /// Whether move `m` could be made now by its actor (forbid list, cooldown and requirement at
  /// the open turn's snapshot). Requires open().
  [[nodiscard]] bool available(std::int32_t m) const;
  /// The AI's scores, probabilities and draw for `actor` now (see advise). Requires open().
  [[nodiscard]] AiAdvice advice(int actor) const;
  /// Resolves the open turn with people's choices in `seats` (nullptr: the AI everywhere) and
  /// records it. Requires open().
  void resolve(const Seats* seats);

  /// The current state (at an open turn: after drift, timeline and injects).
  [[nodiscard]] const State& state() const noexcept { return state_; }
  /// This run's drawn numbers.
  [[nodiscard]] const Params& params() const noexcept { return params_; }
  /// Every move so far, in the order made (per turn: timeline, injects, then choices in actor
  /// order, as in events.csv).
  [[nodiscard]] const std::vector<SteppedEvent>& events() const noexcept { return events_; }
  /// Per-turn metrics (catalog.per_turn) of turns 0..resolved(), one row each.
  [[nodiscard]] const RowMatrix& trajectory() const noexcept { return trajectory_; }
  /// Every actor's utility now, 0-1.
  [[nodiscard]] const Eigen::VectorXd& utilities() const noexcept { return utility_; }
  /// The final metrics (catalog.final) as a batch computes them; meaningful once finished().
  [[nodiscard]] RunOutput final_output() const;
  /// Per resolved turn (turn t at index t - 1), why it went as it did. With nobody seated and
  /// nothing injected, turn t's record is the one `parley explain` shows for this run's turn t.
  [[nodiscard]] const std::vector<SteppedTurnDetail>& details() const noexcept { return details_; }

 private:
  void record_turn();

  const Rules& rules_;
  const MetricCatalog& catalog_;
  Params params_;
  Rng rng_;
  State state_;
  int resolved_ = 0;
  bool open_ = false;
  std::vector<SteppedEvent> events_;
  TurnDetail open_detail_;  // the open turn's record so far (begin_turn's part)
  std::vector<SteppedTurnDetail> details_;
  RowMatrix trajectory_;    // (resolved + 1) x per-turn metrics
  RowPlan plan_;            // catalog_'s per-turn metrics, resolved for record()
  Eigen::MatrixXd q_hist_;  // (resolved + 1) x issues
  Eigen::VectorXd utility_;
  Eigen::VectorXd u_sum_;
};

}  // namespace parley

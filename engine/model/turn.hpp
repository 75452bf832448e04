#pragma once
/// \file
/// One turn of the model. `step` only orchestrates; each phase is a pure function of the rules,
/// the run's params, the state and an explicit random stream. No globals, no I/O.
/// The equations are in docs/MODEL.md.

#include <Eigen/Core>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"

namespace parley {

/// What a move's score (or the value of passing) is made of, as the turn computed it. Filled
/// only when a caller asks (explain, validate --gains); the turn itself records nothing.
struct MoveDetail {
  std::int32_t move = -1;  ///< the move, or -1 for passing
  /// Utility of the actor (0-1) after the move and the replies it expects; without lookahead,
  /// after the move alone (passing: the utility now).
  double utility = 0.0;
  /// utility plus the expected gain of the timeline rows it triggers: what the move is worth to
  /// the actor (utility units). score = value - value of passing - cost.
  double value = 0.0;
  double cost = 0.0;         ///< the move's cost now (utility units); 0 for passing
  double score = 0.0;        ///< value - value of passing - cost; 0 for passing
  double probability = 0.0;  ///< chance of being chosen, 0-1
  /// With lookahead: each other AI actor's best reply at the next turn, as (actor, move or -1
  /// for passing), in actor order.
  std::vector<std::pair<std::int32_t, std::int32_t>> replies;
  /// A timeline row of the next turn that the move and replies make true.
  struct Row {
    std::int32_t row = 0;      ///< index into Rules::timeline
    double probability = 0.0;  ///< the row's probability in this run, 0-1
    double gain = 0.0;  ///< the actor's utility change if the row fires (counted x probability)
  };
  std::vector<Row> rows;  ///< in timeline order
};

/// Every score of one actor's choice with its parts, in the order of the candidates.
struct ScoreBreakdown {
  MoveDetail pass;                ///< the value of passing (move -1), with its replies and rows
  std::vector<MoveDetail> moves;  ///< per candidate
};

/// One AI actor's choice in a turn, as made (see choose_moves); or, in a seat a person held,
/// the choice the actor's AI would have made there (as advise draws it), which was not played.
struct ChoiceDetail {
  std::int32_t actor = 0;
  /// True when a person held the seat: `choice` is the AI's draw, not a move that was made.
  bool seated = false;
  double temperature = 0.0;  ///< model.temperature at the choice (0: best reply)
  bool lookahead = false;    ///< whether model.lookahead was on
  /// The actor's available moves (in move order) with their scores; empty when it had none.
  ScoreBreakdown scores;
  double pass_probability = 1.0;  ///< chance of passing, 0-1
  std::int32_t choice = -1;       ///< the move drawn, -1 = pass
};

/// The values a condition read when it was tested: each slot it reads with its value.
using ConditionInputs = std::vector<std::pair<Slot, double>>;

/// What happened to one timeline row in its turn.
enum class RowOutcome : std::uint8_t {
  fired,              ///< its move was made
  when_false,         ///< its `when` did not hold
  requirement_false,  ///< its move's `requires` did not hold
  draw_missed,        ///< the draw did not come under its probability
};

/// One timeline row of the option whose window held the turn, as the turn tested it.
struct TimelineDetail {
  std::int32_t row = 0;  ///< index into Rules::timeline
  RowOutcome outcome = RowOutcome::fired;
  double probability = 1.0;  ///< the row's probability in this run, 0-1
  double draw = -1.0;        ///< the uniform draw (0-1) when probability < 1, else -1 (no draw)
  ConditionInputs inputs;    ///< when_false / requirement_false: what the failing condition read
};

/// One negotiable issue's bargaining in a turn.
struct BargainDetail {
  std::int32_t issue = 0;
  double status_quo = 0.0;  ///< before bargaining, 0-100
  double outcome = 0.0;     ///< the bargaining model's compromise point, 0-100
  double proposal = 0.0;    ///< status quo moved settle_rate of the way to the outcome
  /// The interval every veto player prefers at least as much as the status quo (-inf..inf when
  /// nobody holds a veto); the proposal is clipped to it.
  double veto_low = 0.0;
  double veto_high = 0.0;
  double new_status_quo = 0.0;  ///< the proposal clipped to the veto window and to 0-100
};

/// Everything a turn decided and why (filled by begin_turn and finish_turn on request).
struct TurnDetail {
  int turn = 0;
  std::vector<TimelineDetail> timeline;  ///< rows active in the option and the turn, in order
  /// AI actors' choices and, for the seats people held, what the AI would have chosen there
  /// (ChoiceDetail::seated), in actor order.
  std::vector<ChoiceDetail> choices;
  double settle_rate = 0.0;               ///< model.settle_rate at bargaining; 0: nothing moved
  std::vector<BargainDetail> bargaining;  ///< negotiable issues with an outcome, in issue order
};

/// Phase 1: each issue's status quo moves by its drift plus N(0, noise) points, clamped to 0-100.
[[nodiscard]] State apply_drift(const Rules& rules, const Params& p, State s, Rng& rng);

/// Phase 2: timeline rows for the current turn whose option matches and whose `when` holds fire
/// with their probability, in file order; each fired row makes its move (effects applied).
[[nodiscard]] State fire_timeline(const Rules& rules, const Params& p, State s, Rng& rng);

/// Phase 3: AI actors choose simultaneously from the same snapshot: each scores its available
/// moves and "pass" (see docs/MODEL.md), picks by best reply (temperature 0) or softmax, and the
/// chosen moves are applied in actor order.
[[nodiscard]] State choose_moves(const Rules& rules, const Params& p, State s, Rng& rng);

/// Phase 4: on each negotiable issue the status quo moves `settle_rate` of the way to the
/// bargaining model's outcome, clipped to the veto players' win set.
[[nodiscard]] State bargain(const Rules& rules, const Params& p, State s, Rng& rng);

/// Phase 5: positions move toward those of liked actors, at `influence_rate`.
[[nodiscard]] State update_positions(const Rules& rules, const Params& p, State s, Rng& rng);

/// One whole turn: advances `turn` and runs phases 1-5 (phase 6, recording, is `record`).
/// Equal to finish_turn(begin_turn(s)) with no seats.
[[nodiscard]] State step(const Rules& rules, const Params& p, State s, Rng& rng);

/// step() on `s` in place: the same state, without moving it through the phases (the batch's
/// loop). `rng` is the run's stream; each turn draws from its child split(turn).
void step_in_place(const Rules& rules, const Params& p, State& s, const Rng& rng);

/// Actors whose moves people choose (classroom mode), for one turn.
struct Seats {
  std::vector<std::uint8_t> human;  ///< per actor: 1 when a person holds the seat
  /// Per actor: the moves the person chose this turn (empty: pass). Moves that are not the
  /// actor's, not available at the choice snapshot or repeated are left out.
  std::vector<std::vector<std::int32_t>> moves;
};

/// The first half of a turn: advances `turn`, clears the turn's moves, then phases 1-2 (drift,
/// timeline). `rng` is the run's stream (as given to step); phases draw from its children.
/// `detail` (optional) receives the turn number and each timeline row's outcome; the state
/// is the same with or without it.
[[nodiscard]] State begin_turn(const Rules& rules, const Params& p, State s, const Rng& rng,
                               TurnDetail* detail = nullptr);

/// The second half: phases 3-5 (choices, bargaining, influence) of the turn begin_turn opened.
/// In the seats of `seats` (optional) the people's moves replace the AI's; every other actor
/// chooses exactly as in step, from the same snapshot and the same random draws. `detail`
/// (optional) receives the AI actors' choices with every score's parts, for each seat what the
/// AI would have chosen there (as advise), and the bargaining per issue; the state is the same
/// with or without it.
[[nodiscard]] State finish_turn(const Rules& rules, const Params& p, State s, const Rng& rng,
                                const Seats* seats = nullptr, TurnDetail* detail = nullptr);

/// Makes move `m` between the halves of a turn as a timeline row would (effects applied, no
/// cost; an "inject" of the classroom facilitator), counted with the turn's timeline moves.
void make_as_timeline(const Rules& rules, const Params& p, std::int32_t m, State& s);

/// What the AI of actor `actor` makes of its choice at this point of a turn (after begin_turn).
struct AiAdvice {
  std::vector<std::int32_t> moves;  ///< the actor's available moves, in move order
  std::vector<double> scores;       ///< each move's score against passing (utility units)
  std::vector<double> probability;  ///< each move's chance of being chosen, 0-1
  double pass_probability = 1.0;    ///< the chance of passing, 0-1
  std::int32_t choice = -1;         ///< the move the AI draws (-1 = pass): the batch's draw
};

/// The AI's advice for `actor` from the state between the halves of a turn: the same scores and
/// random draw choose_moves would use for it (whatever control the scenario gives the actor).
[[nodiscard]] AiAdvice advise(const Rules& rules, const Params& p, const State& s, const Rng& rng,
                              int actor);

/// The interval of issue `issue` that every veto player prefers at least as much as the
/// current status quo (its win set on one dimension), as (low, high); (-inf, inf) when nobody
/// holds a veto on it.
[[nodiscard]] std::pair<double, double> veto_window(const Rules& rules, const State& s,
                                                    int issue) noexcept;

/// Clips a proposed status quo `proposal` for issue `issue` to the interval every veto player
/// prefers at least as much as the current status quo (its win set on one dimension).
[[nodiscard]] double clip_to_veto(const Rules& rules, const State& s, int issue,
                                  double proposal) noexcept;

/// Score of each of actor `actor`'s candidate moves against passing: utility gain minus cost,
/// with lookahead when model.lookahead >= 0.5. Writes one score per entry of `candidates`.
/// `breakdown` (optional) receives each score's parts (probabilities left at 0); the scores are
/// the same with or without it.
void score_moves(const Rules& rules, const Params& p, const State& s, int actor,
                 const std::vector<std::int32_t>& candidates, std::vector<double>& scores,
                 ScoreBreakdown* breakdown = nullptr);

/// The chance of each choice with scores `scores` (passing scores 0) at `temperature`: softmax
/// into `probability` (one per score) and the returned chance of passing; at temperature <= 0
/// everything on `pick` (an index into `scores`, or -1 for passing).
[[nodiscard]] double choice_probabilities(const std::vector<double>& scores, double temperature,
                                          int pick, std::vector<double>& probability);

}  // namespace parley

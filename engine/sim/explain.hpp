#pragma once
/// \file
/// Why a run went as it did: one run replayed through the turn with its detail records on
/// (engine/model/turn.hpp), so every number is the one that decided the run, turned into value
/// data with the scenario's ids: per turn the timeline rows that fired or not, every AI actor's
/// candidate moves with availability, value, cost, expected replies, score and probability, and
/// the bargaining per issue. Also the net gains of every AI move at the initial state
/// (`parley validate --gains`). Pure functions; no I/O (the writers are in engine/io).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"
#include "engine/model/turn.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// Which run, and which part of it, to explain.
struct ExplainRequest {
  int option = 0;           ///< index into Scenario::options
  std::uint64_t seed = 1;   ///< batch seed
  std::uint64_t run = 0;    ///< run index, as in runs.csv and events.csv (0-based)
  int first_turn = 1;       ///< first turn explained, 1..turns
  int last_turn = 0;        ///< last turn explained, first_turn..turns; 0 = the last turn
  std::vector<int> actors;  ///< AI actors whose choices are explained; empty = every AI actor
};

/// A reply an actor expects to a move (lookahead): another AI actor's best reply next turn.
struct ExplainedReply {
  std::string actor;  ///< actor id
  std::string move;   ///< move id; empty = passing
};

/// A timeline row of the next turn that a move (with its replies) makes true.
struct ExplainedRow {
  int row = 0;               ///< index into Scenario::timeline
  int line = 0;              ///< its line in timeline.csv
  std::string move;          ///< the row's move id
  double probability = 0.0;  ///< the row's probability in this run, 0-1
  double gain = 0.0;         ///< the chooser's utility change if it fires (counted x probability)
};

/// One candidate move of an AI actor in one turn.
struct ExplainedMove {
  std::string move;        ///< move id
  bool available = false;  ///< whether the actor could make it at the choice
  /// When unavailable: every reason, "; "-separated (forbidden by the option, cooldown, or the
  /// `requires` parts that failed with the values they read).
  std::string blocked;
  // When available (0 otherwise); utility units unless stated:
  double utility = 0.0;      ///< the actor's utility (0-1) after the move and expected replies
  double value = 0.0;        ///< utility + expected gain of the rows it triggers
  double cost = 0.0;         ///< the move's cost now
  double score = 0.0;        ///< value - value of passing - cost: what the choice compares
  double probability = 0.0;  ///< chance of being chosen, 0-1
  std::vector<ExplainedReply> replies;  ///< each other AI actor's best reply (lookahead only)
  std::vector<ExplainedRow> rows;       ///< rows it triggers next turn (lookahead only)
  bool chosen = false;                  ///< the move the actor made
};

/// One AI actor's choice in one turn; or, in a classroom seat a person held, the choice the
/// actor's AI would have made there (not played).
struct ExplainedChoice {
  std::string actor;         ///< actor id
  int actor_index = 0;       ///< index into Scenario::actors
  bool seated = false;       ///< a person held the seat: `choice` is the AI's, not a move made
  double temperature = 0.0;  ///< model.temperature at the choice; 0 = best reply
  bool lookahead = false;    ///< model.lookahead on
  /// The value of passing (utility units), its utility and the replies and rows it expects;
  /// 0 and empty when no move was available (the actor passes without scoring).
  double pass_utility = 0.0;
  double pass_value = 0.0;
  std::vector<ExplainedReply> pass_replies;
  std::vector<ExplainedRow> pass_rows;
  double pass_probability = 1.0;     ///< chance of passing, 0-1
  std::vector<ExplainedMove> moves;  ///< every move of the actor, in moves.csv order
  std::string choice;                ///< the move made; empty = passed
};

/// One timeline row that could fire in a turn (active in the option, in its turn window).
struct ExplainedTimelineRow {
  int row = 0;         ///< index into Scenario::timeline
  int line = 0;        ///< its line in timeline.csv
  std::string move;    ///< move id
  std::string actor;   ///< the move's actor id
  bool fired = false;  ///< whether its move was made
  /// "fired", "when" (its condition failed), "requires" (its move's requirement failed) or
  /// "draw" (the draw missed its probability).
  std::string outcome;
  double probability = 1.0;  ///< the row's probability in this run, 0-1
  double draw = -1.0;        ///< the uniform draw, 0-1; -1 when probability >= 1 (no draw)
  std::string why;           ///< when not fired: the failing condition parts with their values
};

/// The bargaining over one negotiable issue in one turn (points, 0-100).
struct ExplainedBargain {
  std::string issue;        ///< issue id
  double status_quo = 0.0;  ///< before bargaining
  double outcome = 0.0;     ///< the bargaining model's compromise point
  double proposal = 0.0;    ///< status quo moved settle_rate of the way to the outcome
  bool veto = false;        ///< whether some actor holds a veto on the issue
  double veto_low = 0.0;    ///< with a veto: the window the proposal is clipped to
  double veto_high = 100.0;
  double new_status_quo = 0.0;  ///< after clipping
};

/// One turn of the explained run.
struct ExplainedTurn {
  int turn = 0;                                ///< 1..turns
  std::vector<ExplainedTimelineRow> timeline;  ///< in timeline.csv order
  std::vector<ExplainedChoice> choices;        ///< the requested AI actors, in actor order
  double settle_rate = 0.0;                    ///< model.settle_rate at bargaining
  std::vector<ExplainedBargain> bargaining;    ///< negotiable issues, in issue order
};

/// A run explained turn by turn.
struct Explanation {
  std::string scenario;  ///< scenario name
  std::string option;    ///< option name
  int option_index = 0;
  std::string bargaining;  ///< the option's bargaining model
  std::uint64_t seed = 0;
  std::uint64_t run = 0;
  int turns = 0;                    ///< the scenario's turns (the run always plays them all)
  std::vector<ExplainedTurn> turn;  ///< the requested turns, in order
  std::vector<Event> events;        ///< every move of the run, as simulate traces them
  State final_state;                ///< the state after the last turn
};

/// Replays run `request.run` of option `request.option` (the Params and random streams of
/// `simulate` for that seed and run) through the same turn code, recording why each choice was
/// made. The events and final state are those of simulate. Preconditions: the request is valid
/// (see check_explain_request).
[[nodiscard]] Explanation explain_run(const Scenario& scenario, const Rules& rules,
                                      const ExplainRequest& request);

/// One turn explained from the record the turn filled (begin_turn and finish_turn with a
/// TurnDetail) and `snapshot`, the state its actors chose from (what judged availability), under
/// option `option`: explain_run's turns are made by it, and so is a classroom turn's debrief.
/// `actors`: the actors whose choices to keep; empty = all. Preconditions: `detail` was filled by
/// a turn of `rules` (compiled from `scenario`) under `option`.
[[nodiscard]] ExplainedTurn explain_turn(const Scenario& scenario, const Rules& rules, int option,
                                         const TurnDetail& detail, const State& snapshot,
                                         const std::vector<int>& actors = {});

/// The net gain of one AI move at the initial state.
struct MoveGain {
  std::string move;         ///< move id
  bool available = false;   ///< available at the initial state
  std::string blocked;      ///< when unavailable: why (as ExplainedMove::blocked)
  double value = 0.0;       ///< value of making it (utility units, replies included)
  double pass_value = 0.0;  ///< value of passing
  double cost = 0.0;
  double gain = 0.0;  ///< value - pass_value - cost: the score the AI would compare with 0
};

/// An AI actor's moves with their gains, highest gain first (file order on ties).
struct ActorGains {
  std::string actor;
  std::vector<MoveGain> moves;
};

/// The gains of one option.
struct OptionGains {
  std::string option;
  std::vector<ActorGains> actors;  ///< AI actors with moves, in actor order
};

/// Every AI move's net gain at turn 0 of each option: the initial state with every number at
/// its mean (as the warnings of validate), scored by the turn's scorer as if the actor chose
/// now. Unavailable moves are scored too (what they would be worth) and marked.
[[nodiscard]] std::vector<OptionGains> initial_gains(const Scenario& scenario, const Rules& rules);

/// The text of a condition in the scenario's spelling, e.g. "issue.aid > 0 and turn >= 3".
[[nodiscard]] std::string condition_text(const Condition& c, const IdTables& ids);

/// Why condition `c` is false with slot values `value`: the failing parts of a top-level `and`
/// (each a comparison, or a whole `or`/`not`), each followed by the values it read, e.g.
/// "issue.aid > 0 (issue.aid = 0)". Empty when the condition holds.
[[nodiscard]] std::string why_false(const Condition& c, const IdTables& ids,
                                    const std::function<double(const Slot&)>& value);

/// Why move `m` is not available at state `s` under option `option` (as available() judges
/// it), every reason "; "-separated; empty when it is available.
[[nodiscard]] std::string why_unavailable(const Scenario& scenario, const Rules& rules, int option,
                                          std::int32_t m, const State& s);
/// why_unavailable() with the scenario's id tables (Scenario::ids()) already built, for a
/// caller that asks about many moves.
[[nodiscard]] std::string why_unavailable(const Scenario& scenario, const Rules& rules,
                                          const IdTables& ids, int option, std::int32_t m,
                                          const State& s);

}  // namespace parley

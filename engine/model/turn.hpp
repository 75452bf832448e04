#pragma once
/// \file
/// One turn of the model. `step` only orchestrates; each phase is a pure function of the rules,
/// the run's params, the state and an explicit random stream. No globals, no I/O.
/// The equations are in docs/MODEL.md.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"

namespace parley {

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

/// Actors whose moves people choose (classroom mode), for one turn.
struct Seats {
  std::vector<std::uint8_t> human;  ///< per actor: 1 when a person holds the seat
  /// Per actor: the moves the person chose this turn (empty: pass). Moves that are not the
  /// actor's, not available at the choice snapshot or repeated are left out.
  std::vector<std::vector<std::int32_t>> moves;
};

/// The first half of a turn: advances `turn`, clears the turn's moves, then phases 1-2 (drift,
/// timeline). `rng` is the run's stream (as given to step); phases draw from its children.
[[nodiscard]] State begin_turn(const Rules& rules, const Params& p, State s, const Rng& rng);

/// The second half: phases 3-5 (choices, bargaining, influence) of the turn begin_turn opened.
/// In the seats of `seats` (optional) the people's moves replace the AI's; every other actor
/// chooses exactly as in step, from the same snapshot and the same random draws.
[[nodiscard]] State finish_turn(const Rules& rules, const Params& p, State s, const Rng& rng,
                                const Seats* seats = nullptr);

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

/// Clips a proposed status quo `proposal` for issue `issue` to the interval every veto player
/// prefers at least as much as the current status quo (its win set on one dimension).
[[nodiscard]] double clip_to_veto(const Rules& rules, const State& s, int issue,
                                  double proposal) noexcept;

/// Fills Rules::reply_interference, Rules::gain_interference and Rules::flat from the rest of
/// the rules.
/// compile() calls it; call it again after changing moves or timeline by hand.
void derive_lookahead_tables(Rules& rules);

/// Score of each of actor `actor`'s candidate moves against passing: utility gain minus cost,
/// with lookahead when model.lookahead >= 0.5. Writes one score per entry of `candidates`.
void score_moves(const Rules& rules, const Params& p, const State& s, int actor,
                 const std::vector<std::int32_t>& candidates, std::vector<double>& scores);

}  // namespace parley

#pragma once
/// \file
/// One turn of the model. `step` only orchestrates; each phase is a pure function of the rules,
/// the run's params, the state and an explicit random stream. No globals, no I/O.
/// The equations are in docs/MODEL.md.

#include <Eigen/Core>

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
[[nodiscard]] State step(const Rules& rules, const Params& p, State s, Rng& rng);

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

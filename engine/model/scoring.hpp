#pragma once
/// \file
/// Move scoring: what each of an AI actor's candidate moves and passing are worth to it, with
/// lookahead (docs/MODEL.md, phase 3), tried on a Sandbox of the snapshot the actors choose
/// from. Used by the turn's choices (turn.cpp) and by score_moves and advise; scoring never
/// changes the State. The tables it reads are built by compile() (engine/model/tables.hpp).

#include <cstdint>
#include <vector>

#include "engine/model/sandbox.hpp"
#include "engine/model/turn.hpp"

namespace parley {

// What every move score of one state shares: each AI actor's best reply when nobody moves, the
// gains behind it, and which timeline rows a move could still make true next turn. Computed
// once per snapshot.
/// See the comment above: what every score of one snapshot shares.
struct Lookahead {
  std::vector<std::int32_t> ai;            // the AI actors, in order
  std::vector<std::int32_t> pass_replies;  // per actor; -1 = pass or not an AI actor
  std::vector<double> pass_gain;  // per move: its gain with no move made; -inf if unavailable
  // Per actor, its moves with a pass gain above 0 (the others can never beat a pass), highest
  // gain first, the lower move first on a tie.
  std::vector<std::vector<std::int32_t>> by_gain;
  // Timeline rows a move could make true next turn (row bits): active in the option, in the
  // next turn's window, and not holding anyway.
  std::vector<std::uint64_t> rows_open;
  // Per actor i, from its pass value (the other actors' pass replies R(i) applied): whether a
  // move can reuse it (set once computed, and only if R(i) leaves i's risk alone), the issues
  // R(i) changes in order with i's utility terms there, and the timeline rows R(i) touches.
  std::vector<std::uint8_t> pass_ready;
  std::vector<std::vector<std::int32_t>> pass_columns;
  std::vector<std::vector<Sandbox::Term>> pass_terms;
  std::vector<std::uint64_t> pass_rows;  // actors x row words
};

/// Scratch buffers of move scoring for one snapshot. They carry no information from one
/// snapshot to the next, so results cannot depend on which thread's buffers are used.
struct ScoringScratch {
  Sandbox box;  ///< the snapshot, then the move being scored and the replies to it
  std::vector<std::int32_t> replies;  ///< the replies to the move being scored
  std::vector<std::uint64_t> rows;    ///< timeline rows the sandbox's moves may have made true
  std::vector<std::int32_t> columns;  ///< issues a move and its replies change
  std::vector<Sandbox::Term> terms;   ///< the scoring actor's terms of those issues
  Lookahead look;                     ///< what every score of the snapshot shares
};

/// Loads snapshot `s` (the state between the halves of a turn) into `w`: the sandbox, and with
/// lookahead each AI actor's best reply to "no move" and the timeline rows still open.
void prepare_scoring(const Rules& rules, const Params& p, const State& s, ScoringScratch& w);

/// score_moves on a snapshot prepare_scoring() loaded into `w` (the same `s`): one score per
/// candidate into `scores`, each score's parts into `breakdown` when given.
void score_prepared(const Rules& rules, const Params& p, const State& s, int actor,
                    const std::vector<std::int32_t>& candidates, std::vector<double>& scores,
                    ScoringScratch& w, ScoreBreakdown* breakdown);

}  // namespace parley

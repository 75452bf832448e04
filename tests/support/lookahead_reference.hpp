#pragma once
// Move scoring with lookahead, written the slow and obvious way on whole States, from the
// definition in docs/MODEL.md. score_moves() caches, shares and skips work in many ways; every
// one of them must give the values this gives.
#include <cstdint>
#include <vector>

#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"
#include "engine/model/view.hpp"

namespace parley::test {

/// `s` as seen from the next turn with `m` made in the current one (`now`).
inline void reference_make(const Rules& rules, const Params& p, const State& now, std::int32_t m,
                           State& s) {
  apply_effects(rules, p, m, s);
  s.last_turn[m] = now.turn;
  s.count[m] += 1;
}

/// Actor k's best reply next turn in `next`: the first of its available moves with the highest
/// gain above 0 (utility change minus cost); -1 = pass.
inline std::int32_t reference_reply(const Rules& rules, const Params& p, const State& now,
                                    const State& next, int k) {
  const double u0 = utility(next, k);
  double best = 0.0;
  std::int32_t pick = -1;
  for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(k)]) {
    if (!available(rules, p.option, m, next)) continue;
    State after = next;
    reference_make(rules, p, now, m, after);
    const double gain = utility(after, k) - u0 - next.cost[m];
    if (gain > best) {
      best = gain;
      pick = m;
    }
  }
  return pick;
}

/// What the reference finds for one move: the replies, the rows and the value.
struct ReferenceLookahead {
  std::vector<std::pair<std::int32_t, std::int32_t>> replies;  ///< (actor, move or -1)
  std::vector<std::int32_t> rows;                              ///< timeline rows made true
  std::vector<double> row_gains;  ///< per row: actor i's utility change if it fires
  double utility = 0.0;           ///< after the move and replies
  double value = 0.0;             ///< utility + probability-weighted row gains
};

/// Value to actor i of making `move` now (-1 = pass): its utility after the move and the other
/// AI actors' best replies to it, plus each timeline row of the next turn that the moves make
/// true, weighted by its probability.
inline ReferenceLookahead reference_lookahead(const Rules& rules, const Params& p, const State& now,
                                              int i, std::int32_t move) {
  ReferenceLookahead out;
  State base = now;
  base.turn += 1;
  State next = base;
  if (move >= 0) reference_make(rules, p, now, move, next);
  for (int k = 0; k < rules.actors; ++k)
    if (k != i && rules.control[static_cast<size_t>(k)] == Control::ai)
      out.replies.emplace_back(k, reference_reply(rules, p, now, next, k));
  for (const auto& [k, r] : out.replies)
    if (r >= 0) reference_make(rules, p, now, r, next);
  const double u = utility(next, i);
  out.utility = u;
  out.value = u;
  const OptionRules& opt = rules.options[static_cast<size_t>(p.option)];
  for (size_t r = 0; r < rules.timeline.size(); ++r) {
    const RuleTimeline& row = rules.timeline[r];
    if (!opt.timeline_active[r] || next.turn < row.first_turn || next.turn > row.last_turn)
      continue;
    if (!holds(row.when, next) || holds(row.when, base)) continue;
    if (!holds(rules.move_rules[static_cast<size_t>(row.move)].requirement, next)) continue;
    State after = next;
    reference_make(rules, p, now, row.move, after);
    out.rows.push_back(static_cast<std::int32_t>(r));
    out.row_gains.push_back(utility(after, i) - u);
    out.value += p.values[static_cast<size_t>(row.probability)] * (utility(after, i) - u);
  }
  return out;
}

/// reference_lookahead's value alone.
inline double reference_value(const Rules& rules, const Params& p, const State& now, int i,
                              std::int32_t move) {
  return reference_lookahead(rules, p, now, i, move).value;
}

}  // namespace parley::test

#include "engine/model/scoring.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <span>

namespace parley {

namespace {

constexpr double kUnavailable = -std::numeric_limits<double>::infinity();

// Gain to actor k of move m at the next turn, judged on the sandbox: utility change minus cost;
// kUnavailable when m cannot be made then.
double reply_gain(const Rules& rules, const Params& p, Sandbox& box, int k, std::int32_t m,
                  double u0) {
  if (!box.available(rules, p.option, m)) return kUnavailable;
  return box.utility_after(rules, p, k, m) - u0 - box.cost(rules, m);
}

// Best reply of actor k at the next turn with nothing made: fills the gain cache. -1 = pass.
std::int32_t pass_reply(const Rules& rules, const Params& p, Sandbox& box, Lookahead& look, int k) {
  const double u0 = box.utility(k);
  double best = 0.0;
  std::int32_t best_move = -1;
  std::vector<std::int32_t>& order = look.by_gain[static_cast<size_t>(k)];
  order.clear();
  for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(k)]) {
    const double gain = reply_gain(rules, p, box, k, m, u0);
    look.pass_gain[static_cast<size_t>(m)] = gain;
    if (gain > best) {
      best = gain;
      best_move = m;
    }
    if (gain > 0.0) {
      // Moves come in increasing order, so a later one goes after those with an equal gain.
      order.push_back(m);
      for (size_t b = order.size() - 1;
           b > 0 && look.pass_gain[static_cast<size_t>(order[b - 1])] < gain; --b)
        std::swap(order[b - 1], order[b]);
    }
  }
  return best_move;
}

// Best reply of actor k at the next turn after `move` (applied in the sandbox). Only the gains
// that `move` can change are recomputed; the others are the cached gains with no move made, of
// which only the best counts. The pick is that of a scan of k's moves in order keeping the first
// strictly best gain above 0 (a pass): the highest gain, the lower move on a tie.
std::int32_t best_reply_after(const Rules& rules, const Params& p, Sandbox& box,
                              const Lookahead& look, std::int32_t move, int k) {
  double best = 0.0;
  std::int32_t best_move = -1;
  const auto consider = [&](double gain, std::int32_t m) {
    if (gain > best || (gain == best && best_move >= 0 && m < best_move)) {
      best = gain;
      best_move = m;
    }
  };
  const size_t row = static_cast<size_t>(move) * static_cast<size_t>(rules.moves);
  // The unchanged gains: the first move without a hit in pass-gain order is their best (if
  // none of those above 0 is left, none can beat a pass).
  for (const std::int32_t m : look.by_gain[static_cast<size_t>(k)])
    if (rules.tables->gain_interference[row + static_cast<size_t>(m)] == 0) {
      consider(look.pass_gain[static_cast<size_t>(m)], m);
      break;
    }
  // k's utility now, needed only when some gain is recomputed.
  double u0 = 0.0;
  bool have_u0 = false;
  const size_t cell =
      static_cast<size_t>(move) * static_cast<size_t>(rules.actors) + static_cast<size_t>(k);
  for (std::int32_t h = rules.tables->reply_hit_first[cell];
       h < rules.tables->reply_hit_first[cell + 1]; ++h) {
    const std::int32_t m = rules.tables->reply_hits[static_cast<size_t>(h)];
    const std::uint8_t hit = rules.tables->gain_interference[row + static_cast<size_t>(m)];
    // Without the availability bit, m is available exactly when it was with no move made.
    const bool recompute = (hit & RuleTables::kGainAvailability)
                               ? box.available(rules, p.option, m)
                               : look.pass_gain[static_cast<size_t>(m)] != kUnavailable;
    if (!recompute) continue;  // unavailable
    if (!have_u0) u0 = box.utility(k);
    have_u0 = true;
    consider(box.utility_after(rules, p, k, m) - u0 - box.cost(rules, m), m);
  }
  return best_move;
}

bool in_next_turn(const RuleTimeline& row, int next) noexcept {
  return next >= row.first_turn && next <= row.last_turn;
}

// The four helpers below are parts of lookahead_value, the innermost loop of scoring: they are
// forced inline because as calls they cost about 2% more instructions per run.

// Whether actor i's value of `move` (applied in the sandbox, every other actor replying as with
// no move) can come from its pass value: the world is then this move and the replies of i's pass
// value, and when the move changes none of the issues those replies change and they open no
// timeline row, i's utility there is its utility now plus their terms, added in the order
// utility() would add them, with no need to apply them.
[[gnu::always_inline]] inline bool apart_from_pass(const Rules& rules, const Lookahead& look,
                                                   const Sandbox& box, int i, std::int32_t move) {
  const auto ia = static_cast<size_t>(i);
  if (!look.pass_ready[ia] || box.risk_changed(i)) return false;
  for (const std::int32_t j : look.pass_columns[ia])
    if (box.changed(j)) return false;
  const auto words = static_cast<size_t>(rules.flat().row_words);
  const std::uint64_t* touched = rules.flat().rows_touched.data();
  for (size_t k = 0; k < words; ++k)
    if (((touched[static_cast<size_t>(move) * words + k] | look.pass_rows[ia * words + k]) &
         look.rows_open[k]) != 0)
      return false;
  return true;
}

// Every other AI actor's best reply to the same position (the move alone, -1 = pass) into
// w.replies (passes left out); returns how many, and whether every reply is the one made with
// no move.
template <bool kRecord>
[[gnu::always_inline]] inline size_t collect_replies(const Rules& rules, const Params& p, int i,
                                                     std::int32_t move, ScoringScratch& w,
                                                     MoveDetail* record, bool& pass_replies) {
  const Lookahead& look = w.look;
  size_t n_replies = 0;
  pass_replies = true;
  for (const std::int32_t k : look.ai) {
    if (k == i) continue;
    // A move that touches nothing k's choice reads leaves k's reply as it was with no move.
    const bool changed =
        move >= 0 &&
        rules.tables
            ->reply_interference[static_cast<size_t>(move) * static_cast<size_t>(rules.actors) +
                                 static_cast<size_t>(k)];
    const std::int32_t r = changed ? best_reply_after(rules, p, w.box, look, move, k)
                                   : look.pass_replies[static_cast<size_t>(k)];
    pass_replies = pass_replies && r == look.pass_replies[static_cast<size_t>(k)];
    if (r >= 0) w.replies[n_replies++] = r;
    if constexpr (kRecord) record->replies.emplace_back(k, r);
  }
  return n_replies;
}

// `value` plus, for each open timeline row of the next turn that the sandbox's moves make true
// (w.rows), in row order, the row's probability times actor i's utility change if it fires.
template <bool kRecord>
[[gnu::always_inline]] inline double add_row_gains(const Rules& rules, const Params& p, int i,
                                                   ScoringScratch& w, double u_full, double value,
                                                   MoveDetail* record) {
  Sandbox& box = w.box;
  const auto words = static_cast<size_t>(rules.flat().row_words);
  for (size_t k = 0; k < words; ++k) {
    for (std::uint64_t bits = w.rows[k] & w.look.rows_open[k]; bits != 0; bits &= bits - 1) {
      const size_t r = k * 64 + static_cast<size_t>(std::countr_zero(bits));
      const RuleTimeline& row = rules.timeline[r];
      if (!box.when_holds(rules, r) || !box.requirement_holds(rules, row.move)) continue;
      const double probability = p.values[static_cast<size_t>(row.probability)];
      const double gain = box.utility_after(rules, p, i, row.move) - u_full;
      value += probability * gain;
      if constexpr (kRecord)
        record->rows.push_back(MoveDetail::Row{static_cast<std::int32_t>(r), probability, gain});
    }
  }
  return value;
}

// Value to actor i of making `move` (-1 = pass) now, counting the replies it triggers: the other
// AI actors' best replies and the timeline rules of the next turn its move makes true. Leaves
// the sandbox as it found it. With kRecord, `record` receives the replies and rows (and the
// utility and value); the turn instantiates it without, so recording costs it nothing.
template <bool kRecord>
double lookahead_value(const Rules& rules, const Params& p, int i, std::int32_t move,
                       ScoringScratch& w, MoveDetail* record) {
  if constexpr (kRecord) {
    record->move = move;
    record->replies.clear();
    record->rows.clear();
  }
  Sandbox& box = w.box;
  const Sandbox::Mark start = box.mark();
  if (move >= 0) box.apply(rules, p, move);
  bool pass_replies = true;  // every reply is the one made with no move
  const size_t n_replies = collect_replies<kRecord>(rules, p, i, move, w, record, pass_replies);
  if (move >= 0 && pass_replies && apart_from_pass(rules, w.look, box, i, move)) {
    const double value = box.utility_plus(i, w.look.pass_terms[static_cast<size_t>(i)]);
    box.rollback(start);
    // Apart, no timeline row opens: the value is the utility after the move and replies.
    if constexpr (kRecord) record->utility = record->value = value;
    return value;
  }
  // A rule is a reply only if the moves make its condition true: it must read something they
  // wrote (the move and its replies, the moves made in the sandbox) and must not hold anyway.
  const auto words = static_cast<size_t>(rules.flat().row_words);
  const std::uint64_t* touched = rules.flat().rows_touched.data();
  std::uint64_t open = 0;
  for (size_t k = 0; k < words; ++k) {
    std::uint64_t bits = move >= 0 ? touched[static_cast<size_t>(move) * words + k] : 0;
    for (size_t r = 0; r < n_replies; ++r)
      bits |= touched[static_cast<size_t>(w.replies[r]) * words + k];
    w.rows[k] = bits;
    open |= bits & w.look.rows_open[k];
  }
  // A row's condition is judged on the sandbox with the replies applied; without an open row
  // the replies are only tried in place, which needs no log.
  if (open != 0)
    for (size_t k = 0; k < n_replies; ++k) box.apply(rules, p, w.replies[k]);
  const std::span<const std::int32_t> tried =
      open != 0 ? std::span<const std::int32_t>{}
                : std::span<const std::int32_t>{w.replies.data(), n_replies};
  // i's utility after the replies. A pass value keeps what a move's value can reuse from it
  // (see Lookahead): the issues the replies change, i's terms there (written into the
  // lookahead's buffers directly), whether they leave i's risk alone, the rows they touch.
  const auto ia = static_cast<size_t>(i);
  bool risk = false;
  const double u_full =
      box.utility_after_moves(rules, p, i, tried, move < 0 ? w.look.pass_columns[ia] : w.columns,
                              move < 0 ? w.look.pass_terms[ia] : w.terms, risk);
  if (move < 0) {
    w.look.pass_ready[ia] = risk ? 0 : 1;
    for (size_t k = 0; k < words; ++k) w.look.pass_rows[ia * words + k] = w.rows[k];
  }
  if (open == 0) {
    // No timeline row can follow: the value is that utility.
    box.rollback(start);
    if constexpr (kRecord) record->utility = record->value = u_full;
    return u_full;
  }
  const double value = add_row_gains<kRecord>(rules, p, i, w, u_full, u_full, record);
  box.rollback(start);
  if constexpr (kRecord) {
    record->utility = u_full;
    record->value = value;
  }
  return value;
}

// Sets the parts of one score that every scoring path shares.
void fill_parts(MoveDetail& d, std::int32_t move, double value, double cost, double score) {
  d.move = move;
  d.value = value;
  d.cost = cost;
  d.score = score;
  d.probability = 0.0;
}

}  // namespace

void prepare_scoring(const Rules& rules, const Params& p, const State& s, ScoringScratch& w) {
  w.box.load(rules, s);
  if (s.model[static_cast<size_t>(ModelKey::lookahead)] < 0.5) return;
  Lookahead& look = w.look;
  look.ai.clear();
  look.pass_replies.assign(static_cast<size_t>(rules.actors), -1);
  look.pass_gain.assign(static_cast<size_t>(rules.moves), kUnavailable);
  look.by_gain.resize(static_cast<size_t>(rules.actors));
  for (int k = 0; k < rules.actors; ++k)
    if (rules.control[static_cast<size_t>(k)] == Control::ai) {
      look.ai.push_back(k);
      look.pass_replies[static_cast<size_t>(k)] = pass_reply(rules, p, w.box, look, k);
    }
  const OptionRules& opt = rules.options[static_cast<size_t>(p.option)];
  look.rows_open.assign(static_cast<size_t>(rules.flat().row_words), 0);
  for (size_t r = 0; r < rules.timeline.size(); ++r)
    if (opt.timeline_active[r] && in_next_turn(rules.timeline[r], s.turn + 1) &&
        !w.box.when_holds(rules, r))
      look.rows_open[r / 64] |= 1ULL << (r % 64);
  w.replies.resize(static_cast<size_t>(rules.actors));
  w.rows.resize(static_cast<size_t>(rules.flat().row_words));
  look.pass_ready.assign(static_cast<size_t>(rules.actors), 0);
  look.pass_columns.resize(static_cast<size_t>(rules.actors));
  look.pass_terms.resize(static_cast<size_t>(rules.actors));
  look.pass_rows.resize(static_cast<size_t>(rules.actors * rules.flat().row_words));
}

void score_prepared(const Rules& rules, const Params& p, const State& s, int actor,
                    const std::vector<std::int32_t>& candidates, std::vector<double>& scores,
                    ScoringScratch& w, ScoreBreakdown* breakdown) {
  // Usually the size of the last call: then no call to resize().
  if (scores.size() != candidates.size()) scores.resize(candidates.size());
  if (breakdown != nullptr) breakdown->moves.resize(candidates.size());
  if (s.model[static_cast<size_t>(ModelKey::lookahead)] >= 0.5) {
    if (breakdown == nullptr) {
      const double v_pass = lookahead_value<false>(rules, p, actor, -1, w, nullptr);
      for (size_t c = 0; c < candidates.size(); ++c)
        scores[c] = lookahead_value<false>(rules, p, actor, candidates[c], w, nullptr) - v_pass -
                    s.cost[candidates[c]];
      return;
    }
    // The same sums in the same order as above, each part kept.
    const double v_pass = lookahead_value<true>(rules, p, actor, -1, w, &breakdown->pass);
    fill_parts(breakdown->pass, -1, v_pass, 0.0, 0.0);
    for (size_t c = 0; c < candidates.size(); ++c) {
      MoveDetail& d = breakdown->moves[c];
      const double value = lookahead_value<true>(rules, p, actor, candidates[c], w, &d);
      scores[c] = value - v_pass - s.cost[candidates[c]];
      fill_parts(d, candidates[c], value, s.cost[candidates[c]], scores[c]);
    }
    return;
  }
  Sandbox& box = w.box;
  const double u0 = box.utility(actor);
  for (size_t c = 0; c < candidates.size(); ++c) {
    const double u = box.utility_after(rules, p, actor, candidates[c]);
    scores[c] = u - u0 - s.cost[candidates[c]];
    if (breakdown != nullptr) {
      MoveDetail& d = breakdown->moves[c];
      d.replies.clear();
      d.rows.clear();
      d.utility = u;
      fill_parts(d, candidates[c], u, s.cost[candidates[c]], scores[c]);
    }
  }
  if (breakdown != nullptr) {
    breakdown->pass = MoveDetail{};
    breakdown->pass.utility = u0;
    fill_parts(breakdown->pass, -1, u0, 0.0, 0.0);
  }
}

void score_moves(const Rules& rules, const Params& p, const State& s, int actor,
                 const std::vector<std::int32_t>& candidates, std::vector<double>& scores,
                 ScoreBreakdown* breakdown) {
  // Per-thread buffers, so scoring allocates nothing once warm.
  thread_local ScoringScratch w;
  prepare_scoring(rules, p, s, w);
  score_prepared(rules, p, s, actor, candidates, scores, w, breakdown);
}

}  // namespace parley

#include "engine/model/turn.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include "engine/model/bargaining.hpp"
#include "engine/model/sandbox.hpp"
#include "engine/model/view.hpp"

namespace parley {

namespace {

double model_value(const State& s, ModelKey key) noexcept {
  return s.model[static_cast<size_t>(key)];
}

void mark_made(State& s, std::int32_t m) {
  s.last_turn[m] = s.turn;
  s.count[m] += 1;
  s.made.push_back(m);
}

// What every move score of one state shares: each AI actor's best reply when nobody moves, the
// gains behind it, and which timeline rows a move could still make true next turn. Computed
// once per snapshot.
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

// Scratch buffers for move scoring, one set per thread, so scoring allocates nothing once warm.
// They carry no information from one call to the next, so results cannot depend on the thread.
struct Scratch {
  Sandbox box;  // the snapshot, then the move being scored and the replies to it
  std::vector<std::int32_t> replies;
  std::vector<std::uint64_t> rows;  // timeline rows the sandbox's moves may have made true
  Lookahead look;
  std::vector<std::int32_t> candidates;
  std::vector<double> scores;
  std::vector<double> weights;
  std::vector<std::int32_t> chosen;  // moves picked this turn, in actor order
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

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
    if (rules.gain_interference[row + static_cast<size_t>(m)] == 0) {
      consider(look.pass_gain[static_cast<size_t>(m)], m);
      break;
    }
  // k's utility now, needed only when some gain is recomputed.
  double u0 = 0.0;
  bool have_u0 = false;
  const size_t cell =
      static_cast<size_t>(move) * static_cast<size_t>(rules.actors) + static_cast<size_t>(k);
  for (std::int32_t h = rules.reply_hit_first[cell]; h < rules.reply_hit_first[cell + 1]; ++h) {
    const std::int32_t m = rules.reply_hits[static_cast<size_t>(h)];
    const std::uint8_t hit = rules.gain_interference[row + static_cast<size_t>(m)];
    // Without the availability bit, m is available exactly when it was with no move made.
    const bool recompute = (hit & Rules::kGainAvailability)
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

void prepare(const Rules& rules, const Params& p, const State& s, Scratch& w) {
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
  look.rows_open.assign(static_cast<size_t>(rules.flat.row_words), 0);
  for (size_t r = 0; r < rules.timeline.size(); ++r)
    if (opt.timeline_active[r] && in_next_turn(rules.timeline[r], s.turn + 1) &&
        !w.box.when_holds(rules, r))
      look.rows_open[r / 64] |= 1ULL << (r % 64);
  w.replies.resize(static_cast<size_t>(rules.actors));
  w.rows.resize(static_cast<size_t>(rules.flat.row_words));
  look.pass_ready.assign(static_cast<size_t>(rules.actors), 0);
  look.pass_columns.resize(static_cast<size_t>(rules.actors));
  look.pass_terms.resize(static_cast<size_t>(rules.actors));
  look.pass_rows.resize(static_cast<size_t>(rules.actors * rules.flat.row_words));
}

// Value to actor i of making `move` (-1 = pass) now, counting the replies it triggers: the other
// AI actors' best replies and the timeline rules of the next turn its move makes true. Leaves
// the sandbox as it found it. With kRecord, `record` receives the replies and rows (and the
// utility and value); the turn instantiates it without, so recording costs it nothing.
template <bool kRecord>
double lookahead_value(const Rules& rules, const Params& p, int i, std::int32_t move, Scratch& w,
                       MoveDetail* record) {
  if constexpr (kRecord) {
    record->move = move;
    record->replies.clear();
    record->rows.clear();
  }
  Lookahead& look = w.look;
  Sandbox& box = w.box;
  const Sandbox::Mark start = box.mark();
  if (move >= 0) box.apply(rules, p, move);

  // Every other AI actor replies to the same position (the move alone), then all replies apply.
  size_t n_replies = 0;
  bool pass_replies = true;  // every reply is the one made with no move
  for (const std::int32_t k : look.ai) {
    if (k == i) continue;
    // A move that touches nothing k's choice reads leaves k's reply as it was with no move.
    const bool changed =
        move >= 0 &&
        rules.reply_interference[static_cast<size_t>(move) * static_cast<size_t>(rules.actors) +
                                 static_cast<size_t>(k)];
    const std::int32_t r = changed ? best_reply_after(rules, p, box, look, move, k)
                                   : look.pass_replies[static_cast<size_t>(k)];
    pass_replies = pass_replies && r == look.pass_replies[static_cast<size_t>(k)];
    if (r >= 0) w.replies[n_replies++] = r;
    if constexpr (kRecord) record->replies.emplace_back(k, r);
  }
  const auto words = static_cast<size_t>(rules.flat.row_words);
  const std::uint64_t* touched = rules.flat.rows_touched.data();
  const auto ia = static_cast<size_t>(i);
  if (move >= 0 && pass_replies && look.pass_ready[ia] && !box.risk_changed(i)) {
    // The world is this move, then the replies of i's pass value. When the move changes none of
    // the issues they change and they open no timeline row, i's utility there is its utility
    // now plus their terms, added in the order utility() would add them: no need to apply them.
    bool apart = true;
    for (const std::int32_t j : look.pass_columns[ia]) apart = apart && !box.changed(j);
    for (size_t k = 0; k < words && apart; ++k)
      apart = ((touched[static_cast<size_t>(move) * words + k] | look.pass_rows[ia * words + k]) &
               look.rows_open[k]) == 0;
    if (apart) {
      const double value = box.utility_plus(i, look.pass_terms[ia]);
      box.rollback(start);
      // Apart, no timeline row opens: the value is the utility after the move and replies.
      if constexpr (kRecord) record->utility = record->value = value;
      return value;
    }
  }
  for (size_t k = 0; k < n_replies; ++k) box.apply(rules, p, w.replies[k]);

  const double u_full = box.utility(i);
  double value = u_full;
  // A rule is a reply only if the moves make its condition true: it must read something they
  // wrote and must not hold anyway.
  for (size_t k = 0; k < words; ++k) w.rows[k] = 0;
  for (const std::int32_t m : box.made())
    for (size_t k = 0; k < words; ++k) w.rows[k] |= touched[static_cast<size_t>(m) * words + k];
  if (move < 0) {
    // Keep what a move's value can reuse (see Lookahead): here only R(i) has been applied.
    look.pass_ready[ia] = box.risk_changed(i) ? 0 : 1;
    const std::span<const std::int32_t> columns = box.changed_issues();
    look.pass_columns[ia].assign(columns.begin(), columns.end());
    look.pass_terms[ia].clear();
    box.changed_terms(i, look.pass_terms[ia]);
    for (size_t k = 0; k < words; ++k) look.pass_rows[ia * words + k] = w.rows[k];
  }
  for (size_t k = 0; k < words; ++k) {
    for (std::uint64_t bits = w.rows[k] & look.rows_open[k]; bits != 0; bits &= bits - 1) {
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

void score_prepared(const Rules& rules, const Params& p, const State& s, int actor,
                    const std::vector<std::int32_t>& candidates, std::vector<double>& scores,
                    Scratch& w, ScoreBreakdown* breakdown) {
  scores.resize(candidates.size());
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

bool touches(const std::vector<Slot>& reads, const Slot& slot) {
  return std::find(reads.begin(), reads.end(), slot) != reads.end();
}

}  // namespace

void derive_lookahead_tables(Rules& rules) {
  // The flat rules say which effects the sandbox applies; the others cannot interfere.
  derive_flat_rules(rules);
  const std::vector<std::uint8_t>& live = rules.flat.effect_live;
  const auto actors = static_cast<size_t>(rules.actors);
  rules.reply_interference.assign(static_cast<size_t>(rules.moves) * actors, 0);
  for (int k = 0; k < rules.actors; ++k) {
    // Everything actor k's best reply reads: its own utility row, and for each of its moves the
    // slots it writes, the status quo under any position it writes, its cost and its condition.
    std::vector<Slot> reads;
    bool whole_row = false;
    reads.push_back(Slot{SlotKind::risk, k, 0});
    for (int j = 0; j < rules.issues; ++j) {
      reads.push_back(Slot{SlotKind::position, k, j});
      reads.push_back(Slot{SlotKind::salience, k, j});
    }
    for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(k)]) {
      const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
      reads.push_back(Slot{SlotKind::cost, m, 0});
      for (const Slot& r : mv.requirement.reads()) reads.push_back(r);
      for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e) {
        if (!live[static_cast<size_t>(e)]) continue;
        const Slot& t = rules.effects[static_cast<size_t>(e)].target;
        reads.push_back(t);
        if (t.kind == SlotKind::position) reads.push_back(Slot{SlotKind::issue, t.b, 0});
        if ((t.kind == SlotKind::salience || t.kind == SlotKind::risk) && t.a == k)
          whole_row = true;
      }
    }
    if (whole_row)
      for (int j = 0; j < rules.issues; ++j) reads.push_back(Slot{SlotKind::issue, j, 0});
    for (int m = 0; m < rules.moves; ++m) {
      const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
      bool hit =
          touches(reads, Slot{SlotKind::done, m, 0}) || touches(reads, Slot{SlotKind::last, m, 0});
      for (std::int32_t e = mv.first_effect; e < mv.end_effect && !hit; ++e)
        hit = live[static_cast<size_t>(e)] &&
              touches(reads, rules.effects[static_cast<size_t>(e)].target);
      rules.reply_interference[static_cast<size_t>(m) * actors + static_cast<size_t>(k)] =
          hit ? 1 : 0;
    }
  }
  // Move-level version: what the gain of move n reads. The gain is a sum over the issues n
  // touches (utility is separable by issue) unless n rewrites its actor's saliences or risk.
  const auto moves = static_cast<size_t>(rules.moves);
  rules.gain_interference.assign(moves * moves, 0);
  for (int n = 0; n < rules.moves; ++n) {
    const RuleMove& mv = rules.move_rules[static_cast<size_t>(n)];
    const int k = mv.actor;
    const std::vector<Slot> requirement = mv.requirement.reads();
    std::vector<Slot> reads;
    bool everything = false;
    reads.push_back(Slot{SlotKind::cost, n, 0});
    reads.push_back(Slot{SlotKind::risk, k, 0});
    for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e) {
      if (!live[static_cast<size_t>(e)]) continue;
      const Slot& t = rules.effects[static_cast<size_t>(e)].target;
      reads.push_back(t);
      if (t.kind == SlotKind::issue) {
        reads.push_back(Slot{SlotKind::position, k, t.a});
        reads.push_back(Slot{SlotKind::salience, k, t.a});
      } else if (t.kind == SlotKind::position && t.a == k) {
        reads.push_back(Slot{SlotKind::issue, t.b, 0});
        reads.push_back(Slot{SlotKind::salience, k, t.b});
      } else if ((t.kind == SlotKind::salience || t.kind == SlotKind::risk) && t.a == k) {
        everything = true;
      }
    }
    for (int m = 0; m < rules.moves; ++m) {
      const RuleMove& other = rules.move_rules[static_cast<size_t>(m)];
      bool value = everything;
      bool availability = touches(requirement, Slot{SlotKind::done, m, 0}) ||
                          touches(requirement, Slot{SlotKind::last, m, 0});
      for (std::int32_t e = other.first_effect; e < other.end_effect; ++e) {
        if (!live[static_cast<size_t>(e)]) continue;
        const Slot& t = rules.effects[static_cast<size_t>(e)].target;
        // Changing k's salience sum or risk changes every gain of k.
        value = value || touches(reads, t) ||
                ((t.kind == SlotKind::salience || t.kind == SlotKind::risk) && t.a == k);
        availability = availability || touches(requirement, t);
      }
      rules.gain_interference[static_cast<size_t>(m) * moves + static_cast<size_t>(n)] =
          static_cast<std::uint8_t>((value ? Rules::kGainValue : 0) |
                                    (availability ? Rules::kGainAvailability : 0));
    }
  }
  rules.reply_hit_first.clear();
  rules.reply_hits.clear();
  for (int m = 0; m < rules.moves; ++m)
    for (int k = 0; k < rules.actors; ++k) {
      rules.reply_hit_first.push_back(static_cast<std::int32_t>(rules.reply_hits.size()));
      for (const std::int32_t n : rules.moves_of_actor[static_cast<size_t>(k)])
        if (rules.gain_interference[static_cast<size_t>(m) * moves + static_cast<size_t>(n)] != 0)
          rules.reply_hits.push_back(n);
    }
  rules.reply_hit_first.push_back(static_cast<std::int32_t>(rules.reply_hits.size()));
}

void score_moves(const Rules& rules, const Params& p, const State& s, int actor,
                 const std::vector<std::int32_t>& candidates, std::vector<double>& scores,
                 ScoreBreakdown* breakdown) {
  Scratch& w = scratch();
  prepare(rules, p, s, w);
  score_prepared(rules, p, s, actor, candidates, scores, w, breakdown);
}

double choice_probabilities(const std::vector<double>& scores, double temperature, int pick,
                            std::vector<double>& probability) {
  probability.assign(scores.size(), 0.0);
  if (temperature <= 0.0) {
    if (pick >= 0) probability[static_cast<size_t>(pick)] = 1.0;
    return pick < 0 ? 1.0 : 0.0;
  }
  if (scores.empty()) return 1.0;
  // As the draw weighs them (ai_pick): relative to the best score, pass scoring 0.
  double top = 0.0;
  for (const double sc : scores) top = std::max(top, sc);
  double total = std::exp(-top / temperature);
  for (size_t c = 0; c < scores.size(); ++c)
    total += probability[c] = std::exp((scores[c] - top) / temperature);
  for (double& q : probability) q /= total;
  return std::exp(-top / temperature) / total;
}

std::pair<double, double> veto_window(const Rules& rules, const State& s, int issue) noexcept {
  const double q = s.status_quo[issue];
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  for (int a = 0; a < rules.actors; ++a) {
    if (!rules.has_veto(a, issue)) continue;
    // Utility falls with distance on one dimension, so the points a veto player likes at least
    // as much as q are those no farther from its position than q is.
    const double x = s.position(a, issue);
    const double d = std::abs(q - x);
    lo = std::max(lo, x - d);
    hi = std::min(hi, x + d);
  }
  return {lo, hi};
}

double clip_to_veto(const Rules& rules, const State& s, int issue, double proposal) noexcept {
  const auto [lo, hi] = veto_window(rules, s, issue);
  return std::clamp(proposal, lo, hi);
}

namespace {

void apply_drift_in_place(const Rules& rules, const Params& /*p*/, State& s, Rng& rng) {
  for (int j = 0; j < rules.issues; ++j) {
    double q = s.status_quo[j] + s.drift[j];
    // Each issue draws from its own child stream, so adding an issue or switching noise off on
    // one issue leaves the others' draws unchanged (common random numbers across options).
    if (s.noise[j] > 0.0) q += s.noise[j] * rng.split(static_cast<std::uint64_t>(j)).normal();
    s.status_quo[j] = std::clamp(q, 0.0, 100.0);
  }
}

// What condition `c` reads in `s`, for a detail record.
ConditionInputs inputs_of(const Condition& c, const State& s) {
  ConditionInputs in;
  for (const Slot& slot : c.reads())
    if (std::none_of(in.begin(), in.end(), [&](const auto& e) { return e.first == slot; }))
      in.emplace_back(slot, get(s, slot));
  return in;
}

void fire_timeline_in_place(const Rules& rules, const Params& p, State& s, Rng& rng,
                            TurnDetail* detail) {
  const OptionRules& opt = rules.options[static_cast<size_t>(p.option)];
  for (size_t r = 0; r < rules.timeline.size(); ++r) {
    const RuleTimeline& row = rules.timeline[r];
    if (!opt.timeline_active[r] || s.turn < row.first_turn || s.turn > row.last_turn) continue;
    const double prob = p.values[static_cast<size_t>(row.probability)];
    TimelineDetail* d = nullptr;
    if (detail != nullptr) {
      d = &detail->timeline.emplace_back();
      d->row = static_cast<std::int32_t>(r);
      d->probability = prob;
    }
    if (!holds(rules, rules.flat.when[r], s)) {
      if (d != nullptr) {
        d->outcome = RowOutcome::when_false;
        d->inputs = inputs_of(row.when, s);
      }
      continue;
    }
    const Condition& requirement = rules.move_rules[static_cast<size_t>(row.move)].requirement;
    if (!holds(rules, rules.flat.requirement[static_cast<size_t>(row.move)], s)) {
      if (d != nullptr) {
        d->outcome = RowOutcome::requirement_false;
        d->inputs = inputs_of(requirement, s);
      }
      continue;
    }
    if (prob < 1.0) {
      const double u = rng.split(r).uniform();
      if (d != nullptr) d->draw = u;
      if (u >= prob) {
        if (d != nullptr) d->outcome = RowOutcome::draw_missed;
        continue;
      }
    }
    apply_effects(rules, p, row.move, s);
    mark_made(s, row.move);
  }
  s.made_by_timeline = static_cast<std::int32_t>(s.made.size());
}

// The AI's pick for actor i from the prepared snapshot: the index into w.candidates (filled here
// with i's available moves, w.scores with their scores), or -1 for pass. With a temperature the
// draw comes from rng.split(i), so every actor's draw is its own whoever else moves.
int ai_pick(const Rules& rules, const Params& p, const State& s, int i, Rng& rng, Scratch& w,
            ScoreBreakdown* breakdown = nullptr) {
  const double temperature = model_value(s, ModelKey::temperature);
  w.candidates.clear();
  for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(i)])
    if (available(rules, p.option, m, s)) w.candidates.push_back(m);
  w.scores.clear();
  w.weights.clear();
  if (w.candidates.empty()) return -1;
  score_prepared(rules, p, s, i, w.candidates, w.scores, w, breakdown);

  int pick = -1;  // -1 = pass, whose score is 0
  if (temperature <= 0.0) {
    double best = 0.0;
    for (size_t c = 0; c < w.scores.size(); ++c)
      if (w.scores[c] > best) {
        best = w.scores[c];
        pick = static_cast<int>(c);
      }
    return pick;
  }
  double top = 0.0;
  for (const double sc : w.scores) top = std::max(top, sc);
  // Weights relative to the best score, so exp cannot overflow; pass scores 0.
  w.weights.resize(w.scores.size());
  const double pass_weight = std::exp((0.0 - top) / temperature);
  double total = pass_weight;
  for (size_t c = 0; c < w.scores.size(); ++c)
    total += w.weights[c] = std::exp((w.scores[c] - top) / temperature);
  double u = rng.split(static_cast<std::uint64_t>(i)).uniform() * total;
  u -= pass_weight;
  for (size_t c = 0; c < w.scores.size() && u >= 0.0; ++c) {
    pick = static_cast<int>(c);
    u -= w.weights[c];
  }
  return pick;
}

// Records actor i's choice, just made by ai_pick (`pick`, with w and `scores` as it left them).
void record_choice(const State& s, int i, int pick, const Scratch& w, ScoreBreakdown& scores,
                   TurnDetail& detail) {
  ChoiceDetail& c = detail.choices.emplace_back();
  c.actor = i;
  c.temperature = model_value(s, ModelKey::temperature);
  c.lookahead = model_value(s, ModelKey::lookahead) >= 0.5;
  c.scores = std::move(scores);
  std::vector<double> probability;
  c.pass_probability = choice_probabilities(w.scores, c.temperature, pick, probability);
  c.scores.pass.probability = c.pass_probability;
  for (size_t k = 0; k < probability.size(); ++k) c.scores.moves[k].probability = probability[k];
  c.choice = pick >= 0 ? w.candidates[static_cast<size_t>(pick)] : -1;
}

void choose_moves_in_place(const Rules& rules, const Params& p, State& s, Rng& rng,
                           const Seats* seats, TurnDetail* detail) {
  Scratch& w = scratch();
  prepare(rules, p, s, w);
  std::vector<std::int32_t>& chosen = w.chosen;
  chosen.clear();
  for (int i = 0; i < rules.actors; ++i) {
    if (seats != nullptr && seats->human[static_cast<size_t>(i)] != 0) {
      // A person's moves, if still theirs to make: the same snapshot the AI actors see.
      for (const std::int32_t m : seats->moves[static_cast<size_t>(i)])
        if (m >= 0 && m < rules.moves && rules.move_rules[static_cast<size_t>(m)].actor == i &&
            available(rules, p.option, m, s) &&
            std::find(chosen.begin(), chosen.end(), m) == chosen.end())
          chosen.push_back(m);
      if (detail != nullptr && !rules.moves_of_actor[static_cast<size_t>(i)].empty()) {
        // What the AI would have done in the seat, for the debrief: advise's pick (the same
        // snapshot and draw), recorded but not played. The draw is the actor's own child
        // stream, so taking it changes no other actor's.
        ScoreBreakdown scores;
        const int pick = ai_pick(rules, p, s, i, rng, w, &scores);
        record_choice(s, i, pick, w, scores, *detail);
        detail->choices.back().seated = true;
      }
      continue;
    }
    if (rules.control[static_cast<size_t>(i)] != Control::ai) continue;
    if (detail == nullptr) {
      const int pick = ai_pick(rules, p, s, i, rng, w);
      if (pick >= 0) chosen.push_back(w.candidates[static_cast<size_t>(pick)]);
      continue;
    }
    ScoreBreakdown scores;
    const int pick = ai_pick(rules, p, s, i, rng, w, &scores);
    if (pick >= 0) chosen.push_back(w.candidates[static_cast<size_t>(pick)]);
    record_choice(s, i, pick, w, scores, *detail);
  }
  // Everyone chose from the same snapshot; now the choices take effect, in actor order.
  for (const std::int32_t m : chosen) {
    apply_effects(rules, p, m, s);
    mark_made(s, m);
  }
}

// The stream of one phase of the current turn (1 drift, 2 timeline, 3 choices, 4 bargaining,
// 5 influence), derived from the run's stream.
Rng phase_rng(const Rng& run, int turn, std::uint64_t phase) {
  return run.split(static_cast<std::uint64_t>(turn)).split(phase);
}

void bargain_in_place(const Rules& rules, const Params& p, State& s, Rng& /*rng*/,
                      TurnDetail* detail) {
  const double rate = model_value(s, ModelKey::settle_rate);
  if (detail != nullptr) detail->settle_rate = rate;
  if (rate <= 0.0) return;
  const BargainingModel model = rules.options[static_cast<size_t>(p.option)].bargaining_at(s.turn);
  const VectorMap& cap = s.capability;
  for (int j = 0; j < rules.issues; ++j) {
    if (!rules.negotiable[static_cast<size_t>(j)]) continue;
    // Nobody cares (every salience 0): nobody bargains, so the issue stays where it is, whatever
    // the model (the rule of hold_uncared_dims; compromise_1d alone would move it to the plain
    // mean of the positions).
    int n = 0;
    for (int a = 0; a < rules.actors; ++a) n += s.salience(a, j) > 0.0 ? 1 : 0;
    if (n == 0) continue;
    double outcome = s.status_quo[j];
    if (model == BargainingModel::compromise || model == BargainingModel::median) {
      // A per-thread buffer: the weights are needed every turn on every issue.
      thread_local Eigen::VectorXd w;
      w.resize(rules.actors);
      w.noalias() = cap.cwiseProduct(s.power.col(j));
      outcome = model == BargainingModel::compromise
                    ? compromise_1d(s.position.col(j), s.salience.col(j), w)
                    : median_1d(s.position.col(j), s.salience.col(j), w);
    } else {
      // The iterative models see only the n actors that care about the issue.
      BargainingInput in;
      in.position.resize(n, 1);
      in.salience.resize(n, 1);
      in.capability.resize(n);
      in.power.resize(n, 1);
      for (int a = 0, r = 0; a < rules.actors; ++a) {
        if (s.salience(a, j) <= 0.0) continue;
        in.position(r, 0) = s.position(a, j);
        in.salience(r, 0) = s.salience(a, j);
        in.capability[r] = cap[a];
        in.power(r, 0) = s.power(a, j);
        ++r;
      }
      // The Nash solution's disagreement point is where the issue stands now.
      in.status_quo = Eigen::VectorXd::Constant(1, s.status_quo[j]);
      BargainingSettings settings;
      settings.rounds = std::max(1, static_cast<int>(model_value(s, ModelKey::rounds)));
      settings.eum_q = model_value(s, ModelKey::eum_q);
      outcome = parley::bargain(model, in, settings).outcome[0];
    }
    if (!std::isfinite(outcome)) {
      // Weights that overflow (a capability of 1e308, say) give no outcome. Skipping the issue
      // would hide that; a non-finite status quo makes the run fail with the issue's metric
      // named, as every other non-finite value does (docs/MODEL.md).
      s.status_quo[j] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    const double proposal = s.status_quo[j] + rate * (outcome - s.status_quo[j]);
    const double settled = std::clamp(clip_to_veto(rules, s, j, proposal), 0.0, 100.0);
    if (detail != nullptr) {
      BargainDetail& b = detail->bargaining.emplace_back();
      b.issue = j;
      b.status_quo = s.status_quo[j];
      b.outcome = outcome;
      b.proposal = proposal;
      std::tie(b.veto_low, b.veto_high) = veto_window(rules, s, j);
      b.new_status_quo = settled;
    }
    s.status_quo[j] = settled;
  }
}

void update_positions_in_place(const Rules& rules, const Params& /*p*/, State& s, Rng& /*rng*/) {
  const double rate = model_value(s, ModelKey::influence_rate);
  if (rate <= 0.0 || rules.actors < 2) return;
  const int actors = rules.actors;
  // Plain loops: the matrices are a few actors wide, far below where a matrix product pays.
  thread_local std::vector<double> voice, shifted;
  // Each actor's friends (positive affinity) and how much it likes them, listed once per turn:
  // only friends pull, and the list spares the per-issue tests.
  thread_local std::vector<std::int32_t> friend_begin, friends;
  thread_local std::vector<double> likes;
  voice.resize(static_cast<size_t>(actors));
  shifted.resize(static_cast<size_t>(actors));
  friend_begin.clear();
  friends.clear();
  likes.clear();
  for (int i = 0; i < actors; ++i) {
    friend_begin.push_back(static_cast<std::int32_t>(friends.size()));
    for (int k = 0; k < actors; ++k) {
      const double like = s.affinity(i, k);
      if (k == i || like <= 0.0) continue;
      friends.push_back(k);
      likes.push_back(like);
    }
  }
  friend_begin.push_back(static_cast<std::int32_t>(friends.size()));
  for (int j = 0; j < rules.issues; ++j) {
    double total = 0.0;
    for (int k = 0; k < actors; ++k) {
      // Weight of actor k's voice on issue j: capability x issue power x salience.
      voice[static_cast<size_t>(k)] = s.capability[k] * s.power(k, j) * s.salience(k, j);
      total += voice[static_cast<size_t>(k)];
    }
    for (int i = 0; i < actors; ++i) {
      const double xi = s.position(i, j);
      shifted[static_cast<size_t>(i)] = xi;
      // Normalising by everyone else's voice (not only friends') keeps weak liking a weak pull.
      const double others = total - voice[static_cast<size_t>(i)];
      if (others <= 0.0) continue;
      double pull = 0.0;
      for (std::int32_t f = friend_begin[static_cast<size_t>(i)];
           f < friend_begin[static_cast<size_t>(i) + 1]; ++f) {
        const std::int32_t k = friends[static_cast<size_t>(f)];
        pull +=
            likes[static_cast<size_t>(f)] * voice[static_cast<size_t>(k)] * (s.position(k, j) - xi);
      }
      shifted[static_cast<size_t>(i)] = std::clamp(xi + rate * pull / others, 0.0, 100.0);
    }
    // Everyone moves from the same positions, so the update is written back afterwards.
    for (int i = 0; i < actors; ++i) s.position(i, j) = shifted[static_cast<size_t>(i)];
  }
}

}  // namespace

State apply_drift(const Rules& rules, const Params& p, State s, Rng& rng) {
  apply_drift_in_place(rules, p, s, rng);
  return s;
}

State fire_timeline(const Rules& rules, const Params& p, State s, Rng& rng) {
  fire_timeline_in_place(rules, p, s, rng, nullptr);
  return s;
}

State choose_moves(const Rules& rules, const Params& p, State s, Rng& rng) {
  choose_moves_in_place(rules, p, s, rng, nullptr, nullptr);
  return s;
}

State bargain(const Rules& rules, const Params& p, State s, Rng& rng) {
  bargain_in_place(rules, p, s, rng, nullptr);
  return s;
}

State update_positions(const Rules& rules, const Params& p, State s, Rng& rng) {
  update_positions_in_place(rules, p, s, rng);
  return s;
}

State begin_turn(const Rules& rules, const Params& p, State s, const Rng& rng, TurnDetail* detail) {
  s.turn += 1;
  s.made.clear();
  s.made_by_timeline = 0;
  apply_option_start(rules, p, s);  // an option that starts this turn, before its drift
  if (detail != nullptr) {
    *detail = TurnDetail{};
    detail->turn = s.turn;
  }
  Rng drift_rng = phase_rng(rng, s.turn, 1), timeline_rng = phase_rng(rng, s.turn, 2);
  apply_drift_in_place(rules, p, s, drift_rng);
  fire_timeline_in_place(rules, p, s, timeline_rng, detail);
  return s;
}

State finish_turn(const Rules& rules, const Params& p, State s, const Rng& rng, const Seats* seats,
                  TurnDetail* detail) {
  Rng choice_rng = phase_rng(rng, s.turn, 3), bargain_rng = phase_rng(rng, s.turn, 4),
      influence_rng = phase_rng(rng, s.turn, 5);
  if (detail != nullptr) detail->turn = s.turn;
  choose_moves_in_place(rules, p, s, choice_rng, seats, detail);
  bargain_in_place(rules, p, s, bargain_rng, detail);
  update_positions_in_place(rules, p, s, influence_rng);
  return s;
}

State step(const Rules& rules, const Params& p, State s, Rng& rng) {
  // The two halves as a batch runs them; a classroom runs them apart, people choosing between.
  return finish_turn(rules, p, begin_turn(rules, p, std::move(s), rng), rng);
}

void make_as_timeline(const Rules& rules, const Params& p, std::int32_t m, State& s) {
  apply_effects(rules, p, m, s);
  mark_made(s, m);
  s.made_by_timeline = static_cast<std::int32_t>(s.made.size());
}

AiAdvice advise(const Rules& rules, const Params& p, const State& s, const Rng& rng, int actor) {
  Scratch& w = scratch();
  prepare(rules, p, s, w);
  Rng choice_rng = phase_rng(rng, s.turn, 3);
  const int pick = ai_pick(rules, p, s, actor, choice_rng, w);
  AiAdvice a;
  a.moves = w.candidates;
  a.scores = w.scores;
  a.choice = pick >= 0 ? w.candidates[static_cast<size_t>(pick)] : -1;
  // The chance of each choice: softmax over the scores and pass (score 0), or all on the best
  // reply at temperature 0.
  a.pass_probability =
      choice_probabilities(a.scores, model_value(s, ModelKey::temperature), pick, a.probability);
  return a;
}

}  // namespace parley

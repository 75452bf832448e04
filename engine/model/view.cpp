#include "engine/model/view.hpp"

#include <algorithm>
#include <cmath>

namespace parley {

bool holds(const Condition& c, const State& s) noexcept {
  // A condition of no Rules (e.g. --given): its slots resolved on the fly, same evaluator.
  const CondNode* first = c.rpn.data();
  return run_condition(first, first + c.rpn.size(),
                       [&s](const CondNode& n) { return get(s, n.slot); });
}

namespace {

// A compiled condition on a State, whose read-only slots come from its counters.
inline bool holds_on(const FlatRules& flat, const FlatCondition& c, const State& s) noexcept {
  return flat.holds_with(c, [&s](std::int32_t index) { return flat_value(s, index); });
}

}  // namespace

bool holds(const Rules& rules, const FlatCondition& c, const State& s) noexcept {
  return holds_on(rules.flat(), c, s);
}

void apply_effects(const Rules& rules, const Params& p, std::int32_t m, State& s) noexcept {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
  double* v = s.values.data();
  for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e) {
    const FlatEffect& f = rules.flat().every_effect[static_cast<size_t>(e)];
    double& slot = v[f.index];
    slot = std::clamp(apply_op(f.op, slot, p.values[static_cast<size_t>(f.value)]), f.lo, f.hi);
  }
}

void apply_option_start(const Rules& rules, const Params& p, State& s) noexcept {
  const OptionRules& opt = rules.options[static_cast<size_t>(p.option)];
  if (opt.from == 0 || s.turn != opt.from) return;
  for (const auto& [slot, id] : opt.later) set(s, slot, p.values[static_cast<size_t>(id)]);
}

double utility_at(const FlatLayout& l, const double* v, int i) noexcept {
  const int actors = l.actors, issues = l.issues;
  const double exponent = 1.0 + v[l.risk + i];
  // Actor i's row of the actor x issue blocks: one value per column, `actors` apart.
  const double* salience = v + l.salience_at(i, 0);
  const double* position = v + l.position_at(i, 0);
  const double* status_quo = v + l.issue;
  double num = 0.0, den = 0.0;
  for (int j = 0; j < issues; ++j, salience += actors, position += actors) {
    const double w = *salience;
    if (w == 0.0) continue;
    num += w * closeness(status_quo[j], *position, exponent);
    den += w;
  }
  return den > 0.0 ? num / den : 0.0;
}

namespace {

// The one availability rule (see available()), with the option's rules and the compiled
// conditions looked up by the caller, once for a series of moves.
inline bool available_at(const Rules& rules, const OptionRules& opt, const FlatRules& flat,
                         std::int32_t m, int turn, const State& s) noexcept {
  return move_available(rules, opt, m, turn, s.last_turn[m], [&] {
    return holds_on(flat, flat.requirement[static_cast<size_t>(m)], s);
  });
}

}  // namespace

bool available(const Rules& rules, int option, std::int32_t m, const State& s) noexcept {
  return available_at(rules, rules.options[static_cast<size_t>(option)], rules.flat(), m, s.turn,
                      s);
}

void available_moves(const Rules& rules, int option, std::span<const std::int32_t> moves,
                     const State& s, std::vector<std::int32_t>& out) {
  const OptionRules& opt = rules.options[static_cast<size_t>(option)];
  const FlatRules& flat = rules.flat();
  // Written through a pointer into a buffer sized for every move, then cut to the available
  // ones: a warm buffer needs no call per move (push_back is not always inlined).
  out.resize(moves.size());
  std::int32_t* const first = out.data();
  std::int32_t* next = first;
  // A copy the writes through `next` cannot alias, so it stays in a register.
  const int turn = s.turn;
  for (const std::int32_t m : moves)
    if (available_at(rules, opt, flat, m, turn, s)) *next++ = m;
  out.erase(out.begin() + (next - first), out.end());
}

}  // namespace parley

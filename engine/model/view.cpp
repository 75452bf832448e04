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

bool holds(const Rules& rules, const FlatCondition& c, const State& s) noexcept {
  return rules.flat().holds_with(c, [&s](std::int32_t index) { return flat_value(s, index); });
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

namespace {

// The utility of one issue: closeness of the status quo to the actor's position, bent by risk.
inline double closeness(double q, double x, double exponent) noexcept {
  const double c = 1.0 - std::abs(q - x) / 100.0;
  return exponent == 1.0 ? c : std::pow(c, exponent);
}

}  // namespace

double utility(const State& s, int i) noexcept {
  const double exponent = 1.0 + s.risk[i];
  double num = 0.0, den = 0.0;
  for (int j = 0; j < s.issues(); ++j) {
    const double w = s.salience(i, j);
    if (w == 0.0) continue;
    num += w * closeness(s.status_quo[j], s.position(i, j), exponent);
    den += w;
  }
  return den > 0.0 ? num / den : 0.0;
}

bool available(const Rules& rules, int option, std::int32_t m, const State& s) noexcept {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
  if (rules.options[static_cast<size_t>(option)].forbids(m, s.turn)) return false;
  if (s.turn - s.last_turn[m] <= mv.cooldown) return false;
  return holds(rules, rules.flat().requirement[static_cast<size_t>(m)], s);
}

}  // namespace parley

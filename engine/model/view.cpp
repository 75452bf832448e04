#include "engine/model/view.hpp"

#include <algorithm>
#include <cmath>

namespace parley {

int Overlay::find(const Slot& slot) const noexcept {
  // The mask is a one-word Bloom filter of the written slots: most lookups miss, cheaply.
  if ((mask & slot_bit(slot)) == 0) return -1;
  for (size_t k = 0; k < slots.size(); ++k)
    if (slots[k] == slot) return static_cast<int>(k);
  return -1;
}

bool Overlay::assumes_made(std::int32_t m) const noexcept {
  return std::find(made.begin(), made.end(), m) != made.end();
}

double get(const State& s, const Overlay& o, const Slot& slot) noexcept {
  switch (slot.kind) {
    case SlotKind::turn:
      return s.turn + (o.next_turn ? 1 : 0);
    case SlotKind::done:
      return (s.count[slot.a] > 0 || o.assumes_made(slot.a)) ? 1.0 : 0.0;
    case SlotKind::last: {
      // Seen from the next turn, "last turn" is the current one, where the overlay's moves
      // are assumed made.
      if (o.next_turn) return (o.assumes_made(slot.a) || s.last_turn[slot.a] == s.turn) ? 1.0 : 0.0;
      return s.last_turn[slot.a] == s.turn - 1 ? 1.0 : 0.0;
    }
    default:
      break;
  }
  const int k = o.find(slot);
  return k >= 0 ? o.values[static_cast<size_t>(k)] : get(s, slot);
}

namespace {

bool compare(CmpOp op, double l, double r) noexcept {
  switch (op) {
    case CmpOp::lt:
      return l < r;
    case CmpOp::le:
      return l <= r;
    case CmpOp::gt:
      return l > r;
    case CmpOp::ge:
      return l >= r;
    case CmpOp::eq:
      return l == r;
    case CmpOp::ne:
      return l != r;
  }
  return false;
}

template <class Read>
bool evaluate(const Condition& c, Read&& read) noexcept {
  if (c.rpn.empty()) return true;
  double stack[kMaxConditionDepth];
  int top = 0;
  for (const CondNode& n : c.rpn) {
    switch (n.kind) {
      case CondNode::Kind::constant:
        stack[top++] = n.value;
        break;
      case CondNode::Kind::load:
        stack[top++] = read(n.slot);
        break;
      case CondNode::Kind::compare:
        --top;
        stack[top - 1] = compare(n.cmp, stack[top - 1], stack[top]) ? 1.0 : 0.0;
        break;
      case CondNode::Kind::op_and:
        --top;
        stack[top - 1] = (stack[top - 1] != 0.0 && stack[top] != 0.0) ? 1.0 : 0.0;
        break;
      case CondNode::Kind::op_or:
        --top;
        stack[top - 1] = (stack[top - 1] != 0.0 || stack[top] != 0.0) ? 1.0 : 0.0;
        break;
      case CondNode::Kind::op_not:
        stack[top - 1] = stack[top - 1] == 0.0 ? 1.0 : 0.0;
        break;
    }
  }
  return top > 0 && stack[top - 1] != 0.0;
}

}  // namespace

bool holds(const Condition& c, const State& s) noexcept {
  return evaluate(c, [&](const Slot& slot) { return get(s, slot); });
}

bool holds(const Condition& c, const State& s, const Overlay& o) noexcept {
  return evaluate(c, [&](const Slot& slot) { return get(s, o, slot); });
}

void apply_effects(const Rules& rules, const Params& p, std::int32_t m, State& s) noexcept {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
  for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e) {
    const RuleEffect& fx = rules.effects[static_cast<size_t>(e)];
    set(s, fx.target, apply_op(fx.op, get(s, fx.target), p.values[static_cast<size_t>(fx.value)]));
  }
}

void apply_effects(const Rules& rules, const Params& p, std::int32_t m, const State& s,
                   Overlay& o) {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
  for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e) {
    const RuleEffect& fx = rules.effects[static_cast<size_t>(e)];
    // Effect targets are never read-only slots, so the overlay or the state holds their value.
    const int k = o.find(fx.target);
    const double current = k >= 0 ? o.values[static_cast<size_t>(k)] : get(s, fx.target);
    const double v =
        clamp_to_slot(fx.target, apply_op(fx.op, current, p.values[static_cast<size_t>(fx.value)]));
    if (k >= 0) {
      o.undo.emplace_back(k, o.values[static_cast<size_t>(k)]);
      o.values[static_cast<size_t>(k)] = v;
    } else {
      o.slots.push_back(fx.target);
      o.values.push_back(v);
      o.mask |= slot_bit(fx.target);
    }
  }
  o.made.push_back(m);
  o.mask |= slot_bit(Slot{SlotKind::done, m, 0}) | slot_bit(Slot{SlotKind::last, m, 0});
}

std::uint64_t read_mask(const Condition& c) noexcept {
  std::uint64_t mask = 0;
  for (const CondNode& n : c.rpn)
    if (n.kind == CondNode::Kind::load) mask |= slot_bit(n.slot);
  return mask;
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

double utility(const State& s, const Overlay& o, int i) noexcept {
  if (o.slots.empty()) return utility(s, i);
  const double exponent = 1.0 + get(s, o, Slot{SlotKind::risk, i, 0});
  double num = 0.0, den = 0.0;
  for (int j = 0; j < s.issues(); ++j) {
    const double w = get(s, o, Slot{SlotKind::salience, i, j});
    if (w == 0.0) continue;
    num += w * closeness(get(s, o, Slot{SlotKind::issue, j, 0}),
                         get(s, o, Slot{SlotKind::position, i, j}), exponent);
    den += w;
  }
  return den > 0.0 ? num / den : 0.0;
}

void UtilityBase::compute(const State& s) {
  const int actors = s.actors();
  num.assign(static_cast<size_t>(actors), 0.0);
  den.assign(static_cast<size_t>(actors), 0.0);
  closeness.resize(actors, s.issues());
  for (int i = 0; i < actors; ++i) {
    const double exponent = 1.0 + s.risk[i];
    for (int j = 0; j < s.issues(); ++j) {
      const double c = parley::closeness(s.status_quo[j], s.position(i, j), exponent);
      closeness(i, j) = c;
      const double w = s.salience(i, j);
      num[static_cast<size_t>(i)] += w * c;
      den[static_cast<size_t>(i)] += w;
    }
  }
}

double utility(const State& s, const Overlay& o, int i, const UtilityBase& base) noexcept {
  const auto ii = static_cast<size_t>(i);
  if (o.slots.empty()) return base.den[ii] > 0.0 ? base.num[ii] / base.den[ii] : 0.0;
  // One pass over the overlay collects, per touched issue, the new status quo, position and
  // salience for i (each slot occurs once in an overlay); the sums are then corrected issue by
  // issue. A handful of issues at most, so plain arrays.
  constexpr int kMax = 32;
  int issue[kMax];
  double q[kMax], x[kMax], w[kMax];
  int n = 0;
  auto entry = [&](int j) -> int {
    for (int k = 0; k < n; ++k)
      if (issue[k] == j) return k;
    if (n == kMax) return -1;
    issue[n] = j;
    q[n] = s.status_quo[j];
    x[n] = s.position(i, j);
    w[n] = s.salience(i, j);
    return n++;
  };
  const size_t count = o.slots.size();
  for (size_t k = 0; k < count; ++k) {
    const Slot& slot = o.slots[k];
    const double v = o.values[k];
    int e = 0;
    if (slot.kind == SlotKind::issue) {
      if ((e = entry(slot.a)) >= 0) q[e] = v;
    } else if (slot.a != i) {
      continue;
    } else if (slot.kind == SlotKind::position) {
      if ((e = entry(slot.b)) >= 0) x[e] = v;
    } else if (slot.kind == SlotKind::salience) {
      if ((e = entry(slot.b)) >= 0) w[e] = v;
    } else if (slot.kind == SlotKind::risk) {
      return utility(s, o, i);
    }
    if (e < 0) return utility(s, o, i);
  }
  double num = base.num[ii];
  double den = base.den[ii];
  const double exponent = 1.0 + s.risk[i];
  for (int k = 0; k < n; ++k) {
    const int j = issue[k];
    const double w_old = s.salience(i, j);
    num += w[k] * parley::closeness(q[k], x[k], exponent) - w_old * base.closeness(i, j);
    den += w[k] - w_old;
  }
  return den > 0.0 ? num / den : 0.0;
}

bool available(const Rules& rules, int option, std::int32_t m, const State& s) noexcept {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
  if (rules.options[static_cast<size_t>(option)].forbidden[static_cast<size_t>(m)]) return false;
  if (s.turn - s.last_turn[m] <= mv.cooldown) return false;
  return holds(mv.requirement, s);
}

bool available(const Rules& rules, int option, std::int32_t m, const State& s,
               const Overlay& o) noexcept {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
  if (rules.options[static_cast<size_t>(option)].forbidden[static_cast<size_t>(m)]) return false;
  const int turn = s.turn + (o.next_turn ? 1 : 0);
  const int last = o.assumes_made(m) ? s.turn : s.last_turn[m];
  if (turn - last <= mv.cooldown) return false;
  return holds(mv.requirement, s, o);
}

}  // namespace parley

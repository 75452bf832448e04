#include "engine/model/flat.hpp"

namespace parley {

FlatLayout FlatLayout::make(int actors, int issues, int moves) {
  FlatLayout l;
  l.actors = actors;
  l.issues = issues;
  l.moves = moves;
  int at = 0;
  auto block = [&at](int n) {
    const int start = at;
    at += n;
    return start;
  };
  // A new slot kind is one block here, one case in index() and its range in slot_range()
  // (engine/scenario/path.hpp); writable kinds go before `turn`.
  l.issue = block(issues);
  l.position = block(actors * issues);
  l.salience = block(actors * issues);
  l.power = block(actors * issues);
  l.capability = block(actors);
  l.risk = block(actors);
  l.affinity = block(actors * actors);
  l.recognition = block(actors * actors);
  l.drift = block(issues);
  l.noise = block(issues);
  l.cost = block(moves);
  l.model = block(kModelKeys);
  l.turn = block(1);
  l.done = block(moves);
  l.last = block(moves);
  l.last_turn = block(moves);
  l.size = at;
  return l;
}

int FlatLayout::index(const Slot& slot) const noexcept {
  switch (slot.kind) {
    case SlotKind::issue:
      return issue + slot.a;
    // Actor x issue and actor x actor blocks are column-major (see FlatLayout).
    case SlotKind::position:
      return position + slot.b * actors + slot.a;
    case SlotKind::salience:
      return salience + slot.b * actors + slot.a;
    case SlotKind::power:
      return power + slot.b * actors + slot.a;
    case SlotKind::capability:
      return capability + slot.a;
    case SlotKind::risk:
      return risk + slot.a;
    case SlotKind::affinity:
      return affinity + slot.b * actors + slot.a;
    case SlotKind::recognition:
      return recognition + slot.b * actors + slot.a;
    case SlotKind::drift:
      return drift + slot.a;
    case SlotKind::noise:
      return noise + slot.a;
    case SlotKind::cost:
      return cost + slot.a;
    case SlotKind::model:
      return model + slot.a;
    case SlotKind::turn:
      return turn;
    case SlotKind::done:
      return done + slot.a;
    case SlotKind::last:
      return last + slot.a;
  }
  return 0;
}

namespace {

// The comparison with its operands swapped: c < x is x > c.
constexpr CmpOp mirrored(CmpOp op) noexcept {
  switch (op) {
    case CmpOp::lt:
      return CmpOp::gt;
    case CmpOp::le:
      return CmpOp::ge;
    case CmpOp::gt:
      return CmpOp::lt;
    case CmpOp::ge:
      return CmpOp::le;
    case CmpOp::eq:
    case CmpOp::ne:
      break;
  }
  return op;
}

}  // namespace

FlatCondition FlatRules::add(const Condition& c) {
  using Kind = CondNode::Kind;
  const std::vector<CondNode>& rpn = c.rpn;
  // A conjunction is a run of (load, constant, compare) or (constant, load, compare) triples
  // with one `and` fewer than triples, in any nesting: every triple must hold.
  std::vector<FlatClause> found;
  size_t ands = 0;
  bool simple = true;
  for (size_t k = 0; k < rpn.size() && simple;) {
    if (rpn[k].kind == Kind::op_and) {
      ++ands;
      ++k;
      continue;
    }
    if (k + 2 >= rpn.size() || rpn[k + 2].kind != Kind::compare) {
      simple = false;
      break;
    }
    const CondNode &x = rpn[k], &y = rpn[k + 1];
    if (x.kind == Kind::load && y.kind == Kind::constant)
      found.push_back({layout.index(x.slot), rpn[k + 2].cmp, y.value});
    else if (x.kind == Kind::constant && y.kind == Kind::load)
      found.push_back({layout.index(y.slot), mirrored(rpn[k + 2].cmp), x.value});
    else
      simple = false;
    k += 3;
  }
  if (simple && (found.empty() || ands + 1 == found.size())) {
    FlatCondition out{static_cast<std::int32_t>(clauses.size()), 0, false};
    clauses.insert(clauses.end(), found.begin(), found.end());
    out.last = static_cast<std::int32_t>(clauses.size());
    return out;
  }
  FlatCondition out{static_cast<std::int32_t>(nodes.size()), 0, true};
  for (const CondNode& n : rpn)
    nodes.push_back(
        FlatNode{n.kind, n.cmp, n.kind == Kind::load ? layout.index(n.slot) : 0, n.value});
  out.last = static_cast<std::int32_t>(nodes.size());
  return out;
}

}  // namespace parley

#pragma once
/// \file
/// The scenario's conditions and effects compiled to indices of the flat state (FlatLayout,
/// engine/model/layout.hpp), and the one evaluator of compiled conditions. The real turn and
/// move scoring both use them: a read is one load, a write one store (plus an undo entry in
/// move scoring), so no lookup by slot kind happens after compile().

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/model/layout.hpp"
#include "engine/scenario/expr.hpp"

namespace parley {

/// One instruction of a compiled condition: CondNode with the slot resolved to a flat index.
struct FlatNode {
  CondNode::Kind kind = CondNode::Kind::constant;
  CmpOp cmp = CmpOp::eq;
  std::int32_t index = 0;  ///< for load
  double value = 0.0;      ///< for constant
};

/// One compiled effect: flat target, operator, drawn operand and the target's clamping range.
struct FlatEffect {
  std::int32_t index = 0;
  EffectOp op = EffectOp::assign;
  std::int32_t value = 0;  ///< NumberId of the operand
  double lo = 0.0;         ///< clamping range of the target
  double hi = 0.0;
  std::int32_t column = -1;      ///< issue whose utility terms the write changes, or -1
  std::int32_t risk_actor = -1;  ///< actor whose risk the write changes, or -1
};

/// One comparison `v[index] cmp value` of a conjunction.
struct FlatClause {
  std::int32_t index = 0;
  CmpOp cmp = CmpOp::eq;
  double value = 0.0;
};

/// A compiled condition: most conditions are comparisons of one path with a number joined by
/// `and`, and are kept as clauses [first, last) of FlatRules::clauses, tested in order until one
/// fails; any other condition (or, not, two paths compared) runs as RPN nodes [first, last) of
/// FlatRules::nodes. An empty range holds.
struct FlatCondition {
  std::int32_t first = 0;
  std::int32_t last = 0;
  bool general = false;  ///< true: nodes; false: clauses
};

/// The conditions and effects of a Rules compiled to flat indices (derived, never written by
/// hand).
struct FlatRules {
  FlatLayout layout;
  std::vector<FlatClause> clauses;
  std::vector<FlatNode> nodes;
  std::vector<FlatCondition> requirement;  ///< per move
  std::vector<FlatCondition> when;         ///< per timeline row
  /// The effects the sandbox applies, grouped by move: move m's are [effect_first[m],
  /// effect_first[m + 1]), in the order of Rules::effects. An effect is left out when nothing
  /// the sandbox reads (a utility's inputs, a cost, a slot some condition tests) can see its
  /// target, e.g. an affinity no condition mentions.
  std::vector<FlatEffect> effects;
  std::vector<std::int32_t> effect_first;  ///< moves + 1 offsets into effects
  /// Parallel to Rules::effects: 1 when the effect is kept in `effects`.
  std::vector<std::uint8_t> effect_live;
  /// moves x row_words bits: timeline rows whose `when` reads something the move writes,
  /// including its own done.M and last.M, so making the move may change whether the row holds.
  std::vector<std::uint64_t> rows_touched;
  int row_words = 0;  ///< 64-bit words per move in rows_touched
  /// Every effect of Rules::effects, compiled (parallel to it): what the real turn applies.
  std::vector<FlatEffect> every_effect;
  /// Rules::init compiled to assignments, in order (one clamped to its slot's range, as set()
  /// writes it; read-only targets, which set() ignores, left out): the initial values.
  std::vector<FlatEffect> init;
  /// Per option, OptionRules::overrides compiled likewise: applied after `init`.
  std::vector<std::vector<FlatEffect>> overrides;

  /// Compiles `c` (slots resolved with `layout`) and appends it to clauses or nodes.
  [[nodiscard]] FlatCondition add(const Condition& c);
  /// Evaluates a compiled condition on flat values `v` (every index of the layout readable).
  [[nodiscard]] bool holds(const FlatCondition& c, const double* v) const noexcept {
    return holds_with(c, [v](std::int32_t index) { return v[index]; });
  }
  /// The one evaluator of compiled conditions: `load(index)` gives the value at a flat index
  /// (a State computes its read-only slots, a sandbox stores them).
  template <class Load>
  [[nodiscard]] bool holds_with(const FlatCondition& c, const Load& load) const noexcept {
    if (c.general)
      return run_condition(nodes.data() + c.first, nodes.data() + c.last,
                           [&load](const FlatNode& n) { return load(n.index); });
    for (std::int32_t k = c.first; k < c.last; ++k) {
      const FlatClause& cl = clauses[static_cast<size_t>(k)];
      if (!compare_values(cl.cmp, load(cl.index), cl.value)) return false;
    }
    return true;
  }
};

}  // namespace parley

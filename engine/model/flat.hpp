#pragma once
/// \file
/// The State laid out as one flat array of doubles, one index per slot of the path grammar, and
/// the scenario's conditions and effects compiled to those indices. Move scoring with lookahead
/// evaluates thousands of hypothetical moves per run; on the flat array a read is one load, a
/// write one store plus an undo entry, so no lookup by slot kind happens in the hot loop.

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/model/state.hpp"
#include "engine/scenario/expr.hpp"

namespace parley {

/// Where each slot lives in the flat array. Per-actor rows (position, salience) are contiguous,
/// so one actor's utility reads consecutive values.
struct FlatLayout {
  int actors = 0;
  int issues = 0;
  int moves = 0;
  // Offsets of each block.
  int issue = 0, position = 0, salience = 0, power = 0, capability = 0, risk = 0, affinity = 0,
      recognition = 0, drift = 0, noise = 0, cost = 0, model = 0, turn = 0, done = 0, last = 0;
  /// Block of per-move "turn last made" values (kNever when never), read by cooldown checks.
  int last_turn = 0;
  int size = 0;  ///< number of values

  /// Lays out a state of the given shape.
  [[nodiscard]] static FlatLayout make(int actors, int issues, int moves);
  /// The index of `slot` (any kind, read-only ones included), in [0, size).
  [[nodiscard]] int index(const Slot& slot) const noexcept;
};

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
  /// Per move: 1 when its requirement reads `turn` or a `last.M`, the only slots whose value
  /// differs between the current turn and the sandbox's next-turn view.
  std::vector<std::uint8_t> requirement_reads_turn;
  std::vector<FlatCondition> when;  ///< per timeline row
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
  /// Per SlotKind: whether any condition reads or any kept effect writes that kind. Move scoring
  /// reads only those and the utility's (issue, position, salience, risk), so the rest is not
  /// loaded.
  std::array<bool, 15> kind_used{};

  /// Compiles `c` (slots resolved with `layout`) and appends it to clauses or nodes.
  [[nodiscard]] FlatCondition add(const Condition& c);
  /// Evaluates a compiled condition on flat values `v`.
  [[nodiscard]] bool holds(const FlatCondition& c, const double* v) const noexcept;
};

/// Evaluates nodes [first, last) on flat values `v` (an empty range holds).
[[nodiscard]] bool holds_flat(const FlatNode* first, const FlatNode* last,
                              const double* v) noexcept;

}  // namespace parley

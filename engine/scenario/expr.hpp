#pragma once
/// \file
/// Conditions ("issue.equipment < 50 and turn >= 3") and effects ("issue.reserves += 10;
/// affinity.B.A += 0.1"), parsed and resolved once at load time into flat data.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/scenario/number.hpp"
#include "engine/scenario/path.hpp"

namespace parley {

/// Comparison operators of conditions.
enum class CmpOp : std::uint8_t { lt, le, gt, ge, eq, ne };

/// One node of a condition in reverse Polish order.
struct CondNode {
  enum class Kind : std::uint8_t { constant, load, compare, op_and, op_or, op_not };
  Kind kind = Kind::constant;
  CmpOp cmp = CmpOp::eq;  ///< for compare
  Slot slot{};            ///< for load
  double value = 0.0;     ///< for constant
};

/// A parsed condition: a reverse-Polish program. Empty means "always true".
/// Comparisons yield 1 or 0; `and`/`or` treat non-zero as true. Equality compares exactly.
struct Condition {
  std::vector<CondNode> rpn;
  /// True when there is nothing to test (the condition always holds).
  [[nodiscard]] bool empty() const noexcept { return rpn.empty(); }
  /// Every slot the condition reads, in order of appearance (may repeat).
  [[nodiscard]] std::vector<Slot> reads() const;
};

/// Largest operand stack depth a condition may need; the parser rejects deeper expressions.
inline constexpr int kMaxConditionDepth = 32;

/// The truth of `l op r` (equality compares exactly).
[[nodiscard]] constexpr bool compare_values(CmpOp op, double l, double r) noexcept {
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

/// Runs the reverse-Polish program [first, last) of nodes with CondNode's `kind`, `cmp` and
/// `value` fields; `load(node)` gives the value a load node reads. An empty program holds.
/// Shared by every evaluator of conditions (on a State, on a flat array) so they cannot drift.
template <class Node, class Load>
[[nodiscard]] bool run_condition(const Node* first, const Node* last, Load&& load) noexcept {
  if (first == last) return true;
  double stack[kMaxConditionDepth];
  int top = 0;
  for (const Node* n = first; n != last; ++n) {
    switch (n->kind) {
      case CondNode::Kind::constant:
        stack[top++] = n->value;
        break;
      case CondNode::Kind::load:
        stack[top++] = load(*n);
        break;
      case CondNode::Kind::compare:
        --top;
        stack[top - 1] = compare_values(n->cmp, stack[top - 1], stack[top]) ? 1.0 : 0.0;
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

/// Parses a condition: comparisons `< <= > >= == !=` between paths and numbers, joined with
/// `and`, `or`, `not` and parentheses (precedence: not > and > or). Returns nullopt and sets
/// `error` on failure (unknown ids, bad syntax, a bare path without comparison).
[[nodiscard]] std::optional<Condition> parse_condition(std::string_view text, const IdTables& ids,
                                                       ParseError& error);

/// Assignment operators of effects.
enum class EffectOp : std::uint8_t { assign, add, sub, mul };

/// One effect as written: target path, operator and a number (which may be a distribution,
/// drawn once per run). Stored in the Scenario with the number held inline.
struct EffectSpec {
  Slot target{};
  EffectOp op = EffectOp::assign;
  Number value{};
};

/// Parses `PATH op VALUE; PATH op VALUE; ...`. Read-only targets are errors. Empty text gives an
/// empty list. Returns nullopt and sets `error` on the first failure.
[[nodiscard]] std::optional<std::vector<EffectSpec>> parse_effects(std::string_view text,
                                                                   const IdTables& ids,
                                                                   ParseError& error);

}  // namespace parley

#pragma once
/// \file
/// Reading and writing a State through the path grammar: conditions, effects, utility and move
/// availability. (Move scoring tries hypothetical moves on a Sandbox, engine/model/sandbox.hpp.)

#include <cstdint>
#include <span>
#include <vector>

#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"

namespace parley {

/// Evaluates a condition on the state (empty conditions hold).
[[nodiscard]] bool holds(const Condition& c, const State& s) noexcept;
/// Evaluates a condition compiled by compile() (Rules::flat()) on the state (empty ones hold).
[[nodiscard]] bool holds(const Rules& rules, const FlatCondition& c, const State& s) noexcept;

/// Applies move `m`'s effects to the state (clamped), in order.
void apply_effects(const Rules& rules, const Params& p, std::int32_t m, State& s) noexcept;

/// The value of `op` applied to `current` with operand `v` (before clamping).
[[nodiscard]] constexpr double apply_op(EffectOp op, double current, double v) noexcept {
  switch (op) {
    case EffectOp::assign:
      return v;
    case EffectOp::add:
      return current + v;
    case EffectOp::sub:
      return current - v;
    case EffectOp::mul:
      return current * v;
  }
  return current;
}

/// Actor i's utility, in [0,1]: sum_j s_ij (1 - |q_j - x_ij|/100)^(1+r_i) / sum_j s_ij; 0 when
/// all its saliences are 0.
[[nodiscard]] double utility(const State& s, int i) noexcept;
/// The changes of an option that starts later (OptionRules::from): when the state's turn is
/// the option's `from`, applies its `later` values in order (clamped); otherwise does nothing.
/// begin_turn calls it at the start of every turn, before drift.
void apply_option_start(const Rules& rules, const Params& p, State& s) noexcept;

/// Whether move `m` is available at the state's current turn for option `option`: not forbidden
/// (OptionRules::forbids at this turn), off cooldown and its `requires` holds.
[[nodiscard]] bool available(const Rules& rules, int option, std::int32_t m,
                             const State& s) noexcept;
/// The moves of `moves` that are available (as available() judges each), in their order, into
/// `out` (cleared first): the choice phase's candidates, with the lookups done once.
void available_moves(const Rules& rules, int option, std::span<const std::int32_t> moves,
                     const State& s, std::vector<std::int32_t>& out);
}  // namespace parley

#pragma once
/// \file
/// Reading and writing a State through the path grammar, directly or through an Overlay: a small
/// list of hypothetical changes used when actors score moves without copying the whole State.

#include <cstdint>
#include <span>
#include <vector>

#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"

namespace parley {

/// Hypothetical changes on top of a State: written slots, moves assumed made in the current turn,
/// and optionally the view from the next turn (turn + 1, so `last.M` sees those moves).
/// Reused across evaluations; clear() keeps capacity so the hot loop does not allocate.
struct Overlay {
  std::vector<Slot> slots;
  std::vector<double> values;
  std::vector<std::int32_t> made;  ///< moves assumed made at State::turn
  bool next_turn = false;          ///< read `turn` as State::turn + 1

  /// Forgets every change.
  void clear() noexcept {
    slots.clear();
    values.clear();
    made.clear();
    next_turn = false;
  }
  /// Index of `slot` among the written slots, or -1.
  [[nodiscard]] int find(const Slot& slot) const noexcept;
  /// True if `m` is assumed made.
  [[nodiscard]] bool assumes_made(std::int32_t m) const noexcept;
};

/// The value at `slot` as seen through `o`.
[[nodiscard]] double get(const State& s, const Overlay& o, const Slot& slot) noexcept;

/// Evaluates a condition on the state (empty conditions hold).
[[nodiscard]] bool holds(const Condition& c, const State& s) noexcept;
/// Evaluates a condition on the state seen through `o`.
[[nodiscard]] bool holds(const Condition& c, const State& s, const Overlay& o) noexcept;

/// Applies move `m`'s effects to the state (clamped), in order.
void apply_effects(const Rules& rules, const Params& p, std::int32_t m, State& s) noexcept;
/// Records move `m`'s effects into the overlay (clamped), in order, and marks it made.
void apply_effects(const Rules& rules, const Params& p, std::int32_t m, const State& s,
                   Overlay& o);

/// The value of `op` applied to `current` with operand `v` (before clamping).
[[nodiscard]] constexpr double apply_op(EffectOp op, double current, double v) noexcept {
  switch (op) {
    case EffectOp::assign: return v;
    case EffectOp::add: return current + v;
    case EffectOp::sub: return current - v;
    case EffectOp::mul: return current * v;
  }
  return current;
}

/// Actor i's utility, in [0,1]: sum_j s_ij (1 - |q_j - x_ij|/100)^(1+r_i) / sum_j s_ij; 0 when
/// all its saliences are 0.
[[nodiscard]] double utility(const State& s, int i) noexcept;
/// Actor i's utility as seen through `o`.
[[nodiscard]] double utility(const State& s, const Overlay& o, int i) noexcept;

/// Whether move `m` is available at the state's current turn for option `option`: not forbidden,
/// off cooldown and its `requires` holds.
[[nodiscard]] bool available(const Rules& rules, int option, std::int32_t m,
                             const State& s) noexcept;
/// The same, judged at the next turn through `o` (for lookahead replies).
[[nodiscard]] bool available(const Rules& rules, int option, std::int32_t m, const State& s,
                             const Overlay& o) noexcept;

}  // namespace parley

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
  /// Union of slot_bit() of every written slot and of done.M/last.M of every made move: a quick
  /// test of whether a condition could read anything the overlay changed.
  std::uint64_t mask = 0;

  /// Values overwritten by apply_effects (index into values, old value), for rollback().
  std::vector<std::pair<std::int32_t, double>> undo;

  /// A point to roll back to.
  struct Mark {
    size_t slots = 0;
    size_t made = 0;
    size_t undo = 0;
    std::uint64_t mask = 0;
  };

  /// Forgets every change.
  void clear() noexcept {
    slots.clear();
    values.clear();
    made.clear();
    undo.clear();
    next_turn = false;
    mask = 0;
  }
  /// The current point, for a later rollback().
  [[nodiscard]] Mark mark() const noexcept {
    return {slots.size(), made.size(), undo.size(), mask};
  }
  /// Undoes every change made since `m` (a cheap alternative to copying the overlay).
  void rollback(const Mark& m) noexcept {
    while (undo.size() > m.undo) {
      values[static_cast<size_t>(undo.back().first)] = undo.back().second;
      undo.pop_back();
    }
    slots.resize(m.slots);
    values.resize(m.slots);
    made.resize(m.made);
    mask = m.mask;
  }
  /// Index of `slot` among the written slots, or -1.
  [[nodiscard]] int find(const Slot& slot) const noexcept;
  /// True if `m` is assumed made.
  [[nodiscard]] bool assumes_made(std::int32_t m) const noexcept;
};

/// A 1-of-64 signature bit of a slot, for Overlay::mask and condition read masks.
[[nodiscard]] constexpr std::uint64_t slot_bit(const Slot& slot) noexcept {
  std::uint64_t h = static_cast<std::uint64_t>(slot.kind) * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<std::uint64_t>(static_cast<std::uint32_t>(slot.a)) * 0xC2B2AE3D27D4EB4FULL;
  h ^= static_cast<std::uint64_t>(static_cast<std::uint32_t>(slot.b)) * 0x165667B19E3779F9ULL;
  return 1ULL << ((h ^ (h >> 29) ^ (h >> 47)) & 63U);
}

/// The union of slot_bit() over every slot a condition reads.
[[nodiscard]] std::uint64_t read_mask(const Condition& c) noexcept;

/// The value at `slot` as seen through `o`.
[[nodiscard]] double get(const State& s, const Overlay& o, const Slot& slot) noexcept;

/// Evaluates a condition on the state (empty conditions hold).
[[nodiscard]] bool holds(const Condition& c, const State& s) noexcept;
/// Evaluates a condition on the state seen through `o`.
[[nodiscard]] bool holds(const Condition& c, const State& s, const Overlay& o) noexcept;

/// Applies move `m`'s effects to the state (clamped), in order.
void apply_effects(const Rules& rules, const Params& p, std::int32_t m, State& s) noexcept;
/// Records move `m`'s effects into the overlay (clamped), in order, and marks it made.
void apply_effects(const Rules& rules, const Params& p, std::int32_t m, const State& s, Overlay& o);

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
/// Actor i's utility as seen through `o`.
[[nodiscard]] double utility(const State& s, const Overlay& o, int i) noexcept;

/// Every actor's utility numerator (sum_j s_ij closeness_ij) and salience sum at one state, so
/// the utility through a small overlay can be updated issue by issue instead of recomputed.
struct UtilityBase {
  std::vector<double> num;
  std::vector<double> den;
  Eigen::MatrixXd closeness;  ///< actors x issues: (1 - |q_j - x_ij|/100)^(1 + r_i)
  /// Fills the sums for state `s`.
  void compute(const State& s);
};

/// Actor i's utility through `o`, updated from `base` (computed on the same `s`) on the issues
/// whose status quo, position or salience for i the overlay changes; recomputed in full when it
/// changes i's risk.
[[nodiscard]] double utility(const State& s, const Overlay& o, int i,
                             const UtilityBase& base) noexcept;

/// Whether move `m` is available at the state's current turn for option `option`: not forbidden,
/// off cooldown and its `requires` holds.
[[nodiscard]] bool available(const Rules& rules, int option, std::int32_t m,
                             const State& s) noexcept;
/// The same, judged at the next turn through `o` (for lookahead replies).
[[nodiscard]] bool available(const Rules& rules, int option, std::int32_t m, const State& s,
                             const Overlay& o) noexcept;

}  // namespace parley

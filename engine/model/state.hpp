#pragma once
/// \file
/// The state of one run between turns: plain Eigen arrays indexed by actor, issue and move ids.
/// No pointers and no strings, so copying a State copies the run.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "engine/scenario/path.hpp"

namespace parley {

/// Integer vector type for per-move counters.
using VectorXi32 = Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>;

/// Everything that changes during a run. Shapes: A actors, I issues, M moves.
struct State {
  int turn = 0;                            ///< turns completed so far (0 = initial state)
  Eigen::VectorXd status_quo;              ///< I, 0-100: where each issue stands
  Eigen::MatrixXd position;                ///< A x I, 0-100: what each actor wants
  Eigen::MatrixXd salience;                ///< A x I, 0-1: how much it cares
  Eigen::MatrixXd power;                   ///< A x I, >= 0: issue multiplier of capability
  Eigen::VectorXd capability;              ///< A, >= 0
  Eigen::VectorXd risk;                    ///< A, -0.9..1: utility exponent is 1 + risk
  Eigen::MatrixXd affinity;                ///< A x A, -1..1: row likes column
  Eigen::MatrixXd recognition;             ///< A x A, 0-1: row recognizes column
  Eigen::VectorXd drift;                   ///< I, points per turn
  Eigen::VectorXd noise;                   ///< I, sd in points per turn
  Eigen::VectorXd cost;                    ///< M, utility units
  VectorXi32 last_turn;                    ///< M, turn the move was last made, or kNever
  VectorXi32 count;                        ///< M, how often the move has been made
  std::array<double, kModelKeys> model{};  ///< numeric model parameters, by ModelKey
  std::vector<std::int32_t> made;          ///< moves made in the latest turn, in the order applied
  /// How many of `made`, the first ones, timeline rows made; the rest were actors' choices.
  std::int32_t made_by_timeline = 0;

  /// Sentinel of last_turn for a move never made.
  static constexpr std::int32_t kNever = -1000000;

  /// A state of the given shape, zero-filled, affinity/recognition identity on the diagonal.
  [[nodiscard]] static State zeros(int actors, int issues, int moves);

  /// Number of actors.
  [[nodiscard]] int actors() const noexcept { return static_cast<int>(capability.size()); }
  /// Number of issues.
  [[nodiscard]] int issues() const noexcept { return static_cast<int>(status_quo.size()); }
  /// Number of moves.
  [[nodiscard]] int moves() const noexcept { return static_cast<int>(cost.size()); }
};

// Inline: these sit in the innermost loops of move scoring.
/// Reads the value at `slot` (read-only slots included: turn, done.M, last.M).
[[nodiscard]] inline double get(const State& s, const Slot& slot) noexcept {
  switch (slot.kind) {
    case SlotKind::issue:
      return s.status_quo[slot.a];
    case SlotKind::position:
      return s.position(slot.a, slot.b);
    case SlotKind::salience:
      return s.salience(slot.a, slot.b);
    case SlotKind::power:
      return s.power(slot.a, slot.b);
    case SlotKind::capability:
      return s.capability[slot.a];
    case SlotKind::risk:
      return s.risk[slot.a];
    case SlotKind::affinity:
      return s.affinity(slot.a, slot.b);
    case SlotKind::recognition:
      return s.recognition(slot.a, slot.b);
    case SlotKind::drift:
      return s.drift[slot.a];
    case SlotKind::noise:
      return s.noise[slot.a];
    case SlotKind::cost:
      return s.cost[slot.a];
    case SlotKind::model:
      return s.model[static_cast<size_t>(slot.a)];
    case SlotKind::turn:
      return s.turn;
    case SlotKind::done:
      return s.count[slot.a] > 0 ? 1.0 : 0.0;
    case SlotKind::last:
      return s.last_turn[slot.a] == s.turn - 1 ? 1.0 : 0.0;
  }
  return 0.0;
}

/// Clamps `value` to the range of `slot` (model keys use their own ranges).
[[nodiscard]] inline double clamp_to_slot(const Slot& slot, double value) noexcept {
  const Range r = slot.kind == SlotKind::model ? model_key_range(static_cast<ModelKey>(slot.a))
                                               : slot_range(slot.kind);
  return std::clamp(value, r.lo, r.hi);
}

/// Writes `value` at a writable `slot`, clamped to the slot's range. Read-only slots are ignored.
inline void set(State& s, const Slot& slot, double value) noexcept {
  const double v = clamp_to_slot(slot, value);
  switch (slot.kind) {
    case SlotKind::issue:
      s.status_quo[slot.a] = v;
      break;
    case SlotKind::position:
      s.position(slot.a, slot.b) = v;
      break;
    case SlotKind::salience:
      s.salience(slot.a, slot.b) = v;
      break;
    case SlotKind::power:
      s.power(slot.a, slot.b) = v;
      break;
    case SlotKind::capability:
      s.capability[slot.a] = v;
      break;
    case SlotKind::risk:
      s.risk[slot.a] = v;
      break;
    case SlotKind::affinity:
      s.affinity(slot.a, slot.b) = v;
      break;
    case SlotKind::recognition:
      s.recognition(slot.a, slot.b) = v;
      break;
    case SlotKind::drift:
      s.drift[slot.a] = v;
      break;
    case SlotKind::noise:
      s.noise[slot.a] = v;
      break;
    case SlotKind::cost:
      s.cost[slot.a] = v;
      break;
    case SlotKind::model:
      s.model[static_cast<size_t>(slot.a)] = v;
      break;
    case SlotKind::turn:
    case SlotKind::done:
    case SlotKind::last:
      break;  // read-only: the parser rejects writes, so nothing to do
  }
}

}  // namespace parley

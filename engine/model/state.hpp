#pragma once
/// \file
/// The state of one run between turns: one flat array of doubles laid out by FlatLayout
/// (engine/model/layout.hpp), seen through Eigen maps indexed by actor, issue and move ids, plus
/// the per-move counters. No pointers to anything outside itself and no strings, so copying a
/// State copies the run.

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "engine/model/layout.hpp"
#include "engine/scenario/path.hpp"

namespace parley {

/// Integer vector type for per-move counters.
using VectorXi32 = Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>;
/// A vector block of the flat state.
using VectorMap = Eigen::Map<Eigen::VectorXd>;
/// A matrix block of the flat state (column-major, as FlatLayout lays it out).
using MatrixMap = Eigen::Map<Eigen::MatrixXd>;

/// Everything that changes during a run. Shapes: A actors, I issues, M moves. Every writable
/// slot of the path grammar is one double of `values`, at layout.index(slot); the maps below
/// are views of their blocks (a copy or move of the State points them at its own array).
struct State {
  int turn = 0;                          ///< turns completed so far (0 = initial state)
  FlatLayout layout;                     ///< where each slot lives in `values`
  std::vector<double> values;            ///< the writable slots, layout.writable() of them
  VectorMap status_quo{nullptr, 0};      ///< I, 0-100: where each issue stands
  MatrixMap position{nullptr, 0, 0};     ///< A x I, 0-100: what each actor wants
  MatrixMap salience{nullptr, 0, 0};     ///< A x I, 0-1: how much it cares
  MatrixMap power{nullptr, 0, 0};        ///< A x I, >= 0: issue multiplier of capability
  VectorMap capability{nullptr, 0};      ///< A, >= 0
  VectorMap risk{nullptr, 0};            ///< A, -0.9..1: utility exponent is 1 + risk
  MatrixMap affinity{nullptr, 0, 0};     ///< A x A, -1..1: row likes column
  MatrixMap recognition{nullptr, 0, 0};  ///< A x A, 0-1: row recognizes column
  VectorMap drift{nullptr, 0};           ///< I, points per turn
  VectorMap noise{nullptr, 0};           ///< I, sd in points per turn
  VectorMap cost{nullptr, 0};            ///< M, utility units
  VectorMap model{nullptr, 0};           ///< numeric model parameters, by ModelKey
  VectorXi32 last_turn;                  ///< M, turn the move was last made, or kNever
  VectorXi32 count;                      ///< M, how often the move has been made
  std::vector<std::int32_t> made;        ///< moves made in the latest turn, in the order applied
  /// How many of `made`, the first ones, timeline rows made; the rest were actors' choices.
  std::int32_t made_by_timeline = 0;

  /// Sentinel of last_turn for a move never made.
  static constexpr std::int32_t kNever = -1000000;

  State() = default;
  State(const State& o);
  State(State&& o) noexcept;
  State& operator=(const State& o);
  State& operator=(State&& o) noexcept;
  ~State() = default;

  /// A state of the given shape, zero-filled, power 1, affinity/recognition identity.
  [[nodiscard]] static State zeros(int actors, int issues, int moves);
  /// Makes this state what zeros() returns for layout `l`'s shape (turn 0, no moves made),
  /// keeping its storage: no allocation when it held a state of that shape before.
  void reset(const FlatLayout& l);

  /// Number of actors.
  [[nodiscard]] int actors() const noexcept { return static_cast<int>(capability.size()); }
  /// Number of issues.
  [[nodiscard]] int issues() const noexcept { return static_cast<int>(status_quo.size()); }
  /// Number of moves.
  [[nodiscard]] int moves() const noexcept { return static_cast<int>(cost.size()); }

 private:
  // Points the maps at this State's own `values`.
  void bind() noexcept;
};

/// The value at flat index `index` of layout `s.layout`, read-only slots included: turn,
/// done.M (1 once made), last.M (1 if made in the previous turn) and the per-move "turn last
/// made" values are computed from the counters.
[[nodiscard]] inline double flat_value(const State& s, int index) noexcept {
  const FlatLayout& l = s.layout;
  if (index < l.turn) return s.values[static_cast<size_t>(index)];
  if (index == l.turn) return s.turn;
  if (index < l.last) return s.count[index - l.done] > 0 ? 1.0 : 0.0;
  if (index < l.last_turn) return s.last_turn[index - l.last] == s.turn - 1 ? 1.0 : 0.0;
  return s.last_turn[index - l.last_turn];
}

/// Reads the value at `slot` (read-only slots included: turn, done.M, last.M).
[[nodiscard]] inline double get(const State& s, const Slot& slot) noexcept {
  return flat_value(s, s.layout.index(slot));
}

/// Clamps `value` to the range of `slot` (model keys use their own ranges).
[[nodiscard]] inline double clamp_to_slot(const Slot& slot, double value) noexcept {
  const Range r = slot.kind == SlotKind::model ? model_key_range(static_cast<ModelKey>(slot.a))
                                               : slot_range(slot.kind);
  return std::clamp(value, r.lo, r.hi);
}

/// Writes `value` at a writable `slot`, clamped to the slot's range. Read-only slots are ignored
/// (the parser rejects writes to them).
inline void set(State& s, const Slot& slot, double value) noexcept {
  const int index = s.layout.index(slot);
  if (index < s.layout.writable())
    s.values[static_cast<size_t>(index)] = clamp_to_slot(slot, value);
}

}  // namespace parley

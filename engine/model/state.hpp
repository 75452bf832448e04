#pragma once
/// \file
/// The state of one run between turns: plain Eigen arrays indexed by actor, issue and move ids.
/// No pointers and no strings, so copying a State copies the run.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <vector>

#include "engine/scenario/path.hpp"

namespace parley {

/// Integer vector type for per-move counters.
using VectorXi32 = Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>;

/// Everything that changes during a run. Shapes: A actors, I issues, M moves.
struct State {
  int turn = 0;                    ///< turns completed so far (0 = initial state)
  Eigen::VectorXd status_quo;      ///< I, 0-100: where each issue stands
  Eigen::MatrixXd position;        ///< A x I, 0-100: what each actor wants
  Eigen::MatrixXd salience;        ///< A x I, 0-1: how much it cares
  Eigen::MatrixXd power;           ///< A x I, >= 0: issue multiplier of capability
  Eigen::VectorXd capability;      ///< A, >= 0
  Eigen::VectorXd risk;            ///< A, -1..1: utility exponent is 1 + risk
  Eigen::MatrixXd affinity;        ///< A x A, -1..1: row likes column
  Eigen::MatrixXd recognition;     ///< A x A, 0-1: row recognizes column
  Eigen::VectorXd drift;           ///< I, points per turn
  Eigen::VectorXd noise;           ///< I, sd in points per turn
  Eigen::VectorXd cost;            ///< M, utility units
  VectorXi32 last_turn;            ///< M, turn the move was last made, or kNever
  VectorXi32 count;                ///< M, how often the move has been made
  std::array<double, kModelKeys> model{};  ///< numeric model parameters, by ModelKey
  std::vector<std::int32_t> made;  ///< moves made in the latest turn, in the order applied

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

/// Reads the value at `slot` (read-only slots included: turn, done.M, last.M).
[[nodiscard]] double get(const State& s, const Slot& slot) noexcept;

/// Writes `value` at a writable `slot`, clamped to the slot's range. Read-only slots are ignored.
void set(State& s, const Slot& slot, double value) noexcept;

/// Clamps `value` to the range of `slot` (model keys use their own ranges).
[[nodiscard]] double clamp_to_slot(const Slot& slot, double value) noexcept;

}  // namespace parley

#pragma once
/// \file
/// Where each slot of the path grammar lives in the flat array of a State: one block per slot
/// kind, laid out by FlatLayout::make and addressed by FlatLayout::index. These two functions
/// (engine/model/flat.cpp) are the only places that map slot kinds to storage: conditions and
/// effects are compiled to indices through them once, and everything after that reads and
/// writes plain indices. (Move scoring's tables also name the kinds a utility reads: issue,
/// position, salience, risk.)

#include "engine/scenario/path.hpp"

namespace parley {

/// Offsets of each block of the flat state. Actor x issue blocks (position, salience, power) and
/// actor x actor blocks (affinity, recognition) are column-major, as Eigen stores a matrix, so
/// a bargaining model maps an issue's column without a copy. The writable slots come first, in
/// [0, turn); the read-only ones (turn, done.M, last.M) and the per-move "turn last made"
/// values follow, and a State computes them from its counters instead of storing them.
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

  /// Lays out a state of the given shape (actors, issues, moves >= 0).
  [[nodiscard]] static FlatLayout make(int actors, int issues, int moves);
  /// The index of `slot` (any kind, read-only ones included), in [0, size).
  [[nodiscard]] int index(const Slot& slot) const noexcept;
  /// Number of writable values: the prefix [0, writable()) a State stores.
  [[nodiscard]] int writable() const noexcept { return turn; }
  /// Index of position(a, j): actor a (0..actors-1), issue j (0..issues-1).
  [[nodiscard]] int position_at(int a, int j) const noexcept { return position + j * actors + a; }
  /// Index of salience(a, j): actor a (0..actors-1), issue j (0..issues-1).
  [[nodiscard]] int salience_at(int a, int j) const noexcept { return salience + j * actors + a; }
};

}  // namespace parley

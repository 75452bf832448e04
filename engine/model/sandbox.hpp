#pragma once
/// \file
/// A Sandbox is a copy of one State's flat array, seen from the next turn, on which actors try
/// moves: each change is written in place and logged, and rollback() restores the copy. Utilities
/// are updated from sums kept for the loaded state, issue by issue. Used by move scoring only.

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/model/flat.hpp"
#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"

namespace parley {

/// A flat, next-turn copy of a State for trying moves; see the file comment.
class Sandbox {
 public:
  /// A point to roll back to.
  struct Mark {
    std::uint32_t undo = 0;
    std::uint32_t dirty = 0;
    std::uint32_t risk = 0;
    std::uint32_t made = 0;
  };

  /// Loads `s` as seen from the next turn (turn + 1; `last.M` is 1 for moves made at s.turn)
  /// and computes every actor's utility sums. Forgets all changes. Keeps capacity.
  void load(const Rules& rules, const State& s);

  /// The current point, for a later rollback().
  [[nodiscard]] Mark mark() const noexcept { return {n_undo_, n_dirty_, n_risk_, n_made_}; }
  /// Undoes every change made since `m`.
  void rollback(const Mark& m) noexcept;

  /// Applies move `m`'s effects (each clamped to its slot's range), in order, and records the
  /// move as made in the current turn (done.M, last.M and its cooldown see it).
  void apply(const Rules& rules, const Params& p, std::int32_t m);

  /// Whether move `m` is available at the next turn for `option`: not forbidden then
  /// (OptionRules::forbids at the next turn), off cooldown, and its `requires` holds.
  [[nodiscard]] bool available(const Rules& rules, int option, std::int32_t m) const noexcept;
  /// Whether timeline row `row`'s `when` holds.
  [[nodiscard]] bool when_holds(const Rules& rules, size_t row) const noexcept;
  /// Whether move `m`'s `requires` holds.
  [[nodiscard]] bool requirement_holds(const Rules& rules, std::int32_t m) const noexcept;
  /// Actor i's utility in [0,1] at the sandbox's values (see utility() in view.hpp).
  [[nodiscard]] double utility(int i) const noexcept;
  /// Actor i's utility if move `m` were applied now, without applying it: the same value as
  /// apply(), utility(i), rollback(), at a fraction of the cost (the move is written in place
  /// unlogged and its old values put back before returning, so the sandbox is left unchanged).
  [[nodiscard]] double utility_after(const Rules& rules, const Params& p, int i, std::int32_t m);
  /// One issue's change to an actor's utility sums: salience x closeness, and salience, each
  /// minus its loaded value (what utility() adds for a changed issue).
  struct Term {
    double num;
    double den;
  };
  /// Actor i's utility if `moves` were applied now, in order, without applying them: the same
  /// value as apply() of each, utility(i), rollback(), with the moves written in place unlogged
  /// (their done.M, last.M and cooldowns untouched, which no utility reads) and put back before
  /// returning (with no moves: utility(i) and what follows, on the sandbox as it is). `columns`
  /// receives the issues changed_issues() would then list and `risk` whether i's risk would
  /// have changed; unless it would, `terms` receives i's term of each of those issues in that
  /// order, the order utility() adds them (otherwise it is left empty).
  [[nodiscard]] double utility_after_moves(const Rules& rules, const Params& p, int i,
                                           std::span<const std::int32_t> moves,
                                           std::vector<std::int32_t>& columns,
                                           std::vector<Term>& terms, bool& risk);
  /// Actor i's utility with `extra` added after the changed issues' terms, in order: the same
  /// value as utility(i) on a sandbox where the issues of `extra` had changed after those
  /// changed now, with those terms. Only when i's risk has not changed.
  [[nodiscard]] double utility_plus(int i, std::span<const Term> extra) const noexcept;
  /// The issues changed since load(), in the order of their first change.
  [[nodiscard]] std::span<const std::int32_t> changed_issues() const noexcept {
    return {dirty_.data(), n_dirty_};
  }
  /// Whether issue j has changed since load() (its utility terms are recomputed).
  [[nodiscard]] bool changed(int j) const noexcept {
    return is_dirty_[static_cast<size_t>(j)] != 0;
  }
  /// Whether actor i's risk has changed since load().
  [[nodiscard]] bool risk_changed(int i) const noexcept {
    // Usually empty: a plain loop, which inlines where std::find would not.
    for (std::uint32_t k = 0; k < n_risk_; ++k)
      if (risk_[k] == i) return true;
    return false;
  }
  /// Move m's cost at the sandbox's values (utility units).
  [[nodiscard]] double cost(const Rules& rules, std::int32_t m) const noexcept {
    return v_[static_cast<size_t>(rules.flat().layout.cost + m)];
  }
  /// Moves made in the sandbox since load(), in order.
  [[nodiscard]] std::span<const std::int32_t> made() const noexcept {
    return {made_.data(), n_made_};
  }

 private:
  struct Undo {
    std::int32_t index;
    double old;
  };
  // Sizes every buffer for layout `l`'s shape.
  void fit(const FlatLayout& l);
  // Actor i's term of issue j at the sandbox's values.
  [[nodiscard, gnu::always_inline]] inline Term term(int i, std::int32_t j,
                                                     double exponent) const noexcept;
  // Actor i's utility summed over every issue (after a change of its risk).
  [[nodiscard]] double full_utility(int i) const noexcept;
  // Actor i's utility from the loaded sums, updated on the dirty issues, then on `extra`.
  [[nodiscard]] double utility_with(int i, const std::int32_t* extra, int n_extra) const noexcept;

  // The logs below grow by doubling and keep their sizes in n_*: apply() and rollback() run
  // tens of thousands of times per run, and a plain counter is cheaper than push_back.
  std::vector<double> v_;               // flat values
  std::vector<Undo> undo_;              // (index, old value), in write order
  std::vector<std::int32_t> dirty_;     // issues with a changed utility term, in order of change
  std::vector<std::uint8_t> is_dirty_;  // per issue
  std::vector<std::int32_t> risk_;      // actors whose risk changed (utility recomputed in full)
  std::vector<std::int32_t> made_;
  std::vector<double> saved_;  // old values written over by utility_after_moves()
  std::uint32_t n_undo_ = 0, n_dirty_ = 0, n_risk_ = 0, n_made_ = 0;
  std::vector<std::int32_t> made_count_;            // per move: applications not rolled back
  std::vector<double> done0_, last0_, last_turn0_;  // per move, as loaded
  // Utility sums of the loaded state, per actor: numerator, salience sum; per (actor, issue),
  // in the layout's order (issue j, actor a at j * actors + a): salience and salience x
  // closeness.
  std::vector<double> num_, den_, w0_, wc0_;
  int actors_ = -1, issues_ = -1, moves_ = -1;  // the shape the buffers are sized for
  int turn_ = 0;                                // the loaded state's turn
  const FlatLayout* layout_ = nullptr;
};

}  // namespace parley

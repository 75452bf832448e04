#pragma once
/// \file
/// Reading and writing a State through the path grammar: conditions, effects, utility and move
/// availability. (Move scoring tries hypothetical moves on a Sandbox, engine/model/sandbox.hpp.)

#include <algorithm>
#include <cmath>
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

/// Applies compiled effect `f` with its operand from `p` to flat values `v` (clamped to its
/// range): the one write of an effect on a State's values.
inline void apply_flat(const FlatEffect& f, const Params& p, double* v) noexcept {
  double& slot = v[f.index];
  slot = std::clamp(apply_op(f.op, slot, p.values[static_cast<size_t>(f.value)]), f.lo, f.hi);
}

/// Closeness of status quo `q` to position `x` (0-100 points) before any exponent: 1 - |q - x|/100,
/// in [0,1]. `T` is double, or an Eigen array of several (q, x) pairs at once (each element
/// computed by the same operations as a double). The formula closeness() bends.
template <class T>
[[nodiscard]] inline T linear_closeness(const T& q, const T& x) noexcept {
  using std::abs;  // Eigen's abs for arrays, found by argument-dependent lookup
  return 1.0 - abs(q - x) / 100.0;
}

/// Closeness of status quo `q` to position `x` (both 0-100 points) bent by `exponent` (1 + risk,
/// 0.1-2): (1 - |q - x|/100)^exponent, in [0,1]. The one formula of an issue's utility, used by
/// utility(), the metrics and move scoring's sums alike.
[[nodiscard]] inline double closeness(double q, double x, double exponent) noexcept {
  const double c = linear_closeness(q, x);
  return exponent == 1.0 ? c : std::pow(c, exponent);
}

/// Actor i's utility, in [0,1], from flat values `v` laid out by `l` (a State's values, or a
/// copy in the same layout): sum_j s_ij closeness(q_j, x_ij, 1 + r_i) / sum_j s_ij over the
/// issues with s_ij != 0, in issue order; 0 when all its saliences are 0.
[[nodiscard]] double utility_at(const FlatLayout& l, const double* v, int i) noexcept;

/// A utility from its sums: `num / den` when the salience sum `den` is positive, otherwise 0
/// (an actor that cares about nothing). The last step of every utility, in [0,1].
[[nodiscard]] inline double utility_of_sums(double num, double den) noexcept {
  return den > 0.0 ? num / den : 0.0;
}

/// Every actor's utility sums at flat values `v` laid out by `l`, in one pass over the actor x
/// issue blocks: num[a] = sum_j s_aj closeness(q_j, x_aj, 1 + r_a) and den[a] = sum_j s_aj, each
/// actor's sums added in issue order over every issue, zero saliences included (the sums move
/// scoring updates issue by issue). `num` and `den` hold l.actors values each. When `terms` is
/// not null it receives each term s_aj closeness(q_j, x_aj, 1 + r_a) at j * l.actors + a, the
/// order of the actor x issue blocks (l.actors * l.issues values). No output may overlap `v`.
void utility_sums(const FlatLayout& l, const double* v, double* num, double* den,
                  double* terms) noexcept;

/// Every actor's utility at flat values `v` laid out by `l`: u[a] equals utility_at(l, v, a)
/// bit for bit for each actor a, from one utility_sums() pass. `num` and `den` are scratch
/// (left holding the sums); `u`, `num` and `den` hold l.actors values each and must not overlap
/// `v` or each other.
void utilities_at(const FlatLayout& l, const double* v, double* num, double* den,
                  double* u) noexcept;

/// Actor i's utility in the state (utility_at on its values).
[[nodiscard]] inline double utility(const State& s, int i) noexcept {
  return utility_at(s.layout, s.values.data(), i);
}
/// The changes of an option that starts later (OptionRules::from): when the state's turn is
/// the option's `from`, applies its `later` values in order (clamped); otherwise does nothing.
/// begin_turn calls it at the start of every turn, before drift.
void apply_option_start(const Rules& rules, const Params& p, State& s) noexcept;

/// The one availability rule: move `m` is available at turn `turn` for option `opt` when the
/// option does not forbid it then, it was last made (`last_turn`, a turn number or
/// State::kNever) more than its cooldown ago, and `requirement_holds()` is true (called only
/// when the rest passes). Used on a State (available) and on move scoring's next-turn view.
/// `last_turn` is a State's int counter or the view's double: turn numbers are small integers,
/// exact in both, so the two give the same answer.
template <class LastTurn, class Holds>
[[nodiscard]] bool move_available(const Rules& rules, const OptionRules& opt, std::int32_t m,
                                  int turn, LastTurn last_turn,
                                  const Holds& requirement_holds) noexcept {
  if (opt.forbids(m, turn)) return false;
  if (turn - last_turn <= rules.move_rules[static_cast<size_t>(m)].cooldown) return false;
  return requirement_holds();
}

/// Whether move `m` is available at the state's current turn for option `option`: not forbidden
/// (OptionRules::forbids at this turn), off cooldown and its `requires` holds.
[[nodiscard]] bool available(const Rules& rules, int option, std::int32_t m,
                             const State& s) noexcept;
/// The moves of `moves` that are available (as available() judges each), in their order, into
/// `out` (cleared first): the choice phase's candidates, with the lookups done once.
void available_moves(const Rules& rules, int option, std::span<const std::int32_t> moves,
                     const State& s, std::vector<std::int32_t>& out);
}  // namespace parley

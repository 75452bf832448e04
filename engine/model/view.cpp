#include "engine/model/view.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace parley {

bool holds(const Condition& c, const State& s) noexcept {
  // A condition of no Rules (e.g. --given): its slots resolved on the fly, same evaluator.
  const CondNode* first = c.rpn.data();
  return run_condition(first, first + c.rpn.size(),
                       [&s](const CondNode& n) { return get(s, n.slot); });
}

namespace {

// A compiled condition on a State, whose read-only slots come from its counters.
inline bool holds_on(const FlatRules& flat, const FlatCondition& c, const State& s) noexcept {
  return flat.holds_with(c, [&s](std::int32_t index) { return flat_value(s, index); });
}

}  // namespace

bool holds(const Rules& rules, const FlatCondition& c, const State& s) noexcept {
  return holds_on(rules.flat(), c, s);
}

void apply_effects(const Rules& rules, const Params& p, std::int32_t m, State& s) noexcept {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
  double* v = s.values.data();
  for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e)
    apply_flat(rules.flat().every_effect[static_cast<size_t>(e)], p, v);
}

void apply_option_start(const Rules& rules, const Params& p, State& s) noexcept {
  const OptionRules& opt = rules.options[static_cast<size_t>(p.option)];
  if (opt.from == 0 || s.turn != opt.from) return;
  for (const auto& [slot, id] : opt.later) set(s, slot, p.values[static_cast<size_t>(id)]);
}

double utility_at(const FlatLayout& l, const double* v, int i) noexcept {
  const int actors = l.actors, issues = l.issues;
  const double exponent = 1.0 + v[l.risk + i];
  // Actor i's row of the actor x issue blocks: one value per column, `actors` apart.
  const double* salience = v + l.salience_at(i, 0);
  const double* position = v + l.position_at(i, 0);
  const double* status_quo = v + l.issue;
  double num = 0.0, den = 0.0;
  for (int j = 0; j < issues; ++j, salience += actors, position += actors) {
    const double w = *salience;
    if (w == 0.0) continue;
    num += w * closeness(status_quo[j], *position, exponent);
    den += w;
  }
  return utility_of_sums(num, den);
}

namespace {

// Actor a's sums over every issue, in issue order, with any exponent (1 + its risk); each term
// also into `terms` when kTerms.
template <bool kTerms>
inline void sum_actor(const FlatLayout& l, const double* __restrict v, int a,
                      double* __restrict num, double* __restrict den,
                      double* __restrict terms) noexcept {
  const int actors = l.actors;
  const double exponent = 1.0 + v[l.risk + a];
  const double* q = v + l.issue;
  const double* salience = v + l.salience_at(a, 0);
  const double* position = v + l.position_at(a, 0);
  double n = 0.0, d = 0.0;
  for (int j = 0; j < l.issues; ++j) {
    const double w = salience[j * actors];
    const double t = w * closeness(q[j], position[j * actors], exponent);
    if constexpr (kTerms) terms[j * actors + a] = t;
    n += t;
    d += w;
  }
  num[a] = n;
  den[a] = d;
}

// The sums of actors a .. a + kLanes - 1, all of exponent 1 (closeness without pow), side by side
// in one array: kLanes independent sums, each added in issue order. Each term also into `terms`
// when kTerms.
template <int kLanes, bool kTerms>
inline void sum_lanes(const FlatLayout& l, const double* __restrict v, int a,
                      double* __restrict num, double* __restrict den,
                      double* __restrict terms) noexcept {
  using Lanes = Eigen::Array<double, kLanes, 1>;
  using LanesIn = Eigen::Map<const Lanes>;
  const int actors = l.actors;
  const double* q = v + l.issue;
  // Issue j's column of the salience and position blocks holds the actors side by side.
  const double* salience = v + l.salience_at(a, 0);
  const double* position = v + l.position_at(a, 0);
  Lanes n = Lanes::Zero(), d = Lanes::Zero();
  for (int j = 0; j < l.issues; ++j) {
    const Lanes w = LanesIn(salience + j * actors);
    const Lanes t =
        w * linear_closeness<Lanes>(Lanes::Constant(q[j]), LanesIn(position + j * actors));
    if constexpr (kTerms) Eigen::Map<Lanes>(terms + j * actors + a) = t;
    n += t;
    d += w;
  }
  Eigen::Map<Lanes>(num + a) = n;
  Eigen::Map<Lanes>(den + a) = d;
}

template <bool kTerms>
void sum_terms(const FlatLayout& l, const double* v, double* num, double* den,
               double* terms) noexcept {
  const double* risk = v + l.risk;
  // Whether actors [a, a + n) all leave closeness unbent (their exponent is exactly 1).
  const auto unit = [risk](int a, int n) {
    for (int k = a; k < a + n; ++k)
      if (1.0 + risk[k] != 1.0) return false;
    return true;
  };
  // Six actors at a time, or four, or two, where none bends closeness; one at a time otherwise.
  for (int a = 0; a < l.actors;) {
    if (a + 6 <= l.actors && unit(a, 6)) {
      sum_lanes<6, kTerms>(l, v, a, num, den, terms);
      a += 6;
    } else if (a + 4 <= l.actors && unit(a, 4)) {
      sum_lanes<4, kTerms>(l, v, a, num, den, terms);
      a += 4;
    } else if (a + 2 <= l.actors && unit(a, 2)) {
      sum_lanes<2, kTerms>(l, v, a, num, den, terms);
      a += 2;
    } else {
      sum_actor<kTerms>(l, v, a, num, den, terms);
      a += 1;
    }
  }
}

}  // namespace

void utility_sums(const FlatLayout& l, const double* v, double* num, double* den,
                  double* terms) noexcept {
  if (terms != nullptr)
    sum_terms<true>(l, v, num, den, terms);
  else
    sum_terms<false>(l, v, num, den, nullptr);
}

void utilities_at(const FlatLayout& l, const double* v, double* num, double* den,
                  double* u) noexcept {
  sum_terms<false>(l, v, num, den, nullptr);
  for (int a = 0; a < l.actors; ++a)
    // utility_at skips the issues of salience 0. Adding their terms (+-0 each) to a sum that
    // started at +0 changes no bit, unless a term is 0 x an infinite or NaN closeness: then the
    // sum is NaN, and that actor's utility is summed again by the definition.
    u[a] = std::isnan(num[a]) ? utility_at(l, v, a) : utility_of_sums(num[a], den[a]);
}

namespace {

// The one availability rule (see available()), with the option's rules and the compiled
// conditions looked up by the caller, once for a series of moves.
inline bool available_at(const Rules& rules, const OptionRules& opt, const FlatRules& flat,
                         std::int32_t m, int turn, const State& s) noexcept {
  return move_available(rules, opt, m, turn, s.last_turn[m], [&] {
    return holds_on(flat, flat.requirement[static_cast<size_t>(m)], s);
  });
}

}  // namespace

bool available(const Rules& rules, int option, std::int32_t m, const State& s) noexcept {
  return available_at(rules, rules.options[static_cast<size_t>(option)], rules.flat(), m, s.turn,
                      s);
}

void available_moves(const Rules& rules, int option, std::span<const std::int32_t> moves,
                     const State& s, std::vector<std::int32_t>& out) {
  const OptionRules& opt = rules.options[static_cast<size_t>(option)];
  const FlatRules& flat = rules.flat();
  // Written through a pointer into a buffer sized for every move, then cut to the available
  // ones: a warm buffer needs no call per move (push_back is not always inlined).
  out.resize(moves.size());
  std::int32_t* const first = out.data();
  std::int32_t* next = first;
  // A copy the writes through `next` cannot alias, so it stays in a register.
  const int turn = s.turn;
  for (const std::int32_t m : moves)
    if (available_at(rules, opt, flat, m, turn, s)) *next++ = m;
  out.erase(out.begin() + (next - first), out.end());
}

}  // namespace parley

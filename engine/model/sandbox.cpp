#include "engine/model/sandbox.hpp"

#include <algorithm>
#include <cmath>

#include "engine/model/view.hpp"

namespace parley {

namespace {

// The move counters of `s` as seen from the next turn, into the flat blocks `done` (1 once
// made), `last` (1 if made at s.turn) and `last_turn` (turn last made), `moves` values each.
void load_counters(const State& s, int moves, double* __restrict done, double* __restrict last,
                   double* __restrict last_turn) noexcept {
  const std::int32_t* count = s.count.data();
  const std::int32_t* made_at = s.last_turn.data();
  // One block at a time: three simple loops, each done a few moves per instruction.
  for (int m = 0; m < moves; ++m) done[m] = count[m] > 0 ? 1.0 : 0.0;
  for (int m = 0; m < moves; ++m) last[m] = made_at[m] == s.turn ? 1.0 : 0.0;
  for (int m = 0; m < moves; ++m) last_turn[m] = made_at[m];
}

}  // namespace

void Sandbox::fit(const FlatLayout& l) {
  const auto actors = static_cast<size_t>(l.actors), issues = static_cast<size_t>(l.issues),
             moves = static_cast<size_t>(l.moves);
  v_.resize(static_cast<size_t>(l.size));
  made_count_.assign(moves, 0);
  done0_.resize(moves);
  last0_.resize(moves);
  last_turn0_.resize(moves);
  // An issue is listed at most once, so the dirty list never outgrows the issues.
  dirty_.resize(issues);
  is_dirty_.assign(issues, 0);
  num_.resize(actors);
  den_.resize(actors);
  w0_.resize(actors * issues);
  wc0_.resize(actors * issues);
  actors_ = l.actors;
  issues_ = l.issues;
  moves_ = l.moves;
}

void Sandbox::load(const Rules& rules, const State& s) {
  const FlatLayout& l = rules.flat().layout;
  layout_ = &l;
  turn_ = s.turn;
  // The buffers depend on the shape only: a warm sandbox overwrites them in place.
  if (l.actors != actors_ || l.issues != issues_ || l.moves != moves_) fit(l);
  double* v = v_.data();
  const int actors = l.actors, issues = l.issues;
  // The writable slots are the State's own array, in the same layout: one copy.
  std::copy(s.values.begin(), s.values.end(), v_.begin());
  // Seen from the next turn, "last turn" is the current one.
  v[l.turn] = s.turn + 1;
  std::fill_n(made_count_.begin(), l.moves, 0);
  load_counters(s, l.moves, v + l.done, v + l.last, v + l.last_turn);
  // As loaded, for rollback() to restore once no application of a move is left.
  std::copy_n(v + l.done, l.moves, done0_.begin());
  std::copy_n(v + l.last, l.moves, last0_.begin());
  std::copy_n(v + l.last_turn, l.moves, last_turn0_.begin());

  n_undo_ = n_dirty_ = n_risk_ = n_made_ = 0;
  std::fill_n(is_dirty_.begin(), issues, std::uint8_t{0});
  // The loaded saliences, to subtract from a changed issue's; the terms and sums come from the
  // one utility evaluator.
  std::copy_n(v + l.salience, actors * issues, w0_.begin());
  utility_sums(l, v, num_.data(), den_.data(), wc0_.data());
}

void Sandbox::rollback(const Mark& m) noexcept {
  double* v = v_.data();
  for (const Undo* u = undo_.data() + n_undo_; n_undo_ > m.undo; --n_undo_) {
    --u;
    v[u->index] = u->old;
  }
  for (; n_dirty_ > m.dirty; --n_dirty_) is_dirty_[static_cast<size_t>(dirty_[n_dirty_ - 1])] = 0;
  n_risk_ = m.risk;
  const FlatLayout& l = *layout_;
  for (; n_made_ > m.made; --n_made_) {
    // The move's done/last/cooldown values go back to the loaded state's once no application
    // of it is left.
    const auto mv = static_cast<size_t>(made_[n_made_ - 1]);
    if (--made_count_[mv] == 0) {
      v[static_cast<size_t>(l.done) + mv] = done0_[mv];
      v[static_cast<size_t>(l.last) + mv] = last0_[mv];
      v[static_cast<size_t>(l.last_turn) + mv] = last_turn0_[mv];
    }
  }
}

void Sandbox::apply(const Rules& rules, const Params& p, std::int32_t m) {
  const FlatEffect* fx = rules.flat().effects.data();
  const std::int32_t first = rules.flat().effect_first[static_cast<size_t>(m)];
  const std::int32_t end = rules.flat().effect_first[static_cast<size_t>(m) + 1];
  if (n_undo_ + static_cast<std::uint32_t>(end - first) > undo_.size())
    undo_.resize(std::max<size_t>(2 * undo_.size(), n_undo_ + static_cast<size_t>(end - first)));
  double* v = v_.data();
  Undo* u = undo_.data() + n_undo_;
  for (std::int32_t e = first; e < end; ++e) {
    const FlatEffect& f = fx[e];
    double& slot = v[f.index];
    *u++ = Undo{f.index, slot};
    slot = std::clamp(apply_op(f.op, slot, p.values[static_cast<size_t>(f.value)]), f.lo, f.hi);
    if (f.column >= 0 && !is_dirty_[static_cast<size_t>(f.column)]) {
      is_dirty_[static_cast<size_t>(f.column)] = 1;
      dirty_[n_dirty_++] = f.column;
    }
    if (f.risk_actor >= 0) {
      if (n_risk_ == risk_.size()) risk_.resize(2 * risk_.size() + 4);
      risk_[n_risk_++] = f.risk_actor;
    }
  }
  n_undo_ = static_cast<std::uint32_t>(u - undo_.data());
  // Effects never write read-only slots, so these change only here and in rollback().
  if (made_count_[static_cast<size_t>(m)]++ == 0) {
    const FlatLayout& l = *layout_;
    v[l.done + m] = 1.0;
    v[l.last + m] = 1.0;
    v[l.last_turn + m] = turn_;
  }
  if (n_made_ == made_.size()) made_.resize(2 * made_.size() + 8);
  made_[n_made_++] = m;
}

bool Sandbox::available(const Rules& rules, int option, std::int32_t m) const noexcept {
  return move_available(rules, rules.options[static_cast<size_t>(option)], m, turn_ + 1,
                        v_[static_cast<size_t>(layout_->last_turn + m)],
                        [&] { return requirement_holds(rules, m); });
}

bool Sandbox::requirement_holds(const Rules& rules, std::int32_t m) const noexcept {
  return rules.flat().holds(rules.flat().requirement[static_cast<size_t>(m)], v_.data());
}

bool Sandbox::when_holds(const Rules& rules, size_t row) const noexcept {
  return rules.flat().holds(rules.flat().when[row], v_.data());
}

double Sandbox::utility_after(const Rules& rules, const Params& p, int i, std::int32_t m) {
  const std::int32_t first = rules.flat().effect_first[static_cast<size_t>(m)];
  const std::int32_t end = rules.flat().effect_first[static_cast<size_t>(m) + 1];
  constexpr int kMax = 16;
  if (end - first > kMax) {
    const Mark before = mark();
    apply(rules, p, m);
    const double u = utility(i);
    rollback(before);
    return u;
  }
  // Write the move in place without logging it, note the issues it would newly mark dirty (in
  // the order apply() would), sum as utility() would, then put the old values back. This is
  // utility_after_moves() for one move, kept apart with buffers on the stack: the best-reply
  // checks call it hundreds of times per run, and through the general function the whole run
  // took 8% more instructions.
  double* v = v_.data();
  const FlatEffect* fx = rules.flat().effects.data();
  double saved[kMax];
  std::int32_t fresh[kMax];
  int n_fresh = 0;
  bool risk = risk_changed(i);
  for (std::int32_t e = first; e < end; ++e) {
    const FlatEffect& f = fx[e];
    double& slot = v[f.index];
    saved[e - first] = slot;
    slot = std::clamp(apply_op(f.op, slot, p.values[static_cast<size_t>(f.value)]), f.lo, f.hi);
    if (f.column >= 0 && !is_dirty_[static_cast<size_t>(f.column)] &&
        std::find(fresh, fresh + n_fresh, f.column) == fresh + n_fresh)
      fresh[n_fresh++] = f.column;
    risk = risk || f.risk_actor == i;
  }
  const double u = risk ? full_utility(i) : utility_with(i, fresh, n_fresh);
  // In reverse, so a slot written twice gets its first old value back.
  for (std::int32_t e = end - 1; e >= first; --e) v[fx[e].index] = saved[e - first];
  return u;
}

double Sandbox::utility_after_moves(const Rules& rules, const Params& p, int i,
                                    std::span<const std::int32_t> moves,
                                    std::vector<std::int32_t>& columns, std::vector<Term>& terms,
                                    bool& risk) {
  double* v = v_.data();
  const FlatEffect* fx = rules.flat().effects.data();
  const std::int32_t* first = rules.flat().effect_first.data();
  // The issues changed already come first, then the new ones in the order apply() would
  // mark them.
  columns.assign(dirty_.begin(), dirty_.begin() + n_dirty_);
  const auto old_columns = static_cast<std::ptrdiff_t>(columns.size());
  risk = risk_changed(i);
  size_t n_saved = 0;
  for (const std::int32_t m : moves) {
    const auto mi = static_cast<size_t>(m);
    const auto count = static_cast<size_t>(first[mi + 1] - first[mi]);
    if (n_saved + count > saved_.size()) saved_.resize(2 * (n_saved + count));
    for (std::int32_t e = first[mi]; e < first[mi + 1]; ++e) {
      const FlatEffect& f = fx[e];
      double& slot = v[f.index];
      saved_[n_saved++] = slot;
      slot = std::clamp(apply_op(f.op, slot, p.values[static_cast<size_t>(f.value)]), f.lo, f.hi);
      if (f.column >= 0 && !is_dirty_[static_cast<size_t>(f.column)] &&
          std::find(columns.begin() + old_columns, columns.end(), f.column) == columns.end())
        columns.push_back(f.column);
      risk = risk || f.risk_actor == i;
    }
  }
  terms.clear();
  double u = 0.0;
  if (risk) {
    u = full_utility(i);
  } else {
    double num = num_[static_cast<size_t>(i)];
    double den = den_[static_cast<size_t>(i)];
    const double exponent = 1.0 + v[layout_->risk + i];
    // Term by term in the order utility_with() adds them, so the sums are the same bits.
    for (const std::int32_t j : columns) {
      const Term t = term(i, j, exponent);
      terms.push_back(t);
      num += t.num;
      den += t.den;
    }
    u = utility_of_sums(num, den);
  }
  // In reverse, so a slot written twice gets its first old value back.
  for (auto m = moves.rbegin(); m != moves.rend(); ++m) {
    const auto mi = static_cast<size_t>(*m);
    for (std::int32_t e = first[mi + 1] - 1; e >= first[mi]; --e)
      v[fx[e].index] = saved_[--n_saved];
  }
  return u;
}

double Sandbox::utility(int i) const noexcept {
  return risk_changed(i) ? full_utility(i) : utility_with(i, nullptr, 0);
}

double Sandbox::full_utility(int i) const noexcept {
  // A changed risk changes every term: recompute in full, on the sandbox's values.
  return utility_at(*layout_, v_.data(), i);
}

inline Sandbox::Term Sandbox::term(int i, std::int32_t j, double exponent) const noexcept {
  const FlatLayout& l = *layout_;
  const double* v = v_.data();
  // The loaded values are kept in the layout's order of the actor x issue blocks.
  const int cell = j * l.actors + i;
  const double w = v[l.salience + cell];
  return Term{w * closeness(v[l.issue + j], v[l.position_at(i, j)], exponent) -
                  wc0_[static_cast<size_t>(cell)],
              w - w0_[static_cast<size_t>(cell)]};
}

double Sandbox::utility_plus(int i, std::span<const Term> extra) const noexcept {
  double num = num_[static_cast<size_t>(i)];
  double den = den_[static_cast<size_t>(i)];
  const double exponent = 1.0 + v_[static_cast<size_t>(layout_->risk + i)];
  // Term by term in the order utility_with() adds them, so the sums are the same bits.
  for (std::uint32_t k = 0; k < n_dirty_; ++k) {
    const Term t = term(i, dirty_[k], exponent);
    num += t.num;
    den += t.den;
  }
  for (const Term& t : extra) {
    num += t.num;
    den += t.den;
  }
  return utility_of_sums(num, den);
}

double Sandbox::utility_with(int i, const std::int32_t* extra, int n_extra) const noexcept {
  double num = num_[static_cast<size_t>(i)];
  double den = den_[static_cast<size_t>(i)];
  const double exponent = 1.0 + v_[static_cast<size_t>(layout_->risk + i)];
  const auto add = [&](std::int32_t j) {
    const Term t = term(i, j, exponent);
    num += t.num;
    den += t.den;
  };
  for (std::uint32_t k = 0; k < n_dirty_; ++k) add(dirty_[k]);
  for (int k = 0; k < n_extra; ++k) add(extra[k]);
  return utility_of_sums(num, den);
}

}  // namespace parley

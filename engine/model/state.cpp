#include "engine/model/state.hpp"

#include <new>
#include <utility>

namespace parley {

void State::bind() noexcept {
  const FlatLayout& l = layout;
  double* v = values.data();
  const int a = l.actors, i = l.issues;
  // A Map cannot be re-pointed by assignment (that copies values), so each is built anew.
  new (&status_quo) VectorMap(v + l.issue, i);
  new (&position) MatrixMap(v + l.position, a, i);
  new (&salience) MatrixMap(v + l.salience, a, i);
  new (&power) MatrixMap(v + l.power, a, i);
  new (&capability) VectorMap(v + l.capability, a);
  new (&risk) VectorMap(v + l.risk, a);
  new (&affinity) MatrixMap(v + l.affinity, a, a);
  new (&recognition) MatrixMap(v + l.recognition, a, a);
  new (&drift) VectorMap(v + l.drift, i);
  new (&noise) VectorMap(v + l.noise, i);
  new (&cost) VectorMap(v + l.cost, l.moves);
  new (&model) VectorMap(v + l.model, kModelKeys);
}

State::State(const State& o)
    : turn(o.turn),
      layout(o.layout),
      values(o.values),
      last_turn(o.last_turn),
      count(o.count),
      made(o.made),
      made_by_timeline(o.made_by_timeline) {
  bind();
}

State::State(State&& o) noexcept
    : turn(o.turn),
      layout(o.layout),
      values(std::move(o.values)),
      last_turn(std::move(o.last_turn)),
      count(std::move(o.count)),
      made(std::move(o.made)),
      made_by_timeline(o.made_by_timeline) {
  bind();
  // The moved-from state is empty: its maps must not point into the array it gave away.
  o.values.clear();
  o.layout = FlatLayout{};
  o.bind();
}

State& State::operator=(const State& o) {
  if (this == &o) return *this;
  turn = o.turn;
  layout = o.layout;
  values = o.values;
  last_turn = o.last_turn;
  count = o.count;
  made = o.made;
  made_by_timeline = o.made_by_timeline;
  bind();
  return *this;
}

State& State::operator=(State&& o) noexcept {
  if (this == &o) return *this;
  turn = o.turn;
  layout = o.layout;
  values = std::move(o.values);
  last_turn = std::move(o.last_turn);
  count = std::move(o.count);
  made = std::move(o.made);
  made_by_timeline = o.made_by_timeline;
  bind();
  o.values.clear();
  o.layout = FlatLayout{};
  o.bind();
  return *this;
}

State State::zeros(int actors, int issues, int moves) {
  State s;
  s.reset(FlatLayout::make(actors, issues, moves));
  return s;
}

void State::reset(const FlatLayout& l) {
  turn = 0;
  layout = l;
  values.assign(static_cast<size_t>(l.writable()), 0.0);
  bind();
  power.setOnes();
  affinity.setIdentity();
  recognition.setIdentity();
  last_turn.setConstant(l.moves, kNever);
  count.setZero(l.moves);
  made.clear();
  made.reserve(static_cast<size_t>(l.actors) + 8);
  made_by_timeline = 0;
}

}  // namespace parley

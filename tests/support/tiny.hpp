#pragma once
// A small scenario built in code, for unit tests of the model that must not depend on the loader:
// two actors (A: ai, B: ai) and two issues (x negotiable, y not).
#include "engine/scenario/scenario.hpp"

namespace parley::test {

inline Scenario tiny_scenario() {
  Scenario sc;
  sc.folder = "tiny";
  sc.name = "tiny";
  sc.turns = 5;
  sc.model.values = default_model_values();
  sc.model.values[static_cast<size_t>(ModelKey::lookahead)] = Number::constant(0.0);
  sc.model.values[static_cast<size_t>(ModelKey::temperature)] = Number::constant(0.0);
  sc.model.values[static_cast<size_t>(ModelKey::influence_rate)] = Number::constant(0.0);
  sc.model.values[static_cast<size_t>(ModelKey::settle_rate)] = Number::constant(0.0);

  Actor a;
  a.id = "A";
  a.capability = Number::constant(1.0);
  Actor b;
  b.id = "B";
  b.capability = Number::constant(1.0);
  sc.actors = {a, b};

  Issue x;
  x.id = "x";
  x.status_quo = Number::constant(50.0);
  Issue y;
  y.id = "y";
  y.status_quo = Number::constant(20.0);
  y.negotiable = false;
  sc.issues = {x, y};

  auto stance = [](int actor, int issue, double pos, double sal) {
    Stance s;
    s.actor = actor;
    s.issue = issue;
    s.position = Number::constant(pos);
    s.salience = Number::constant(sal);
    return s;
  };
  sc.stances = {stance(0, 0, 100, 1.0), stance(0, 1, 0, 0.5), stance(1, 0, 0, 1.0),
                stance(1, 1, 100, 0.5)};

  Option baseline;
  baseline.name = "baseline";
  sc.options = {baseline};
  return sc;
}

// A move for actor `actor` with one effect `target op value` and a cost.
inline Move make_move(const std::string& id, int actor, Slot target, EffectOp op, double value,
                      double cost = 0.0) {
  Move m;
  m.id = id;
  m.name = id;
  m.actor = actor;
  m.cost = Number::constant(cost);
  m.effects.push_back(EffectSpec{target, op, Number::constant(value)});
  return m;
}

// A timeline row firing `move` over [first, last] with probability p.
inline TimelineRow make_row(int move, int first, int last, double p = 1.0) {
  TimelineRow r;
  r.move = move;
  r.first_turn = first;
  r.last_turn = last;
  r.probability = Number::constant(p);
  return r;
}

}  // namespace parley::test

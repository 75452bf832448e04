#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <set>
#include <utility>
#include <vector>

#include "engine/model/state.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;

namespace {

// Every slot of a state of the given shape, read-only kinds included.
std::vector<Slot> every_slot(int actors, int issues, int moves) {
  std::vector<Slot> out;
  for (int k = 0; k <= static_cast<int>(SlotKind::last); ++k) {
    const auto kind = static_cast<SlotKind>(k);
    int na = 1, nb = 1;
    switch (kind) {
      case SlotKind::issue:
      case SlotKind::drift:
      case SlotKind::noise:
        na = issues;
        break;
      case SlotKind::position:
      case SlotKind::salience:
      case SlotKind::power:
        na = actors;
        nb = issues;
        break;
      case SlotKind::capability:
      case SlotKind::risk:
        na = actors;
        break;
      case SlotKind::affinity:
      case SlotKind::recognition:
        na = actors;
        nb = actors;
        break;
      case SlotKind::cost:
      case SlotKind::done:
      case SlotKind::last:
        na = moves;
        break;
      case SlotKind::model:
        na = kModelKeys;
        break;
      case SlotKind::turn:
        break;
    }
    for (int a = 0; a < na; ++a)
      for (int b = 0; b < nb; ++b) out.push_back(Slot{kind, a, b});
  }
  return out;
}

bool read_only(SlotKind k) {
  return k == SlotKind::turn || k == SlotKind::done || k == SlotKind::last;
}

}  // namespace

TEST_CASE("every slot has its own index, writable slots before the read-only ones",
          "[model][state]") {
  const FlatLayout l = FlatLayout::make(3, 4, 5);
  std::set<int> seen;
  for (const Slot& slot : every_slot(3, 4, 5)) {
    const int index = l.index(slot);
    INFO(static_cast<int>(slot.kind) << " " << slot.a << " " << slot.b);
    REQUIRE(index >= 0);
    REQUIRE(index < l.size);
    REQUIRE(seen.insert(index).second);
    REQUIRE((index < l.writable()) == !read_only(slot.kind));
  }
  // Nothing else is stored but the per-move "turn last made" values.
  REQUIRE(static_cast<int>(seen.size()) + 5 == l.size);
}

TEST_CASE("the state's maps and its paths are the same values", "[model][state]") {
  State s = State::zeros(3, 4, 5);
  REQUIRE(s.values.size() == static_cast<size_t>(s.layout.writable()));
  int k = 0;
  for (const Slot& slot : every_slot(3, 4, 5))
    if (!read_only(slot.kind)) set(s, slot, 0.001 * ++k);
  k = 0;
  for (const Slot& slot : every_slot(3, 4, 5)) {
    if (read_only(slot.kind)) continue;
    const double v = clamp_to_slot(slot, 0.001 * ++k);  // some model keys start at 1
    REQUIRE(get(s, slot) == v);
    REQUIRE(s.values[static_cast<size_t>(s.layout.index(slot))] == v);
  }
  REQUIRE(s.position(2, 3) == get(s, Slot{SlotKind::position, 2, 3}));
  REQUIRE(s.salience(1, 2) == get(s, Slot{SlotKind::salience, 1, 2}));
  REQUIRE(s.power(0, 1) == get(s, Slot{SlotKind::power, 0, 1}));
  REQUIRE(s.affinity(2, 0) == get(s, Slot{SlotKind::affinity, 2, 0}));
  REQUIRE(s.recognition(0, 2) == get(s, Slot{SlotKind::recognition, 0, 2}));
  REQUIRE(s.status_quo[3] == get(s, Slot{SlotKind::issue, 3, 0}));
  REQUIRE(s.capability[1] == get(s, Slot{SlotKind::capability, 1, 0}));
  REQUIRE(s.risk[2] == get(s, Slot{SlotKind::risk, 2, 0}));
  REQUIRE(s.drift[1] == get(s, Slot{SlotKind::drift, 1, 0}));
  REQUIRE(s.noise[2] == get(s, Slot{SlotKind::noise, 2, 0}));
  REQUIRE(s.cost[4] == get(s, Slot{SlotKind::cost, 4, 0}));
  REQUIRE(s.model[3] == get(s, Slot{SlotKind::model, 3, 0}));
  // An issue's column is contiguous, as the bargaining models read it.
  REQUIRE(&s.position(1, 2) == &s.position(0, 2) + 1);
}

TEST_CASE("read-only slots come from the counters", "[model][state]") {
  State s = State::zeros(2, 2, 3);
  s.turn = 7;
  s.last_turn[1] = 6;
  s.count[1] = 2;
  s.last_turn[2] = 3;
  s.count[2] = 1;
  REQUIRE(get(s, Slot{SlotKind::turn, 0, 0}) == 7.0);
  REQUIRE(get(s, Slot{SlotKind::done, 0, 0}) == 0.0);
  REQUIRE(get(s, Slot{SlotKind::done, 1, 0}) == 1.0);
  REQUIRE(get(s, Slot{SlotKind::last, 1, 0}) == 1.0);
  REQUIRE(get(s, Slot{SlotKind::last, 2, 0}) == 0.0);
  REQUIRE(flat_value(s, s.layout.last_turn + 2) == 3.0);
  // Writes to them are ignored.
  set(s, Slot{SlotKind::turn, 0, 0}, 1.0);
  REQUIRE(s.turn == 7);
}

TEST_CASE("a copied or moved state owns its values", "[model][state]") {
  State a = State::zeros(2, 3, 1);
  a.position(1, 2) = 40.0;
  State b = a;
  b.position(1, 2) = 60.0;
  REQUIRE(a.position(1, 2) == 40.0);
  REQUIRE(b.values[static_cast<size_t>(b.layout.position_at(1, 2))] == 60.0);
  State c = std::move(b);
  REQUIRE(c.position(1, 2) == 60.0);
  REQUIRE(c.position.data() == c.values.data() + c.layout.position);
  a = c;
  c.status_quo[0] = 12.0;
  REQUIRE(a.status_quo[0] == 0.0);
  REQUIRE(a.position(1, 2) == 60.0);
  State d;
  d = std::move(a);
  REQUIRE(d.position(1, 2) == 60.0);
  REQUIRE(d.status_quo.data() == d.values.data() + d.layout.issue);
}

TEST_CASE("compile builds the rule tables once, shared by copies of the rules", "[model][state]") {
  const Rules rules = compile(parley::test::tiny_scenario());
  REQUIRE(rules.tables != nullptr);
  const Rules copy = rules;
  REQUIRE(copy.tables == rules.tables);
  REQUIRE(rules.flat().every_effect.size() == rules.effects.size());
  REQUIRE(rules.flat().requirement.size() == static_cast<size_t>(rules.moves));
}

TEST_CASE("reset makes a used state the zeros of a shape, in its own storage", "[model][state]") {
  State s = State::zeros(3, 4, 5);
  for (const auto& [actors, issues, moves] :
       std::vector<std::array<int, 3>>{{3, 4, 5}, {2, 2, 3}, {4, 3, 6}}) {
    // Leave something in every part of the state.
    s.turn = 6;
    std::fill(s.values.begin(), s.values.end(), 7.5);
    s.count.setConstant(2);
    s.last_turn.setConstant(4);
    s.made = {1, 0};
    s.made_by_timeline = 1;
    s.reset(FlatLayout::make(actors, issues, moves));
    const State z = State::zeros(actors, issues, moves);
    INFO(actors << " x " << issues << " x " << moves);
    REQUIRE(s.turn == 0);
    REQUIRE(s.layout.size == z.layout.size);
    REQUIRE(s.values == z.values);
    REQUIRE(s.count == z.count);
    REQUIRE(s.last_turn == z.last_turn);
    REQUIRE(s.made.empty());
    REQUIRE(s.made_by_timeline == 0);
    REQUIRE(s.power(actors - 1, issues - 1) == 1.0);
    REQUIRE(s.recognition(1, 1) == 1.0);
    REQUIRE(s.affinity(0, 1) == 0.0);
    REQUIRE(s.last_turn[moves - 1] == State::kNever);
    REQUIRE(s.position.data() == s.values.data() + s.layout.position);
    REQUIRE(s.recognition.data() == s.values.data() + s.layout.recognition);
  }
}

TEST_CASE("the initial state is the scenario's values, then the option's, as set() writes them",
          "[model][state]") {
  Scenario sc = parley::test::tiny_scenario();
  sc.actors[1].risk = Number::constant(5.0);  // out of range: clamped to the slot's
  sc.stances.pop_back();                      // B has no stance on y: it takes y's status quo
  Option opt;
  opt.name = "opt";
  opt.set.push_back(Override{Slot{SlotKind::issue, 1, 0}, Number::constant(150.0)});
  opt.set.push_back(Override{Slot{SlotKind::salience, 0, 1}, Number::constant(0.25)});
  opt.set.push_back(Override{Slot{SlotKind::salience, 0, 1}, Number::constant(0.75)});
  sc.options.push_back(opt);
  const Rules rules = compile(sc);
  for (int option = 0; option < 2; ++option) {
    const Params p = sample_params(rules, option, 1, 0);
    // The definition: zeros, each initial value written by set() in order, unlisted positions
    // at the status quo, then the option's overrides by set() in order.
    State want = State::zeros(rules.actors, rules.issues, rules.moves);
    for (const auto& [slot, id] : rules.init) set(want, slot, p.values[static_cast<size_t>(id)]);
    for (int a = 0; a < rules.actors; ++a)
      for (int i = 0; i < rules.issues; ++i)
        if (!rules.stance_listed[static_cast<size_t>(a * rules.issues + i)])
          want.position(a, i) = want.status_quo[i];
    for (const auto& [slot, id] : rules.options[static_cast<size_t>(option)].overrides)
      set(want, slot, p.values[static_cast<size_t>(id)]);
    INFO("option " << option);
    REQUIRE(want.risk[1] == 1.0);
    REQUIRE(want.position(1, 1) == 20.0);
    REQUIRE(want.status_quo[1] == (option == 1 ? 100.0 : 20.0));
    REQUIRE(want.salience(0, 1) == (option == 1 ? 0.75 : 0.5));
    const State got = initial_state(rules, p);
    REQUIRE(got.values == want.values);
    REQUIRE(got.count == want.count);
    REQUIRE(got.last_turn == want.last_turn);
    // Into a state of another shape, with values left behind.
    State reused = State::zeros(4, 3, 2);
    std::fill(reused.values.begin(), reused.values.end(), 9.0);
    reused.turn = 3;
    initial_state_into(rules, p, reused);
    REQUIRE(reused.turn == 0);
    REQUIRE(reused.values == want.values);
    REQUIRE(reused.count == want.count);
    REQUIRE(reused.last_turn == want.last_turn);
  }
}

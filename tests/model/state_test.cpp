#include <catch2/catch.hpp>
#include <set>
#include <utility>

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

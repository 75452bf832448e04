#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/model/sandbox.hpp"
#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;
using parley::test::make_move;
using parley::test::make_row;
using parley::test::tiny_scenario;

namespace {

// The tiny scenario with moves of every kind that matters to scoring: status quo, own and other
// positions, salience, risk, several effects on one slot, and conditions of every shape.
Scenario rich_scenario() {
  Scenario sc = tiny_scenario();
  sc.actors[0].risk = Number::constant(0.5);
  sc.moves = {
      make_move("push", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 15.0),
      make_move("pull", 1, Slot{SlotKind::issue, 0, 0}, EffectOp::sub, 30.0),
      make_move("shift", 1, Slot{SlotKind::position, 0, 1}, EffectOp::assign, 70.0),
      make_move("care", 0, Slot{SlotKind::salience, 0, 1}, EffectOp::mul, 2.0),
      make_move("bold", 0, Slot{SlotKind::risk, 0, 0}, EffectOp::assign, -0.5),
      make_move("twice", 1, Slot{SlotKind::issue, 1, 0}, EffectOp::add, 50.0),
  };
  // "twice" writes y twice and x once: later effects must see earlier ones, clamped.
  sc.moves[5].effects.push_back(
      EffectSpec{Slot{SlotKind::issue, 1, 0}, EffectOp::mul, Number::constant(1.5)});
  sc.moves[5].effects.push_back(
      EffectSpec{Slot{SlotKind::issue, 0, 0}, EffectOp::add, Number::constant(5.0)});
  ParseError err;
  const IdTables ids = sc.ids();
  sc.moves[1].requirement = *parse_condition("issue.x > 10 and done.push == 1", ids, err);
  sc.moves[2].requirement = *parse_condition("not (turn < 3) or last.care == 1", ids, err);
  sc.moves[3].requirement = *parse_condition("10 < issue.y and issue.x <= position.A.x", ids, err);
  sc.timeline = {make_row(1, 1, 10, 0.5), make_row(5, 2, 3)};
  sc.timeline[0].when = *parse_condition("last.push == 1 and issue.x >= 60", ids, err);
  sc.timeline[1].when = *parse_condition("salience.A.y != 0.5", ids, err);
  return sc;
}

struct World {
  Rules rules;
  Params params;
  State state;
  explicit World(const Scenario& sc)
      : rules(compile(sc)),
        params(sample_params(rules, 0, 1, 0)),
        state(initial_state(rules, params)) {
    state.turn = 4;
  }
};

// The state one turn on with `moves` made in the current turn: what the sandbox stands for.
State next_turn_with(const World& w, const std::vector<std::int32_t>& moves) {
  State s = w.state;
  for (const std::int32_t m : moves) {
    apply_effects(w.rules, w.params, m, s);
    s.last_turn[m] = w.state.turn;
    s.count[m] += 1;
  }
  s.turn += 1;
  return s;
}

// Whether the sandbox agrees with `s` on every utility, requirement and timeline condition.
void require_agrees(const World& w, const Sandbox& box, const State& s) {
  for (int a = 0; a < w.rules.actors; ++a)
    REQUIRE(box.utility(a) == Approx(utility(s, a)).epsilon(1e-12));
  for (int m = 0; m < w.rules.moves; ++m)
    REQUIRE(box.requirement_holds(w.rules, m) ==
            holds(w.rules.move_rules[static_cast<size_t>(m)].requirement, s));
  for (size_t r = 0; r < w.rules.timeline.size(); ++r)
    REQUIRE(box.when_holds(w.rules, r) == holds(w.rules.timeline[r].when, s));
}

}  // namespace

TEST_CASE("the sandbox reads the state as seen from the next turn", "[model][sandbox]") {
  World w(rich_scenario());
  w.state.last_turn[3] = w.state.turn;  // "care" made this turn: last.care is 1 next turn
  w.state.count[3] = 1;
  Sandbox box;
  box.load(w.rules, w.state);
  State next = w.state;
  next.turn += 1;
  require_agrees(w, box, next);
  REQUIRE(box.requirement_holds(w.rules, 2));  // through last.care
}

TEST_CASE("sandbox moves match the same moves applied to a state", "[model][sandbox]") {
  World w(rich_scenario());
  Sandbox box;
  box.load(w.rules, w.state);
  // Every move alone, then sequences that write the same slots and issues twice.
  const std::vector<std::vector<std::int32_t>> sequences = {
      {0}, {1}, {2}, {3}, {4}, {5}, {0, 1}, {0, 5, 1}, {3, 4, 0}, {5, 5}, {2, 3, 4, 5, 0, 1}};
  for (const auto& seq : sequences) {
    const Sandbox::Mark start = box.mark();
    for (const std::int32_t m : seq) box.apply(w.rules, w.params, m);
    require_agrees(w, box, next_turn_with(w, seq));
    box.rollback(start);
  }
  // Rolled back: the loaded state again.
  State next = w.state;
  next.turn += 1;
  require_agrees(w, box, next);
}

TEST_CASE("utility_after equals apply, utility, rollback exactly", "[model][sandbox]") {
  World w(rich_scenario());
  Sandbox box;
  box.load(w.rules, w.state);
  for (const std::vector<std::int32_t>& prefix : {std::vector<std::int32_t>{}, {0}, {5, 3}, {4}}) {
    const Sandbox::Mark start = box.mark();
    for (const std::int32_t m : prefix) box.apply(w.rules, w.params, m);
    for (int m = 0; m < w.rules.moves; ++m)
      for (int a = 0; a < w.rules.actors; ++a) {
        const double peeked = box.utility_after(w.rules, w.params, a, m);
        const Sandbox::Mark before = box.mark();
        box.apply(w.rules, w.params, m);
        const double applied = box.utility(a);
        box.rollback(before);
        REQUIRE(peeked == applied);  // bit for bit: scores must not depend on the path taken
      }
    box.rollback(start);
  }
}

TEST_CASE("utility_after_moves equals applying the moves, exactly, and lists what they change",
          "[model][sandbox]") {
  World w(rich_scenario());
  Sandbox box;
  box.load(w.rules, w.state);
  // From the loaded state and from states with moves applied, sequences that write one slot
  // twice, change a risk, or touch an issue already changed.
  const std::vector<std::vector<std::int32_t>> prefixes = {{}, {0}, {5, 3}, {4}};
  const std::vector<std::vector<std::int32_t>> sequences = {
      {}, {0}, {1, 2}, {5}, {5, 5}, {3, 0, 1}, {4, 2}, {2, 3, 4, 5, 0, 1}};
  int with_terms = 0, with_risk = 0;
  for (const auto& prefix : prefixes) {
    const Sandbox::Mark start = box.mark();
    for (const std::int32_t m : prefix) box.apply(w.rules, w.params, m);
    for (const auto& seq : sequences)
      for (int a = 0; a < w.rules.actors; ++a) {
        std::vector<std::int32_t> columns;
        std::vector<Sandbox::Term> terms;
        bool risk = false;
        const double tried =
            box.utility_after_moves(w.rules, w.params, a, seq, columns, terms, risk);
        const Sandbox::Mark before = box.mark();
        for (const std::int32_t m : seq) box.apply(w.rules, w.params, m);
        REQUIRE(tried == box.utility(a));  // bit for bit
        REQUIRE(risk == box.risk_changed(a));
        REQUIRE(columns == std::vector<std::int32_t>(box.changed_issues().begin(),
                                                     box.changed_issues().end()));
        // One term per changed issue unless the risk changed; the next test checks their values
        // where move scoring uses them.
        REQUIRE(terms.size() == (risk ? 0 : columns.size()));
        with_risk += risk ? 1 : 0;
        with_terms += terms.empty() ? 0 : 1;
        // With no moves, the same of the sandbox as it is now, the moves applied.
        std::vector<std::int32_t> now_columns;
        std::vector<Sandbox::Term> now_terms;
        bool now_risk = false;
        REQUIRE(box.utility_after_moves(w.rules, w.params, a, {}, now_columns, now_terms,
                                        now_risk) == tried);
        REQUIRE(now_columns == columns);
        REQUIRE(now_risk == risk);
        REQUIRE(now_terms.size() == terms.size());
        for (size_t k = 0; k < terms.size(); ++k) {
          REQUIRE(now_terms[k].num == terms[k].num);
          REQUIRE(now_terms[k].den == terms[k].den);
        }
        box.rollback(before);
      }
    // Tried in place, nothing stays: the sandbox still agrees with the state it stands for.
    require_agrees(w, box, next_turn_with(w, prefix));
    box.rollback(start);
  }
  REQUIRE(with_terms >= 20);
  REQUIRE(with_risk >= 5);
}

TEST_CASE("a world's utility terms added after a move equal the world applied after it",
          "[model][sandbox]") {
  // Move scoring reuses the terms of the replies to a pass for every move that changes other
  // issues; the score must be bit for bit what applying the replies gives.
  World w(rich_scenario());
  Sandbox box;
  box.load(w.rules, w.state);
  const std::vector<std::vector<std::int32_t>> worlds = {{0}, {1}, {2}, {3}, {0, 1}, {2, 3}, {5}};
  int compared = 0, skipped = 0;
  for (const auto& world : worlds) {
    const Sandbox::Mark start = box.mark();
    // The world's issues and each actor's terms there, as a pass value keeps them.
    std::vector<std::int32_t> columns;
    std::vector<std::vector<Sandbox::Term>> terms(static_cast<size_t>(w.rules.actors));
    std::vector<bool> risk(static_cast<size_t>(w.rules.actors));
    for (int a = 0; a < w.rules.actors; ++a) {
      bool changed = false;
      (void)box.utility_after_moves(w.rules, w.params, a, world, columns,
                                    terms[static_cast<size_t>(a)], changed);
      risk[static_cast<size_t>(a)] = changed;
    }
    for (int m = 0; m < w.rules.moves; ++m) {
      box.apply(w.rules, w.params, m);
      bool apart = true;
      for (const std::int32_t j : columns) apart = apart && !box.changed(j);
      for (int a = 0; a < w.rules.actors; ++a) {
        if (!apart || risk[static_cast<size_t>(a)] || box.risk_changed(a)) {
          ++skipped;
          continue;
        }
        const double added = box.utility_plus(a, terms[static_cast<size_t>(a)]);
        const Sandbox::Mark before = box.mark();
        for (const std::int32_t r : world) box.apply(w.rules, w.params, r);
        const double applied = box.utility(a);
        box.rollback(before);
        REQUIRE(added == applied);
        ++compared;
      }
      box.rollback(start);
    }
  }
  // Both kinds occur, so the test covers the shortcut and its limits.
  REQUIRE(compared >= 20);
  REQUIRE(skipped >= 10);
}

TEST_CASE("the sandbox honours cooldowns and forbidden moves", "[model][sandbox]") {
  Scenario sc = rich_scenario();
  sc.moves[0].cooldown = 2;
  Option strict;
  strict.name = "strict";
  strict.forbid = {4};
  sc.options.push_back(strict);
  World w(sc);
  Sandbox box;
  box.load(w.rules, w.state);
  REQUIRE(box.available(w.rules, 0, 0));
  REQUIRE(box.available(w.rules, 0, 4));
  REQUIRE_FALSE(box.available(w.rules, 1, 4));
  const Sandbox::Mark start = box.mark();
  box.apply(w.rules, w.params, 0);  // made now: next turn is 1 turn later, within cooldown 2
  REQUIRE_FALSE(box.available(w.rules, 0, 0));
  box.rollback(start);
  REQUIRE(box.available(w.rules, 0, 0));
}

TEST_CASE("conjunctions and general conditions compile to the same truth", "[model][sandbox]") {
  Scenario sc = tiny_scenario();
  ParseError err;
  const IdTables ids = sc.ids();
  Rules rules = compile(sc);
  const Params params = sample_params(rules, 0, 1, 0);
  State s = initial_state(rules, params);  // x = 50, y = 20
  const std::vector<std::pair<std::string, bool>> cases = {
      {"issue.x > 40", true},
      {"40 > issue.x", false},
      {"issue.x >= 50 and issue.y < 30 and 20 <= issue.y", true},
      {"issue.x == 50 and issue.y != 20", false},
      {"issue.x < 10 or issue.y < 30", true},
      {"not issue.x < 10", true},
      {"issue.x > issue.y", true},
      {"(issue.x > 10 and issue.y > 10) and issue.x < 60", true},
  };
  for (const auto& [text, expected] : cases) {
    const Condition c = *parse_condition(text, ids, err);
    FlatRules flat;
    flat.layout = FlatLayout::make(rules.actors, rules.issues, rules.moves);
    const FlatCondition fc = flat.add(c);
    std::vector<double> v(static_cast<size_t>(flat.layout.size), 0.0);
    v[static_cast<size_t>(flat.layout.index(Slot{SlotKind::issue, 0, 0}))] = s.status_quo[0];
    v[static_cast<size_t>(flat.layout.index(Slot{SlotKind::issue, 1, 0}))] = s.status_quo[1];
    INFO(text);
    REQUIRE(holds(c, s) == expected);
    REQUIRE(flat.holds(fc, v.data()) == expected);
  }
  // Pure conjunctions take the fast path; the rest run as RPN.
  FlatRules flat;
  flat.layout = FlatLayout::make(rules.actors, rules.issues, rules.moves);
  REQUIRE_FALSE(flat.add(*parse_condition("issue.x > 1 and 2 < issue.y", ids, err)).general);
  REQUIRE(flat.add(*parse_condition("issue.x > 1 or issue.y > 2", ids, err)).general);
  REQUIRE(flat.add(*parse_condition("issue.x > issue.y", ids, err)).general);
}

TEST_CASE("the sandbox leaves out writes that nothing it reads can see", "[model][sandbox]") {
  Scenario sc = rich_scenario();
  // B's move writes an affinity no condition reads and a recognition one condition reads; A's
  // move writes the same affinity.
  Move warm = make_move("warm", 1, Slot{SlotKind::affinity, 0, 1}, EffectOp::add, 0.2);
  warm.effects.push_back(
      EffectSpec{Slot{SlotKind::recognition, 0, 1}, EffectOp::assign, Number::constant(1.0)});
  warm.effects.push_back(
      EffectSpec{Slot{SlotKind::issue, 1, 0}, EffectOp::add, Number::constant(5.0)});
  sc.moves.push_back(warm);
  sc.moves.push_back(make_move("cool", 0, Slot{SlotKind::affinity, 0, 1}, EffectOp::sub, 0.2));
  ParseError err;
  sc.timeline.push_back(make_row(0, 1, 10));
  sc.timeline.back().when = *parse_condition("recognition.A.B >= 0.5", sc.ids(), err);
  World w(sc);
  const auto warm_id = static_cast<std::int32_t>(sc.moves.size() - 2);
  const auto cool_id = warm_id + 1;
  const RuleMove& rw = w.rules.move_rules[static_cast<size_t>(warm_id)];
  const FlatRules& f = w.rules.flat();
  REQUIRE(rw.end_effect - rw.first_effect == 3);
  REQUIRE(f.effect_live[static_cast<size_t>(rw.first_effect)] == 0);      // affinity
  REQUIRE(f.effect_live[static_cast<size_t>(rw.first_effect + 1)] == 1);  // recognition
  REQUIRE(f.effect_live[static_cast<size_t>(rw.first_effect + 2)] == 1);  // issue
  REQUIRE(f.effect_first[static_cast<size_t>(warm_id) + 1] -
              f.effect_first[static_cast<size_t>(warm_id)] ==
          2);
  REQUIRE(f.effect_first[static_cast<size_t>(cool_id) + 1] ==
          f.effect_first[static_cast<size_t>(cool_id)]);
  // Writing the same unread affinity is no interference: A's "cool" cannot change B's gains.
  const auto moves = static_cast<size_t>(w.rules.moves);
  REQUIRE(w.rules.tables->gain_interference[static_cast<size_t>(cool_id) * moves +
                                            static_cast<size_t>(warm_id)] == 0);
  REQUIRE(w.rules.tables->reply_interference[static_cast<size_t>(cool_id) * 2 + 1] == 0);
  // What is kept still agrees with the state, the recognition-reading row included.
  Sandbox box;
  box.load(w.rules, w.state);
  box.apply(w.rules, w.params, warm_id);
  require_agrees(w, box, next_turn_with(w, {warm_id}));
  REQUIRE(box.when_holds(w.rules, w.rules.timeline.size() - 1));
}

TEST_CASE("gain interference tells a changed worth from a changed availability",
          "[model][sandbox]") {
  const World w(rich_scenario());
  const auto moves = static_cast<size_t>(w.rules.moves);
  const auto bits = [&](std::int32_t m, std::int32_t n) {
    return w.rules.tables
        ->gain_interference[static_cast<size_t>(m) * moves + static_cast<size_t>(n)];
  };
  // "pull" (B) writes issue x and requires issue.x > 10 and done.push: "push" (A) changes both
  // what pull is worth to B and whether B may make it.
  REQUIRE(bits(0, 1) == (RuleTables::kGainValue | RuleTables::kGainAvailability));
  // "shift" (B) moves A's position on y and requires last.care: "care" (A's salience on y)
  // changes only whether B may make it, not what it is worth to B.
  REQUIRE(bits(3, 2) == RuleTables::kGainAvailability);
  // "twice" (B) writes y and x; "bold" (A's risk) touches nothing B reads.
  REQUIRE(bits(4, 5) == 0);
}

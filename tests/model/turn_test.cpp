#include <catch2/catch.hpp>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;
using parley::test::make_move;
using parley::test::make_row;
using parley::test::tiny_scenario;

namespace {

struct World {
  Rules rules;
  Params params;
  State state;
  explicit World(const Scenario& sc, int option = 0)
      : rules(compile(sc)),
        params(sample_params(rules, option, 1, 0)),
        state(initial_state(rules, params)) {}
};

void set_model(Scenario& sc, ModelKey key, double v) {
  sc.model.values[static_cast<size_t>(key)] = Number::constant(v);
}

// Whether two states hold the same values, counters and moves of the latest turn, bit for bit.
bool same_state(const State& a, const State& b) {
  return a.turn == b.turn && a.values == b.values && a.last_turn == b.last_turn &&
         a.count == b.count && a.made == b.made && a.made_by_timeline == b.made_by_timeline;
}

}  // namespace

TEST_CASE("utility follows the closeness formula", "[model][utility]") {
  World w(tiny_scenario());
  // A: position 100 on x (q = 50, salience 1), 0 on y (q = 20, salience 0.5).
  const double expected = (1.0 * 0.5 + 0.5 * 0.8) / 1.5;
  REQUIRE(utility(w.state, 0) == Approx(expected));
  w.state.risk[0] = 1.0;  // exponent 2
  REQUIRE(utility(w.state, 0) == Approx((1.0 * 0.25 + 0.5 * 0.64) / 1.5));
}

TEST_CASE("drift moves the status quo and clamps it to 0-100", "[model][drift]") {
  Scenario sc = tiny_scenario();
  sc.issues[0].drift = Number::constant(30.0);
  sc.issues[1].drift = Number::constant(-30.0);
  World w(sc);
  Rng rng(1, 1);
  State s = apply_drift(w.rules, w.params, w.state, rng);
  REQUIRE(s.status_quo[0] == Approx(80.0));
  REQUIRE(s.status_quo[1] == Approx(0.0));
}

TEST_CASE("noise draws differ by stream and repeat for the same stream", "[model][drift]") {
  Scenario sc = tiny_scenario();
  sc.issues[0].noise = Number::constant(5.0);
  World w(sc);
  Rng r1(1, 1), r2(1, 1), r3(1, 2);
  const State a = apply_drift(w.rules, w.params, w.state, r1);
  const State b = apply_drift(w.rules, w.params, w.state, r2);
  const State c = apply_drift(w.rules, w.params, w.state, r3);
  REQUIRE(a.status_quo[0] == b.status_quo[0]);
  REQUIRE(a.status_quo[0] != c.status_quo[0]);
  REQUIRE(a.status_quo[1] == 20.0);  // no noise on y
}

TEST_CASE("timeline_rows lists an option's rows that may fire in a turn", "[model][timeline]") {
  Scenario sc = tiny_scenario();
  sc.actors[1].control = Control::script;
  sc.moves = {make_move("push", 1, Slot{SlotKind::issue, 1, 0}, EffectOp::add, 10.0)};
  sc.timeline = {make_row(0, 2, 3), make_row(0, 1, sc.turns), make_row(0, 3, 3), make_row(0, 1, 1),
                 make_row(0, 5, 5)};
  sc.timeline[2].options = {1};
  sc.timeline[4].options = {0};
  Option other;
  other.name = "other";
  sc.options.push_back(other);
  const Rules rules = compile(sc);
  for (int o = 0; o < 2; ++o)
    for (int turn = -1; turn <= sc.turns + 2; ++turn) {
      std::vector<std::int32_t> expected, all;
      for (size_t r = 0; r < rules.timeline.size(); ++r) {
        if (rules.options[static_cast<size_t>(o)].timeline_active[r] == 0) continue;
        all.push_back(static_cast<std::int32_t>(r));
        if (turn >= rules.timeline[r].first_turn && turn <= rules.timeline[r].last_turn)
          expected.push_back(static_cast<std::int32_t>(r));
      }
      const std::span<const std::int32_t> got = rules.tables->timeline_rows(o, turn);
      const std::vector<std::int32_t> listed(got.begin(), got.end());
      // Inside the scenario's turns exactly the rows in force; outside, all the option's rows.
      if (turn >= 1 && turn <= sc.turns)
        REQUIRE(listed == expected);
      else
        REQUIRE(listed == all);
    }
}

TEST_CASE("timeline rows fire in their turns, options and conditions", "[model][timeline]") {
  Scenario sc = tiny_scenario();
  sc.actors[1].control = Control::script;
  sc.moves = {make_move("push", 1, Slot{SlotKind::issue, 1, 0}, EffectOp::add, 10.0)};
  sc.timeline = {make_row(0, 2, 3)};
  Option other;
  other.name = "other";
  sc.options.push_back(other);

  SECTION("inside and outside the turn range") {
    World w(sc);
    Rng rng(1, 1);
    w.state.turn = 1;
    REQUIRE(fire_timeline(w.rules, w.params, w.state, rng).status_quo[1] == 20.0);
    w.state.turn = 2;
    const State s = fire_timeline(w.rules, w.params, w.state, rng);
    REQUIRE(s.status_quo[1] == 30.0);
    REQUIRE(s.count[0] == 1);
    REQUIRE(s.last_turn[0] == 2);
  }
  SECTION("a row limited to another option does not fire") {
    sc.timeline[0].options = {1};
    World base(sc, 0), other_world(sc, 1);
    Rng rng(1, 1);
    base.state.turn = other_world.state.turn = 2;
    REQUIRE(fire_timeline(base.rules, base.params, base.state, rng).status_quo[1] == 20.0);
    REQUIRE(fire_timeline(other_world.rules, other_world.params, other_world.state, rng)
                .status_quo[1] == 30.0);
  }
  SECTION("a false condition stops the row") {
    ParseError err;
    sc.timeline[0].when = *parse_condition("issue.x > 60", sc.ids(), err);
    World w(sc);
    Rng rng(1, 1);
    w.state.turn = 2;
    REQUIRE(fire_timeline(w.rules, w.params, w.state, rng).status_quo[1] == 20.0);
    w.state.status_quo[0] = 70.0;
    REQUIRE(fire_timeline(w.rules, w.params, w.state, rng).status_quo[1] == 30.0);
  }
  SECTION("probability 0 never fires and 0.5 fires about half the time") {
    sc.timeline[0].probability = Number::constant(0.5);
    World w(sc);
    w.state.turn = 2;
    int fired = 0;
    for (std::uint64_t k = 0; k < 2000; ++k) {
      Rng rng(7, k);
      fired += fire_timeline(w.rules, w.params, w.state, rng).count[0];
    }
    REQUIRE(fired == Approx(1000).margin(100));
    w.params.values[static_cast<size_t>(w.rules.timeline[0].probability)] = 0.0;
    Rng rng(1, 1);
    REQUIRE(fire_timeline(w.rules, w.params, w.state, rng).count[0] == 0);
  }
}

TEST_CASE("the AI of a turn sees that turn's timeline moves through done, not last",
          "[model][timeline][phases]") {
  // A turn runs drift, timeline, choices, bargaining, influence. A move the timeline makes in
  // turn t is done.M == 1 at once (for later rows and for the AI choosing in turn t), but
  // last.M == 1 only in turn t + 1: last means "made in the previous turn".
  Scenario sc = tiny_scenario();
  const Slot x{SlotKind::issue, 0, 0};
  // B's scripted signal (B's AI never makes it: its cost is above any gain), and two replies
  // of A that pay (A wants x high), one waiting for done.signal, one for last.signal.
  sc.moves = {make_move("signal", 1, Slot{SlotKind::issue, 1, 0}, EffectOp::add, 1.0, 1.0),
              make_move("after_done", 0, x, EffectOp::add, 10.0),
              make_move("after_last", 0, x, EffectOp::add, 10.0)};
  ParseError err;
  sc.moves[1].requirement = *parse_condition("done.signal == 1", sc.ids(), err);
  sc.moves[1].cooldown = 100;  // once only, so that turn 3 tells the replies apart
  sc.moves[2].requirement = *parse_condition("last.signal == 1", sc.ids(), err);
  sc.timeline = {make_row(0, 2, 2)};
  World w(sc);
  Rng rng(1, 1);
  State s = step(w.rules, w.params, w.state, rng);  // turn 1: no signal, no reply
  REQUIRE(s.count.sum() == 0);

  const State mid = begin_turn(w.rules, w.params, s, rng);  // turn 2, drift and timeline done
  REQUIRE(mid.turn == 2);
  REQUIRE(mid.count[0] == 1);
  CHECK(available(w.rules, 0, 1, mid));        // done.signal == 1 already
  CHECK_FALSE(available(w.rules, 0, 2, mid));  // last.signal == 0: made this turn, not the last
  s = finish_turn(w.rules, w.params, mid, rng);
  CHECK(s.last_turn[1] == 2);
  CHECK(s.count[2] == 0);

  s = step(w.rules, w.params, s, rng);  // turn 3: the signal was made in the previous turn
  CHECK(s.last_turn[2] == 3);
  CHECK(s.count[1] == 1);
}

TEST_CASE("a move the timeline makes is not chosen again in the same turn",
          "[model][timeline][phases]") {
  // The timeline runs before the choices and sets the move's last turn, so the move is cooling
  // down for its AI actor in that turn even with cooldown 0; the turn after, it may choose it.
  Scenario sc = tiny_scenario();
  sc.moves = {make_move("push", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 10.0)};
  sc.timeline = {make_row(0, 1, 1)};
  World w(sc);
  Rng rng(1, 1);
  State s = step(w.rules, w.params, w.state, rng);
  CHECK(s.count[0] == 1);  // by the timeline only
  CHECK(s.status_quo[0] == Approx(60.0));
  s = step(w.rules, w.params, s, rng);
  CHECK(s.count[0] == 2);  // by A's AI
}

TEST_CASE("AI actors pick the move that pays and pass on one that does not", "[model][choice]") {
  Scenario sc = tiny_scenario();
  // A wants x high: +10 on x is worth 10/100 * 1/1.5 = 0.0667 to A.
  sc.moves = {make_move("good", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 10.0, 0.01),
              make_move("costly", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 10.0, 0.5),
              make_move("harmful", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::sub, 10.0, 0.0)};
  World w(sc);
  w.state.turn = 1;
  std::vector<double> scores;
  score_moves(w.rules, w.params, w.state, 0, {0, 1, 2}, scores);
  REQUIRE(scores[0] == Approx(10.0 / 100.0 / 1.5 - 0.01));
  REQUIRE(scores[1] < 0.0);
  REQUIRE(scores[2] < 0.0);
  Rng rng(1, 1);
  const State s = choose_moves(w.rules, w.params, w.state, rng);
  REQUIRE(s.count[0] == 1);
  REQUIRE(s.count[1] == 0);
  REQUIRE(s.count[2] == 0);
  REQUIRE(s.status_quo[0] == Approx(60.0));
}

TEST_CASE("cooldown and forbid keep a move from being chosen", "[model][choice]") {
  Scenario sc = tiny_scenario();
  sc.moves = {make_move("good", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 10.0)};
  sc.moves[0].cooldown = 2;
  Option no_good;
  no_good.name = "no_good";
  no_good.forbid = {0};
  sc.options.push_back(no_good);
  World w(sc), forbidden(sc, 1);
  Rng rng(1, 1);
  w.state.turn = 3;
  w.state.last_turn[0] = 1;  // made two turns ago: still cooling down
  REQUIRE(choose_moves(w.rules, w.params, w.state, rng).count[0] == 0);
  w.state.last_turn[0] = 0;
  REQUIRE(choose_moves(w.rules, w.params, w.state, rng).count[0] == 1);
  forbidden.state.turn = 3;
  REQUIRE(choose_moves(forbidden.rules, forbidden.params, forbidden.state, rng).count[0] == 0);
}

TEST_CASE("softmax choice follows the temperature", "[model][choice]") {
  Scenario sc = tiny_scenario();
  sc.moves = {make_move("good", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 10.0, 0.0)};
  set_model(sc, ModelKey::temperature, 1.0);  // far above the gain: close to a coin toss
  World w(sc);
  w.state.turn = 1;
  int made = 0;
  for (std::uint64_t k = 0; k < 2000; ++k) {
    Rng rng(3, k);
    made += choose_moves(w.rules, w.params, w.state, rng).count[0];
  }
  const double gain = 10.0 / 100.0 / 1.5;
  const double p = std::exp(gain) / (1.0 + std::exp(gain));
  REQUIRE(made == Approx(2000 * p).margin(90));

  // Far below the gain: nearly always the best reply.
  w.state.model[static_cast<size_t>(ModelKey::temperature)] = 0.01;
  made = 0;
  for (std::uint64_t k = 0; k < 2000; ++k) {
    Rng rng(3, k);
    made += choose_moves(w.rules, w.params, w.state, rng).count[0];
  }
  REQUIRE(made >= 1990);
}

TEST_CASE("lookahead counts the reply a move triggers (linkage)", "[model][choice][lookahead]") {
  Scenario sc = tiny_scenario();
  sc.actors[1].control = Control::script;
  // A concedes on y (bad for A on its own) ...
  sc.moves = {make_move("concede", 0, Slot{SlotKind::issue, 1, 0}, EffectOp::add, 10.0, 0.0),
              // ... and B rewards a concession with a big step on x, through the timeline.
              make_move("reward", 1, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 30.0, 0.0)};
  ParseError err;
  TimelineRow row = make_row(1, 1, 5);
  row.when = *parse_condition("last.concede == 1", sc.ids(), err);
  sc.timeline = {row};

  World myopic(sc);
  myopic.state.turn = 1;
  std::vector<double> scores;
  score_moves(myopic.rules, myopic.params, myopic.state, 0, {0}, scores);
  REQUIRE(scores[0] < 0.0);

  set_model(sc, ModelKey::lookahead, 1.0);
  World farsighted(sc);
  farsighted.state.turn = 1;
  score_moves(farsighted.rules, farsighted.params, farsighted.state, 0, {0}, scores);
  // Loses 10 points on y (salience 0.5), gains 30 on x (salience 1): net 25/100/1.5.
  REQUIRE(scores[0] == Approx((30.0 * 1.0 - 10.0 * 0.5) / 100.0 / 1.5));
}

TEST_CASE("compromise bargaining moves the status quo by settle_rate", "[model][bargaining]") {
  Scenario sc = tiny_scenario();
  set_model(sc, ModelKey::settle_rate, 0.5);
  sc.actors[0].capability = Number::constant(3.0);
  World w(sc);
  Rng rng(1, 1);
  // Outcome on x: (3*1*100 + 1*1*0) / 4 = 75; halfway from 50 is 62.5. y is not negotiable.
  const State s = bargain(w.rules, w.params, w.state, rng);
  REQUIRE(s.status_quo[0] == Approx(62.5));
  REQUIRE(s.status_quo[1] == 20.0);
}

TEST_CASE("a veto player blocks moves of the status quo that hurt it",
          "[model][bargaining][veto]") {
  Scenario sc = tiny_scenario();
  set_model(sc, ModelKey::settle_rate, 0.5);
  sc.actors[0].capability = Number::constant(3.0);
  sc.stances[2].veto = true;  // B (position 0 on x) holds a veto on x
  World w(sc);
  Rng rng(1, 1);
  REQUIRE(bargain(w.rules, w.params, w.state, rng).status_quo[0] == Approx(50.0));
  // Toward the veto player, movement is allowed up to its mirror image of the status quo.
  w.state.position(1, 0) = 60.0;
  REQUIRE(clip_to_veto(w.rules, w.state, 0, 62.5) == Approx(62.5));
  REQUIRE(clip_to_veto(w.rules, w.state, 0, 75.0) == Approx(70.0));
  REQUIRE(clip_to_veto(w.rules, w.state, 0, 40.0) == Approx(50.0));
}

TEST_CASE("a veto player accepts any point as close to it as the status quo, on either side",
          "[model][bargaining][veto]") {
  // What a veto means, in the case a scenario author met: B holds a veto on x and wants relief
  // at 35 with the status quo at 0. B accepts every point from 0 to 70 (no farther from 35 than
  // 0 is), so bargaining may carry x past B's own position, and B asks nothing in return.
  Scenario sc = tiny_scenario();
  set_model(sc, ModelKey::settle_rate, 1.0);
  sc.actors[0].capability = Number::constant(3.0);
  sc.stances[2].veto = true;  // B holds a veto on x
  World w(sc);
  w.state.status_quo[0] = 0.0;
  w.state.position(1, 0) = 35.0;
  CHECK(clip_to_veto(w.rules, w.state, 0, 80.0) == 70.0);
  CHECK(clip_to_veto(w.rules, w.state, 0, 50.0) == 50.0);
  CHECK(clip_to_veto(w.rules, w.state, 0, -10.0) == 0.0);
  // A whole bargaining step: A (at 100, three times B's weight) pulls the compromise to
  // (3 x 100 + 35) / 4 = 83.75; the veto stops x at 70, not at B's 35.
  Rng rng(1, 1);
  CHECK(bargain(w.rules, w.params, w.state, rng).status_quo[0] == Approx(70.0));
}

TEST_CASE("positions drift toward liked actors only", "[model][influence]") {
  Scenario sc = tiny_scenario();
  set_model(sc, ModelKey::influence_rate, 0.5);
  Relation likes;
  likes.from = 0;
  likes.to = 1;
  likes.affinity = Number::constant(1.0);
  Relation dislikes;
  dislikes.from = 1;
  dislikes.to = 0;
  dislikes.affinity = Number::constant(-1.0);
  sc.relations = {likes, dislikes};
  World w(sc);
  Rng rng(1, 1);
  const State s = update_positions(w.rules, w.params, w.state, rng);
  // A hears only B on x (weight 1 of 1 others): moves halfway from 100 to 0.
  REQUIRE(s.position(0, 0) == Approx(50.0));
  REQUIRE(s.position(1, 0) == Approx(0.0));
}

TEST_CASE("step runs the phases in order and advances the turn", "[model][turn]") {
  // Every phase acts, and on values the later phases read, so any other order gives other
  // numbers: drift (x and y +5), timeline (B's "announce" sets y = 40), choices (A's "good" sets
  // x = 70), bargaining (settle rate 0.5 toward the compromise of A and B) and influence (A, who
  // likes B, moves halfway toward B's position).
  Scenario sc = tiny_scenario();
  set_model(sc, ModelKey::settle_rate, 0.5);
  set_model(sc, ModelKey::influence_rate, 0.5);
  sc.actors[1].control = Control::script;  // B acts only through the timeline
  sc.issues[0].drift = Number::constant(5.0);
  sc.issues[1].drift = Number::constant(5.0);
  sc.moves = {make_move("good", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::assign, 70.0),
              make_move("announce", 1, Slot{SlotKind::issue, 1, 0}, EffectOp::assign, 40.0)};
  sc.timeline = {make_row(1, 1, 1)};
  Relation likes;
  likes.from = 0;
  likes.to = 1;
  likes.affinity = Number::constant(1.0);
  sc.relations = {likes};
  World w(sc);
  Rng rng(1, 1);
  const State s = step(w.rules, w.params, w.state, rng);
  REQUIRE(s.turn == 1);
  // The timeline's move first, then A's choice.
  REQUIRE(s.made == std::vector<std::int32_t>{1, 0});
  REQUIRE(s.made_by_timeline == 1);
  // y: drift 20 -> 25, then the timeline sets 40 (the other way round: 45).
  CHECK(s.status_quo[1] == Approx(40.0));
  // x: drift 50 -> 55; A sets 70; bargaining on the positions before influence, A 100 and B 0
  // with equal weights: compromise 50, so 70 + 0.5 (50 - 70) = 60. Bargaining after influence
  // would see A at 50 (compromise 25: 47.5); bargaining before the choice would give 70.
  CHECK(s.status_quo[0] == Approx(60.0));
  // Influence last: A's voice-weighted pull toward B, 100 + 0.5 (0 - 100) = 50; B likes nobody.
  CHECK(s.position(0, 0) == Approx(50.0));
  CHECK(s.position(1, 0) == Approx(0.0));
}

TEST_CASE("every bargaining model runs in the turn's bargaining phase", "[model][bargaining]") {
  Scenario sc = tiny_scenario();
  set_model(sc, ModelKey::settle_rate, 1.0);
  sc.actors[0].capability = Number::constant(3.0);  // A at 100 outweighs B at 0 on x
  const auto outcome = [&](BargainingModel m) {
    Scenario with = sc;
    with.model.bargaining = m;
    World w(with);
    Rng rng(1, 1);
    return bargain(w.rules, w.params, w.state, rng).status_quo[0];
  };
  REQUIRE(outcome(BargainingModel::compromise) == Approx(75.0));
  REQUIRE(outcome(BargainingModel::median) == Approx(100.0));
  // Nash bargaining uses the status quo as the disagreement point: with A and B on opposite
  // sides of it, every move hurts one of them, so nothing is agreed.
  REQUIRE(outcome(BargainingModel::nbs) == Approx(50.0));
  // Two camps (A at 100, B at 0): split is the weighted median, A's 100, where nbs stays at 50.
  REQUIRE(outcome(BargainingModel::split) == Approx(100.0));
  // The iterative models move the issue toward the stronger side, within the positions' span.
  for (const BargainingModel m : {BargainingModel::eum, BargainingModel::smp}) {
    INFO(bargaining_name(m));
    const double q = outcome(m);
    REQUIRE(q > 50.0);
    REQUIRE(q <= 100.0);
  }
}

TEST_CASE("an issue nobody cares about stays put, whatever the model", "[model][bargaining]") {
  // Both saliences on x are 0 and x stands at 20, away from both the plain mean (50) and the
  // plain median (0) of the positions: nobody bargains, so no model may move it.
  Scenario sc = tiny_scenario();
  set_model(sc, ModelKey::settle_rate, 1.0);
  sc.issues[0].status_quo = Number::constant(20.0);
  for (Stance& st : sc.stances)
    if (st.issue == 0) st.salience = Number::constant(0.0);
  for (const BargainingModel m : kBargainingModels) {
    INFO(bargaining_name(m));
    Scenario with = sc;
    with.model.bargaining = m;
    World w(with);
    Rng rng(1, 1);
    CHECK(bargain(w.rules, w.params, w.state, rng).status_quo[0] == 20.0);
  }
}

TEST_CASE("lookahead finds a triggered timeline row beyond the first 64 rows",
          "[model][lookahead]") {
  // As above, with 70 rows before the reward: the rows a move may trigger are kept as a bitset
  // of 64-bit words, and row 70 lives in the second word.
  Scenario sc = tiny_scenario();
  sc.actors[1].control = Control::script;
  set_model(sc, ModelKey::lookahead, 1.0);
  sc.moves = {make_move("concede", 0, Slot{SlotKind::issue, 1, 0}, EffectOp::add, 10.0, 0.0),
              make_move("reward", 1, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 30.0, 0.0)};
  ParseError err;
  for (int r = 0; r < 70; ++r) {
    // Fillers that read what "concede" writes but never hold.
    TimelineRow filler = make_row(1, 1, 5);
    filler.when = *parse_condition("issue.y > 1000", sc.ids(), err);
    sc.timeline.push_back(filler);
  }
  TimelineRow row = make_row(1, 1, 5);
  row.when = *parse_condition("last.concede == 1", sc.ids(), err);
  sc.timeline.push_back(row);
  World w(sc);
  w.state.turn = 1;
  std::vector<double> scores;
  score_moves(w.rules, w.params, w.state, 0, {0}, scores);
  REQUIRE(scores[0] == Approx((30.0 * 1.0 - 10.0 * 0.5) / 100.0 / 1.5));
}

TEST_CASE("the influence update sums each friend's pull in actor order, as the formula reads",
          "[model][influence]") {
  // Four actors with uneven voices and likes: the phase must give exactly (bit for bit) the
  // formula of docs/MODEL.md evaluated in its plain order, so a faster loop cannot reorder sums.
  Scenario sc = tiny_scenario();
  Actor c = sc.actors[0], d = sc.actors[0];
  c.id = "C";
  d.id = "D";
  sc.actors.push_back(c);
  sc.actors.push_back(d);
  set_model(sc, ModelKey::influence_rate, 0.37);
  World w(sc);
  State& s = w.state;
  const int actors = 4, issues = 2;
  const double capability[actors] = {1.0 / 3.0, 0.7, 1.1, 0.9};
  // Row i likes column k (the diagonal is ignored); A likes nobody, D is liked by everyone else.
  const double like[actors][actors] = {
      {1.0, -0.5, 0.0, -0.1}, {0.3, 1.0, 0.7, 0.45}, {0.2, 0.6, 1.0, 0.9}, {0.1, 0.25, -0.3, 1.0}};
  // Values under which summing the pulls in another order, grouping the voice's product or the
  // rate's division otherwise changes the last bit of some position.
  const double position[actors][issues] = {{27.2, 48.8}, {8.2, 33.9}, {7.2, 1.1}, {28.4, 11.8}};
  const double power[actors][issues] = {{1.0, 1.6}, {0.6, 1.4}, {0.7, 1.7}, {1.6, 0.8}};
  // On y only D cares: everyone else's voice there is 0, so D (no other voice) stays put.
  const double salience[actors][issues] = {{0.9, 0.0}, {0.7, 0.0}, {0.2, 0.0}, {0.5, 0.6}};
  for (int a = 0; a < actors; ++a) {
    s.capability[a] = capability[a];
    for (int k = 0; k < actors; ++k) s.affinity(a, k) = like[a][k];
    for (int j = 0; j < issues; ++j) {
      s.position(a, j) = position[a][j];
      s.power(a, j) = power[a][j];
      s.salience(a, j) = salience[a][j];
    }
  }
  State expected = s;
  const double rate = 0.37;
  for (int j = 0; j < issues; ++j) {
    double voice[actors], total = 0.0;
    for (int k = 0; k < actors; ++k) {
      voice[k] = s.capability[k] * s.power(k, j) * s.salience(k, j);
      total += voice[k];
    }
    for (int i = 0; i < actors; ++i) {
      const double xi = s.position(i, j);
      const double others = total - voice[i];
      if (others <= 0.0) continue;
      double pull = 0.0;
      for (int k = 0; k < actors; ++k)
        if (k != i && s.affinity(i, k) > 0.0)
          pull += s.affinity(i, k) * voice[k] * (s.position(k, j) - xi);
      expected.position(i, j) = std::clamp(xi + rate * pull / others, 0.0, 100.0);
    }
  }
  Rng rng(1, 1);
  const State moved = update_positions(w.rules, w.params, s, rng);
  for (int a = 0; a < actors; ++a)
    for (int j = 0; j < issues; ++j) {
      INFO("actor " << a << " issue " << j);
      CHECK(moved.position(a, j) == expected.position(a, j));
    }
  CHECK(moved.position(0, 0) == s.position(0, 0));  // A likes nobody: no pull
  CHECK(moved.position(3, 1) == s.position(3, 1));  // D alone cares about y
  CHECK(moved.position(1, 0) != s.position(1, 0));
}

TEST_CASE("each phase of a turn draws from its own child of the turn's stream", "[model][turn]") {
  // Turn t's stream is split(t) of the run's stream and a phase's is split(phase) of the turn's
  // (1 drift, 2 timeline, 3 choices): begin_turn and finish_turn must draw exactly what the
  // single phases draw from those streams, whether or not a phase draws in a given turn.
  Scenario sc = tiny_scenario();
  sc.issues[0].noise = Number::constant(5.0);
  sc.moves = {make_move("good", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 10.0),
              make_move("push", 1, Slot{SlotKind::issue, 1, 0}, EffectOp::add, 3.0, 1.0)};
  sc.timeline = {make_row(1, 2, 4, 0.5)};  // a draw in turns 2-4 only
  set_model(sc, ModelKey::temperature, 0.05);
  World w(sc);
  const Rng run(3, 4);
  State s = w.state;
  for (int t = 1; t <= 5; ++t) {
    const Rng turn = run.split(static_cast<std::uint64_t>(t));
    Rng drift = turn.split(1), timeline = turn.split(2), choices = turn.split(3);
    State want = s;
    want.turn = t;
    want.made.clear();
    want.made_by_timeline = 0;
    want = fire_timeline(w.rules, w.params, apply_drift(w.rules, w.params, want, drift), timeline);
    const State mid = begin_turn(w.rules, w.params, s, run);
    INFO("turn " << t);
    REQUIRE(same_state(mid, want));
    want = choose_moves(w.rules, w.params, want, choices);
    s = finish_turn(w.rules, w.params, mid, run);
    REQUIRE(same_state(s, want));
  }
  CHECK(s.status_quo[0] != w.state.status_quo[0]);
}

TEST_CASE("step_in_place, step and the two halves of a turn give the same states",
          "[model][turn][choice]") {
  // On the default scenario (noise, random timeline rows, softmax choices) for every option:
  // the batch's loop (step_in_place) plays exactly what step and begin_turn + finish_turn play,
  // and available_moves keeps exactly the moves available() accepts, in move order.
  Diagnostics diag;
  const auto sc =
      load_scenario(std::string(PARLEY_SOURCE_DIR) + "/scenarios/afghanistan-2025", diag);
  REQUIRE(sc.has_value());
  const Rules rules = compile(*sc);
  std::vector<std::int32_t> kept;
  for (int option = 0; option < static_cast<int>(rules.options.size()); ++option) {
    const Params p = sample_params(rules, option, 11, 2);
    const Rng rng(11, 2);
    State in_place = initial_state(rules, p), stepped = in_place, halves = in_place;
    for (int t = 1; t <= rules.turns; ++t) {
      step_in_place(rules, p, in_place, rng);
      Rng step_rng = rng;
      stepped = step(rules, p, stepped, step_rng);
      const State mid = begin_turn(rules, p, halves, rng);
      for (int a = 0; a < rules.actors; ++a) {
        const std::vector<std::int32_t>& moves = rules.moves_of_actor[static_cast<size_t>(a)];
        std::vector<std::int32_t> want;
        for (const std::int32_t m : moves)
          if (available(rules, option, m, mid)) want.push_back(m);
        available_moves(rules, option, moves, mid, kept);
        REQUIRE(kept == want);
      }
      halves = finish_turn(rules, p, mid, rng);
      INFO("option " << option << " turn " << t);
      REQUIRE(same_state(in_place, stepped));
      REQUIRE(same_state(in_place, halves));
    }
  }
}

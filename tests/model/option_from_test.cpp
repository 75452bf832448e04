// Options that start later (`from = t` in [option.NAME]): what each kind of change means from
// turn t, and that the batch, the classroom's stepped runs, the AI's advice and move scoring's
// lookahead all see the option the same way.
#include <catch2/catch.hpp>

#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/run.hpp"
#include "engine/sim/stepped.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;
using parley::test::make_move;
using parley::test::tiny_scenario;

namespace {

constexpr Slot kX{SlotKind::issue, 0, 0};
constexpr Slot kY{SlotKind::issue, 1, 0};

// Runs option `option` of `sc` once (seed 1, run 0) with its events traced.
RunOutput run_once(const Scenario& sc, int option) {
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  RunOutput out;
  simulate(rules, catalog, sample_params(rules, option, 1, 0), 1, 0, true, out);
  return out;
}

// The column of per-turn metric `name` in a trajectory.
Eigen::Index per_turn(const Scenario& sc, const std::string& name) {
  const MetricCatalog catalog = metric_catalog(sc);
  for (size_t k = 0; k < catalog.per_turn.size(); ++k)
    if (catalog.per_turn[k].name == name) return static_cast<Eigen::Index>(k);
  FAIL("no per-turn metric " << name);
  return 0;
}

// The turns in which move `m` was made.
std::vector<int> turns_made(const RunOutput& out, int m) {
  std::vector<int> turns;
  for (const Event& e : out.events)
    if (e.move == m) turns.push_back(e.turn);
  return turns;
}

Option option(const std::string& name, int from) {
  Option o;
  o.name = name;
  o.from = from;
  return o;
}

}  // namespace

TEST_CASE("an option's values apply at the start of turn 'from', before that turn's drift",
          "[model][option-from]") {
  Scenario sc = tiny_scenario();
  sc.turns = 6;
  sc.issues[1].drift = Number::constant(5.0);  // y: 20, 25, 30, ... (not negotiable)
  Option later = option("later", 4);
  later.set.push_back(Override{kY, Number::constant(70.0)});
  sc.options.push_back(later);
  const RunOutput base = run_once(sc, 0);
  const RunOutput opt = run_once(sc, 1);
  const Eigen::Index y = per_turn(sc, "issue.y");
  for (int t = 0; t <= 3; ++t) {
    INFO("turn " << t);
    CHECK(opt.trajectory(t, y) == base.trajectory(t, y));
  }
  // Set to 70 at the start of turn 4, then turn 4's drift: 75 after turn 4.
  CHECK(opt.trajectory(4, y) == Approx(75.0));
  CHECK(opt.trajectory(6, y) == Approx(85.0));
  CHECK(base.trajectory(6, y) == Approx(50.0));
}

TEST_CASE("'from = 1' gives the runs of the option in force from the start, bar turn 0's row",
          "[model][option-from]") {
  Scenario sc = tiny_scenario();
  sc.model.values[static_cast<size_t>(ModelKey::settle_rate)] = Number::constant(0.3);
  sc.model.values[static_cast<size_t>(ModelKey::influence_rate)] = Number::constant(0.1);
  sc.issues[0].noise = Number::constant(3.0);
  sc.relations.push_back(Relation{0, 1, Number::constant(0.5), Number::constant(0.0), {}});
  sc.moves = {make_move("push", 0, kX, EffectOp::add, 4.0, 0.01)};
  Option now = option("now", 0);
  now.set.push_back(Override{Slot{SlotKind::salience, 1, 0}, Number::constant(0.4)});
  now.set.push_back(Override{kY, Number::constant(60.0)});
  Option first = now;
  first.name = "first";
  first.from = 1;
  sc.options = {sc.options[0], now, first};
  const RunOutput a = run_once(sc, 1);
  const RunOutput b = run_once(sc, 2);
  REQUIRE(a.ok);
  // settled.* reads the status quo from turn 0 on, so it sees turn 0 differ; no other metric.
  const MetricCatalog catalog = metric_catalog(sc);
  for (size_t k = 0; k < catalog.final.size(); ++k)
    if (catalog.final[k].kind != MetricKind::settled) {
      INFO(catalog.final[k].name);
      CHECK(a.final[k] == b.final[k]);
    }
  CHECK(a.trajectory.bottomRows(sc.turns) == b.trajectory.bottomRows(sc.turns));
  // Turn 0 shows the world before the option: the baseline's.
  const RunOutput base = run_once(sc, 0);
  CHECK(b.trajectory.row(0) == base.trajectory.row(0));
  CHECK(a.trajectory.row(0) != base.trajectory.row(0));
}

TEST_CASE("a move forbidden from turn t is made before t and never from t on",
          "[model][option-from]") {
  Scenario sc = tiny_scenario();
  sc.turns = 6;
  // A gains from every push on x, so its AI makes it each turn it may.
  sc.moves = {make_move("push", 0, kX, EffectOp::add, 5.0, 0.0)};
  Option stop = option("stop", 3);
  stop.forbid = {0};
  sc.options.push_back(stop);
  CHECK(turns_made(run_once(sc, 0), 0) == std::vector<int>{1, 2, 3, 4, 5, 6});
  CHECK(turns_made(run_once(sc, 1), 0) == std::vector<int>{1, 2});

  const Rules rules = compile(sc);
  CHECK_FALSE(rules.options[1].forbids(0, 2));
  CHECK(rules.options[1].forbids(0, 3));
  CHECK(rules.options[1].forbids(0, 6));
  CHECK_FALSE(rules.options[0].forbids(0, 3));
}

TEST_CASE("an option's bargaining model and model keys hold from turn t", "[model][option-from]") {
  Scenario sc = tiny_scenario();
  sc.turns = 4;
  sc.actors[1].capability = Number::constant(3.0);  // the outcome on x is not where x stands
  Option fast = option("fast", 3);
  fast.bargaining_set = true;
  fast.bargaining = BargainingModel::median;
  fast.set.push_back(Override{Slot{SlotKind::model, static_cast<int>(ModelKey::settle_rate), 0},
                              Number::constant(0.5)});
  sc.options.push_back(fast);
  const Rules rules = compile(sc);
  CHECK(rules.options[1].bargaining_at(2) == BargainingModel::compromise);
  CHECK(rules.options[1].bargaining_at(3) == BargainingModel::median);
  // settle_rate is 0 in the tiny scenario: x stands still until turn 3, then moves.
  const RunOutput out = run_once(sc, 1);
  const Eigen::Index x = per_turn(sc, "issue.x");
  CHECK(out.trajectory(2, x) == out.trajectory(0, x));
  CHECK(out.trajectory(3, x) != out.trajectory(2, x));
}

TEST_CASE("values the command line adds hold from the start and win over a later option",
          "[model][option-from]") {
  Scenario sc = tiny_scenario();
  Option later = option("later", 3);
  later.set.push_back(Override{kY, Number::constant(70.0)});
  later.set.push_back(Override{Slot{SlotKind::position, 0, 1}, Number::constant(40.0)});
  later.set_always.push_back(Override{kY, Number::constant(10.0)});  // --set issue.y=10
  sc.options.push_back(later);
  const RunOutput out = run_once(sc, 1);
  const Eigen::Index y = per_turn(sc, "issue.y");
  for (int t = 0; t <= sc.turns; ++t) CHECK(out.trajectory(t, y) == 10.0);
  // The option's own change of another path still comes at turn 3.
  const Rules rules = compile(sc);
  const Params p = sample_params(rules, 1, 1, 0);
  Rng rng = Rng(1, 0).split(static_cast<std::uint64_t>(Stream::dynamics));
  State s = initial_state(rules, p);
  CHECK(s.position(0, 1) == 0.0);
  for (int t = 1; t <= 3; ++t) s = step(rules, p, std::move(s), rng);
  CHECK(s.position(0, 1) == 40.0);
  CHECK(s.status_quo[1] == 10.0);
}

TEST_CASE("a stepped run, its availability and the AI's advice see the option from turn t",
          "[model][option-from][stepped]") {
  Scenario sc = tiny_scenario();
  sc.turns = 5;
  sc.moves = {make_move("push", 0, kX, EffectOp::add, 5.0, 0.0)};
  Option stop = option("stop", 3);
  stop.forbid = {0};
  stop.set.push_back(Override{kY, Number::constant(70.0)});
  sc.options.push_back(stop);
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  SteppedRun run(rules, catalog, 1, 1, 0);
  for (int t = 1; t <= sc.turns; ++t) {
    run.open_turn();
    INFO("turn " << t);
    CHECK(run.available(0) == (t < 3));
    const AiAdvice advice = run.advice(0);
    CHECK(advice.moves == (t < 3 ? std::vector<std::int32_t>{0} : std::vector<std::int32_t>{}));
    CHECK(run.state().status_quo[1] == (t < 3 ? 20.0 : 70.0));
    run.resolve(nullptr);
  }
  // Unattended, the stepped run is the batch's run.
  const RunOutput batch = run_once(sc, 1);
  const RunOutput stepped = run.final_output();
  CHECK(stepped.final == batch.final);
  CHECK(stepped.trajectory == batch.trajectory);
}

TEST_CASE("lookahead in turn t-1 sees that a reply is forbidden from turn t",
          "[model][option-from][lookahead]") {
  Scenario sc = tiny_scenario();
  sc.model.values[static_cast<size_t>(ModelKey::lookahead)] = Number::constant(1.0);
  // B wants x high too, so it rewards A's concession on y with a step on x, once conceded.
  sc.stances[2].position = Number::constant(100.0);
  sc.moves = {make_move("concede", 0, kY, EffectOp::add, 10.0, 0.0),
              make_move("reward", 1, kX, EffectOp::add, 30.0, 0.0)};
  ParseError err;
  sc.moves[1].requirement = *parse_condition("done.concede == 1", sc.ids(), err);
  Option no_reward = option("no_reward", 3);
  no_reward.forbid = {1};
  sc.options.push_back(no_reward);
  const Rules rules = compile(sc);
  const double with_reply = (30.0 * 1.0 - 10.0 * 0.5) / 100.0 / 1.5;
  const double alone = -10.0 * 0.5 / 100.0 / 1.5;
  const auto score_at = [&](int option, int turn) {
    const Params p = sample_params(rules, option, 1, 0);
    State s = initial_state(rules, p);
    s.turn = turn;
    std::vector<double> scores;
    score_moves(rules, p, s, 0, {0}, scores);
    return scores[0];
  };
  CHECK(score_at(0, 2) == Approx(with_reply));
  CHECK(score_at(1, 1) == Approx(with_reply));  // the reply comes in turn 2: allowed
  CHECK(score_at(1, 2) == Approx(alone));       // the reply would come in turn 3: forbidden
}

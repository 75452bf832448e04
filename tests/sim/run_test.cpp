#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "engine/core/rng.hpp"

#include "engine/sim/compile.hpp"
#include "engine/sim/run.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;

TEST_CASE("settle_turn finds the first turn after which the issue stayed put", "[sim][metrics]") {
  Eigen::VectorXd q(6);
  q << 10, 30, 50, 50.2, 49.9, 50.1;
  REQUIRE(settle_turn(q, 0.5) == 2);
  q << 10, 30, 50, 50.2, 52, 52.3;
  REQUIRE(settle_turn(q, 0.5) == 4);
  q << 10, 20, 30, 40, 50, 60;
  REQUIRE(settle_turn(q, 0.5) == -1);
  q << 5, 5, 5, 5, 5, 5;
  REQUIRE(settle_turn(q, 0.5) == 0);
}

TEST_CASE("settle_turn agrees with a direct search", "[sim][metrics]") {
  // The definition checked turn by turn: the smallest t < T with every later value within
  // the tolerance of q[t].
  const auto direct = [](const Eigen::VectorXd& q, double tol) {
    for (Eigen::Index t = 0; t + 1 < q.size(); ++t) {
      bool stays = true;
      for (Eigen::Index u = t + 1; u < q.size(); ++u) stays = stays && std::abs(q[u] - q[t]) <= tol;
      if (stays) return static_cast<int>(t);
    }
    return -1;
  };
  Rng r(8, 8);
  for (int k = 0; k < 2000; ++k) {
    Eigen::VectorXd q(static_cast<Eigen::Index>(r.below(30)));
    double x = r.uniform(0, 100);
    for (Eigen::Index t = 0; t < q.size(); ++t) {
      // Steps that shrink over time, some exactly zero, so that issues settle at various turns.
      x += r.below(4) == 0 ? 0.0 : r.uniform(-1, 1) * 20.0 / static_cast<double>(t + 1);
      q[t] = x;
    }
    const double tol = r.below(5) == 0 ? 0.0 : r.uniform(0, 3);
    REQUIRE(settle_turn(q, tol) == direct(q, tol));
  }
}

TEST_CASE("sampling gives every number its own stream", "[sim][params]") {
  Scenario sc = test::tiny_scenario();
  sc.actors[0].capability = Number{DistKind::uniform, 1, 2, 0, 0, 10};
  sc.actors[1].capability = Number{DistKind::uniform, 1, 2, 0, 0, 10};
  const Rules rules = compile(sc);
  const Params a = sample_params(rules, 0, 11, 3), b = sample_params(rules, 0, 11, 3),
               c = sample_params(rules, 0, 11, 4);
  REQUIRE(a.values == b.values);
  REQUIRE(a.values != c.values);
  const auto random = random_numbers(rules);
  REQUIRE(random.size() == 2);
  REQUIRE(a.values[static_cast<size_t>(random[0])] != a.values[static_cast<size_t>(random[1])]);
  for (const NumberId id : random) {
    REQUIRE(a.values[static_cast<size_t>(id)] >= 1.0);
    REQUIRE(a.values[static_cast<size_t>(id)] < 2.0);
  }
}

TEST_CASE("options share the draws of a run (common random numbers)", "[sim][params]") {
  Scenario sc = test::tiny_scenario();
  sc.actors[0].capability = Number{DistKind::normal, 5, 1, 0, 0, 10};
  Option o;
  o.name = "boost";
  o.set.push_back(Override{Slot{SlotKind::capability, 1, 0}, Number::constant(4.0)});
  sc.options.push_back(o);
  const Rules rules = compile(sc);
  const Params base = sample_params(rules, 0, 5, 9), opt = sample_params(rules, 1, 5, 9);
  REQUIRE(base.values == opt.values);
  REQUIRE(initial_state(rules, base).capability[1] == 1.0);
  REQUIRE(initial_state(rules, opt).capability[1] == 4.0);
  REQUIRE(initial_state(rules, opt).capability[0] == initial_state(rules, base).capability[0]);
}

TEST_CASE("a run's metrics come from its final state", "[sim][metrics]") {
  Scenario sc = test::tiny_scenario();
  sc.issues[1].drift = Number::constant(10.0);
  sc.issues[1].unit = "bn";
  sc.issues[1].unit_low = 0.0;
  sc.issues[1].unit_high = 9.0;
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const Params p = sample_params(rules, 0, 1, 0);
  RunOutput out;
  simulate(rules, catalog, p, 1, 0, true, out);
  REQUIRE(out.ok);
  auto value = [&](const std::string& name) {
    for (size_t k = 0; k < catalog.final.size(); ++k)
      if (catalog.final[k].name == name) return out.final[k];
    FAIL("no metric " << name);
    return 0.0;
  };
  REQUIRE(value("issue.y") == Approx(70.0));  // 20 + 5 turns x 10
  REQUIRE(value("issue.y.value") == Approx(6.3));
  REQUIRE(value("settled.x") == 0);
  REQUIRE(value("settled.y") == -1);
  REQUIRE(value("recognized.A") == 0);
  // B wants y at 100 with salience 0.5 and x at 0 (q = 50) with salience 1.
  REQUIRE(value("utility.B") == Approx((0.5 * 1.0 + 0.5 * 0.7) / 1.5));
  REQUIRE(out.trajectory.rows() == 6);
}

TEST_CASE("a non-finite bargaining outcome fails the run", "[sim][metrics][bargaining]") {
  // A's capability is finite but its weighted sum overflows: 1e308 x 100 and 1e308 + 1e308 are
  // both infinite, so the compromise is inf / inf. docs/MODEL.md: a run with a non-finite value
  // is a failed run, with the reason recorded.
  Scenario sc = test::tiny_scenario();
  sc.model.values[static_cast<size_t>(ModelKey::settle_rate)] = Number::constant(0.5);
  sc.actors[0].capability = Number::constant(1e308);
  sc.actors[1].capability = Number::constant(1e308);
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const Params p = sample_params(rules, 0, 1, 0);
  RunOutput out;
  simulate(rules, catalog, p, 1, 0, false, out);
  CHECK_FALSE(out.ok);
  CHECK(out.failure == "non-finite value of issue.x");
  // The same scenario with ordinary capabilities runs to the end.
  sc.actors[0].capability = Number::constant(1.0);
  sc.actors[1].capability = Number::constant(1.0);
  const Rules fine = compile(sc);
  simulate(fine, catalog, sample_params(fine, 0, 1, 0), 1, 0, false, out);
  CHECK(out.ok);
}

TEST_CASE("a costly move is left to the timeline, which makes it without charging the cost",
          "[sim][metrics][cost]") {
  // A move's cost weighs only in its AI actor's choice (gain minus cost); no utility is ever
  // reduced by it. A cost above every gain therefore keeps the move for the timeline.
  Scenario sc = test::tiny_scenario();
  // +20 on x is worth 20/100 x 1/1.5 = 0.133 to A, far below the cost of 0.5.
  sc.moves = {test::make_move("costly", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 20.0, 0.5)};
  const auto metrics_of = [](const Scenario& s) {
    const Rules rules = compile(s);
    const MetricCatalog catalog = metric_catalog(s);
    RunOutput out;
    simulate(rules, catalog, sample_params(rules, 0, 1, 0), 1, 0, false, out);
    REQUIRE(out.ok);
    std::map<std::string, double> m;
    for (size_t k = 0; k < catalog.final.size(); ++k) m[catalog.final[k].name] = out.final[k];
    return m;
  };
  auto alone = metrics_of(sc);
  CHECK(alone["moves.costly"] == 0);  // A's AI never pays 0.5 for 0.133

  sc.timeline = {test::make_row(0, 1, 1)};
  auto scripted = metrics_of(sc);
  CHECK(scripted["moves.costly"] == 1);
  CHECK(scripted["issue.x"] == Approx(70.0));
  // A (position 100 on x, salience 1; 0 on y at 20, salience 0.5): the closeness formula at
  // x = 70, with nothing taken off for the move's cost.
  const double u = (1.0 * 0.7 + 0.5 * 0.8) / 1.5;
  CHECK(scripted["utility.A"] == Approx(u).epsilon(1e-12));
  CHECK(scripted["utility.A.mean"] == Approx(u).epsilon(1e-12));
}

TEST_CASE("a reused RunOutput gives the same run as a fresh one", "[sim][metrics]") {
  // A worker keeps one RunOutput (and its scratch buffers) for every run, whatever the scenario
  // shape it ran before; the output must not depend on it.
  Scenario small = test::tiny_scenario();
  Scenario big = test::tiny_scenario();
  big.turns = 9;
  big.issues.push_back(big.issues[0]);
  big.issues.back().id = "z";
  big.issues[0].noise = Number::constant(3.0);
  for (const Scenario* sc : {&small, &big}) {
    const Rules rules = compile(*sc);
    const MetricCatalog catalog = metric_catalog(*sc);
    RunOutput reused;
    for (const Scenario* other : {&big, &small}) {  // leave buffers of another shape behind
      const Rules other_rules = compile(*other);
      simulate(other_rules, metric_catalog(*other), sample_params(other_rules, 0, 3, 1), 3, 1, true,
               reused);
    }
    for (std::uint64_t run = 0; run < 4; ++run) {
      const Params p = sample_params(rules, 0, 2, run);
      RunOutput fresh;
      simulate(rules, catalog, p, 2, run, true, fresh);
      simulate(rules, catalog, p, 2, run, true, reused);
      REQUIRE(reused.ok == fresh.ok);
      REQUIRE(reused.final == fresh.final);
      REQUIRE(reused.trajectory == fresh.trajectory);
      REQUIRE(reused.events.size() == fresh.events.size());
      // The run works in the output's state: the reused one ends where the fresh one does.
      REQUIRE(reused.state.turn == fresh.state.turn);
      REQUIRE(reused.state.values == fresh.state.values);
      REQUIRE(reused.state.count == fresh.state.count);
      REQUIRE(reused.state.last_turn == fresh.state.last_turn);
      REQUIRE(reused.state.made == fresh.state.made);
    }
  }
}

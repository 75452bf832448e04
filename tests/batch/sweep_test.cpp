// Tests of parameter sweeps (engine/batch/sweep): --vary parsing, designs in the paths' units,
// sample runs on common random numbers, determinism, and the Sobol' indices through the same
// plan-and-estimate path the command uses.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/batch/runner.hpp"
#include "engine/batch/sweep.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/mini.hpp"

using namespace parley;
using parley::test::metric_index;
using parley::test::mini_scenario;

namespace {

VaryRange vary(const Scenario& sc, const std::string& text) {
  ParseError err;
  auto v = parse_vary(text, sc.ids(), err);
  INFO(text << ": " << err.message);
  REQUIRE(v);
  return *v;
}

// The error of a --vary that must not parse.
ParseError vary_error(const Scenario& sc, const std::string& text) {
  ParseError err;
  CHECK_FALSE(parse_vary(text, sc.ids(), err));
  return err;
}

struct NullSink final : BatchSink {
  void runs_rows(std::string_view) override {}
  void events_rows(std::string_view) override {}
  void failures_rows(std::string_view) override {}
};

}  // namespace

TEST_CASE("sweep --vary takes PATH=LO..HI with optional :STEPS", "[sweep]") {
  const Scenario sc = mini_scenario();
  const VaryRange a = vary(sc, "model.settle_rate=0.1..0.4");
  CHECK(a.path == "model.settle_rate");
  CHECK(a.slot == Slot{SlotKind::model, static_cast<int>(ModelKey::settle_rate), 0});
  CHECK(a.lo == 0.1);
  CHECK(a.hi == 0.4);
  CHECK(a.steps == 0);
  const VaryRange b = vary(sc, " affinity.ALF.BET = -1 .. 0.5 : 4");
  CHECK(b.path == "affinity.ALF.BET");
  CHECK(b.lo == -1.0);
  CHECK(b.hi == 0.5);
  CHECK(b.steps == 4);
}

TEST_CASE("bad --vary values say what was expected, where", "[sweep]") {
  const Scenario sc = mini_scenario();
  ParseError e = vary_error(sc, "salience.ALF.acces=0..1");
  CHECK(e.message.find("did you mean 'access'") != std::string::npos);
  CHECK(e.offset == 13);

  e = vary_error(sc, "model.settle_rate=0.5..0.1");
  CHECK(e.message.find("LO < HI") != std::string::npos);
  CHECK(e.offset == 18);

  e = vary_error(sc, "model.settle_rate=0.5..0.5");
  CHECK(e.message.find("LO < HI") != std::string::npos);

  e = vary_error(sc, "salience.ALF.aid=0.5..1.5");
  CHECK(e.message.find("outside") != std::string::npos);
  CHECK(e.message.find("0 to 1") != std::string::npos);
  CHECK(e.offset == 22);  // at HI, the end that is out

  e = vary_error(sc, "position.ALF.aid=0..100:1");
  CHECK(e.message.find("STEPS") != std::string::npos);
  CHECK(e.offset == 24);
  CHECK_FALSE(parse_vary("position.ALF.aid=0..100:2.5", sc.ids(), e));
  CHECK_FALSE(parse_vary("position.ALF.aid=0..100:x", sc.ids(), e));

  e = vary_error(sc, "position.ALF.aid=0..x");
  CHECK(e.message.find("HI") != std::string::npos);
  CHECK(e.offset == 20);

  e = vary_error(sc, "position.ALF.aid=50");
  CHECK(e.message.find("LO..HI") != std::string::npos);

  e = vary_error(sc, "turn=1..3");
  CHECK(e.message.find("read-only") != std::string::npos);

  e = vary_error(sc, "model.bargaining=0..1");
  CHECK(e.message.find("not a number") != std::string::npos);

  e = vary_error(sc, "cost.alf_aid=0..inf");  // a range needs two finite ends
  CHECK(e.offset == 16);
}

TEST_CASE("designs are laid out in the paths' own units", "[sweep]") {
  const Scenario sc = mini_scenario();
  SECTION("grid: every combination, ends exact") {
    const SweepPlan p = make_sweep_plan(
        Design::grid, {vary(sc, "model.settle_rate=0.1..0.3:3"), vary(sc, "risk.ALF=-0.5..0.5:2")},
        0, 1);
    REQUIRE(p.samples() == 6);
    CHECK(p.values(0, 0) == 0.1);
    CHECK(p.values(5, 0) == 0.3);
    CHECK(p.values(2, 0) == Approx(0.2));
    CHECK(p.values(0, 1) == -0.5);
    CHECK(p.values(1, 1) == 0.5);
    CHECK(planned_samples(Design::grid, p.vary, 0) == 6);
  }
  SECTION("Latin hypercube: one point per stratum, reproducible from the seed") {
    const std::vector<VaryRange> v = {vary(sc, "position.ALF.aid=20..60")};
    const SweepPlan p = make_sweep_plan(Design::lhs, v, 40, 9);
    REQUIRE(p.samples() == 40);
    std::set<int> strata;
    for (Eigen::Index r = 0; r < 40; ++r) {
      CHECK(p.values(r, 0) >= 20.0);
      CHECK(p.values(r, 0) < 60.0);
      strata.insert(static_cast<int>((p.values(r, 0) - 20.0) / 1.0));
    }
    CHECK(strata.size() == 40);
    CHECK(make_sweep_plan(Design::lhs, v, 40, 9).values == p.values);
    CHECK(make_sweep_plan(Design::lhs, v, 40, 10).values != p.values);
  }
  SECTION("Saltelli: N x (d + 2) rows") {
    const SweepPlan p = make_sweep_plan(
        Design::sobol, {vary(sc, "model.settle_rate=0.1..0.3"), vary(sc, "risk.ALF=-0.5..0.5")}, 16,
        1);
    CHECK(p.base_rows == 16);
    CHECK(p.samples() == 16 * 4);
    CHECK(planned_samples(Design::sobol, p.vary, 16) == 64);
    CHECK(p.values.col(0).minCoeff() >= 0.1);
    CHECK(p.values.col(1).maxCoeff() < 0.5);
  }
}

TEST_CASE("Ishigami indices through the sweep's plan and estimator", "[sweep][sensitivity]") {
  // The same code as `parley sweep --design sobol`: a plan over three ranges, outputs per sample
  // (here the Ishigami function of the sample's values instead of mean metrics), then
  // sweep_sensitivity. Exact values for a = 7, b = 0.1 (Sobol' and Levitan 1999).
  const Scenario sc = mini_scenario();
  const double pi = 3.14159265358979323846;
  // Three writable paths whose ranges allow [-pi, pi]; their meaning is irrelevant here.
  VaryRange x1 = vary(sc, "drift.aid=-3..3"), x2 = vary(sc, "drift.access=-3..3"),
            x3 = vary(sc, "drift.sanctions=-3..3");
  for (VaryRange* v : {&x1, &x2, &x3}) {
    v->lo = -pi;
    v->hi = pi;
  }
  const SweepPlan plan = make_sweep_plan(Design::sobol, {x1, x2, x3}, 4096, 1);
  Eigen::MatrixXd y(plan.samples(), 1);
  for (Eigen::Index r = 0; r < plan.samples(); ++r) {
    const double a = plan.values(r, 0), b = plan.values(r, 1), c = plan.values(r, 2);
    y(r, 0) = std::sin(a) + 7.0 * std::sin(b) * std::sin(b) + 0.1 * std::pow(c, 4) * std::sin(a);
  }
  const auto idx = sweep_sensitivity(plan, y, 500, 5);
  const double s1[3] = {0.3139, 0.4424, 0.0};
  const double st[3] = {0.5576, 0.4424, 0.2437};
  for (int i = 0; i < 3; ++i) {
    const SobolIndex& s = idx[0][static_cast<size_t>(i)];
    INFO("x" << i + 1 << ": S1 " << s.s1 << " +- " << s.s1_ci << ", ST " << s.st << " +- "
             << s.st_ci);
    CHECK(std::abs(s.s1 - s1[i]) <= s.s1_ci + 0.01);
    CHECK(std::abs(s.st - st[i]) <= s.st_ci + 0.01);
    CHECK(s.s1_ci < 0.06);
    CHECK(s.st_ci < 0.06);
  }
  // Not a Saltelli plan: no indices.
  CHECK(sweep_sensitivity(make_sweep_plan(Design::lhs, {x1}, 10, 1), y, 10, 1).empty());
}

TEST_CASE("a sample's means are those of a plain batch with the same values", "[sweep]") {
  // Base option hardline: its own overrides and its timeline row (alf_embargo at turn 1, listed
  // for hardline only) must carry over to the samples. The middle grid level is the scenario's
  // own salience, so sample 1 is exactly the hardline option.
  const Scenario sc = mini_scenario();
  const MetricCatalog catalog = metric_catalog(sc);
  const SweepPlan plan =
      make_sweep_plan(Design::grid, {vary(sc, "salience.ALF.aid=0.2..0.6:3")}, 0, 1);
  REQUIRE(plan.values(1, 0) == Approx(0.4).epsilon(1e-15));
  SweepSpec spec;
  spec.runs_per_sample = 200;
  spec.seed = 42;
  spec.threads = 2;
  spec.base_option = 2;
  const SweepResult r = run_sweep(sc, catalog, plan, spec);

  const Rules rules = compile(sc);
  const RowFormat format(sc, rules, catalog);
  BatchSpec batch;
  batch.runs = 200;
  batch.seed = 42;
  batch.options = {2};
  batch.write_rows = false;
  NullSink sink;
  const BatchResult direct = run_batch(rules, catalog, format, batch, sink);
  REQUIRE(r.ok[1] == 200);
  for (size_t k = 0; k < catalog.final.size(); ++k) {
    INFO(catalog.final[k].name);
    CHECK(r.means(1, static_cast<Eigen::Index>(k)) ==
          Approx(direct.options[0].final[k].mean()).margin(1e-6));
  }
  CHECK(r.means(1, static_cast<Eigen::Index>(metric_index(catalog, "moves.alf_embargo"))) >= 1.0);
  // The varied value matters: ALF's salience for aid moves the aid outcome.
  const auto aid = static_cast<Eigen::Index>(metric_index(catalog, "issue.aid"));
  CHECK(r.means(0, aid) != r.means(2, aid));
}

TEST_CASE("sweep results are identical for any thread count", "[sweep][determinism]") {
  const Scenario sc = mini_scenario();
  const MetricCatalog catalog = metric_catalog(sc);
  std::vector<size_t> all(catalog.final.size());
  for (size_t k = 0; k < all.size(); ++k) all[k] = k;
  // 80 samples x 10 runs spreads chunks over threads; 5 samples x 100 runs spreads each
  // chunk's runs over threads instead.
  const SweepPlan many = make_sweep_plan(
      Design::lhs, {vary(sc, "model.settle_rate=0.05..0.5"), vary(sc, "position.BET.aid=50..100")},
      80, 3);
  const SweepPlan few =
      make_sweep_plan(Design::grid, {vary(sc, "model.influence_rate=0..0.5:5")}, 0, 3);
  for (const SweepPlan* plan : {&many, &few}) {
    std::string first;
    for (const int threads : {1, 2, 3}) {
      SweepSpec spec;
      spec.runs_per_sample = plan == &many ? 10 : 100;
      spec.seed = 11;
      spec.threads = threads;
      const std::string csv = sweep_csv(*plan, catalog, run_sweep(sc, catalog, *plan, spec), all);
      if (first.empty()) first = csv;
      CHECK(csv == first);
    }
  }
}

TEST_CASE("samples share common random numbers, whatever chunk they fall in", "[sweep][crn]") {
  // Rows 0 and 40 hold the same values but are run in different compiled chunks: with common
  // random numbers their means are identical to the last bit.
  const Scenario sc = mini_scenario();
  const MetricCatalog catalog = metric_catalog(sc);
  SweepPlan plan = make_sweep_plan(Design::lhs, {vary(sc, "model.settle_rate=0.05..0.5")}, 48, 3);
  plan.values(40, 0) = plan.values(0, 0);
  SweepSpec spec;
  spec.runs_per_sample = 20;
  spec.seed = 5;
  spec.threads = 2;
  const SweepResult r = run_sweep(sc, catalog, plan, spec);
  CHECK(r.means.row(40) == r.means.row(0));
  CHECK(r.means.row(1) != r.means.row(0));
  CHECK(r.failed == 0);
}

TEST_CASE("sweep.csv and sensitivity.csv have the documented columns", "[sweep]") {
  const Scenario sc = mini_scenario();
  const MetricCatalog catalog = metric_catalog(sc);
  const SweepPlan plan = make_sweep_plan(
      Design::sobol, {vary(sc, "model.settle_rate=0.05..0.5"), vary(sc, "salience.ALF.aid=0..1")},
      8, 1);
  SweepSpec spec;
  spec.runs_per_sample = 5;
  const SweepResult r = run_sweep(sc, catalog, plan, spec);
  const std::vector<size_t> metrics = {metric_index(catalog, "issue.aid"),
                                       metric_index(catalog, "issue.sanctions")};
  const std::string csv = sweep_csv(plan, catalog, r, metrics);
  CHECK(csv.rfind("sample,block,model.settle_rate,salience.ALF.aid,issue.aid,issue.sanctions\n",
                  0) == 0);
  CHECK(csv.find("\n8,B,") != std::string::npos);
  CHECK(csv.find("\n16,AB1,") != std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 32);

  Eigen::MatrixXd outputs(plan.samples(), 2);
  outputs.col(0) = r.means.col(static_cast<Eigen::Index>(metrics[0]));
  outputs.col(1) = r.means.col(static_cast<Eigen::Index>(metrics[1]));
  const std::string sens =
      sensitivity_csv(plan, catalog, metrics, sweep_sensitivity(plan, outputs, 20, 1),
                      sobol_spread(outputs, plan.base_rows));
  // The spread columns come last, so readers of the first six are unaffected.
  CHECK(sens.rfind("metric,path,S1,S1_ci,ST,ST_ci,sd,p05,p95\n", 0) == 0);
  CHECK(std::count(sens.begin(), sens.end(), '\n') == 1 + 2 * 2);
  // issue.sanctions never moves in mini: its indices are left empty, not made up, and its
  // spread says why: sd 0, p05 = p95 = its status quo.
  CHECK(sens.find("issue.sanctions,model.settle_rate,,,,,0,80,80\n") != std::string::npos);
}

TEST_CASE("a checkpoint that is slow to write is written less often", "[sweep][checkpoint]") {
  // A big design's checkpoint holds every finished sample, so writing it can take seconds; at a
  // fixed interval the sweep would spend most of its time saving. Here every save takes 20 ms
  // and the interval asked for is 1 ms: the sweep must space its saves to about 20 times their
  // cost, not save after each of its 63 chunks.
  const Scenario sc = mini_scenario();
  const MetricCatalog catalog = metric_catalog(sc);
  struct Slow final : BatchCheckpointer {
    int saves = 0;
    void save(std::uint64_t, std::string_view) override {
      ++saves;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } slow;
  const SweepPlan plan =
      make_sweep_plan(Design::lhs, {vary(sc, "model.settle_rate=0.05..0.5")}, 2000, 3);
  SweepSpec spec;
  spec.runs_per_sample = 1;
  spec.seed = 11;
  spec.threads = 1;
  spec.checkpointer = &slow;
  spec.checkpoint_seconds = 0.001;
  const auto start = std::chrono::steady_clock::now();
  const SweepResult result = run_sweep(sc, catalog, plan, spec);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(result.failed == 0);
  INFO("saves " << slow.saves << " in " << elapsed << " s");
  CHECK(slow.saves >= 1);
  // At most one save per 20 x 20 ms of sweep, plus the first.
  CHECK(slow.saves <= 2 + static_cast<int>(elapsed / 0.4));
}

TEST_CASE("an exception on a sweep's worker thread reaches the caller", "[sweep][failure]") {
  // With many chunks and several threads the chunks run in parallel and each worker saves the
  // checkpoints; a checkpoint that cannot be written throws on that worker's thread.
  struct FailingCheckpointer final : BatchCheckpointer {
    std::atomic<int> saves{0};
    void save(std::uint64_t, std::string_view) override {
      ++saves;
      throw std::runtime_error("cannot write the checkpoint");
    }
  };
  const Scenario sc = mini_scenario();
  const MetricCatalog catalog = metric_catalog(sc);
  const SweepPlan plan =
      make_sweep_plan(Design::lhs, {vary(sc, "model.settle_rate=0.05..0.5")}, 400, 3);
  for (const int threads : {1, 2, 3}) {
    INFO(threads << " threads");
    FailingCheckpointer checkpointer;
    SweepSpec spec;
    spec.runs_per_sample = 4;
    spec.threads = threads;
    spec.checkpointer = &checkpointer;
    spec.checkpoint_seconds = 0.0;
    CHECK_THROWS_WITH(run_sweep(sc, catalog, plan, spec), "cannot write the checkpoint");
    CHECK(checkpointer.saves >= 1);
  }
}

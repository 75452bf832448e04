#include <catch2/catch.hpp>

#include "engine/batch/runner.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;

namespace {

struct Capture final : BatchSink {
  std::string runs, events, failures;
  std::uint64_t last_done = 0;
  void runs_rows(std::string_view t) override { runs += t; }
  void events_rows(std::string_view t) override { events += t; }
  void failures_rows(std::string_view t) override { failures += t; }
  void progress(std::uint64_t done, std::uint64_t) override { last_done = done; }
};

Scenario noisy() {
  Scenario sc = test::tiny_scenario();
  sc.issues[0].noise = Number{DistKind::uniform, 1, 3, 0, 0, 100};
  sc.actors[0].capability = Number{DistKind::triangular, 1, 2, 4, 0, 1e9};
  sc.model.values[static_cast<size_t>(ModelKey::settle_rate)] = Number::constant(0.2);
  sc.model.values[static_cast<size_t>(ModelKey::temperature)] = Number::constant(0.05);
  sc.moves = {test::make_move("push", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 5.0, 0.01),
              test::make_move("pull", 1, Slot{SlotKind::issue, 0, 0}, EffectOp::sub, 5.0, 0.01)};
  sc.moves[0].cooldown = 1;
  Option o;
  o.name = "calm";
  o.set.push_back(Override{Slot{SlotKind::noise, 0, 0}, Number::constant(0.0)});
  sc.options.push_back(o);
  return sc;
}

std::string run_with(const Scenario& sc, int threads, std::uint64_t runs, Capture& cap,
                     BatchResult* result = nullptr) {
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const RowFormat format(sc, rules, catalog);
  BatchSpec spec;
  spec.runs = runs;
  spec.seed = 77;
  spec.threads = threads;
  spec.options = {0, 1};
  spec.trace = 3;
  BatchResult r = run_batch(rules, catalog, format, spec, cap);
  if (result) *result = std::move(r);
  return format.runs_header() + cap.runs;
}

}  // namespace

TEST_CASE("runs.csv is identical for 1 and 2 threads", "[batch][determinism]") {
  Capture one, two, three;
  BatchResult r1, r2;
  const std::string a = run_with(noisy(), 1, 500, one, &r1);
  const std::string b = run_with(noisy(), 2, 500, two, &r2);
  const std::string c = run_with(noisy(), 3, 500, three);
  REQUIRE(a == b);
  REQUIRE(a == c);
  REQUIRE(one.events == two.events);
  for (size_t k = 0; k < r1.options[0].final.size(); ++k) {
    REQUIRE(r1.options[0].final[k].mean() == r2.options[0].final[k].mean());
    REQUIRE(r1.options[1].final[k].quantile(0.5) == r2.options[1].final[k].quantile(0.5));
  }
  REQUIRE(one.last_done == 500);
}

TEST_CASE("rows come in run order, one per run and option", "[batch]") {
  Capture cap;
  run_with(noisy(), 2, 100, cap);
  std::vector<std::string> starts;
  size_t pos = 0;
  while (pos < cap.runs.size()) {
    const size_t end = cap.runs.find('\n', pos);
    starts.push_back(cap.runs.substr(pos, cap.runs.find(',', cap.runs.find(',', pos) + 1) - pos));
    pos = end + 1;
  }
  REQUIRE(starts.size() == 200);
  REQUIRE(starts[0] == "0,baseline");
  REQUIRE(starts[1] == "0,calm");
  REQUIRE(starts[199] == "99,calm");
  // Events only for the first 3 runs.
  REQUIRE(cap.events.find("\n3,") == std::string::npos);
  REQUIRE(cap.events.rfind("2,", 0) != 0);  // starts with run 0
  REQUIRE(cap.events.rfind("0,", 0) == 0);
}

TEST_CASE("the param columns list the random numbers", "[batch]") {
  const Scenario sc = noisy();
  const Rules rules = compile(sc);
  const RowFormat format(sc, rules, metric_catalog(sc));
  const std::string& h = format.runs_header();
  REQUIRE(h.rfind("run,option,param.capability.A,param.noise.x,issue.x,", 0) == 0);
}

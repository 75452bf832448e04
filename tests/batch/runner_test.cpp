#include <algorithm>
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/batch/bytes.hpp"
#include "engine/batch/runner.hpp"
#include "engine/core/rng.hpp"
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

TEST_CASE("append_number writes what to_chars writes with 6 significant digits",
          "[batch][format]") {
  // append_number takes shortcuts for common values; the text must stay that of to_chars
  // (printf's %.6g), including ties, carries into a new digit and the switch to exponents.
  const auto reference = [](double v) {
    char buf[32];
    if (v == 0.0) v = 0.0;
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
    return std::string(buf, res.ptr);
  };
  std::vector<double> v = {0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           0.5,
                           999999.0,
                           1e6,
                           999999.5,
                           999999.4,
                           999999.6,
                           123456.5,
                           123457.5,
                           1e-4,
                           -1e-4,
                           1e-5,
                           9.99999e-5,
                           0.1,
                           0.01,
                           0.001,
                           99999.95,
                           9.999995,
                           9.9999949,
                           0.30000000000000004,
                           2.5e-4,
                           1e300,
                           -1e-300,
                           4.9e-324,
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN()};
  // Powers of ten and the doubles around them; halves and near-halves at the 7th digit.
  for (int e = -8; e <= 8; ++e) {
    const double p = std::pow(10.0, e);
    double lo = p, hi = p;
    for (int k = 0; k < 4; ++k) {
      v.push_back(lo);
      v.push_back(hi);
      lo = std::nextafter(lo, 0.0);
      hi = std::nextafter(hi, 1e300);
    }
    for (const double digits : {100000.5, 123456.5, 999999.5, 999999.49999, 999999.50001}) {
      const double x = digits * std::pow(10.0, e - 5);
      v.push_back(x);
      v.push_back(std::nextafter(x, 0.0));
      v.push_back(std::nextafter(x, 1e300));
    }
  }
  Rng r(5, 5);
  for (int k = 0; k < 300000; ++k) {
    v.push_back(r.uniform(0, 100));                                         // status quo
    v.push_back(r.uniform());                                               // utilities
    v.push_back(std::pow(10.0, r.uniform(-9, 9)) * (r.below(2) ? 1 : -1));  // any magnitude
    v.push_back(static_cast<double>(r.below(2000000)) - 1000000.0);         // whole numbers
    v.push_back(std::round(r.uniform(0, 100) * 1e6) / 1e6);                 // few digits, near ties
    v.push_back(static_cast<double>(r.below(1U << 20)) / 1024.0);           // dyadic: exact ties
  }
  std::string text;
  for (const double x : v) {
    text.clear();
    append_number(text, x);
    INFO("x = " << x);
    REQUIRE(text == reference(x));
  }
}

TEST_CASE("MPI ranks share a segment's blocks in proportion to their speed", "[batch][mpi]") {
  const auto count = [](const std::vector<std::uint32_t>& p, std::uint32_t r) {
    return std::count(p.begin(), p.end(), r);
  };
  // Equal speeds: plain turns, as before any speed is measured.
  REQUIRE(weighted_pattern({100.0, 100.0, 100.0}) == std::vector<std::uint32_t>{0, 1, 2});
  REQUIRE(weighted_pattern({100.0, 100.4}) == std::vector<std::uint32_t>{0, 1});
  // A rank twice as fast takes twice as many, interleaved: never two turns of the slow one in a
  // row.
  const std::vector<std::uint32_t> p = weighted_pattern({200.0, 100.0});
  REQUIRE(p.size() == 32);
  REQUIRE(count(p, 0) == 21);
  REQUIRE(count(p, 1) == 11);
  for (size_t k = 1; k < p.size(); ++k) REQUIRE_FALSE((p[k] == 1 && p[k - 1] == 1));
  // A rank that measured nothing (or nonsense) still gets a block per cycle, so it is measured
  // again next time.
  const std::vector<std::uint32_t> q = weighted_pattern({300.0, 0.0, std::nan("")});
  REQUIRE(count(q, 1) == 1);
  REQUIRE(count(q, 2) == 1);
  REQUIRE(count(q, 0) == 48);
}

namespace {

// A sink whose disk fills up: the n-th batch of rows throws.
struct FailingSink final : BatchSink {
  int calls_left;
  explicit FailingSink(int n) : calls_left(n) {}
  void runs_rows(std::string_view) override {
    if (--calls_left == 0) throw std::runtime_error("disk full");
  }
  void events_rows(std::string_view) override {}
  void failures_rows(std::string_view) override {}
};

// An observer that fails on one run, on whichever worker thread runs it.
struct FailingObserver final : RunObserver {
  std::uint64_t bad_run;
  explicit FailingObserver(std::uint64_t run) : bad_run(run) {}
  void observe(int, std::uint64_t run, const std::vector<RunOutput>&) override {
    if (run == bad_run) throw std::runtime_error("observer failed on run " + std::to_string(run));
  }
};

// A checkpointer that cannot write.
struct FailingCheckpointer final : BatchCheckpointer {
  int saves = 0;
  void save(std::uint64_t, std::string_view) override {
    ++saves;
    throw std::runtime_error("cannot write the checkpoint");
  }
};

BatchSpec spec_of(std::uint64_t runs, int threads) {
  BatchSpec spec;
  spec.runs = runs;
  spec.seed = 77;
  spec.threads = threads;
  spec.options = {0, 1};
  return spec;
}

}  // namespace

TEST_CASE("an exception on the writer's thread stops the batch and reaches the caller",
          "[batch][failure]") {
  // Without care the workers would still be running (or waiting for ring slots) while the
  // writer's exception unwinds, and destroying a joinable std::thread calls std::terminate.
  const Scenario sc = noisy();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const RowFormat format(sc, rules, catalog);
  for (const int threads : {1, 2, 3}) {
    INFO(threads << " threads");
    FailingSink sink(3);  // the third block of rows
    CHECK_THROWS_WITH(run_batch(rules, catalog, format, spec_of(20000, threads), sink),
                      "disk full");
    FailingCheckpointer checkpointer;
    BatchSpec spec = spec_of(20000, threads);
    spec.checkpointer = &checkpointer;
    spec.checkpoint_seconds = 0.0;  // the first checkpoint comes after the first block
    Capture cap;
    CHECK_THROWS_WITH(run_batch(rules, catalog, format, spec, cap), "cannot write the checkpoint");
    CHECK(checkpointer.saves == 1);
    // It stopped there: far from all 20000 runs x 2 options were written.
    CHECK(std::count(cap.runs.begin(), cap.runs.end(), '\n') < 20000);
  }
}

TEST_CASE("an exception on a worker thread stops the batch and reaches the caller",
          "[batch][failure]") {
  const Scenario sc = noisy();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const RowFormat format(sc, rules, catalog);
  for (const int threads : {1, 2, 3}) {
    INFO(threads << " threads");
    FailingObserver observer(100);
    BatchSpec spec = spec_of(20000, threads);
    spec.observer = &observer;
    Capture cap;
    CHECK_THROWS_WITH(run_batch(rules, catalog, format, spec, cap), "observer failed on run 100");
    // The writer got no further than the failed run's block.
    CHECK(std::count(cap.runs.begin(), cap.runs.end(), '\n') <= 2 * 100);
  }
}

TEST_CASE("batch statistics are those of every run added one by one", "[batch][stats]") {
  // The batch adds each block's values metric by metric; the state (sums, bins, extremes) must
  // be the one of adding every run's values in run order, whatever the thread count and with
  // a last block that is not full.
  const Scenario sc = noisy();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const std::uint64_t runs = 3 * kBatchBlock + 5;
  std::vector<OptionStats> want;
  for (const int option : {0, 1}) {
    OptionStats s = make_option_stats(catalog, rules.turns);
    Params params;
    RunOutput out;
    for (std::uint64_t run = 0; run < runs; ++run) {
      sample_params_into(rules, option, 77, run, params);
      simulate(rules, catalog, params, 77, run, false, out);
      for (size_t k = 0; k < out.final.size(); ++k) s.final[k].add(out.final[k]);
      for (Eigen::Index k = 0; k < out.trajectory.size(); ++k)
        s.per_turn[static_cast<size_t>(k)].add(out.trajectory.data()[k]);
    }
    want.push_back(std::move(s));
  }
  const auto bytes = [](const OptionStats& s) {
    std::string b;
    ByteWriter w(b);
    for (const MetricStats& m : s.final) m.save(w);
    for (const MetricStats& m : s.per_turn) m.save(w);
    return b;
  };
  for (const int threads : {1, 2, 3}) {
    INFO(threads << " threads");
    Capture cap;
    BatchResult r;
    run_with(sc, threads, runs, cap, &r);
    REQUIRE(r.options.size() == 2);
    for (size_t o = 0; o < 2; ++o) CHECK(bytes(r.options[o]) == bytes(want[o]));
  }
}

namespace {

// Keeps every checkpoint's state by the runs it covers.
struct StateByRuns final : BatchCheckpointer {
  std::map<std::uint64_t, std::string> at;
  void save(std::uint64_t runs_done, std::string_view state) override {
    at[runs_done] = std::string(state);
  }
};

}  // namespace

TEST_CASE("checkpoint states are the same bytes for any thread count", "[batch][resume]") {
  // Blocks are computed by whichever worker claims them and the workers' statistics merged at
  // each checkpoint: the saved state must still depend only on the runs it covers.
  const Scenario sc = noisy();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const RowFormat format(sc, rules, catalog);
  std::map<int, StateByRuns> saves;
  for (const int threads : {1, 2, 3}) {
    BatchSpec spec = spec_of(40 * kBatchBlock + 3, threads);
    spec.checkpointer = &saves[threads];
    spec.checkpoint_seconds = 0.0;  // at every block the writer reaches
    Capture cap;
    (void)run_batch(rules, catalog, format, spec, cap);
  }
  size_t compared = 0;
  for (const int threads : {2, 3})
    for (const auto& [runs, state] : saves[threads].at) {
      const auto one = saves[1].at.find(runs);
      if (one == saves[1].at.end()) continue;
      INFO(threads << " threads, " << runs << " runs");
      CHECK(state == one->second);
      ++compared;
    }
  REQUIRE(saves[1].at.count(40 * kBatchBlock + 3) == 1);
  REQUIRE(compared >= 2);  // the final state at least, for both thread counts
}

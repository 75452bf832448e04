// Benchmarks of `parley compare` and `parley sweep` on the default scenario: a paired comparison
// of the baseline with all four options (five simulations per paired run) on 1 and 2 threads,
// and a small Saltelli sweep. Paired runs (or sweep simulations) per second are reported as
// items_per_second; the goal is 100,000 paired runs x 4 options in under 15 s on 2
// cores, i.e. about 6,700 paired runs/s (measure the whole command with
// `/usr/bin/time -v parley compare scenarios/afghanistan-2025 --runs 100000 -t 2`).

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "engine/batch/compare.hpp"
#include "engine/batch/sweep.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/sim/compile.hpp"
#include "tools/bench/default_scenario.hpp"

namespace {

void BM_Compare(benchmark::State& state) {
  const parley::Scenario& sc = parley::bench::default_scenario();
  const parley::Rules rules = parley::compile(sc);
  const parley::MetricCatalog catalog = parley::metric_catalog(sc);
  parley::CompareSpec spec;
  spec.runs = 2000;
  spec.seed = 2025;
  spec.threads = static_cast<int>(state.range(0));
  for (int o = 1; o < static_cast<int>(sc.options.size()); ++o) spec.options.push_back(o);
  for (auto _ : state) {
    const parley::CompareResult r = parley::run_compare(sc, rules, catalog, spec);
    benchmark::DoNotOptimize(r.failed);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * spec.runs));
  state.counters["options"] = static_cast<double>(spec.options.size());
}
BENCHMARK(BM_Compare)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SweepSobol(benchmark::State& state) {
  const parley::Scenario& sc = parley::bench::default_scenario();
  const parley::MetricCatalog catalog = parley::metric_catalog(sc);
  parley::ParseError err;
  std::vector<parley::VaryRange> vary;
  for (const char* text : {"model.settle_rate=0.1..0.3", "model.influence_rate=0.05..0.15"}) {
    auto v = parley::parse_vary(text, sc.ids(), err);
    if (!v) std::abort();
    vary.push_back(*v);
  }
  const parley::SweepPlan plan = parley::make_sweep_plan(parley::Design::sobol, vary, 64, 1);
  parley::SweepSpec spec;
  spec.runs_per_sample = 10;
  spec.seed = 2025;
  spec.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const parley::SweepResult r = parley::run_sweep(sc, catalog, plan, spec);
    const auto idx = parley::sweep_sensitivity(plan, r.means, 1000, 1);
    benchmark::DoNotOptimize(idx.data());
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * plan.samples() * spec.runs_per_sample));
}
BENCHMARK(BM_SweepSobol)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

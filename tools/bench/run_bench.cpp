// Benchmarks of the scenario engine on the default scenario: one run (simulate), one runs.csv
// row (formatting only), the save and load of one option's statistics (as every checkpoint and
// MPI state message does), and whole batches with runs.csv rows formatted and written, on 1 and
// 2 threads. Runs (or rows) per second are reported as items_per_second.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch/bytes.hpp"
#include "engine/batch/runner.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/run.hpp"
#include "tools/bench/default_scenario.hpp"

namespace {

void BM_SimulateRun(benchmark::State& state) {
  const parley::Scenario& sc = parley::bench::default_scenario();
  const parley::Rules rules = parley::compile(sc);
  const parley::MetricCatalog catalog = parley::metric_catalog(sc);
  parley::Params params;
  parley::RunOutput out;
  std::uint64_t run = 0;
  for (auto _ : state) {
    parley::sample_params_into(rules, 0, 2025, run, params);
    parley::simulate(rules, catalog, params, 2025, run, false, out);
    benchmark::DoNotOptimize(out.final.data());
    ++run;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SimulateRun);

// Formats the runs.csv rows of 64 precomputed runs, round robin, as a batch worker does.
void BM_RunRow(benchmark::State& state) {
  const parley::Scenario& sc = parley::bench::default_scenario();
  const parley::Rules rules = parley::compile(sc);
  const parley::MetricCatalog catalog = parley::metric_catalog(sc);
  const parley::RowFormat format(sc, rules, catalog);
  constexpr std::uint64_t kRuns = 64;
  std::vector<parley::Params> params(kRuns);
  std::vector<parley::RunOutput> outs(kRuns);
  for (std::uint64_t run = 0; run < kRuns; ++run) {
    parley::sample_params_into(rules, 0, 2025, run, params[run]);
    parley::simulate(rules, catalog, params[run], 2025, run, false, outs[run]);
  }
  std::string text;
  std::uint64_t run = 0;
  for (auto _ : state) {
    if (text.size() > (1U << 20)) text.clear();
    const std::uint64_t k = run % kRuns;
    format.run_row(run, params[k], outs[k], text);
    ++run;
  }
  benchmark::DoNotOptimize(text.data());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RunRow);

// Saves the statistics of one option (summary and trajectory metrics) and loads them back.
void BM_SaveLoadStats(benchmark::State& state) {
  const parley::Scenario& sc = parley::bench::default_scenario();
  const parley::Rules rules = parley::compile(sc);
  const parley::MetricCatalog catalog = parley::metric_catalog(sc);
  parley::OptionStats stats = parley::make_option_stats(catalog, rules.turns);
  parley::Params params;
  parley::RunOutput out;
  for (std::uint64_t run = 0; run < 64; ++run) {
    parley::sample_params_into(rules, 0, 2025, run, params);
    parley::simulate(rules, catalog, params, 2025, run, false, out);
    for (size_t k = 0; k < out.final.size(); ++k) stats.final[k].add(out.final[k]);
  }
  std::string bytes;
  std::int64_t total = 0;
  for (auto _ : state) {
    bytes.clear();
    parley::ByteWriter w(bytes);
    for (const parley::MetricStats& m : stats.final) m.save(w);
    for (const parley::MetricStats& m : stats.per_turn) m.save(w);
    parley::ByteReader in(bytes);
    parley::MetricStats m;
    while (!in.at_end())
      if (!m.load(in)) state.SkipWithError("load failed");
    total += static_cast<std::int64_t>(bytes.size());
  }
  state.SetBytesProcessed(total);
}
BENCHMARK(BM_SaveLoadStats)->Unit(benchmark::kMillisecond);

// Writes the streamed rows to a real file, as `parley run` does.
class FileSink final : public parley::BatchSink {
 public:
  FileSink() : file_(std::tmpfile()) {}
  ~FileSink() override { std::fclose(file_); }
  void runs_rows(std::string_view t) override { std::fwrite(t.data(), 1, t.size(), file_); }
  void events_rows(std::string_view t) override { std::fwrite(t.data(), 1, t.size(), file_); }
  void failures_rows(std::string_view) override {}

 private:
  std::FILE* file_;
};

void BM_Batch(benchmark::State& state) {
  const parley::Scenario& sc = parley::bench::default_scenario();
  const parley::Rules rules = parley::compile(sc);
  const parley::MetricCatalog catalog = parley::metric_catalog(sc);
  const parley::RowFormat format(sc, rules, catalog);
  parley::BatchSpec spec;
  spec.runs = 20000;
  spec.seed = 2025;
  spec.threads = static_cast<int>(state.range(0));
  spec.options = {0};
  for (auto _ : state) {
    FileSink sink;
    const parley::BatchResult r = parley::run_batch(rules, catalog, format, spec, sink);
    benchmark::DoNotOptimize(r.failed);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * spec.runs));
}
BENCHMARK(BM_Batch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

// Benchmarks of the speed goals for the bargaining models (docs/BARGAINING.md, "Speed"):
//  - eum on 1,000 actors for 10 rounds (goal: under 1 s);
//  - compromise and median on 10,000 issues of 30 actors (goal: under 0.5 s), both on tables
//    already in memory (the models alone) and through `parley forecast`'s own path: the CSV file
//    is read and parsed with load_forecast_table, then every issue goes through bargain().
// Inputs are generated with fixed seeds, so every run sees the same tables. No main here: the
// bench main lives in its own file.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/core/rng.hpp"
#include "engine/io/forecast_table.hpp"
#include "engine/model/bargaining.hpp"

namespace {

using parley::BargainingInput;
using parley::BargainingModel;
using parley::BargainingSettings;

/// One issue of `actors` actors: positions uniform on 0-100, saliences 0.1-1, capabilities
/// 1-100, one dim.
BargainingInput generated_issue(int actors, parley::Rng& rng) {
  BargainingInput in;
  in.position.resize(actors, 1);
  in.salience.resize(actors, 1);
  in.capability.resize(actors);
  for (int i = 0; i < actors; ++i) {
    in.position(i, 0) = rng.uniform(0.0, 100.0);
    in.salience(i, 0) = rng.uniform(0.1, 1.0);
    in.capability(i) = rng.uniform(1.0, 100.0);
  }
  return in;
}

void BM_Eum1000Actors10Rounds(benchmark::State& state) {
  static const BargainingInput input = [] {
    parley::Rng rng(20110101, 1000);
    return generated_issue(1000, rng);
  }();
  BargainingSettings settings;
  settings.rounds = 10;
  for (auto _ : state) {
    const auto r = parley::bargain(BargainingModel::eum, input, settings);
    benchmark::DoNotOptimize(r.outcome.data());
  }
}
BENCHMARK(BM_Eum1000Actors10Rounds)->Unit(benchmark::kMillisecond)->MinTime(5.0);

constexpr int kIssues = 10000;
constexpr int kActors = 30;

const std::vector<BargainingInput>& many_issues() {
  static const std::vector<BargainingInput> issues = [] {
    parley::Rng rng(20060101, kIssues);
    std::vector<BargainingInput> out;
    out.reserve(kIssues);
    for (int k = 0; k < kIssues; ++k) out.push_back(generated_issue(kActors, rng));
    return out;
  }();
  return issues;
}

/// The models alone, on tables in memory: one bargain() call per issue, as `parley forecast`
/// makes them.
void models_only(benchmark::State& state, BargainingModel model) {
  const auto& issues = many_issues();
  const BargainingSettings settings;
  for (auto _ : state) {
    double sum = 0.0;
    for (const auto& in : issues) sum += parley::bargain(model, in, settings).outcome[0];
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kIssues);
}
void BM_Compromise10000Issues30Actors(benchmark::State& state) {
  models_only(state, BargainingModel::compromise);
}
void BM_Median10000Issues30Actors(benchmark::State& state) {
  models_only(state, BargainingModel::median);
}
BENCHMARK(BM_Compromise10000Issues30Actors)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Median10000Issues30Actors)->Unit(benchmark::kMillisecond);

/// The generated issues as a plain forecast table (`issue,actor,capability,position,salience`),
/// written once to the temporary directory. About 300,000 rows, 9 MB.
const std::string& many_issues_csv() {
  static const std::string path = [] {
    const auto p = std::filesystem::temp_directory_path() / "parley_bench_10000x30.csv";
    std::ofstream out(p);
    out << "issue,actor,capability,position,salience\n";
    out.precision(6);
    const auto& issues = many_issues();
    for (int k = 0; k < kIssues; ++k) {
      const BargainingInput& in = issues[static_cast<std::size_t>(k)];
      for (int i = 0; i < kActors; ++i) {
        out << 'i' << k << ",a" << i << ',' << in.capability(i) << ',' << in.position(i, 0) << ','
            << in.salience(i, 0) << '\n';
      }
    }
    return p.string();
  }();
  return path;
}

/// `parley forecast`'s path: read and parse the CSV, then bargain() on every issue.
void forecast_path(benchmark::State& state, BargainingModel model) {
  const std::string& path = many_issues_csv();
  const BargainingSettings settings;
  for (auto _ : state) {
    parley::Diagnostics diag;
    const auto table = parley::load_forecast_table(path, path, diag);
    if (!table) {
      diag.print(std::cerr);
      state.SkipWithError("cannot load the generated table");
      return;
    }
    double sum = 0.0;
    for (const auto& issue : table->issues) {
      sum += parley::bargain(model, issue.input, settings).outcome[0];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kIssues);
}
void BM_ForecastPathCompromise10000x30(benchmark::State& state) {
  forecast_path(state, BargainingModel::compromise);
}
void BM_ForecastPathMedian10000x30(benchmark::State& state) {
  forecast_path(state, BargainingModel::median);
}
BENCHMARK(BM_ForecastPathCompromise10000x30)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ForecastPathMedian10000x30)->Unit(benchmark::kMillisecond);

}  // namespace

// Benchmarks of KTAB's Spatial Model of Politics (smp_bargain): a generated 40-actor,
// 1-dimension table (the size of the speed target: KTAB takes about 21 s on one) and the
// two KTAB reference cases. All runs use KTAB's maximum of 100 iterations; KTAB's stopping rule
// ends them earlier. No main here: the bench main lives in its own file.

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/model/smp.hpp"

namespace {

/// A KTAB-like random table (KTAB's SMPActor::randomize ranges): capability 10-200, salience
/// 0.75-0.99, position uniform on 0-100. Fixed seed: the same table every run.
parley::BargainingInput generated_table(int actors, int dims, std::uint64_t seed) {
  parley::Rng rng(seed, static_cast<std::uint64_t>(actors));
  parley::BargainingInput in;
  in.position.resize(actors, dims);
  in.salience.resize(actors, dims);
  in.capability.resize(actors);
  for (int i = 0; i < actors; ++i) {
    in.capability(i) = rng.uniform(10.0, 200.0);
    const double total = rng.uniform(0.75, 0.99);
    double sum = 0.0;
    for (int k = 0; k < dims; ++k) {
      in.salience(i, k) = rng.uniform(0.1, 1.0);
      sum += in.salience(i, k);
    }
    in.salience.row(i) *= total / sum;
    for (int k = 0; k < dims; ++k) in.position(i, k) = rng.uniform(0.0, 100.0);
  }
  return in;
}

/// Reads a KTAB CSV (row 1: name, description, actors, dims; row 2: headers; then
/// actor, description, power, pos1, sal1, ...). Saliences 0-100 become 0-1.
parley::BargainingInput ktab_table(const std::string& name) {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/tests/data/validation/ktab/" + name);
  const auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::stringstream ss(line);
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    return cells;
  };
  std::string line;
  std::getline(in, line);
  const auto head = split(line);
  const int actors = std::stoi(head.at(2));
  const int dims = std::stoi(head.at(3));
  std::getline(in, line);
  parley::BargainingInput t;
  t.position.resize(actors, dims);
  t.salience.resize(actors, dims);
  t.capability.resize(actors);
  for (int i = 0; i < actors; ++i) {
    std::getline(in, line);
    const auto c = split(line);
    t.capability(i) = std::stod(c.at(2));
    for (int k = 0; k < dims; ++k) {
      t.position(i, k) = std::stod(c.at(static_cast<std::size_t>(3 + 2 * k)));
      t.salience(i, k) = std::stod(c.at(static_cast<std::size_t>(4 + 2 * k))) / 100.0;
    }
  }
  return t;
}

void run(benchmark::State& state, const parley::BargainingInput& input) {
  parley::BargainingSettings settings;
  settings.rounds = 100;  // KTAB's maxIter
  settings.record_history = true;
  std::size_t turns = 0;
  for (auto _ : state) {
    const auto result = parley::smp_bargain(input, settings);
    turns = result.history.size();
    benchmark::DoNotOptimize(result.outcome.data());
  }
  state.counters["iterations"] = static_cast<double>(turns - 1);
}

void BM_SmpGenerated40x1(benchmark::State& state) {
  static const auto input = generated_table(40, 1, 20170530);
  run(state, input);
}
BENCHMARK(BM_SmpGenerated40x1)->Unit(benchmark::kMillisecond);

void BM_SmpDummyData3Dim(benchmark::State& state) {
  static const auto input = ktab_table("dummyData_3Dim.csv");
  run(state, input);
}
BENCHMARK(BM_SmpDummyData3Dim)->Unit(benchmark::kMillisecond);

void BM_SmpSoePolComp(benchmark::State& state) {
  static const auto input = ktab_table("SOE-Pol-Comp.csv");
  run(state, input);
}
BENCHMARK(BM_SmpSoePolComp)->Unit(benchmark::kMillisecond);

}  // namespace

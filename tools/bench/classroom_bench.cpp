// Benchmarks of the classroom session: building a page's view (what every open page receives
// after each change) and applying a submission, on the default scenario at turn 12 with five
// teams seated.

#include <benchmark/benchmark.h>

#include <string>

#include "engine/classroom/session.hpp"
#include "tools/bench/default_scenario.hpp"

namespace {

using parley::classroom::Action;
using parley::classroom::Caller;
using parley::classroom::Session;

// A session of one world, five teams, `turns` turns resolved (every team passing).
std::unique_ptr<Session> session_at(int turns) {
  auto s = std::make_unique<Session>(parley::bench::default_scenario());
  const auto ok = [&s](const std::string& kind, nlohmann::json data) {
    const Action a{kind, 0, std::move(data)};
    if (s->check(a)) std::abort();
    s->apply(a);
  };
  ok("session",
     {{"option", "baseline"}, {"seed", 2025}, {"facilitator_token", "f"}, {"join_code", "ABCDEF"}});
  ok("world", {{"name", "W"}, {"option", "baseline"}, {"seed", 2025}});
  int player = 0;
  for (const char* actor : {"US", "TLB", "PAK", "CHN", "IRN"})
    ok("join", {{"world", 1},
                {"token", "t" + std::to_string(++player)},
                {"name", actor},
                {"actor", actor}});
  for (int t = 1; t <= turns; ++t) {
    ok("open", {{"world", 1}});
    ok("resolve", {{"world", 1}, {"reason", "forced"}});
  }
  ok("open", {{"world", 1}});
  return s;
}

void BM_TeamView(benchmark::State& state) {
  const auto s = session_at(12);
  const Caller team = s->who("t1");
  for (auto _ : state) {
    const std::string text = s->view(team, 1, 0).dump();
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_TeamView)->Unit(benchmark::kMicrosecond);

void BM_FacilitatorView(benchmark::State& state) {
  const auto s = session_at(12);
  const Caller f = s->who("f");
  for (auto _ : state) {
    const std::string text = s->view(f, 1, 0).dump();
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_FacilitatorView)->Unit(benchmark::kMicrosecond);

void BM_Submit(benchmark::State& state) {
  const auto s = session_at(12);
  const Action a{
      "submit", 0, {{"world", 1}, {"player", 1}, {"turn", 13}, {"moves", nlohmann::json::array()}}};
  for (auto _ : state) {
    if (s->check(a)) std::abort();
    s->apply(a);
  }
}
BENCHMARK(BM_Submit)->Unit(benchmark::kMicrosecond);

}  // namespace

#pragma once
// The mini test scenario (tests/data/scenarios/mini), loaded, lookups into its metrics, and a
// two-metric catalogue for accumulators tested without a scenario.
#include <catch2/catch.hpp>

#include <string>

#include "engine/io/scenario_loader.hpp"
#include "engine/sim/run.hpp"

namespace parley::test {

/// The mini scenario as loaded from tests/data; fails the test if it does not load.
inline Scenario mini_scenario() {
  Diagnostics diag;
  auto sc = load_scenario(PARLEY_TEST_DATA "/scenarios/mini", diag);
  REQUIRE(sc);
  return *sc;
}

/// Index of the final metric `name` in `c`; fails the test if there is none.
inline size_t metric_index(const MetricCatalog& c, const std::string& name) {
  for (size_t k = 0; k < c.final.size(); ++k)
    if (c.final[k].name == name) return k;
  FAIL("no metric " << name);
  return 0;
}

/// A catalogue of two final metrics: "x", continuous on [0, 10], and "turns", whole numbers on
/// [-1, 6] (for accumulators tested without a scenario).
inline MetricCatalog two_metrics() {
  MetricCatalog c;
  c.final.push_back({"x", MetricKind::issue, 0, 0, 1, 0, 10, false});
  c.final.push_back({"turns", MetricKind::settled, 0, 0, 1, -1, 6, true});
  return c;
}

/// One run's output for two_metrics(): final values x and turns, and whether the run ended well.
inline RunOutput two_metric_output(double x, double turns, bool ok = true) {
  RunOutput out;
  out.final = {x, turns};
  out.ok = ok;
  return out;
}

}  // namespace parley::test

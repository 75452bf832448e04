#pragma once
// The mini test scenario (tests/data/scenarios/mini), loaded, and lookups into its metrics.
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

}  // namespace parley::test

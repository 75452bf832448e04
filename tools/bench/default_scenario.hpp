#pragma once
// The default scenario, loaded once for every benchmark that runs it.
#include <cstdlib>
#include <iostream>

#include "engine/io/scenario_loader.hpp"

namespace parley::bench {

/// scenarios/afghanistan-2025 of the source tree; aborts with its problems if it does not load.
inline const Scenario& default_scenario() {
  static const Scenario sc = [] {
    Diagnostics diag;
    auto loaded = load_scenario(PARLEY_SOURCE_DIR "/scenarios/afghanistan-2025", diag);
    if (!loaded) {
      diag.print(std::cerr);
      std::abort();
    }
    return *loaded;
  }();
  return sc;
}

}  // namespace parley::bench

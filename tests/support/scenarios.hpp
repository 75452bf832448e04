#pragma once
// The scenarios shipped in scenarios/, loaded once per test process.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "engine/io/scenario_loader.hpp"

namespace parley::test {

/// The shipped scenario `name` (a folder of scenarios/), which must load without an error.
inline const Scenario& shipped(const std::string& name) {
  static std::map<std::string, Scenario> loaded;
  const auto it = loaded.find(name);
  if (it != loaded.end()) return it->second;
  Diagnostics diag;
  auto sc =
      load_scenario((std::filesystem::path(PARLEY_SOURCE_DIR) / "scenarios" / name).string(), diag);
  REQUIRE(sc.has_value());
  return loaded.emplace(name, std::move(*sc)).first->second;
}

}  // namespace parley::test

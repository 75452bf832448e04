#pragma once
/// \file
/// Loading and validating a scenario folder (scenario.ini and the six CSV tables) into a
/// Scenario. The only place in the engine that reads scenario files. See docs/SCENARIO_FORMAT.md.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley {

/// The files of a scenario folder, in name order (the order they enter the content hash).
inline constexpr std::array<std::string_view, 7> kScenarioFiles{
    "actors.csv",   "issues.csv",  "moves.csv",    "relations.csv",
    "scenario.ini", "stances.csv", "timeline.csv",
};

/// Largest number of turns a scenario may ask for (guards against typos such as 240000).
inline constexpr int kMaxTurns = 100000;

/// Loads `folder` (a path; used as given in messages, joined to file names with '/'), validates
/// every file and row, and returns the scenario, or nullopt when any error was found. Every
/// problem found is recorded in `diag` (warnings too, which do not stop loading); it does not
/// stop at the first. Never throws.
[[nodiscard]] std::optional<Scenario> load_scenario(const std::string& folder, Diagnostics& diag);

/// The assignments of an option's `set` or of a command-line `--set`.
struct SetList {
  std::vector<Override> overrides;  ///< numeric assignments, in order; values carry their range
  std::optional<BargainingModel> bargaining;  ///< from `model.bargaining=NAME`, if given
};

/// Parses `PATH=VALUE; PATH=VALUE; ...` where PATH is a writable path and VALUE a number or a
/// distribution within the path's range, or `model.bargaining=NAME`. Empty parts are skipped.
/// On failure returns nullopt and sets `error` (offset into `text`, message).
[[nodiscard]] std::optional<SetList> parse_set_list(std::string_view text, const IdTables& ids,
                                                    ParseError& error);

}  // namespace parley

#pragma once
/// \file
/// What a reader of results needs to know of a scenario: its title, turns, actors, issues with
/// their units, moves and options with their descriptions. Batches write it into manifest.json
/// and `parley report` reads it back, so a result folder explains itself without the scenario.

#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario/scenario.hpp"

namespace parley {

/// An actor's id and name.
struct InfoActor {
  std::string id;
  std::string name;
  friend bool operator==(const InfoActor&, const InfoActor&) = default;
};

/// An issue with what its ends mean and its unit (if any).
struct InfoIssue {
  std::string id;
  std::string name;
  std::string low;           ///< what 0 means
  std::string high;          ///< what 100 means
  std::string unit;          ///< empty = the 0-100 scale only
  double unit_low = 0.0;     ///< value in `unit` at 0
  double unit_high = 100.0;  ///< value in `unit` at 100
  /// A 0-100 value in the issue's unit (unchanged without a unit).
  [[nodiscard]] double to_unit(double q) const noexcept {
    return unit.empty() ? q : unit_low + (unit_high - unit_low) * q / 100.0;
  }
  friend bool operator==(const InfoIssue&, const InfoIssue&) = default;
};

/// A move's id, actor id, name and headline.
struct InfoMove {
  std::string id;
  std::string actor;  ///< actor id
  std::string name;
  std::string headline;
  friend bool operator==(const InfoMove&, const InfoMove&) = default;
};

/// A policy option, its description and the turn it starts.
struct InfoOption {
  std::string name;
  std::string description;
  int from = 0;  ///< first turn the option is in force (Option::from); 0 = from the start
  friend bool operator==(const InfoOption&, const InfoOption&) = default;
};

/// The description of a scenario that travels with its results.
struct ScenarioInfo {
  std::string title;
  std::string start;       ///< label of turn 0
  std::string turn_label;  ///< what one turn stands for
  int turns = 0;           ///< >= 1
  std::vector<InfoActor> actors;
  std::vector<InfoIssue> issues;
  std::vector<InfoMove> moves;
  std::vector<InfoOption> options;  ///< every option of the scenario, [0] = baseline
  /// Index of the actor, issue, move or option with this id (name for options), or -1.
  [[nodiscard]] int actor_index(std::string_view id) const noexcept;
  [[nodiscard]] int issue_index(std::string_view id) const noexcept;
  [[nodiscard]] int move_index(std::string_view id) const noexcept;
  [[nodiscard]] int option_index(std::string_view name) const noexcept;
  friend bool operator==(const ScenarioInfo&, const ScenarioInfo&) = default;
};

/// The description of `scenario`.
[[nodiscard]] ScenarioInfo describe(const Scenario& scenario);

/// The labels of turns 0..turns: calendar months ("2025-01") when the scenario starts at a
/// YYYY-MM date with one month per turn, else "0", "1", ...
[[nodiscard]] std::vector<std::string> turn_labels(const ScenarioInfo& info);

}  // namespace parley

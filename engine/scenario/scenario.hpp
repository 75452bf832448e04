#pragma once
/// \file
/// A scenario as written in its folder: immutable value data, ids resolved to indices, numbers
/// still unresolved distributions. Sampling (engine/sim) turns it into one run's Params.
/// See docs/SCENARIO_FORMAT.md for the files and columns.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario/expr.hpp"
#include "engine/scenario/number.hpp"
#include "engine/scenario/path.hpp"

namespace parley {

/// Where a row came from, for messages at run time (e.g. lint warnings).
struct SourceRef {
  std::string file;  ///< file name relative to the scenario folder, e.g. "moves.csv"
  int line = 0;      ///< 1-based line
};

/// What sort of actor it is (informational).
enum class ActorKind : std::uint8_t { state, group, organization };

/// Who decides an actor's moves.
enum class Control : std::uint8_t {
  ai,      ///< the engine chooses (best reply or softmax)
  script,  ///< only timeline rows make its moves
  human,   ///< a player chooses (classroom mode); batch runs treat it like script
};

/// Bargaining model used on negotiable issues (`model.bargaining`).
/// blend: fixed inverse-MSE combination of compromise and eum (docs/BARGAINING.md).
/// split: weighted median when the actors stand in two camps, else nbs (docs/BARGAINING.md).
/// New models go at the end: the values of the others never change.
enum class BargainingModel : std::uint8_t { compromise, median, nbs, eum, smp, blend, split };

/// Every bargaining model, in declaration order (for listing names in messages and help).
inline constexpr std::array<BargainingModel, 7> kBargainingModels{
    BargainingModel::compromise, BargainingModel::median, BargainingModel::nbs,
    BargainingModel::eum,        BargainingModel::smp,    BargainingModel::blend,
    BargainingModel::split};

/// actors.csv row.
struct Actor {
  std::string id;
  std::string name;
  ActorKind kind = ActorKind::state;
  Number capability = Number::constant(1.0);  ///< >= 0
  Number risk = Number::constant(0.0);        ///< -0.9..1
  Control control = Control::ai;
  SourceRef source;
};

/// issues.csv row.
struct Issue {
  std::string id;
  std::string name;
  std::string low;                             ///< what 0 means
  std::string high;                            ///< what 100 means
  Number status_quo = Number::constant(50.0);  ///< 0-100 at turn 0
  std::string unit;                            ///< empty = no unit
  double unit_low = 0.0;                       ///< value in `unit` at 0
  double unit_high = 100.0;                    ///< value in `unit` at 100
  Number drift = Number::constant(0.0);        ///< points per turn, -100..100
  Number noise = Number::constant(0.0);        ///< sd in points per turn, 0..100
  bool negotiable = true;
  SourceRef source;
};

/// stances.csv row. Pairs not listed: position = status quo, salience 0, power 1, no veto.
struct Stance {
  int actor = 0;
  int issue = 0;
  Number position = Number::constant(50.0);  ///< 0-100
  Number salience = Number::constant(0.0);   ///< 0-1
  Number power = Number::constant(1.0);      ///< >= 0
  bool veto = false;
  SourceRef source;
};

/// relations.csv row (directed). Pairs not listed start at affinity 0, recognition 0; an actor's
/// relation to itself is affinity 1, recognition 1 and cannot be listed.
struct Relation {
  int from = 0;
  int to = 0;
  Number affinity = Number::constant(0.0);     ///< -1..1
  Number recognition = Number::constant(0.0);  ///< 0-1
  SourceRef source;
};

/// moves.csv row.
struct Move {
  std::string id;
  int actor = 0;
  std::string name;
  Number cost = Number::constant(0.0);  ///< utility units, >= 0
  int cooldown = 0;                     ///< turns after being made before it can be made again
  /// The `requires` column (`requires` itself is a C++20 keyword). Empty = always available.
  Condition requirement;
  std::vector<EffectSpec> effects;
  std::string headline;  ///< the sentence the event feed shows; defaults to name
  SourceRef source;
};

/// timeline.csv row: move `move` fires at turns [first_turn, last_turn] with `probability`
/// when `when` holds, in the listed options.
struct TimelineRow {
  int first_turn = 1;
  int last_turn = 1;  ///< `*` is stored as first_turn = 1, last_turn = Scenario::turns
  int move = 0;
  Number probability = Number::constant(1.0);  ///< 0-1
  Condition when;
  std::vector<int> options;  ///< indices into Scenario::options; empty = all options
  SourceRef source;
};

/// One `--set`/option override: `target = value` applied to the initial state.
struct Override {
  Slot target{};
  Number value{};
};

/// A policy option from `[option.NAME]`. Index 0 of Scenario::options is always "baseline".
/// With `from` = 0 (no `from` key) the option is in force from the initial state; with
/// `from` = t (1..turns) its `set` values are applied to the state at the start of turn t
/// (before that turn's drift), its `forbid` list and bargaining model hold from turn t on, and
/// before turn t the run is the baseline's, bar timeline rows that list the option (they keep
/// their own turns). See docs/SCENARIO_FORMAT.md, [option.NAME].
struct Option {
  std::string name;
  std::string description;
  std::vector<Override> set;  ///< the option's own `set`: applied at the start of turn `from`
  /// Values the command line (--set) or a sweep adds to the option: in force from the initial
  /// state whatever `from`, and applied again after `set` at turn `from`, so they always win.
  std::vector<Override> set_always;
  std::vector<int> forbid;      ///< moves that no actor may make under this option
  bool bargaining_set = false;  ///< true when the option overrides model.bargaining
  BargainingModel bargaining = BargainingModel::compromise;
  int from = 0;  ///< first turn the option is in force, 1..turns; 0 = from the initial state
};

/// `[model]` section: the model choice and the numeric keys (indexed by ModelKey).
struct ModelSettings {
  BargainingModel bargaining = BargainingModel::compromise;
  std::array<Number, kModelKeys> values{};  ///< see default_model_values()
};

/// Default values of the numeric model keys (temperature 0.001, influence_rate 0.10,
/// settle_rate 0.20, lookahead 1, rounds 10, eum_q 1.0, settle_tolerance 0.5).
[[nodiscard]] std::array<Number, kModelKeys> default_model_values();

/// A whole scenario folder.
struct Scenario {
  std::string folder;  ///< the folder as given on the command line (for messages only)
  std::string name;
  std::string title;
  std::string start;       ///< label of turn 0
  std::string turn_label;  ///< what one turn stands for
  int turns = 12;          ///< >= 1
  ModelSettings model;
  std::int64_t default_runs = 1000;
  std::uint64_t default_seed = 1;

  std::vector<Actor> actors;
  std::vector<Issue> issues;
  std::vector<Stance> stances;
  std::vector<Relation> relations;
  std::vector<Move> moves;
  std::vector<TimelineRow> timeline;
  std::vector<Option> options;  ///< [0] is "baseline"

  std::uint64_t content_hash = 0;  ///< FNV-1a over the files' names and bytes, in name order

  /// Ids for path resolution.
  [[nodiscard]] IdTables ids() const;
  /// Index of the option named `name`, or -1.
  [[nodiscard]] int option_index(std::string_view name) const;
};

/// Name of a bargaining model as written in scenario.ini ("compromise", ...).
[[nodiscard]] std::string_view bargaining_name(BargainingModel m) noexcept;
/// Parses a bargaining model name; nullopt when unknown.
[[nodiscard]] std::optional<BargainingModel> parse_bargaining(std::string_view name) noexcept;

}  // namespace parley

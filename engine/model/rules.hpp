#pragma once
/// \file
/// Rules: the immutable structure of a scenario compiled for the turn loop (moves, effects,
/// timeline, veto and control flags, options), and Params: one run's drawn numbers.
/// Built by engine/sim/compile from a Scenario; read by the turn phases.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/model/tables.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley {

/// Index into Rules::numbers / Params::values.
using NumberId = std::int32_t;

/// One effect: target op= value, with the value drawn per run (Params::values[value]).
struct RuleEffect {
  Slot target{};
  EffectOp op = EffectOp::assign;
  NumberId value = 0;
};

/// One move: who makes it, when it is available, and its effects [first_effect, end_effect).
struct RuleMove {
  std::int32_t actor = 0;
  std::int32_t cooldown = 0;  ///< turns; available again when turn - last_turn > cooldown
  Condition requirement;
  std::int32_t first_effect = 0;
  std::int32_t end_effect = 0;
};

/// One timeline row: `move` may fire in turns [first_turn, last_turn] with `probability` when
/// `when` holds.
struct RuleTimeline {
  std::int32_t first_turn = 1;
  std::int32_t last_turn = 1;
  std::int32_t move = 0;
  NumberId probability = 0;
  Condition when;
};

/// What one policy option changes, and from which turn (Option::from).
struct OptionRules {
  std::string name;
  BargainingModel bargaining = BargainingModel::compromise;         ///< from turn `from` on
  BargainingModel bargaining_before = BargainingModel::compromise;  ///< before turn `from`
  std::vector<std::uint8_t> forbidden;        ///< per move: 1 = nobody may make it from turn `from`
  std::vector<std::uint8_t> timeline_active;  ///< per timeline row: 1 = the row applies
  std::vector<std::pair<Slot, NumberId>> overrides;  ///< applied to the initial state, in order
  /// Applied, in order, to the state at the start of turn `from` (before its drift); empty
  /// when `from` is 0.
  std::vector<std::pair<Slot, NumberId>> later;
  int from = 0;  ///< first turn the option is in force; 0 = from the initial state

  /// Whether the option forbids move `m` at turn `turn` (the one rule every availability test
  /// uses: the turn loop, move scoring's next-turn view, the classroom and its advice).
  [[nodiscard]] bool forbids(std::int32_t m, int turn) const noexcept {
    return turn >= from && forbidden[static_cast<size_t>(m)] != 0;
  }
  /// The bargaining model of turn `turn`.
  [[nodiscard]] BargainingModel bargaining_at(int turn) const noexcept {
    return turn >= from ? bargaining : bargaining_before;
  }
};

/// The compiled scenario. Plain data; shared read-only by all threads of a batch.
struct Rules {
  int actors = 0;
  int issues = 0;
  int moves = 0;
  int turns = 0;
  std::vector<Control> control;          ///< per actor
  std::vector<std::uint8_t> negotiable;  ///< per issue
  std::vector<std::uint8_t> veto;        ///< actors x issues, row-major: veto(a,i) = [a*issues+i]
  std::vector<RuleMove> move_rules;      ///< per move
  std::vector<RuleEffect> effects;       ///< all moves' effects, grouped by move
  std::vector<std::vector<std::int32_t>> moves_of_actor;  ///< per actor, its moves in file order
  std::vector<RuleTimeline> timeline;                     ///< in file order
  std::vector<OptionRules> options;                       ///< [0] = baseline

  std::vector<Number> numbers;              ///< every number of the scenario, by NumberId
  std::vector<std::string> number_labels;   ///< the param.* label of each number
  std::vector<std::int32_t> number_option;  ///< option that owns the number (overrides), or -1
  /// Initial-state assignments in order (capabilities, stances, relations, model keys...).
  std::vector<std::pair<Slot, NumberId>> init;
  /// Issues whose actors without a listed stance take the status quo as position: per
  /// (actor, issue) row-major, 1 = stance listed.
  std::vector<std::uint8_t> stance_listed;

  /// Derived from the fields above by compile() (build_tables), once: the conditions and
  /// effects compiled to flat indices and the lookahead tables. Immutable; compile again to
  /// change the moves.
  std::shared_ptr<const RuleTables> tables;

  /// The conditions and effects compiled to flat indices (tables->flat).
  [[nodiscard]] const FlatRules& flat() const noexcept { return tables->flat; }
  /// Whether actor `a` holds a veto on issue `i`.
  [[nodiscard]] bool has_veto(int a, int i) const noexcept {
    return veto[static_cast<size_t>(a) * static_cast<size_t>(issues) + static_cast<size_t>(i)] != 0;
  }
};

/// One run's drawn numbers for one option: values[id] is the draw of Rules::numbers[id].
struct Params {
  int option = 0;              ///< index into Rules::options
  std::vector<double> values;  ///< by NumberId
};

}  // namespace parley

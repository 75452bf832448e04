#pragma once
/// \file
/// The path grammar: one name for every quantity of the state, shared by effects, conditions,
/// `--set` overrides, options and sweeps.
///
///   issue.I              status quo of issue I (0-100)
///   position.A.I         actor A's position on issue I (0-100)
///   salience.A.I         actor A's salience for issue I (0-1)
///   power.A.I            issue-specific multiplier of A's capability on I (>= 0)
///   capability.A         actor A's capability (>= 0)
///   risk.A               actor A's risk attitude (-0.9..1; utility exponent is 1 + risk)
///   affinity.A.B         how much A likes B (-1..1)
///   recognition.A.B      how far A recognizes B (0-1)
///   drift.I, noise.I     issue I's drift and noise sd per turn (points of 0-100)
///   cost.M               move M's cost (utility units)
///   model.KEY            a numeric model parameter (see ModelKey)
///   turn, done.M, last.M read-only, in conditions only

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario/number.hpp"

namespace parley {

/// What a path points at. The order is part of no file format.
enum class SlotKind : std::uint8_t {
  issue,
  position,
  salience,
  power,
  capability,
  risk,
  affinity,
  recognition,
  drift,
  noise,
  cost,
  model,
  turn,  ///< read-only
  done,  ///< read-only: 1 once move a has been made in this run
  last,  ///< read-only: 1 if move a was made in the previous turn
};

/// Numeric model parameters reachable as `model.KEY`. `bargaining` (a name) is not a slot.
enum class ModelKey : std::uint8_t {
  temperature,     ///< softmax temperature of AI move choice (utility units); 0 = best reply
  influence_rate,  ///< 0-1: share of the gap to friends' positions closed per turn
  settle_rate,     ///< 0-1: share of the gap to the bargained outcome the status quo moves per turn
  lookahead,       ///< 0 or 1: whether AI actors count the replies their moves trigger
  rounds,          ///< >= 1: rounds of the iterative bargaining models (eum, smp) per turn
  eum_q,           ///< 0-1: the EUM's probability Q that a target resists (Scholz et al. 2011)
  settle_tolerance,  ///< > 0: status quo band (points) within which an issue counts as settled
  count_             ///< number of keys; not a key
};

/// Number of model keys.
inline constexpr int kModelKeys = static_cast<int>(ModelKey::count_);

/// The `model.KEY` spelling of each key, indexed by ModelKey.
[[nodiscard]] const std::array<std::string_view, kModelKeys>& model_key_names() noexcept;

/// A resolved path: kind plus up to two indices (actor/issue/move ids resolved to 0-based
/// indices; for `model`, a = ModelKey). Plain data, cheap to copy, used in the hot loop.
struct Slot {
  SlotKind kind = SlotKind::issue;
  std::int32_t a = 0;
  std::int32_t b = 0;
  friend bool operator==(const Slot&, const Slot&) = default;
};

/// True for slots that conditions may read but effects and overrides may not write.
[[nodiscard]] constexpr bool is_read_only(SlotKind k) noexcept {
  return k == SlotKind::turn || k == SlotKind::done || k == SlotKind::last;
}

/// The ids that paths may name, each list in file order (index = id).
struct IdTables {
  std::vector<std::string> actors;
  std::vector<std::string> issues;
  std::vector<std::string> moves;
};

/// Parses and resolves one path such as "position.US.frozen_reserves". On failure returns nullopt
/// and sets `error` (offset of the bad segment, message naming what was expected and the nearest
/// known id). Read-only paths are accepted; callers that write must reject them.
[[nodiscard]] std::optional<Slot> parse_path(std::string_view text, const IdTables& ids,
                                             ParseError& error);

/// The known id nearest to a misspelt `word`, or "" when none is plausible. Tries, in order: the
/// same id in other letter case, a near spelling (edit distance), and an id that is a prefix of
/// the word or the other way round ("Pakistn" -> "PAK").
[[nodiscard]] std::string suggest_id(std::string_view word, const std::vector<std::string>& ids);

/// What joins "unknown ... 'word'" to what was expected: "; did you mean 'ID'? Expected" when
/// suggest_id finds an id near `word`, else "; expected". The caller appends " <the expectation>".
[[nodiscard]] std::string suggest_then_expected(std::string_view word,
                                                const std::vector<std::string>& ids);

/// The canonical text of a slot, e.g. "affinity.US.TLB". Inverse of parse_path.
[[nodiscard]] std::string path_text(const Slot& slot, const IdTables& ids);

/// The valid range of values stored at a slot kind, e.g. [0,100] for issue and position.
struct Range {
  double lo;
  double hi;
};
/// The range values at `kind` are clamped to. For model keys see model_key_range.
[[nodiscard]] constexpr Range slot_range(SlotKind kind) noexcept {
  constexpr double inf = std::numeric_limits<double>::infinity();
  switch (kind) {
    case SlotKind::issue:
    case SlotKind::position:
      return {0.0, 100.0};
    case SlotKind::salience:
      return {0.0, 1.0};
    case SlotKind::power:
    case SlotKind::capability:
      return {0.0, inf};
    // At risk -1 the utility exponent 1 + risk would be 0 and the actor indifferent to every
    // outcome, so the range stops short of it.
    case SlotKind::risk:
      return {-0.9, 1.0};
    case SlotKind::affinity:
      return {-1.0, 1.0};
    case SlotKind::recognition:
      return {0.0, 1.0};
    case SlotKind::drift:
      return {-100.0, 100.0};
    case SlotKind::noise:
      return {0.0, 100.0};
    case SlotKind::cost:
      return {0.0, inf};
    case SlotKind::model:
      return {-inf, inf};
    case SlotKind::turn:
      return {0.0, inf};
    case SlotKind::done:
    case SlotKind::last:
      return {0.0, 1.0};
  }
  return {-inf, inf};
}

/// Whether a model key takes only whole numbers (lookahead is 0 or 1; rounds counts rounds).
[[nodiscard]] constexpr bool model_key_is_whole(ModelKey key) noexcept {
  return key == ModelKey::lookahead || key == ModelKey::rounds;
}

/// The range of a model key.
[[nodiscard]] constexpr Range model_key_range(ModelKey key) noexcept {
  constexpr double inf = std::numeric_limits<double>::infinity();
  switch (key) {
    case ModelKey::temperature:
      return {0.0, inf};
    case ModelKey::influence_rate:
    case ModelKey::settle_rate:
      return {0.0, 1.0};
    case ModelKey::lookahead:
      return {0.0, 1.0};
    // Each round costs a full bargaining pass, so an upper bound keeps a typo from hanging a run.
    case ModelKey::rounds:
      return {1.0, 1000.0};
    case ModelKey::eum_q:
      return {0.0, 1.0};
    // The header asks for > 0; a closed range needs a positive floor.
    case ModelKey::settle_tolerance:
      return {1e-6, 100.0};
    case ModelKey::count_:
      break;
  }
  return {-inf, inf};
}

}  // namespace parley

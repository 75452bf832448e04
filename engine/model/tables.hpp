#pragma once
/// \file
/// What the turn and move scoring know about a scenario before any run, built once by compile()
/// from the rest of the Rules: the conditions and effects compiled to indices of the flat state,
/// and which moves interfere with which actors' replies and gains. Immutable once built and
/// shared read-only by every thread of a batch; changing the moves means compiling again.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/model/flat.hpp"

namespace parley {

struct Rules;

/// The tables of one Rules (see the file comment). Built only by build_tables().
struct RuleTables {
  /// The conditions and effects compiled to indices of the flat state (turn and scoring alike).
  FlatRules flat;
  /// moves x actors, row-major: 1 when move m changes something actor k's best reply reads, so
  /// a reply cached for "no move" must be recomputed after m.
  std::vector<std::uint8_t> reply_interference;
  /// moves x moves, row-major: nonzero when move m changes something the gain of move n (for
  /// n's actor) reads, so n's gain cached for "no move" must be recomputed after m. Bit
  /// kGainValue: m changes what n is worth; bit kGainAvailability: m changes what n's
  /// requirement reads (with only this bit, n's worth is unchanged and only its availability
  /// may differ).
  std::vector<std::uint8_t> gain_interference;
  static constexpr std::uint8_t kGainValue = 1;         ///< bit of gain_interference
  static constexpr std::uint8_t kGainAvailability = 2;  ///< bit of gain_interference
  /// Per (move m, actor k), row-major with offsets: the moves of k whose gain_interference with
  /// m is nonzero, in k's move order. reply_hits[reply_hit_first[m * actors + k] ...
  /// reply_hit_first[m * actors + k + 1]).
  std::vector<std::int32_t> reply_hit_first;
  std::vector<std::int32_t> reply_hits;  ///< see reply_hit_first
  /// Per option o, the timeline rows it applies (OptionRules::timeline_active), in file order:
  /// option_rows[option_row_first[o] ... option_row_first[o + 1]).
  std::vector<std::int32_t> option_row_first;
  std::vector<std::int32_t> option_rows;  ///< see option_row_first
  /// Per option o and turn t in 1..row_turns, the rows of o whose turns include t, in file
  /// order: turn_rows[turn_row_first[k] ... turn_row_first[k + 1]), k = o * row_turns + t - 1.
  std::vector<std::int32_t> turn_row_first;
  std::vector<std::int32_t> turn_rows;  ///< see turn_row_first
  int row_turns = 0;                    ///< Rules::turns when built

  /// The timeline rows option `option` (index into Rules::options) applies that may fire at
  /// turn `turn`, in file order: at turns 1..Rules::turns exactly those whose turns include
  /// `turn`; at any other turn all the option's rows, whose turns the caller still checks.
  [[nodiscard]] std::span<const std::int32_t> timeline_rows(int option, int turn) const noexcept {
    const auto o = static_cast<size_t>(option);
    if (turn >= 1 && turn <= row_turns) {
      const size_t k = o * static_cast<size_t>(row_turns) + static_cast<size_t>(turn - 1);
      return {turn_rows.data() + turn_row_first[k], turn_rows.data() + turn_row_first[k + 1]};
    }
    return {option_rows.data() + option_row_first[o], option_rows.data() + option_row_first[o + 1]};
  }
};

/// Builds the tables of `rules` from its shape, moves, effects, timeline and moves_of_actor
/// (everything but Rules::tables). compile() calls it once per scenario.
[[nodiscard]] std::shared_ptr<const RuleTables> build_tables(const Rules& rules);

}  // namespace parley

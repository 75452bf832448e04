#pragma once
/// \file
/// One classroom world: a run of the scenario played turn by turn, some actors' seats held by
/// teams of people. A world is its history of turns (what was injected, who sat where, what each
/// team chose): replaying the history from the seed gives the state, so undoing a turn or
/// branching a world from a past turn is replaying fewer turns. Pure: no time, no I/O.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/rules.hpp"
#include "engine/sim/run.hpp"
#include "engine/sim/stepped.hpp"

namespace parley::classroom {

/// What a seated team that did not submit gets when its turn resolves.
enum class MissedTurn : std::uint8_t {
  pass,  ///< no move
  ai,    ///< the move parley's AI draws for its actor (the batch's own draw)
};

/// Why a turn resolved.
enum class ResolveReason : std::uint8_t {
  all_submitted,  ///< every seated team had submitted
  deadline,       ///< the deadline and its grace period passed
  forced,         ///< the facilitator resolved it
};

/// "pass"/"ai" and "all_submitted"/"deadline"/"forced", and back (nullopt when unknown).
[[nodiscard]] std::string_view missed_turn_name(MissedTurn m) noexcept;
[[nodiscard]] std::optional<MissedTurn> parse_missed_turn(std::string_view s) noexcept;
[[nodiscard]] std::string_view resolve_reason_name(ResolveReason r) noexcept;
[[nodiscard]] std::optional<ResolveReason> parse_resolve_reason(std::string_view s) noexcept;

/// One turn of a world's history: enough to replay it, plus what replaying it found.
struct TurnRecord {
  std::vector<std::int32_t> injects;             ///< moves injected while it was open, in order
  std::vector<std::uint8_t> submitted;           ///< per actor: 1 when its team submitted
  std::vector<std::vector<std::int32_t>> moves;  ///< per actor: the team's last submission
  std::vector<std::uint8_t> seated;              ///< per actor: 1 when a team held the seat
  MissedTurn missed = MissedTurn::ai;            ///< the rule for seated teams that did not submit
  ResolveReason reason = ResolveReason::forced;
  /// Found by replaying (not stored): per actor, the move parley's AI drew at the turn's
  /// choice snapshot (-1 = pass), for every actor with a seat or an AI.
  std::vector<std::int32_t> ai_choice;
};

/// A world: one run of a scenario's option and seed, stepped by its history.
class World {
 public:
  /// A world at turn 0 of run 0 of `option` with batch seed `seed`. `rules` and `catalog` must
  /// outlive it.
  World(const Rules& rules, const MetricCatalog& catalog, int option, std::uint64_t seed);

  /// The option and seed it plays.
  [[nodiscard]] int option() const noexcept { return option_; }
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
  /// Turns resolved, 0..turns.
  [[nodiscard]] int resolved() const noexcept { return run_->resolved(); }
  /// True while a turn (resolved() + 1) is open for choices.
  [[nodiscard]] bool open() const noexcept { return run_->open(); }
  /// True once every turn has resolved.
  [[nodiscard]] bool finished() const noexcept { return run_->finished(); }
  /// The run as it stands (state, events, trajectory).
  [[nodiscard]] const SteppedRun& run() const noexcept { return *run_; }
  /// The resolved turns, in order.
  [[nodiscard]] const std::vector<TurnRecord>& history() const noexcept { return history_; }
  /// The open turn's injects and submissions so far (meaningful while open()).
  [[nodiscard]] const TurnRecord& current() const noexcept { return current_; }

  /// Opens the next turn (drift and timeline). False when one is open or all have resolved.
  bool open_turn();
  /// Makes move `m` in the open turn as a timeline row would. False when no turn is open or m
  /// is not a move.
  bool inject(std::int32_t m);
  /// Records actor `actor`'s team's choice for the open turn, replacing an earlier one. The
  /// caller has checked the moves (its actor's, available now, each once). False when no turn
  /// is open or the actor is out of range.
  bool submit(int actor, std::vector<std::int32_t> moves);
  /// Resolves the open turn with teams in the seats of `seated` (per actor). False when none
  /// is open.
  bool resolve(const std::vector<std::uint8_t>& seated, MissedTurn missed, ResolveReason reason);
  /// Goes back one step: an open turn is closed (its injects and submissions dropped); else the
  /// last resolved turn is opened again with its injects and submissions. False at turn 0 with
  /// nothing open.
  bool undo();
  /// A new world with the first `turns` resolved turns of this one (0 <= turns <= resolved()).
  [[nodiscard]] std::unique_ptr<World> branch(int turns) const;

 private:
  void replay(int turns);
  void finish(TurnRecord& record);
  [[nodiscard]] TurnRecord blank() const;

  const Rules& rules_;
  const MetricCatalog& catalog_;
  int option_;
  std::uint64_t seed_;
  std::unique_ptr<SteppedRun> run_;
  std::vector<TurnRecord> history_;
  TurnRecord current_;
};

}  // namespace parley::classroom

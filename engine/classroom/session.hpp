#pragma once
/// \file
/// A classroom session: the worlds of one scenario, the players seated in them, the turn cycle
/// (deadlines, pauses, injects, messages) and what each participant may see. The session is
/// the fold of its actions: every change is an Action, checked, stored, then applied, and
/// replaying the stored actions from the start gives the same session. Pure: the time of an
/// action is part of it, and nothing here reads a clock, a file or the network.

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch/runner.hpp"
#include "engine/classroom/world.hpp"
#include "engine/scenario/info.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley::classroom {

/// One change to a session. `kind` names it; `data` holds its fields (see docs/CLASSROOM.md,
/// "Actions"); `at_ms` is when it was taken, in milliseconds since 1970 (UTC).
struct Action {
  std::string kind;
  std::int64_t at_ms = 0;
  nlohmann::json data = nlohmann::json::object();
};

/// The answer to an action that cannot be applied: an HTTP status (400 bad request, 403 not
/// allowed, 404 no such world, 409 not now) and a message saying what was expected.
struct Refusal {
  int status = 400;
  std::string message;
};

/// Who holds a token.
struct Caller {
  enum class Kind : std::uint8_t { nobody, facilitator, player } kind = Kind::nobody;
  int player = -1;  ///< index into the players, for Kind::player
};

/// How the session runs.
struct Settings {
  MissedTurn missed = MissedTurn::ai;  ///< what a team that misses a turn gets
  bool team_choice = true;  ///< students pick their team; else the facilitator seats them
  int max_moves = 1;        ///< moves a team may make per turn (the AI makes one)
  int grace_seconds = 10;   ///< after a deadline, before the turn resolves
};

/// A participant.
struct Player {
  int id = 0;         ///< 1-based, in joining order
  std::string token;  ///< secret: the player's link and Bearer token
  int world = 0;      ///< 1-based world id
  int actor = -1;     ///< the seat, or -1 while waiting to be seated
  std::string name;
  std::int64_t joined_ms = 0;
};

/// A message or inject shown to everyone in a world.
struct Notice {
  int turn = 0;
  std::int64_t at_ms = 0;
  std::string text;
};

/// A world of the session with its turn cycle.
struct WorldSlot {
  int id = 0;  ///< 1-based
  std::string name;
  std::unique_ptr<World> world;
  int parent = 0;                 ///< the world it was branched from, or 0
  int branched_turn = 0;          ///< the parent's turns it starts with
  std::int64_t deadline_ms = 0;   ///< the open turn's deadline, or 0 (none, or paused)
  std::int64_t remaining_ms = 0;  ///< while paused: what was left of the deadline
  bool paused = false;
  bool advisor = false;  ///< teams see the AI's score of each move
  bool ended = false;    ///< the facilitator ended the game
  /// A turn reopened by undo waits for the facilitator (or a new submission) even when every
  /// team has submitted, or it would resolve again at once.
  bool held = false;
  std::vector<Notice> notices;
  std::uint64_t version = 0;  ///< grows with every change of what the world's pages show
  /// The debrief's "why" of each resolved turn, in order (see docs/CLASSROOM.md): built when the
  /// turn resolves, not at every view, since a resolved turn's record changes only by undo.
  nlohmann::ordered_json why = nlohmann::ordered_json::array();
};

/// The Monte Carlo reference of an option and seed (every seat played by the AI), for the
/// debrief: batch statistics of `runs` runs.
struct Reference {
  std::uint64_t runs = 0;
  OptionStats stats;
};

/// A classroom session of one scenario.
class Session {
 public:
  /// A session of `scenario` (which must outlive it), not yet created (see the "session" action).
  explicit Session(const Scenario& scenario);
  ~Session();

  /// True once the "session" action has been applied.
  [[nodiscard]] bool created() const noexcept { return created_; }
  /// The default option (index) and seed of new worlds, and the session's secrets.
  [[nodiscard]] int option() const noexcept { return option_; }
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
  [[nodiscard]] const std::string& facilitator_token() const noexcept { return facilitator_; }
  [[nodiscard]] const std::string& join_code() const noexcept { return join_code_; }
  [[nodiscard]] const Settings& settings() const noexcept { return settings_; }
  [[nodiscard]] const std::vector<WorldSlot>& worlds() const noexcept { return worlds_; }
  [[nodiscard]] const std::vector<Player>& players() const noexcept { return players_; }
  [[nodiscard]] const Scenario& scenario() const noexcept { return scenario_; }
  [[nodiscard]] const Rules& rules() const noexcept { return *rules_; }
  [[nodiscard]] const MetricCatalog& catalog() const noexcept { return *catalog_; }
  [[nodiscard]] const ScenarioInfo& info() const noexcept { return info_; }

  /// Who holds `token` (compared in constant time).
  [[nodiscard]] Caller who(std::string_view token) const;
  /// The world with id `id`, or nullptr.
  [[nodiscard]] const WorldSlot* world(int id) const noexcept;

  /// Why `action` cannot be applied now, or nullopt when it can. Checks its fields and the
  /// session's state; who may take it is the caller's business.
  [[nodiscard]] std::optional<Refusal> check(const Action& action) const;
  /// Applies an action that check() accepted. Returns the ids of the worlds whose pages change
  /// (every world for session-wide changes).
  std::vector<int> apply(const Action& action);

  /// The worlds whose open turn should resolve at `now_ms`: every seated team has submitted,
  /// or the deadline and grace period have passed (not while paused). With the reason.
  [[nodiscard]] std::vector<std::pair<int, ResolveReason>> due(std::int64_t now_ms) const;
  /// Per actor, 1 when a player of world `world` sits in its seat.
  [[nodiscard]] std::vector<std::uint8_t> seated(int world) const;

  /// Attaches the Monte Carlo reference of (option, seed) for debriefs.
  void set_reference(int option, std::uint64_t seed, std::shared_ptr<const Reference> reference);
  /// The reference of (option, seed), or nullptr while it is being computed.
  [[nodiscard]] std::shared_ptr<const Reference> reference(int option, std::uint64_t seed) const;

  /// What `caller` sees of world `world` at `now_ms`: a team its brief, moves and submission;
  /// the facilitator everything. See docs/CLASSROOM.md for the layout.
  [[nodiscard]] nlohmann::ordered_json view(const Caller& caller, int world,
                                            std::int64_t now_ms) const;
  /// The join page's view: the worlds, their seats and how many have joined each (no secrets).
  [[nodiscard]] nlohmann::ordered_json lobby_view() const;
  /// World `world`'s events.csv and trajectory.csv texts, in the columns of `parley run`.
  [[nodiscard]] std::string events_csv(int world) const;
  [[nodiscard]] std::string trajectory_csv(int world) const;

 private:
  std::vector<int> apply_world_action(const Action& a, WorldSlot& w);
  [[nodiscard]] std::optional<Refusal> check_session(const nlohmann::json& d) const;
  [[nodiscard]] std::optional<Refusal> check_settings(const nlohmann::json& d) const;
  [[nodiscard]] std::optional<Refusal> check_new_world(const nlohmann::json& d) const;
  [[nodiscard]] std::optional<Refusal> check_join(const nlohmann::json& d) const;
  [[nodiscard]] std::optional<Refusal> check_seat(const nlohmann::json& d) const;
  [[nodiscard]] std::optional<Refusal> check_seat_actor(const nlohmann::json& d) const;
  [[nodiscard]] std::optional<Refusal> check_world_action(const Action& a,
                                                          const WorldSlot& w) const;
  [[nodiscard]] std::optional<Refusal> check_moves(const WorldSlot& w, int actor,
                                                   const nlohmann::json& moves) const;
  [[nodiscard]] nlohmann::ordered_json public_view(const WorldSlot& w) const;
  [[nodiscard]] nlohmann::ordered_json brief(const WorldSlot& w, int actor) const;
  [[nodiscard]] nlohmann::ordered_json moves_view(const WorldSlot& w, int actor) const;
  [[nodiscard]] nlohmann::ordered_json status_view(const WorldSlot& w, std::int64_t now_ms) const;
  [[nodiscard]] nlohmann::ordered_json debrief(const WorldSlot& w) const;
  /// The debrief's parts: each per-turn metric's path over the reference fan (`ref` may be
  /// null while the reference runs), each seated team's utility against the AI's runs, and
  /// every seat's choices per resolved turn next to the AI's.
  [[nodiscard]] nlohmann::ordered_json debrief_metrics(const WorldSlot& w,
                                                       const Reference* ref) const;
  [[nodiscard]] nlohmann::ordered_json debrief_teams(const WorldSlot& w,
                                                     const Reference* ref) const;
  [[nodiscard]] nlohmann::ordered_json debrief_choices(const WorldSlot& w) const;
  /// Resolved turn `turn` (1-based) of world `w`: why each AI actor chose as it did and what the
  /// AI would have chosen in each seat people held: `parley explain`'s choices, from the turn's
  /// own record, without what the page does not show.
  [[nodiscard]] nlohmann::ordered_json why_turn(const WorldSlot& w, int turn) const;
  /// Brings w.why to the world's resolved turns (after a resolve, an undo or a branch).
  void sync_why(WorldSlot& w) const;
  /// Adds to `v` what a seated (or waiting) player sees of world `w`: who they are, and for a
  /// team its brief, its moves and its current submission.
  void player_view(const WorldSlot& w, const Player& p, nlohmann::ordered_json& v) const;
  /// Adds to `v` what the facilitator alone sees: every team, player (with tokens), move,
  /// world, the join code, the options and the settings.
  void facilitator_view(const WorldSlot& w, nlohmann::ordered_json& v) const;
  [[nodiscard]] std::vector<std::string> team_members(int world, int actor) const;
  WorldSlot& slot(int id);

  const Scenario& scenario_;
  std::unique_ptr<Rules> rules_;
  std::unique_ptr<MetricCatalog> catalog_;
  ScenarioInfo info_;
  bool created_ = false;
  int option_ = 0;
  std::uint64_t seed_ = 0;
  std::string facilitator_;
  std::string join_code_;
  Settings settings_;
  std::vector<WorldSlot> worlds_;
  std::vector<Player> players_;
  std::map<std::pair<int, std::uint64_t>, std::shared_ptr<const Reference>> references_;
};

/// The action's JSON form (for storage) and back. from_json returns nullopt on a malformed text.
[[nodiscard]] std::string to_json(const Action& action);
[[nodiscard]] std::optional<Action> action_from_json(std::string_view text);

}  // namespace parley::classroom

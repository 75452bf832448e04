#include "engine/classroom/session.hpp"

#include <algorithm>
#include <cmath>

#include "engine/sim/compile.hpp"

namespace parley::classroom {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

namespace {

constexpr int kMaxWorlds = 200;
constexpr int kMaxPlayers = 5000;
constexpr std::size_t kMaxName = 60;
constexpr std::size_t kMaxMessage = 500;

Refusal bad(std::string message) {
  return {400, std::move(message)};
}
Refusal conflict(std::string message) {
  return {409, std::move(message)};
}

// Field readers for checks: the field's value, or a refusal naming what was expected.
std::optional<Refusal> need_string(const Json& d, const char* key, std::size_t max_length,
                                   bool allow_empty = false) {
  const auto it = d.find(key);
  if (it == d.end() || !it->is_string())
    return bad(std::string("\"") + key + "\" is missing; expected a string");
  const auto& s = it->get_ref<const std::string&>();
  if ((!allow_empty && s.find_first_not_of(" \t") == std::string::npos) || s.size() > max_length)
    return bad(std::string("\"") + key + "\" is empty or too long; expected 1 to " +
               std::to_string(max_length) + " characters");
  return std::nullopt;
}

std::optional<Refusal> need_int(const Json& d, const char* key, std::int64_t lo, std::int64_t hi) {
  const auto it = d.find(key);
  if (it == d.end() || !it->is_number_integer())
    return bad(std::string("\"") + key + "\" is missing; expected a whole number from " +
               std::to_string(lo) + " to " + std::to_string(hi));
  const auto v = it->get<std::int64_t>();
  if (v < lo || v > hi)
    return bad(std::string("\"") + key + "\" is " + std::to_string(v) +
               "; expected a whole number from " + std::to_string(lo) + " to " +
               std::to_string(hi));
  return std::nullopt;
}

std::optional<Refusal> need_bool(const Json& d, const char* key) {
  const auto it = d.find(key);
  if (it == d.end() || !it->is_boolean())
    return bad(std::string("\"") + key + "\" is missing; expected true or false");
  return std::nullopt;
}

// A whole number >= 0 (JSON read from text has it unsigned, built in code maybe signed).
bool whole_number(const Json& d, const char* key) {
  const auto it = d.find(key);
  return it != d.end() &&
         (it->is_number_unsigned() || (it->is_number_integer() && it->get<std::int64_t>() >= 0));
}

// Compares secrets in time that does not depend on where they first differ.
bool same_secret(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t k = 0; k < a.size(); ++k) diff |= static_cast<unsigned char>(a[k] ^ b[k]);
  return diff == 0;
}

}  // namespace

Session::Session(const Scenario& scenario)
    : scenario_(scenario),
      rules_(std::make_unique<Rules>(compile(scenario))),
      catalog_(std::make_unique<MetricCatalog>(metric_catalog(scenario))),
      info_(describe(scenario)) {}

Session::~Session() = default;

Caller Session::who(std::string_view token) const {
  Caller c;
  if (same_secret(token, facilitator_)) {
    c.kind = Caller::Kind::facilitator;
    return c;
  }
  for (const Player& p : players_)
    if (same_secret(token, p.token)) {
      c.kind = Caller::Kind::player;
      c.player = p.id - 1;
      return c;
    }
  return c;
}

const WorldSlot* Session::world(int id) const noexcept {
  if (id < 1 || id > static_cast<int>(worlds_.size())) return nullptr;
  return &worlds_[static_cast<size_t>(id - 1)];
}

WorldSlot& Session::slot(int id) {
  return worlds_[static_cast<size_t>(id - 1)];
}

std::vector<std::uint8_t> Session::seated(int world) const {
  std::vector<std::uint8_t> out(static_cast<size_t>(rules_->actors), 0);
  for (const Player& p : players_)
    if (p.world == world && p.actor >= 0) out[static_cast<size_t>(p.actor)] = 1;
  return out;
}

std::vector<std::string> Session::team_members(int world, int actor) const {
  std::vector<std::string> out;
  for (const Player& p : players_)
    if (p.world == world && p.actor == actor) out.push_back(p.name);
  return out;
}

// ---- checking actions ------------------------------------------------------------------------

std::optional<Refusal> Session::check(const Action& a) const {
  const Json& d = a.data;
  if (!d.is_object()) return bad("the action's data is not an object; expected one");
  if (a.kind == "session") return check_session(d);
  if (!created_) return conflict("no session yet; expected the \"session\" action first");
  if (a.kind == "settings") return check_settings(d);
  if (a.kind == "world") return check_new_world(d);
  if (a.kind == "join") return check_join(d);
  if (a.kind == "seat") return check_seat(d);
  if (a.kind == "message" && d.contains("world") && d["world"] == 0)
    return need_string(d, "text", kMaxMessage);
  if (auto r = need_int(d, "world", 1, static_cast<std::int64_t>(worlds_.size())))
    return Refusal{404, "no such world: " + r->message};
  return check_world_action(a, *world(d["world"].get<int>()));
}

std::optional<Refusal> Session::check_session(const Json& d) const {
  if (created_) return conflict("the session exists already");
  for (const char* key : {"option", "facilitator_token", "join_code"})
    if (auto r = need_string(d, key, 200)) return r;
  if (scenario_.option_index(d["option"].get<std::string>()) < 0)
    return bad("unknown option '" + d["option"].get<std::string>() +
               "'; expected an option of the scenario");
  if (!whole_number(d, "seed")) return bad("\"seed\" is missing; expected a whole number >= 0");
  return std::nullopt;
}

std::optional<Refusal> Session::check_settings(const Json& d) const {
  if (d.contains("missed") &&
      (!d["missed"].is_string() || !parse_missed_turn(d["missed"].get<std::string>())))
    return bad("\"missed\" is not \"pass\" or \"ai\"; expected one of them");
  if (d.contains("team_choice"))
    if (auto r = need_bool(d, "team_choice")) return r;
  if (d.contains("max_moves"))
    if (auto r = need_int(d, "max_moves", 1, 10)) return r;
  if (d.contains("grace_seconds"))
    if (auto r = need_int(d, "grace_seconds", 0, 600)) return r;
  return std::nullopt;
}

std::optional<Refusal> Session::check_new_world(const Json& d) const {
  if (worlds_.size() >= static_cast<size_t>(kMaxWorlds))
    return conflict("the session has " + std::to_string(kMaxWorlds) + " worlds; expected no more");
  if (auto r = need_string(d, "name", kMaxName)) return r;
  if (auto r = need_string(d, "option", 200)) return r;
  if (scenario_.option_index(d["option"].get<std::string>()) < 0)
    return bad("unknown option '" + d["option"].get<std::string>() +
               "'; expected an option of the scenario");
  if (!whole_number(d, "seed")) return bad("\"seed\" is missing; expected a whole number >= 0");
  if (d.contains("parent")) {
    if (auto r = need_int(d, "parent", 1, static_cast<std::int64_t>(worlds_.size()))) return r;
    const WorldSlot& parent = *world(d["parent"].get<int>());
    if (auto r = need_int(d, "turns", 0, parent.world->resolved())) return r;
  }
  return std::nullopt;
}

std::optional<Refusal> Session::check_seat_actor(const Json& d) const {
  if (!d.contains("actor") || d["actor"].is_null()) return std::nullopt;
  if (!d["actor"].is_string()) return bad("\"actor\" is not an actor id; expected one or null");
  const std::string id = d["actor"].get<std::string>();
  const int actor = info_.actor_index(id);
  if (actor < 0) return bad("unknown actor '" + id + "'; expected an actor id of the scenario");
  if (rules_->moves_of_actor[static_cast<size_t>(actor)].empty())
    return bad("actor '" + id + "' has no moves to make; expected an actor with moves");
  return std::nullopt;
}

std::optional<Refusal> Session::check_join(const Json& d) const {
  if (players_.size() >= static_cast<size_t>(kMaxPlayers))
    return conflict("the session is full; expected at most " + std::to_string(kMaxPlayers) +
                    " players");
  if (auto r = need_int(d, "world", 1, static_cast<std::int64_t>(worlds_.size())))
    return Refusal{404, r->message};
  if (auto r = need_string(d, "name", kMaxName)) return r;
  if (auto r = need_string(d, "token", 200)) return r;
  if (world(d["world"].get<int>())->ended) return conflict("this world's game has ended");
  return check_seat_actor(d);
}

std::optional<Refusal> Session::check_seat(const Json& d) const {
  if (auto r = need_int(d, "player", 1, static_cast<std::int64_t>(players_.size())))
    return Refusal{404, r->message};
  return check_seat_actor(d);
}

std::optional<Refusal> Session::check_moves(const WorldSlot& w, int actor,
                                            const Json& moves) const {
  if (!moves.is_array() ||
      !std::all_of(moves.begin(), moves.end(), [](const Json& m) { return m.is_string(); }))
    return bad(
        "\"moves\" is not a list of move ids; expected e.g. [\"us_offer_ct\"] or [] to pass");
  if (static_cast<int>(moves.size()) > settings_.max_moves)
    return bad("you chose " + std::to_string(moves.size()) + " moves; expected at most " +
               std::to_string(settings_.max_moves) + " a turn");
  std::vector<std::int32_t> seen;
  for (const Json& m : moves) {
    const std::string id = m.get<std::string>();
    const int k = info_.move_index(id);
    if (k < 0) return bad("unknown move '" + id + "'; expected a move id of the scenario");
    if (rules_->move_rules[static_cast<size_t>(k)].actor != actor)
      return bad("move '" + id + "' belongs to " + info_.moves[static_cast<size_t>(k)].actor +
                 "; expected one of your own moves");
    if (!w.world->run().available(k))
      return bad("move '" + id + "' is not available this turn; expected an available move");
    if (std::find(seen.begin(), seen.end(), k) != seen.end())
      return bad("move '" + id + "' is listed twice; expected each move once");
    seen.push_back(k);
  }
  return std::nullopt;
}

std::optional<Refusal> Session::check_world_action(const Action& a, const WorldSlot& w) const {
  const Json& d = a.data;
  const World& world = *w.world;
  const bool open = world.open();
  if (a.kind == "message") return need_string(d, "text", kMaxMessage);
  if (a.kind == "advisor") return need_bool(d, "on");
  if (a.kind == "end") {
    if (w.ended) return conflict("this world's game has ended already");
    return std::nullopt;
  }
  if (w.ended) return conflict("this world's game has ended; expected a world still in play");
  if (a.kind == "undo") {
    if (!open && world.history().empty()) return conflict("nothing to undo: no turn has resolved");
    return std::nullopt;
  }
  if (a.kind == "open") {
    if (open) return conflict("turn " + std::to_string(world.resolved() + 1) + " is open already");
    if (world.finished()) return conflict("every turn has resolved; the game is over");
    if (d.contains("deadline_seconds"))
      if (auto r = need_int(d, "deadline_seconds", 0, 86400)) return r;
    return std::nullopt;
  }
  if (!open)
    return conflict("no turn is open; expected the facilitator to open turn " +
                    std::to_string(world.resolved() + 1) + " first");
  if (a.kind == "submit") {
    if (w.paused) return conflict("the game is paused; expected the facilitator to resume it");
    if (auto r = need_int(d, "player", 1, static_cast<std::int64_t>(players_.size()))) return r;
    const Player& p = players_[static_cast<size_t>(d["player"].get<int>() - 1)];
    if (p.world != w.id || p.actor < 0)
      return Refusal{403, "you have no seat in this world; expected a seated team's token"};
    if (auto r = need_int(d, "turn", 1, rules_->turns)) return r;
    if (d["turn"].get<int>() != world.resolved() + 1)
      return conflict("turn " + std::to_string(d["turn"].get<int>()) +
                      " is not open; the open turn is " + std::to_string(world.resolved() + 1));
    if (!d.contains("moves")) return bad("\"moves\" is missing; expected a list of move ids");
    return check_moves(w, p.actor, d["moves"]);
  }
  if (a.kind == "inject") {
    if (auto r = need_string(d, "move", 200)) return r;
    if (info_.move_index(d["move"].get<std::string>()) < 0)
      return bad("unknown move '" + d["move"].get<std::string>() +
                 "'; expected a move id of the scenario");
    return std::nullopt;
  }
  if (a.kind == "resolve") {
    if (!d.contains("reason") || !d["reason"].is_string() ||
        !parse_resolve_reason(d["reason"].get<std::string>()))
      return bad("\"reason\" is missing; expected \"forced\", \"deadline\" or \"all_submitted\"");
    return std::nullopt;
  }
  if (a.kind == "pause") {
    if (w.paused) return conflict("the game is paused already");
    return std::nullopt;
  }
  if (a.kind == "resume") {
    if (!w.paused) return conflict("the game is not paused");
    return std::nullopt;
  }
  if (a.kind == "extend") {
    if (w.deadline_ms == 0 && !(w.paused && w.remaining_ms > 0))
      return conflict("the open turn has no deadline; expected one to extend");
    return need_int(d, "seconds", 1, 86400);
  }
  return bad("unknown action '" + a.kind + "'");
}

// ---- applying actions ------------------------------------------------------------------------

std::vector<int> Session::apply(const Action& a) {
  const Json& d = a.data;
  std::vector<int> all;
  for (const WorldSlot& w : worlds_) all.push_back(w.id);
  const auto touch_all = [this, &all]() {
    for (WorldSlot& w : worlds_) ++w.version;
    return all;
  };
  if (a.kind == "session") {
    created_ = true;
    option_ = scenario_.option_index(d["option"].get<std::string>());
    seed_ = d["seed"].get<std::uint64_t>();
    facilitator_ = d["facilitator_token"].get<std::string>();
    join_code_ = d["join_code"].get<std::string>();
    return {};
  }
  if (a.kind == "settings") {
    if (d.contains("missed")) settings_.missed = *parse_missed_turn(d["missed"].get<std::string>());
    if (d.contains("team_choice")) settings_.team_choice = d["team_choice"].get<bool>();
    if (d.contains("max_moves")) settings_.max_moves = d["max_moves"].get<int>();
    if (d.contains("grace_seconds")) settings_.grace_seconds = d["grace_seconds"].get<int>();
    return touch_all();
  }
  if (a.kind == "world") {
    WorldSlot w;
    w.id = static_cast<int>(worlds_.size()) + 1;
    w.name = d["name"].get<std::string>();
    const int option = scenario_.option_index(d["option"].get<std::string>());
    const std::uint64_t seed = d["seed"].get<std::uint64_t>();
    if (d.contains("parent")) {
      w.parent = d["parent"].get<int>();
      w.branched_turn = d["turns"].get<int>();
      w.world = world(w.parent)->world->branch(w.branched_turn);
    } else {
      w.world = std::make_unique<World>(*rules_, *catalog_, option, seed);
    }
    sync_why(w);
    worlds_.push_back(std::move(w));
    return {worlds_.back().id};
  }
  if (a.kind == "join") {
    Player p;
    p.id = static_cast<int>(players_.size()) + 1;
    p.token = d["token"].get<std::string>();
    p.world = d["world"].get<int>();
    p.name = d["name"].get<std::string>();
    p.actor = d.contains("actor") && d["actor"].is_string()
                  ? info_.actor_index(d["actor"].get<std::string>())
                  : -1;
    p.joined_ms = a.at_ms;
    players_.push_back(p);
    ++slot(p.world).version;
    return {p.world};
  }
  if (a.kind == "seat") {
    Player& p = players_[static_cast<size_t>(d["player"].get<int>() - 1)];
    p.actor = d.contains("actor") && d["actor"].is_string()
                  ? info_.actor_index(d["actor"].get<std::string>())
                  : -1;
    ++slot(p.world).version;
    return {p.world};
  }
  if (a.kind == "message" && d["world"] == 0) {
    for (WorldSlot& w : worlds_)
      w.notices.push_back(
          {w.world->resolved() + (w.world->open() ? 1 : 0), a.at_ms, d["text"].get<std::string>()});
    return touch_all();
  }
  WorldSlot& w = slot(d["world"].get<int>());
  ++w.version;
  return apply_world_action(a, w);
}

std::vector<int> Session::apply_world_action(const Action& a, WorldSlot& w) {
  const Json& d = a.data;
  World& world = *w.world;
  const int turn = world.resolved() + (world.open() ? 1 : 0);
  if (a.kind == "open") {
    w.held = false;
    world.open_turn();
    const std::int64_t seconds = d.value("deadline_seconds", std::int64_t{0});
    w.deadline_ms = seconds > 0 ? a.at_ms + seconds * 1000 : 0;
    w.paused = false;
    w.remaining_ms = 0;
  } else if (a.kind == "submit") {
    const Player& p = players_[static_cast<size_t>(d["player"].get<int>() - 1)];
    std::vector<std::int32_t> moves;
    for (const Json& m : d["moves"]) moves.push_back(info_.move_index(m.get<std::string>()));
    world.submit(p.actor, std::move(moves));
    w.held = false;
  } else if (a.kind == "inject") {
    const int m = info_.move_index(d["move"].get<std::string>());
    world.inject(m);
    const InfoMove& mv = info_.moves[static_cast<size_t>(m)];
    w.notices.push_back({turn, a.at_ms, "News: " + (mv.headline.empty() ? mv.name : mv.headline)});
  } else if (a.kind == "resolve") {
    world.resolve(seated(w.id), settings_.missed,
                  *parse_resolve_reason(d["reason"].get<std::string>()));
    sync_why(w);
    w.deadline_ms = 0;
    w.paused = false;
    w.remaining_ms = 0;
  } else if (a.kind == "undo") {
    world.undo();
    sync_why(w);
    w.held = world.open();
    w.deadline_ms = 0;
    w.paused = false;
    w.remaining_ms = 0;
  } else if (a.kind == "pause") {
    w.paused = true;
    w.remaining_ms = w.deadline_ms > 0 ? std::max<std::int64_t>(0, w.deadline_ms - a.at_ms) : 0;
    w.deadline_ms = 0;
  } else if (a.kind == "resume") {
    w.paused = false;
    w.deadline_ms = w.remaining_ms > 0 ? a.at_ms + w.remaining_ms : 0;
    w.remaining_ms = 0;
  } else if (a.kind == "extend") {
    const std::int64_t add = d["seconds"].get<std::int64_t>() * 1000;
    if (w.paused) {
      w.remaining_ms += add;
    } else {
      // Past the deadline (in the grace period), the extension counts from now.
      w.deadline_ms = std::max(w.deadline_ms, a.at_ms) + add;
    }
  } else if (a.kind == "message") {
    w.notices.push_back({turn, a.at_ms, d["text"].get<std::string>()});
  } else if (a.kind == "advisor") {
    w.advisor = d["on"].get<bool>();
  } else if (a.kind == "end") {
    w.ended = true;
    w.deadline_ms = 0;
    w.paused = false;
  }
  return {w.id};
}

std::vector<std::pair<int, ResolveReason>> Session::due(std::int64_t now_ms) const {
  std::vector<std::pair<int, ResolveReason>> out;
  for (const WorldSlot& w : worlds_) {
    if (w.ended || w.paused || !w.world->open()) continue;
    const std::vector<std::uint8_t> seats = seated(w.id);
    bool any = false, all = true;
    for (size_t a = 0; a < seats.size(); ++a) {
      if (seats[a] == 0) continue;
      any = true;
      all = all && w.world->current().submitted[a] != 0;
    }
    if (any && all && !w.held) {
      out.emplace_back(w.id, ResolveReason::all_submitted);
    } else if (w.deadline_ms > 0 &&
               now_ms >=
                   w.deadline_ms + static_cast<std::int64_t>(settings_.grace_seconds) * 1000) {
      out.emplace_back(w.id, ResolveReason::deadline);
    }
  }
  return out;
}

void Session::set_reference(int option, std::uint64_t seed,
                            std::shared_ptr<const Reference> reference) {
  references_[{option, seed}] = std::move(reference);
  for (WorldSlot& w : worlds_)
    if (w.world->option() == option && w.world->seed() == seed) ++w.version;
}

std::shared_ptr<const Reference> Session::reference(int option, std::uint64_t seed) const {
  const auto it = references_.find({option, seed});
  return it == references_.end() ? nullptr : it->second;
}

// ---- storage form ----------------------------------------------------------------------------

std::string to_json(const Action& action) {
  Json j;
  j["kind"] = action.kind;
  j["at_ms"] = action.at_ms;
  j["data"] = action.data;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<Action> action_from_json(std::string_view text) {
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("kind") || !j["kind"].is_string() ||
      !j.contains("at_ms") || !j["at_ms"].is_number_integer() || !j.contains("data"))
    return std::nullopt;
  Action a;
  a.kind = j["kind"].get<std::string>();
  a.at_ms = j["at_ms"].get<std::int64_t>();
  a.data = j["data"];
  return a;
}

}  // namespace parley::classroom

// The classroom session as the fold of its actions: checks, the turn cycle, undo and branch,
// deadlines, and replay giving the same session.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "engine/classroom/session.hpp"
#include "engine/io/scenario_loader.hpp"
#include "tests/support/scenarios.hpp"

using namespace parley;
using namespace parley::classroom;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

const Scenario& afghanistan() {
  return parley::test::shipped("afghanistan-2025");
}

// Applies an action that must be accepted, recording it for a replay.
struct Driver {
  Session session{afghanistan()};
  std::vector<Action> log;
  std::int64_t clock = 1'000'000;

  void ok(const std::string& kind, Json data) {
    Action a{kind, clock, std::move(data)};
    const auto r = session.check(a);
    INFO(kind << ": " << (r ? r->message : ""));
    REQUIRE_FALSE(r.has_value());
    session.apply(a);
    log.push_back(a);
  }
  Refusal refused(const std::string& kind, Json data) {
    Action a{kind, clock, std::move(data)};
    const auto r = session.check(a);
    REQUIRE(r.has_value());
    return *r;
  }
  void start() {
    ok("session", {{"option", "baseline"},
                   {"seed", 2025},
                   {"facilitator_token", "f0f0"},
                   {"join_code", "ABC234"},
                   {"scenario_hash", "x"}});
    ok("world", {{"name", "World 1"}, {"option", "baseline"}, {"seed", 2025}});
  }
};

}  // namespace

TEST_CASE("a session refuses bad actions with what was expected", "[classroom]") {
  Driver d;
  CHECK(d.refused("world", {{"name", "x"}}).status == 409);  // no session yet
  d.start();
  d.ok("join", {{"world", 1}, {"token", "t1"}, {"name", "Ann"}, {"actor", "US"}});
  CHECK(d.refused("join", {{"world", 7}, {"token", "t"}, {"name", "Bo"}}).status == 404);
  CHECK(d.refused("join", {{"world", 1}, {"token", "t"}, {"name", " "}}).message.find("\"name\"") !=
        std::string::npos);
  CHECK(d.refused("join", {{"world", 1}, {"token", "t"}, {"name", "Bo"}, {"actor", "XX"}})
            .message.find("unknown actor 'XX'") != std::string::npos);
  // Nothing can be submitted before the turn opens.
  const Refusal early =
      d.refused("submit", {{"world", 1}, {"player", 1}, {"turn", 1}, {"moves", Json::array()}});
  CHECK(early.status == 409);
  CHECK(early.message.find("open turn 1 first") != std::string::npos);
  d.ok("open", {{"world", 1}, {"deadline_seconds", 60}});
  CHECK(d.refused("open", {{"world", 1}}).status == 409);
  const auto submit = [&](Json moves, int turn = 1) {
    return d.refused("submit", {{"world", 1}, {"player", 1}, {"turn", turn}, {"moves", moves}});
  };
  CHECK(submit({"nope"}).message.find("unknown move 'nope'") != std::string::npos);
  CHECK(submit({"tlb_accept_ct"}).message.find("belongs to TLB") != std::string::npos);
  CHECK(submit({"us_threaten_withhold"}).message.find("not available this turn") !=
        std::string::npos);  // the timeline just made it: on cooldown
  CHECK(submit({"us_offer_ct", "us_withhold_aid"}).message.find("at most 1") != std::string::npos);
  CHECK(submit("us_offer_ct").message.find("list of move ids") != std::string::npos);
  CHECK(submit({"us_offer_ct"}, 2).message.find("the open turn is 1") != std::string::npos);
  d.ok("submit", {{"world", 1}, {"player", 1}, {"turn", 1}, {"moves", {"us_offer_ct"}}});
  // A submission may be changed until the turn closes.
  d.ok("submit", {{"world", 1}, {"player", 1}, {"turn", 1}, {"moves", Json::array()}});
  CHECK(d.session.world(1)->world->current().moves[0].empty());
}

TEST_CASE("a turn resolves when every team has submitted, or at the deadline and grace",
          "[classroom]") {
  Driver d;
  d.start();
  d.ok("settings", {{"grace_seconds", 5}, {"missed", "pass"}});
  d.ok("join", {{"world", 1}, {"token", "t1"}, {"name", "Ann"}, {"actor", "US"}});
  d.ok("join", {{"world", 1}, {"token", "t2"}, {"name", "Bo"}, {"actor", "TLB"}});
  d.ok("open", {{"world", 1}, {"deadline_seconds", 30}});
  CHECK(d.session.due(d.clock).empty());
  d.ok("submit", {{"world", 1}, {"player", 1}, {"turn", 1}, {"moves", {"us_offer_ct"}}});
  CHECK(d.session.due(d.clock).empty());           // TLB has not submitted
  CHECK(d.session.due(d.clock + 30'000).empty());  // the deadline, still in the grace period
  const auto due = d.session.due(d.clock + 35'000);
  REQUIRE(due.size() == 1);
  CHECK(due[0].second == ResolveReason::deadline);
  // Paused: the clock stops.
  d.ok("pause", {{"world", 1}});
  CHECK(d.session.due(d.clock + 100'000).empty());
  d.clock += 100'000;
  d.ok("resume", {{"world", 1}});
  CHECK(d.session.due(d.clock + 29'000).empty());
  CHECK(d.session.due(d.clock + 35'000).size() == 1);
  d.ok("submit", {{"world", 1}, {"player", 2}, {"turn", 1}, {"moves", Json::array()}});
  const auto all = d.session.due(d.clock);
  REQUIRE(all.size() == 1);
  CHECK(all[0].second == ResolveReason::all_submitted);
  d.ok("resolve", {{"world", 1}, {"reason", "all_submitted"}});
  const World& w = *d.session.world(1)->world;
  CHECK(w.resolved() == 1);
  CHECK_FALSE(w.open());
  // The US's move was made by its team; TLB, which passed, made no move of its own choice.
  const int offer = d.session.info().move_index("us_offer_ct");
  bool us = false;
  for (const SteppedEvent& e : w.run().events()) {
    const int actor = afghanistan().moves[static_cast<size_t>(e.move)].actor;
    if (e.source == MoveSource::person) us = us || (actor == 0 && e.move == offer);
    if (actor == 1) CHECK(e.source == MoveSource::timeline);
  }
  CHECK(us);
}

TEST_CASE("a missed turn is a pass or the AI's draw, as the setting says", "[classroom]") {
  for (const char* rule : {"pass", "ai"}) {
    Driver d;
    d.start();
    d.ok("settings", {{"missed", rule}});
    d.ok("join", {{"world", 1}, {"token", "t1"}, {"name", "Ann"}, {"actor", "US"}});
    d.ok("open", {{"world", 1}});
    const AiAdvice advice = d.session.world(1)->world->run().advice(0);
    d.ok("resolve", {{"world", 1}, {"reason", "forced"}});
    const World& w = *d.session.world(1)->world;
    std::vector<std::int32_t> us;
    for (const SteppedEvent& e : w.run().events())
      if (afghanistan().moves[static_cast<size_t>(e.move)].actor == 0 &&
          e.source == MoveSource::person)
        us.push_back(e.move);
    INFO(rule);
    CHECK(w.history()[0].ai_choice[0] == advice.choice);
    if (std::string(rule) == "pass" || advice.choice < 0) {
      CHECK(us.empty());
    } else {
      CHECK(us == std::vector<std::int32_t>{advice.choice});
    }
  }
}

TEST_CASE("undo and branch replay the history; a replayed log gives the same session",
          "[classroom]") {
  Driver d;
  d.start();
  d.ok("join", {{"world", 1}, {"token", "t1"}, {"name", "Ann"}, {"actor", "US"}});
  for (int turn = 1; turn <= 3; ++turn) {
    d.ok("open", {{"world", 1}});
    if (turn == 2) d.ok("inject", {{"world", 1}, {"move", "chn_extend_cpec"}});
    d.ok("submit", {{"world", 1}, {"player", 1}, {"turn", turn}, {"moves", Json::array()}});
    d.ok("resolve", {{"world", 1}, {"reason", "all_submitted"}});
  }
  const auto after3 = d.session.world(1)->world->run().trajectory();
  const auto state3 = d.session.world(1)->world->run().state().status_quo;
  // Undo reopens turn 3 with its submission; resolving it again gives the same turn. Though
  // every team has submitted, the reopened turn waits for the facilitator.
  d.ok("undo", {{"world", 1}});
  CHECK(d.session.world(1)->world->open());
  CHECK(d.session.world(1)->world->resolved() == 2);
  CHECK(d.session.world(1)->world->current().submitted[0] == 1);
  CHECK(d.session.due(d.clock).empty());
  d.ok("resolve", {{"world", 1}, {"reason", "forced"}});
  CHECK(d.session.world(1)->world->run().trajectory() == after3);
  // Undo twice: the open turn closes, then turn 3 reopens.
  d.ok("open", {{"world", 1}});
  d.ok("undo", {{"world", 1}});
  CHECK_FALSE(d.session.world(1)->world->open());
  CHECK(d.session.world(1)->world->resolved() == 3);
  // A branch at turn 2 replays two turns, the inject included.
  d.ok("world",
       {{"name", "B"}, {"option", "baseline"}, {"seed", 2025}, {"parent", 1}, {"turns", 2}});
  const World& b = *d.session.world(2)->world;
  CHECK(b.resolved() == 2);
  CHECK(b.history()[1].injects.size() == 1);
  CHECK(b.run().trajectory() == d.session.world(1)->world->run().trajectory().topRows(3));

  // Replaying the log into a new session gives the same worlds, state and views.
  Session again(afghanistan());
  for (const Action& a : d.log) {
    REQUIRE_FALSE(again.check(a).has_value());
    again.apply(a);
  }
  CHECK(again.world(1)->world->run().state().status_quo == state3);
  const Caller f{Caller::Kind::facilitator, -1};
  CHECK(again.view(f, 1, d.clock).dump() == d.session.view(f, 1, d.clock).dump());
  CHECK(again.view(f, 2, d.clock).dump() == d.session.view(f, 2, d.clock).dump());
  // The action's stored form reads back as itself.
  const auto back = action_from_json(to_json(d.log[3]));
  REQUIRE(back.has_value());
  CHECK(back->kind == d.log[3].kind);
  CHECK(back->data == d.log[3].data);
  CHECK_FALSE(action_from_json("{not json").has_value());
}

TEST_CASE("tokens identify their holder; views hide other teams' briefs", "[classroom]") {
  Driver d;
  d.start();
  d.ok("join", {{"world", 1}, {"token", "aaaa1111"}, {"name", "Ann"}, {"actor", "US"}});
  d.ok("join", {{"world", 1}, {"token", "bbbb2222"}, {"name", "Bo"}, {"actor", "TLB"}});
  CHECK(d.session.who("f0f0").kind == Caller::Kind::facilitator);
  CHECK(d.session.who("aaaa1111").player == 0);
  CHECK(d.session.who("bbbb2222").player == 1);
  CHECK(d.session.who("aaaa1112").kind == Caller::Kind::nobody);
  CHECK(d.session.who("").kind == Caller::Kind::nobody);
  d.ok("open", {{"world", 1}});
  std::string tlb_move;
  for (const std::int32_t m : d.session.rules().moves_of_actor[1])
    if (tlb_move.empty() && d.session.world(1)->world->run().available(m))
      tlb_move = d.session.info().moves[static_cast<size_t>(m)].id;
  REQUIRE_FALSE(tlb_move.empty());
  d.ok("submit", {{"world", 1}, {"player", 2}, {"turn", 1}, {"moves", {tlb_move}}});
  const auto us = d.session.view(d.session.who("aaaa1111"), 1, d.clock).dump();
  CHECK(us.find("\"role\":\"team\"") != std::string::npos);
  CHECK(us.find("bbbb2222") == std::string::npos);                          // no other token
  CHECK(us.find("\"submission\":null") != std::string::npos);               // US has not submitted
  CHECK(us.find("\"moves\":[\"" + tlb_move + "\"]") == std::string::npos);  // not TLB's choice
  CHECK(us.find("\"teams\":[{\"actor\":\"US\"") != std::string::npos);
  CHECK(us.find("\"brief\":{\"actor\":\"US\"") != std::string::npos);
  CHECK(us.find("\"brief\":{\"actor\":\"TLB\"") == std::string::npos);
  const auto f = d.session.view(d.session.who("f0f0"), 1, d.clock).dump();
  CHECK(f.find("\"brief\":{\"actor\":\"TLB\"") != std::string::npos);
  CHECK(f.find("\"submission\":[\"" + tlb_move + "\"]") != std::string::npos);
  CHECK(f.find("bbbb2222") != std::string::npos);  // the facilitator sees the players' links
}

// The classroom session as the fold of its actions: checks, the turn cycle, undo and branch,
// deadlines, and replay giving the same session.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "engine/classroom/session.hpp"
#include "engine/io/explain_output.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/model/turn.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/explain.hpp"
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
  // The facilitator's view of world `w`, read back as a page reads it.
  Json facilitator_view(int w) const {
    return Json::parse(session.view({Caller::Kind::facilitator, -1}, w, clock).dump());
  }
};

// A choice of explain's JSON as the debrief carries it (docs/CLASSROOM.md): without utilities,
// and a move's replies only where they differ from those to passing.
Json lighter(Json choice) {
  choice["pass"].erase("utility");
  for (Json& m : choice["moves"]) {
    m.erase("utility");
    if (!m.contains("replies")) continue;
    Json kept = Json::array();
    for (const Json& r : m["replies"])
      if (std::find(choice["pass"]["replies"].begin(), choice["pass"]["replies"].end(), r) ==
          choice["pass"]["replies"].end())
        kept.push_back(r);
    m["replies"] = kept;
  }
  return choice;
}

// `parley explain`'s JSON of run 0 of `option` with `seed`, every turn and AI actor.
Json explained(const std::string& option, std::uint64_t seed) {
  const Scenario& sc = afghanistan();
  const Rules rules = compile(sc);
  ExplainRequest req;
  req.option = sc.option_index(option);
  req.seed = seed;
  req.run = 0;
  return Json::parse(explanation_json(sc, {explain_run(sc, rules, req)}))[0];
}

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

TEST_CASE("with nobody seated, the debrief's why is parley explain's table for that run",
          "[classroom][explain]") {
  for (const char* option : {"baseline", "engage"}) {
    INFO(option);
    Driver d;
    d.start();
    d.ok("world", {{"name", "World 2"}, {"option", option}, {"seed", 77}});
    const int turns = d.session.rules().turns;
    for (int t = 1; t <= turns; ++t) {
      d.ok("open", {{"world", 2}});
      d.ok("resolve", {{"world", 2}, {"reason", "forced"}});
    }
    const Json want = explained(option, 77);
    const auto check_why = [&](const Json& why, int upto) {
      REQUIRE(why.size() == static_cast<size_t>(upto));
      for (int t = 0; t < upto; ++t) {
        INFO("turn " << t + 1);
        const Json& e = want["explained"][static_cast<size_t>(t)];
        REQUIRE(why[static_cast<size_t>(t)]["turn"] == e["turn"]);
        // Every AI actor, every candidate, every number: the same values, not just close.
        const Json& got = why[static_cast<size_t>(t)]["choices"];
        REQUIRE(got.size() == e["choices"].size());
        for (size_t c = 0; c < got.size(); ++c) CHECK(got[c] == lighter(e["choices"][c]));
      }
    };
    check_why(d.facilitator_view(2)["debrief"]["why"], turns);
    // Undo replays the world: the records are those of the turns in its history, and the last
    // turn resolved again has its record again.
    d.ok("undo", {{"world", 2}});  // the last turn reopens
    check_why(d.facilitator_view(2)["debrief"]["why"], turns - 1);
    d.ok("undo", {{"world", 2}});  // and closes, unresolved
    check_why(d.facilitator_view(2)["debrief"]["why"], turns - 1);
    d.ok("open", {{"world", 2}});
    d.ok("resolve", {{"world", 2}, {"reason", "forced"}});
    check_why(d.facilitator_view(2)["debrief"]["why"], turns);
    // A branch has the records of the turns it starts with.
    d.ok("world", {{"name", "B"}, {"option", option}, {"seed", 77}, {"parent", 2}, {"turns", 5}});
    check_why(d.facilitator_view(3)["debrief"]["why"], 5);
  }
}

TEST_CASE("the debrief's why gives the scorer's numbers for the AI actors and a team's seat",
          "[classroom][explain]") {
  Driver d;
  d.start();
  d.ok("settings", {{"missed", "ai"}});
  d.ok("join", {{"world", 1}, {"token", "t1"}, {"name", "Ann"}, {"actor", "US"}});
  const Rules& rules = d.session.rules();
  const Scenario& sc = afghanistan();
  const int us = d.session.info().actor_index("US");
  // Per turn, per actor with moves: the AI's advice (scores, probabilities, draw) at the
  // snapshot the turn's choices are made from, taken while the turn is open.
  std::vector<std::vector<AiAdvice>> advice;
  for (int t = 1; t <= 6; ++t) {
    d.ok("open", {{"world", 1}});
    if (t == 2) d.ok("inject", {{"world", 1}, {"move", "chn_extend_cpec"}});
    const SteppedRun& run = d.session.world(1)->world->run();
    auto& turn = advice.emplace_back();
    for (int a = 0; a < rules.actors; ++a) {
      turn.push_back(run.advice(a));
      // advise's scores are score_moves' (the scorer) on the snapshot.
      std::vector<double> scores;
      if (!turn.back().moves.empty())
        score_moves(rules, run.params(), run.state(), a, turn.back().moves, scores);
      REQUIRE(scores == turn.back().scores);
    }
    // The team plays its first available move in odd turns, and misses the even ones (the
    // AI then plays for it).
    if (t % 2 == 1) {
      Json moves = Json::array();
      for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(us)])
        if (moves.empty() && run.available(m)) moves.push_back(sc.moves[static_cast<size_t>(m)].id);
      d.ok("submit", {{"world", 1}, {"player", 1}, {"turn", t}, {"moves", moves}});
    }
    d.ok("resolve", {{"world", 1}, {"reason", "forced"}});
  }
  const Json debrief = d.facilitator_view(1)["debrief"];
  const World& w = *d.session.world(1)->world;
  REQUIRE(debrief["why"].size() == 6);
  int compared = 0;
  for (int t = 1; t <= 6; ++t) {
    const Json& why = debrief["why"][static_cast<size_t>(t - 1)];
    REQUIRE(why["turn"] == t);
    // Every actor with an AI or a seat chose (or would have), in actor order.
    std::vector<int> choosers;
    for (int a = 0; a < rules.actors; ++a)
      if (a == us || rules.control[static_cast<size_t>(a)] == Control::ai) choosers.push_back(a);
    REQUIRE(why["choices"].size() == choosers.size());
    std::vector<std::string> ai_made(static_cast<size_t>(rules.actors));
    for (const SteppedEvent& e : w.run().events())
      if (e.turn == t && e.source == MoveSource::ai)
        ai_made[static_cast<size_t>(sc.moves[static_cast<size_t>(e.move)].actor)] =
            sc.moves[static_cast<size_t>(e.move)].id;
    for (size_t n = 0; n < choosers.size(); ++n) {
      const int a = choosers[n];
      INFO("turn " << t << " actor " << a);
      const Json& c = why["choices"][n];
      const AiAdvice& adv = advice[static_cast<size_t>(t - 1)][static_cast<size_t>(a)];
      REQUIRE(c["actor"] == sc.actors[static_cast<size_t>(a)].id);
      REQUIRE(c.value("seated", false) == (a == us));
      const std::string choice = c["choice"].is_null() ? "" : c["choice"].get<std::string>();
      REQUIRE(choice == (adv.choice >= 0 ? sc.moves[static_cast<size_t>(adv.choice)].id : ""));
      if (a == us) {
        // The seat: what the AI would have chosen, as the history recorded it.
        const std::int32_t ai =
            w.history()[static_cast<size_t>(t - 1)].ai_choice[static_cast<size_t>(us)];
        REQUIRE(choice == (ai >= 0 ? sc.moves[static_cast<size_t>(ai)].id : ""));
      } else {
        REQUIRE(choice == ai_made[static_cast<size_t>(a)]);  // the move the AI made
      }
      REQUIRE(c["pass"]["probability"].get<double>() == adv.pass_probability);
      size_t k = 0;  // index into the advice's available moves
      for (const Json& m : c["moves"]) {
        const int mi = d.session.info().move_index(m["move"].get<std::string>());
        const bool avail = k < adv.moves.size() && adv.moves[k] == mi;
        REQUIRE(m["available"].get<bool>() == avail);
        if (!avail) {
          REQUIRE_FALSE(m["blocked"].get<std::string>().empty());
          continue;
        }
        REQUIRE(m["score"].get<double>() == adv.scores[k]);
        REQUIRE(m["probability"].get<double>() == adv.probability[k]);
        REQUIRE(m["score"].get<double>() == m["value"].get<double>() -
                                                c["pass"]["value"].get<double>() -
                                                m["cost"].get<double>());
        REQUIRE(m["chosen"].get<bool>() == (mi == adv.choice));
        ++k;
        ++compared;
      }
      REQUIRE(k == adv.moves.size());
    }
  }
  CHECK(compared > 50);
}

// The explanation of a run: its numbers are the scorer's, its choices and end those of the run,
// and its reasons say what the turn found.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/explain.hpp"
#include "engine/sim/run.hpp"
#include "tests/support/lookahead_reference.hpp"
#include "tests/support/mini.hpp"
#include "tests/support/scenarios.hpp"

using namespace parley;

namespace {

int actor_index(const Scenario& sc, const std::string& id) {
  for (size_t a = 0; a < sc.actors.size(); ++a)
    if (sc.actors[a].id == id) return static_cast<int>(a);
  FAIL("no actor " << id);
  return -1;
}

int move_index(const Scenario& sc, const std::string& id) {
  for (size_t m = 0; m < sc.moves.size(); ++m)
    if (sc.moves[m].id == id) return static_cast<int>(m);
  return -1;
}

// Checks explanation `e` of (option, seed, run) against the turn played without it: at each
// explained turn, every AI actor's available moves, scores (score_moves), probabilities and draw
// (advise) and the move it made; then the events and final state of simulate. Returns how many
// scores were compared.
int check_against_turn(const Scenario& sc, const Rules& rules, const Explanation& e, int option,
                       std::uint64_t seed, std::uint64_t run, bool reference) {
  const Params p = sample_params(rules, option, seed, run);
  const Rng rng = Rng(seed, run).split(static_cast<std::uint64_t>(Stream::dynamics));
  State s = initial_state(rules, p);
  int compared = 0;
  size_t next = 0;  // the next explained turn
  for (int t = 1; t <= rules.turns; ++t) {
    const State mid = begin_turn(rules, p, s, rng);
    State after = finish_turn(rules, p, mid, rng);
    if (next < e.turn.size() && e.turn[next].turn == t) {
      const ExplainedTurn& et = e.turn[next++];
      // Every choice the turn made, by actor (the AI's moves come after the timeline's).
      std::vector<std::string> made(static_cast<size_t>(rules.actors));
      for (size_t k = static_cast<size_t>(after.made_by_timeline); k < after.made.size(); ++k) {
        const Move& mv = sc.moves[static_cast<size_t>(after.made[k])];
        made[static_cast<size_t>(mv.actor)] = mv.id;
      }
      for (const ExplainedChoice& c : et.choices) {
        INFO("option " << option << " run " << run << " turn " << t << " actor " << c.actor);
        const int a = actor_index(sc, c.actor);
        REQUIRE(c.choice == made[static_cast<size_t>(a)]);
        std::vector<std::int32_t> candidates;
        for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(a)])
          if (available(rules, option, m, mid)) candidates.push_back(m);
        std::vector<double> scores;
        if (!candidates.empty()) score_moves(rules, p, mid, a, candidates, scores);
        const AiAdvice advice = advise(rules, p, mid, rng, a);
        REQUIRE(advice.moves == candidates);
        REQUIRE(c.pass_probability == advice.pass_probability);
        const double pass_value =
            reference ? test::reference_value(rules, p, mid, a, -1) : c.pass_value;
        if (reference && !candidates.empty()) REQUIRE(c.pass_value == Approx(pass_value));
        size_t k = 0;  // index into candidates
        REQUIRE(c.moves.size() == rules.moves_of_actor[static_cast<size_t>(a)].size());
        for (const ExplainedMove& m : c.moves) {
          const int mi = move_index(sc, m.move);
          REQUIRE(m.available == available(rules, option, mi, mid));
          REQUIRE(m.blocked.empty() == m.available);
          if (!m.available) continue;
          REQUIRE(candidates[k] == mi);
          // Exactly the scorer's numbers, and parts that add up to them exactly.
          REQUIRE(m.score == scores[k]);
          REQUIRE(m.score == m.value - c.pass_value - m.cost);
          REQUIRE(m.cost == mid.cost[mi]);
          REQUIRE(m.probability == advice.probability[k]);
          REQUIRE(m.chosen == (advice.choice == mi));
          if (reference) {
            // The replies and rows are those of the definition in docs/MODEL.md.
            const test::ReferenceLookahead want = test::reference_lookahead(rules, p, mid, a, mi);
            REQUIRE(m.value == Approx(want.value).margin(1e-12));
            REQUIRE(m.utility == Approx(want.utility).margin(1e-12));
            REQUIRE(m.replies.size() == want.replies.size());
            for (size_t r = 0; r < want.replies.size(); ++r) {
              const auto [ra, rm] = want.replies[r];
              REQUIRE(m.replies[r].actor == sc.actors[static_cast<size_t>(ra)].id);
              REQUIRE(m.replies[r].move ==
                      (rm >= 0 ? sc.moves[static_cast<size_t>(rm)].id : std::string()));
            }
            REQUIRE(m.rows.size() == want.rows.size());
            for (size_t r = 0; r < want.rows.size(); ++r) {
              REQUIRE(m.rows[r].row == want.rows[r]);
              REQUIRE(m.rows[r].probability ==
                      p.values[static_cast<size_t>(
                          rules.timeline[static_cast<size_t>(want.rows[r])].probability)]);
              REQUIRE(m.rows[r].gain == Approx(want.row_gains[r]).margin(1e-12));
            }
          }
          ++k;
          ++compared;
        }
        REQUIRE(k == candidates.size());
      }
      // The rows that fired are the turn's timeline moves, in order.
      std::vector<std::string> fired;
      for (const ExplainedTimelineRow& r : et.timeline) {
        REQUIRE(r.fired == r.why.empty());
        if (r.fired) fired.push_back(r.move);
      }
      std::vector<std::string> by_timeline;
      for (std::int32_t k = 0; k < after.made_by_timeline; ++k)
        by_timeline.push_back(sc.moves[static_cast<size_t>(after.made[static_cast<size_t>(k)])].id);
      REQUIRE(fired == by_timeline);
      // Bargaining is the last thing to move a status quo in a turn.
      for (const ExplainedBargain& b : et.bargaining) {
        int j = 0;
        while (sc.issues[static_cast<size_t>(j)].id != b.issue) ++j;
        REQUIRE(b.new_status_quo == after.status_quo[j]);
        REQUIRE(b.proposal == b.status_quo + et.settle_rate * (b.outcome - b.status_quo));
      }
    }
    s = std::move(after);
  }
  REQUIRE(next == e.turn.size());
  // The explained run ends where the run ends.
  REQUIRE(e.final_state.status_quo == s.status_quo);
  REQUIRE(e.final_state.position == s.position);
  REQUIRE(e.final_state.count == s.count);
  RunOutput out;
  simulate(rules, metric_catalog(sc), p, seed, run, true, out);
  REQUIRE(e.events.size() == out.events.size());
  for (size_t k = 0; k < out.events.size(); ++k) {
    REQUIRE(e.events[k].turn == out.events[k].turn);
    REQUIRE(e.events[k].move == out.events[k].move);
    REQUIRE(e.events[k].by_timeline == out.events[k].by_timeline);
  }
  return compared;
}

}  // namespace

TEST_CASE("explain gives the scorer's numbers and the run's choices on the default scenario",
          "[explain]") {
  const Scenario& sc = test::shipped("afghanistan-2025");
  const Rules rules = compile(sc);
  const int us = actor_index(sc, "US"), tlb = actor_index(sc, "TLB");
  int compared = 0;
  for (int option = 0; option < static_cast<int>(sc.options.size()); ++option)
    for (const std::uint64_t run : {0, 5}) {
      // The US's and the TIA's choices in the first six turns, as the issue asks.
      ExplainRequest req;
      req.option = option;
      req.seed = sc.default_seed;
      req.run = run;
      req.first_turn = 1;
      req.last_turn = 6;
      req.actors = {us, tlb};
      const Explanation e = explain_run(sc, rules, req);
      REQUIRE(e.turn.size() == 6);
      for (const ExplainedTurn& t : e.turn) {
        REQUIRE(t.choices.size() == 2);
        REQUIRE(t.choices[0].actor == "US");
        REQUIRE(t.choices[1].actor == "TLB");
      }
      compared += check_against_turn(sc, rules, e, option, req.seed, run, true);
    }
  REQUIRE(compared > 100);
}

TEST_CASE("explain on every turn and actor of the mini scenario, with and without lookahead",
          "[explain]") {
  const Scenario mini = test::mini_scenario();
  for (const double lookahead : {1.0, 0.0}) {
    Scenario sc = mini;
    for (Option& o : sc.options)
      o.set.push_back(Override{Slot{SlotKind::model, static_cast<int>(ModelKey::lookahead), 0},
                               Number::constant(lookahead)});
    const Rules rules = compile(sc);
    int compared = 0;
    for (int option = 0; option < static_cast<int>(sc.options.size()); ++option)
      for (std::uint64_t run = 0; run < 4; ++run) {
        ExplainRequest req;
        req.option = option;
        req.seed = 42;
        req.run = run;
        const Explanation e = explain_run(sc, rules, req);
        REQUIRE(e.turn.size() == static_cast<size_t>(rules.turns));
        for (const ExplainedTurn& t : e.turn)
          for (const ExplainedChoice& c : t.choices) {
            REQUIRE(c.lookahead == (lookahead > 0.5));
            if (lookahead < 0.5)
              for (const ExplainedMove& m : c.moves) REQUIRE(m.replies.empty());
          }
        compared += check_against_turn(sc, rules, e, option, 42, run, lookahead > 0.5);
      }
    REQUIRE(compared > 20);
  }
}

TEST_CASE("explain says what blocked a move: the option, the cooldown or the requirement",
          "[explain]") {
  const Scenario sc = test::mini_scenario();
  const Rules rules = compile(sc);
  const int engage = sc.option_index("engage");
  ExplainRequest req;
  req.option = engage;
  req.seed = 42;
  const Explanation e = explain_run(sc, rules, req);
  bool forbidden = false, requirement = false;
  for (const ExplainedTurn& t : e.turn)
    for (const ExplainedChoice& c : t.choices)
      for (const ExplainedMove& m : c.moves) {
        if (m.move == "alf_embargo") {
          // The engage option forbids the embargo.
          REQUIRE_FALSE(m.available);
          REQUIRE(m.blocked.find("forbidden by option 'engage'") != std::string::npos);
          forbidden = true;
        }
        if (m.blocked.find("requires issue.access > 30 (issue.access = ") != std::string::npos)
          requirement = true;
      }
  REQUIRE(forbidden);
  REQUIRE(requirement);

  // Cooldown: a state where the aid was made last turn (its cooldown is 1).
  const Params p = sample_params(rules, 0, 42, 0);
  State s = initial_state(rules, p);
  const int aid = move_index(sc, "alf_aid");
  s.turn = 4;
  s.last_turn[aid] = 3;
  s.status_quo[1] = 50.0;  // access above 30: only the cooldown blocks it
  REQUIRE_FALSE(available(rules, 0, aid, s));
  REQUIRE(why_unavailable(sc, rules, 0, aid, s) ==
          "cooldown 1 after turn 3: available again in turn 5");
  s.turn = 5;
  REQUIRE(available(rules, 0, aid, s));
  REQUIRE(why_unavailable(sc, rules, 0, aid, s).empty());
}

TEST_CASE("a failed condition is told part by part, with the values it read", "[explain]") {
  const Scenario sc = test::mini_scenario();
  const IdTables ids = sc.ids();
  ParseError err;
  const auto c = parse_condition(
      "issue.aid > 50 and (turn >= 2 or done.alf_aid == 1) and "
      "not (issue.access < 10)",
      ids, err);
  REQUIRE(c);
  // The text reads back as the same condition.
  const std::string text = condition_text(*c, ids);
  const auto again = parse_condition(text, ids, err);
  REQUIRE(again);
  REQUIRE(condition_text(*again, ids) == text);
  double aid = 20, access = 5, turn = 1, done = 0;
  const auto value = [&](const Slot& s) {
    switch (s.kind) {
      case SlotKind::issue:
        return s.a == 0 ? aid : access;
      case SlotKind::turn:
        return turn;
      case SlotKind::done:
        return done;
      default:
        return 0.0;
    }
  };
  // Every part fails: each is listed with what it read.
  std::string why = why_false(*c, ids, value);
  REQUIRE(why.find("issue.aid > 50 (issue.aid = 20)") != std::string::npos);
  REQUIRE(why.find("turn = 1, done.alf_aid = 0") != std::string::npos);
  REQUIRE(why.find("issue.access = 5") != std::string::npos);
  // Only the failing part is told.
  aid = 60;
  turn = 3;
  why = why_false(*c, ids, value);
  REQUIRE(why.find("issue.aid") == std::string::npos);
  REQUIRE(why.find("turn") == std::string::npos);
  REQUIRE(why.find("issue.access = 5") != std::string::npos);
  access = 20;
  REQUIRE(why_false(*c, ids, value).empty());
}

TEST_CASE("explain names the timeline rows that did not fire and why", "[explain]") {
  const Scenario sc = test::mini_scenario();
  const Rules rules = compile(sc);
  bool when = false, draw = false;
  for (std::uint64_t run = 0; run < 10; ++run) {
    ExplainRequest req;
    req.seed = 42;
    req.run = run;
    const Explanation e = explain_run(sc, rules, req);
    for (const ExplainedTurn& t : e.turn)
      for (const ExplainedTimelineRow& r : t.timeline) {
        // Rows are listed only in their window.
        const TimelineRow& row = sc.timeline[static_cast<size_t>(r.row)];
        REQUIRE(t.turn >= row.first_turn);
        REQUIRE(t.turn <= row.last_turn);
        if (r.outcome == "when") {
          REQUIRE(r.why.rfind("when ", 0) == 0);
          when = true;
        }
        if (r.outcome == "draw") {
          REQUIRE(r.draw >= r.probability);
          draw = true;
        }
        if (r.fired && r.draw >= 0.0) REQUIRE(r.draw < r.probability);
      }
  }
  REQUIRE(when);
  REQUIRE(draw);
}

TEST_CASE("validate --gains: every AI move's net gain at turn 0, highest first", "[explain]") {
  const Scenario& sc = test::shipped("afghanistan-2025");
  const Rules rules = compile(sc);
  const std::vector<OptionGains> gains = initial_gains(sc, rules);
  REQUIRE(gains.size() == sc.options.size());
  for (size_t o = 0; o < gains.size(); ++o) {
    REQUIRE(gains[o].option == sc.options[o].name);
    Params p;
    p.option = static_cast<int>(o);
    for (const Number& n : rules.numbers) p.values.push_back(n.mean());
    const State s = initial_state(rules, p);
    size_t ai_actors = 0;
    for (int a = 0; a < rules.actors; ++a) {
      if (rules.control[static_cast<size_t>(a)] != Control::ai) continue;
      const ActorGains& ag = gains[o].actors[ai_actors++];
      REQUIRE(ag.actor == sc.actors[static_cast<size_t>(a)].id);
      const std::vector<std::int32_t>& moves = rules.moves_of_actor[static_cast<size_t>(a)];
      std::vector<double> scores;
      score_moves(rules, p, s, a, moves, scores);
      REQUIRE(ag.moves.size() == moves.size());
      for (size_t k = 0; k < ag.moves.size(); ++k) {
        const MoveGain& g = ag.moves[k];
        if (k > 0) REQUIRE(ag.moves[k - 1].gain >= g.gain);
        const int m = move_index(sc, g.move);
        const size_t c =
            static_cast<size_t>(std::find(moves.begin(), moves.end(), m) - moves.begin());
        REQUIRE(c < moves.size());
        REQUIRE(g.gain == scores[c]);
        REQUIRE(g.gain == g.value - g.pass_value - g.cost);
        REQUIRE(g.pass_value == Approx(test::reference_value(rules, p, s, a, -1)));
        REQUIRE(g.available == available(rules, static_cast<int>(o), m, s));
        REQUIRE(g.blocked.empty() == g.available);
      }
    }
    REQUIRE(ai_actors == gains[o].actors.size());
  }
}

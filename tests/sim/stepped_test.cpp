// A run stepped from outside (the classroom's world): unattended it is the batch's run; people's
// seats replace only their own actors' choices; the AI's advice is the batch's own draw.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "engine/io/scenario_loader.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/run.hpp"
#include "engine/sim/stepped.hpp"
#include "tests/support/scenarios.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

const Scenario& load(const std::string& name) {
  return parley::test::shipped(name);
}

// Steps `run` through every turn with nobody seated.
void play_unattended(SteppedRun& run) {
  while (!run.finished()) {
    run.open_turn();
    run.resolve(nullptr);
  }
}

}  // namespace

TEST_CASE("an unattended stepped run is the batch's run, move for move and number for number",
          "[sim][stepped]") {
  for (const char* name : {"afghanistan-2025", "arctic-fisheries"}) {
    const Scenario& sc = load(name);
    const Rules rules = compile(sc);
    const MetricCatalog catalog = metric_catalog(sc);
    for (int option = 0; option < static_cast<int>(sc.options.size()); ++option)
      for (std::uint64_t r = 0; r < 3; ++r) {
        INFO(name << " option " << option << " run " << r);
        RunOutput batch;
        simulate(rules, catalog, sample_params(rules, option, 77, r), 77, r, true, batch);
        SteppedRun stepped(rules, catalog, option, 77, r);
        play_unattended(stepped);
        REQUIRE(stepped.resolved() == rules.turns);
        REQUIRE(stepped.trajectory() == batch.trajectory);
        const RunOutput out = stepped.final_output();
        REQUIRE(out.final == batch.final);
        REQUIRE(stepped.events().size() == batch.events.size());
        for (size_t k = 0; k < batch.events.size(); ++k) {
          const SteppedEvent& e = stepped.events()[k];
          REQUIRE(e.turn == batch.events[k].turn);
          REQUIRE(e.move == batch.events[k].move);
          REQUIRE((e.source == MoveSource::timeline) == batch.events[k].by_timeline);
        }
      }
  }
}

TEST_CASE("the AI's advice is the move the batch's AI makes", "[sim][stepped]") {
  const Scenario& sc = load("afghanistan-2025");
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  for (int option = 0; option < static_cast<int>(sc.options.size()); ++option) {
    SteppedRun run(rules, catalog, option, 2025, 0);
    int checked = 0;
    while (!run.finished()) {
      run.open_turn();
      std::vector<std::int32_t> advised(static_cast<size_t>(rules.actors), -1);
      for (int a = 0; a < rules.actors; ++a) {
        if (rules.control[static_cast<size_t>(a)] != Control::ai) continue;
        const AiAdvice advice = run.advice(a);
        advised[static_cast<size_t>(a)] = advice.choice;
        // The chances add up to one, and every move offered is available now.
        double total = advice.pass_probability;
        for (size_t c = 0; c < advice.moves.size(); ++c) {
          REQUIRE(run.available(advice.moves[c]));
          total += advice.probability[c];
        }
        if (!advice.moves.empty()) REQUIRE(total == Approx(1.0));
      }
      const size_t before = run.events().size();
      run.resolve(nullptr);
      std::vector<std::int32_t> made(static_cast<size_t>(rules.actors), -1);
      for (size_t k = before; k < run.events().size(); ++k) {
        const SteppedEvent& e = run.events()[k];
        REQUIRE(e.source == MoveSource::ai);
        made[static_cast<size_t>(rules.move_rules[static_cast<size_t>(e.move)].actor)] = e.move;
      }
      REQUIRE(made == advised);
      ++checked;
    }
    REQUIRE(checked == rules.turns);
  }
}

TEST_CASE("a person's seat replaces that actor's choice only", "[sim][stepped]") {
  const Scenario& sc = load("afghanistan-2025");
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const int us = 0;
  REQUIRE(sc.actors[us].id == "US");
  SteppedRun alone(rules, catalog, 0, 2025, 0);
  SteppedRun seated(rules, catalog, 0, 2025, 0);
  alone.open_turn();
  seated.open_turn();
  REQUIRE(seated.state().status_quo == alone.state().status_quo);

  // The person picks a US move the AI would not make, and one that is not theirs (ignored).
  const AiAdvice advice = seated.advice(us);
  REQUIRE_FALSE(advice.moves.empty());
  std::int32_t pick = -1;
  for (const std::int32_t m : advice.moves)
    if (m != advice.choice) pick = m;
  REQUIRE(pick >= 0);
  std::int32_t not_theirs = -1;
  for (std::int32_t m = 0; m < rules.moves; ++m)
    if (rules.move_rules[static_cast<size_t>(m)].actor != us) not_theirs = m;
  Seats seats;
  seats.human.assign(static_cast<size_t>(rules.actors), 0);
  seats.moves.resize(static_cast<size_t>(rules.actors));
  seats.human[us] = 1;
  seats.moves[us] = {pick, not_theirs};
  alone.resolve(nullptr);
  seated.resolve(&seats);

  // The person's move is made, by the person; every other actor chose as it did alone.
  std::vector<SteppedEvent> others_alone, others_seated;
  bool person = false;
  for (const SteppedEvent& e : seated.events()) {
    const int actor = rules.move_rules[static_cast<size_t>(e.move)].actor;
    if (e.source == MoveSource::person) {
      REQUIRE(actor == us);
      REQUIRE(e.move == pick);
      person = true;
    } else if (actor != us) {
      others_seated.push_back(e);
    }
    REQUIRE(e.move != not_theirs);
  }
  for (const SteppedEvent& e : alone.events())
    if (rules.move_rules[static_cast<size_t>(e.move)].actor != us) others_alone.push_back(e);
  REQUIRE(person);
  REQUIRE(others_seated.size() == others_alone.size());
  for (size_t k = 0; k < others_alone.size(); ++k)
    REQUIRE(others_seated[k].move == others_alone[k].move);
  REQUIRE(seated.state().count[pick] == alone.state().count[pick] + 1);
}

TEST_CASE("an injected move takes effect at once and counts with the timeline", "[sim][stepped]") {
  const Scenario& sc = load("afghanistan-2025");
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  SteppedRun run(rules, catalog, 0, 2025, 0);
  run.open_turn();
  const std::int32_t m = 3;
  const int made_before = run.state().count[m];
  const auto timeline_before = run.state().made_by_timeline;
  REQUIRE(run.inject(m));
  REQUIRE(run.state().count[m] == made_before + 1);
  REQUIRE(run.state().made_by_timeline == timeline_before + 1);
  REQUIRE(run.events().back().source == MoveSource::inject);
  REQUIRE_FALSE(run.inject(rules.moves));  // not a move
  run.resolve(nullptr);
  REQUIRE_FALSE(run.inject(m));  // no turn open
}

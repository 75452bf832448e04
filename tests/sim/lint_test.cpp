#include <catch2/catch.hpp>

#include "engine/sim/compile.hpp"
#include "engine/sim/lint.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;

namespace {

std::vector<std::string> warnings_about(const Scenario& sc) {
  Diagnostics d;
  lint(sc, compile(sc), d);
  std::vector<std::string> out;
  for (const auto& p : d.problems()) out.push_back(p.message);
  return out;
}

bool mentions(const std::vector<std::string>& w, const std::string& move) {
  for (const auto& m : w)
    if (m.find("'" + move + "'") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("lint flags AI moves that cannot pay and scripted moves that never happen", "[lint]") {
  Scenario sc = test::tiny_scenario();
  sc.actors[1].control = Control::script;
  sc.moves = {// A wants x high: pays.
              test::make_move("pays", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 10.0, 0.01),
              // Costs more than it gains.
              test::make_move("too_dear", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 10.0, 0.5),
              // Hurts A.
              test::make_move("self_harm", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::sub, 10.0),
              // B is scripted and no timeline row makes this.
              test::make_move("never", 1, Slot{SlotKind::issue, 1, 0}, EffectOp::add, 10.0)};
  const auto w = warnings_about(sc);
  CHECK_FALSE(mentions(w, "pays"));
  CHECK(mentions(w, "too_dear"));
  CHECK(mentions(w, "self_harm"));
  CHECK(mentions(w, "never"));

  // A timeline row reacting to the costly move links it to a reply: no longer flagged.
  ParseError pe;
  TimelineRow row = test::make_row(3, 1, 5);
  row.when = *parse_condition("last.too_dear == 1", sc.ids(), pe);
  sc.timeline = {row};
  const auto linked = warnings_about(sc);
  CHECK_FALSE(mentions(linked, "too_dear"));
  CHECK_FALSE(mentions(linked, "never"));
}

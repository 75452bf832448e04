// The path grammar shared by effects, conditions and overrides.
#include <catch2/catch.hpp>

#include "engine/scenario/path.hpp"

using namespace parley;

namespace {

IdTables ids() {
  IdTables t;
  t.actors = {"US", "PAK", "TLB"};
  t.issues = {"reserves", "equipment"};
  t.moves = {"freeze", "unfreeze"};
  return t;
}

Slot ok(std::string_view text) {
  ParseError e;
  const auto s = parse_path(text, ids(), e);
  INFO("path: " << text << " error: " << e.message);
  REQUIRE(s.has_value());
  return *s;
}

ParseError bad(std::string_view text) {
  ParseError e;
  const auto s = parse_path(text, ids(), e);
  INFO("path: " << text);
  REQUIRE_FALSE(s.has_value());
  return e;
}

}  // namespace

TEST_CASE("every path kind resolves ids to indices", "[path]") {
  CHECK(ok("issue.equipment") == Slot{SlotKind::issue, 1, 0});
  CHECK(ok("position.TLB.reserves") == Slot{SlotKind::position, 2, 0});
  CHECK(ok("salience.PAK.equipment") == Slot{SlotKind::salience, 1, 1});
  CHECK(ok("power.US.equipment") == Slot{SlotKind::power, 0, 1});
  CHECK(ok("capability.PAK") == Slot{SlotKind::capability, 1, 0});
  CHECK(ok("risk.TLB") == Slot{SlotKind::risk, 2, 0});
  CHECK(ok("affinity.TLB.US") == Slot{SlotKind::affinity, 2, 0});
  CHECK(ok("recognition.US.TLB") == Slot{SlotKind::recognition, 0, 2});
  CHECK(ok("drift.reserves") == Slot{SlotKind::drift, 0, 0});
  CHECK(ok("noise.equipment") == Slot{SlotKind::noise, 1, 0});
  CHECK(ok("cost.unfreeze") == Slot{SlotKind::cost, 1, 0});
  CHECK(ok("model.settle_rate") ==
        Slot{SlotKind::model, static_cast<std::int32_t>(ModelKey::settle_rate), 0});
  CHECK(ok("turn") == Slot{SlotKind::turn, 0, 0});
  CHECK(ok("done.freeze") == Slot{SlotKind::done, 0, 0});
  CHECK(ok("last.unfreeze") == Slot{SlotKind::last, 1, 0});
  CHECK(ok("  issue.reserves ") == Slot{SlotKind::issue, 0, 0});
}

TEST_CASE("path_text is the inverse of parse_path", "[path]") {
  for (const char* p : {"issue.equipment", "position.TLB.reserves", "affinity.US.PAK",
                        "model.eum_q", "turn", "done.freeze", "cost.unfreeze", "risk.US"}) {
    CHECK(path_text(ok(p), ids()) == p);
  }
}

TEST_CASE("a misspelt id names its kind, suggests the nearest id and points at it", "[path]") {
  const ParseError e = bad("position.Pakistn.reserves");
  CHECK(e.offset == 9);
  CHECK_THAT(e.message, Catch::Contains("unknown actor 'Pakistn' in path"));
  CHECK_THAT(e.message, Catch::Contains("did you mean 'PAK'?"));

  const ParseError issue = bad("issue.reservs");
  CHECK(issue.offset == 6);
  CHECK_THAT(issue.message, Catch::Contains("unknown issue 'reservs'"));
  CHECK_THAT(issue.message, Catch::Contains("did you mean 'reserves'? Expected an issue id"));

  // With nothing near enough to suggest, the expectation still follows its own separator.
  const ParseError far = bad("issue.zzzzzzzzzz");
  CHECK_THAT(far.message,
             Catch::Contains("unknown issue 'zzzzzzzzzz' in path; expected an issue id"));

  // Ids are case-sensitive, but the other spelling is suggested.
  const ParseError lower = bad("capability.us");
  CHECK_THAT(lower.message, Catch::Contains("did you mean 'US'?"));

  const ParseError second = bad("affinity.US.TBL");
  CHECK(second.offset == 12);
  CHECK_THAT(second.message, Catch::Contains("unknown actor 'TBL'"));

  CHECK_THAT(bad("done.freez").message, Catch::Contains("unknown move 'freez'"));
  CHECK_THAT(bad("model.temprature").message, Catch::Contains("did you mean 'temperature'?"));
  CHECK_THAT(bad("model.bargaining").message, Catch::Contains("not a number"));
}

TEST_CASE("wrong arity and unknown kinds say what is expected", "[path]") {
  const ParseError short_path = bad("position.US");
  CHECK_THAT(short_path.message, Catch::Contains("expected position.ACTOR.ISSUE"));
  CHECK(short_path.offset == 11);
  const ParseError long_path = bad("issue.reserves.US");
  CHECK_THAT(long_path.message, Catch::Contains("expected issue.ISSUE"));
  CHECK(long_path.offset == 15);
  CHECK_THAT(bad("turn.US").message, Catch::Contains("expected turn"));
  const ParseError kind = bad("positon.US.reserves");
  CHECK(kind.offset == 0);
  CHECK_THAT(kind.message, Catch::Contains("did you mean 'position'?"));
  CHECK_THAT(bad("position..reserves").message, Catch::Contains("empty actor"));
  CHECK_THAT(bad("").message, Catch::Contains("expected a path"));
}

TEST_CASE("suggest_id tries case, spelling and abbreviation", "[path]") {
  const std::vector<std::string> actors{"US", "PAK", "TLB", "CHN"};
  CHECK(suggest_id("us", actors) == "US");
  CHECK(suggest_id("TBL", actors) == "TLB");
  CHECK(suggest_id("Pakistan", actors) == "PAK");
  CHECK(suggest_id("China", actors) == "CHN");
  CHECK(suggest_id("Brazil", actors).empty());
}

TEST_CASE("slot ranges follow the documented scales", "[path]") {
  CHECK(slot_range(SlotKind::issue).lo == 0.0);
  CHECK(slot_range(SlotKind::position).hi == 100.0);
  CHECK(slot_range(SlotKind::salience).hi == 1.0);
  CHECK(slot_range(SlotKind::affinity).lo == -1.0);
  CHECK(slot_range(SlotKind::risk).lo == -0.9);
  CHECK(slot_range(SlotKind::recognition).hi == 1.0);
  CHECK(slot_range(SlotKind::drift).lo == -100.0);
  CHECK(std::isinf(slot_range(SlotKind::capability).hi));
  CHECK(model_key_range(ModelKey::rounds).lo == 1.0);
  CHECK(model_key_range(ModelKey::settle_tolerance).lo > 0.0);
  CHECK(model_key_names()[static_cast<int>(ModelKey::influence_rate)] == "influence_rate");
  CHECK(is_read_only(SlotKind::done));
  CHECK_FALSE(is_read_only(SlotKind::cost));
}

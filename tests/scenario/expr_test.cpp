// Conditions (reverse-Polish programs) and effects.
#include <catch2/catch.hpp>
#include <string>

#include "engine/scenario/expr.hpp"

using namespace parley;
using Kind = CondNode::Kind;

namespace {

IdTables ids() {
  IdTables t;
  t.actors = {"US", "TLB"};
  t.issues = {"reserves", "equipment"};
  t.moves = {"freeze", "talks"};
  return t;
}

Condition cond_ok(std::string_view text) {
  ParseError e;
  const auto c = parse_condition(text, ids(), e);
  INFO("condition: " << text << " error: " << e.message);
  REQUIRE(c.has_value());
  return *c;
}

ParseError cond_bad(std::string_view text) {
  ParseError e;
  const auto c = parse_condition(text, ids(), e);
  INFO("condition: " << text);
  REQUIRE_FALSE(c.has_value());
  return e;
}

std::vector<Kind> kinds(const Condition& c) {
  std::vector<Kind> out;
  for (const auto& n : c.rpn) out.push_back(n.kind);
  return out;
}

std::vector<EffectSpec> fx_ok(std::string_view text) {
  ParseError e;
  const auto fx = parse_effects(text, ids(), e);
  INFO("effects: " << text << " error: " << e.message);
  REQUIRE(fx.has_value());
  return *fx;
}

ParseError fx_bad(std::string_view text) {
  ParseError e;
  const auto fx = parse_effects(text, ids(), e);
  INFO("effects: " << text);
  REQUIRE_FALSE(fx.has_value());
  return e;
}

}  // namespace

TEST_CASE("a comparison compiles to load, constant, compare", "[condition]") {
  const Condition c = cond_ok("issue.equipment < 50");
  REQUIRE(c.rpn.size() == 3);
  CHECK(c.rpn[0].kind == Kind::load);
  CHECK(c.rpn[0].slot == Slot{SlotKind::issue, 1, 0});
  CHECK(c.rpn[1].kind == Kind::constant);
  CHECK(c.rpn[1].value == 50.0);
  CHECK(c.rpn[2].kind == Kind::compare);
  CHECK(c.rpn[2].cmp == CmpOp::lt);
}

TEST_CASE("all comparison operators and both operand orders parse", "[condition]") {
  const std::pair<const char*, CmpOp> ops[] = {{"<", CmpOp::lt},  {"<=", CmpOp::le},
                                               {">", CmpOp::gt},  {">=", CmpOp::ge},
                                               {"==", CmpOp::eq}, {"!=", CmpOp::ne}};
  for (const auto& [text, op] : ops) {
    const Condition c = cond_ok(std::string("3 ") + text + " turn");
    REQUIRE(c.rpn.size() == 3);
    CHECK(c.rpn[0].kind == Kind::constant);
    CHECK(c.rpn[1].slot.kind == SlotKind::turn);
    CHECK(c.rpn[2].cmp == op);
  }
  const Condition paths = cond_ok("position.US.reserves>=position.TLB.reserves");
  CHECK(kinds(paths) == std::vector<Kind>{Kind::load, Kind::load, Kind::compare});
  CHECK(cond_ok("affinity.US.TLB > -0.5").rpn[1].value == -0.5);
}

TEST_CASE("not binds tighter than and, and tighter than or", "[condition]") {
  CHECK(kinds(cond_ok("turn > 1 or turn < 5 and done.freeze == 1")) ==
        std::vector<Kind>{Kind::load, Kind::constant, Kind::compare, Kind::load, Kind::constant,
                          Kind::compare, Kind::load, Kind::constant, Kind::compare, Kind::op_and,
                          Kind::op_or});
  CHECK(kinds(cond_ok("(turn > 1 or turn < 5) and last.talks == 1")) ==
        std::vector<Kind>{Kind::load, Kind::constant, Kind::compare, Kind::load, Kind::constant,
                          Kind::compare, Kind::op_or, Kind::load, Kind::constant, Kind::compare,
                          Kind::op_and});
  CHECK(kinds(cond_ok("not turn > 1 and turn < 5")) ==
        std::vector<Kind>{Kind::load, Kind::constant, Kind::compare, Kind::op_not, Kind::load,
                          Kind::constant, Kind::compare, Kind::op_and});
}

TEST_CASE("an empty condition always holds; reads() lists the paths", "[condition]") {
  CHECK(cond_ok("").empty());
  CHECK(cond_ok("   ").empty());
  const Condition c = cond_ok("issue.reserves < 50 and done.talks == 1");
  CHECK(c.reads() == std::vector<Slot>{{SlotKind::issue, 0, 0}, {SlotKind::done, 1, 0}});
}

TEST_CASE("conditions that do not parse report the offending token", "[condition]") {
  const ParseError misspelt = cond_bad("turn > 2 and issue.reservs < 5");
  CHECK(misspelt.offset == 19);
  CHECK_THAT(misspelt.message, Catch::Contains("did you mean 'reserves'?"));

  const ParseError assign = cond_bad("issue.reserves = 3");
  CHECK(assign.offset == 15);
  CHECK_THAT(assign.message, Catch::Contains("'=='"));

  const ParseError bare = cond_bad("done.freeze and turn > 1");
  CHECK(bare.offset == 12);
  CHECK_THAT(bare.message, Catch::Contains("expected a comparison"));

  const ParseError upper = cond_bad("turn > 1 AND turn < 3");
  CHECK(upper.offset == 9);
  CHECK_THAT(upper.message, Catch::Contains("lowercase"));

  const ParseError missing = cond_bad("turn >");
  CHECK(missing.offset == 6);
  CHECK_THAT(missing.message, Catch::Contains("expected a path or a number"));

  CHECK_THAT(cond_bad("(turn > 1").message, Catch::Contains("expected ')'"));
  CHECK(cond_bad("turn > 1)").offset == 8);
  CHECK_THAT(cond_bad("1 < turn < 3").message, Catch::Contains("chained"));
  CHECK_THAT(cond_bad("turn > 1 && turn < 3").message, Catch::Contains("'and'"));
  CHECK_THAT(cond_bad("turn > 1 || turn < 3").message, Catch::Contains("'or'"));
  CHECK(cond_bad("turn > 3abc").offset == 7);
  CHECK(cond_bad("turn > 1 $").offset == 9);
  CHECK_THAT(cond_bad("position.US > 1").message, Catch::Contains("position.ACTOR.ISSUE"));
}

TEST_CASE("operators written backwards or in typography get the ASCII spelling", "[condition]") {
  // "=>" and "=<" are >= and <= written backwards, not assignments.
  const ParseError ge = cond_bad("issue.reserves => 50");
  CHECK(ge.offset == 15);
  CHECK(ge.message == "'=>' is not an operator; expected '>=' (greater than or equal)");
  const ParseError le = cond_bad("turn =< 3");
  CHECK(le.offset == 5);
  CHECK(le.message == "'=<' is not an operator; expected '<=' (less than or equal)");

  // A character a word processor substitutes is shown whole (all its UTF-8 bytes), with the
  // ASCII operator to type instead, at the column of its first byte.
  const struct {
    const char* text;
    int offset;
    const char* shown;
    const char* ascii;
  } typographic[] = {
      {"issue.reserves \u2265 50", 15, "'\u2265' (U+2265)", "expected '>='"},
      {"turn \u2264 3", 5, "'\u2264' (U+2264)", "expected '<='"},
      {"done.talks \u2260 1", 11, "'\u2260' (U+2260)", "expected '!='"},
      {"issue.reserves > \u20135", 17, "'\u2013' (U+2013)", "expected '-'"},
      {"issue.reserves > \u22125", 17, "'\u2212' (U+2212)", "expected '-'"},
  };
  for (const auto& t : typographic) {
    const ParseError e = cond_bad(t.text);
    INFO(t.text << " -> " << e.message);
    CHECK(e.offset == t.offset);
    CHECK_THAT(e.message, Catch::StartsWith(std::string("unexpected character ") + t.shown));
    CHECK_THAT(e.message, Catch::Contains(t.ascii));
  }
  // Other characters are shown whole too; a byte that is not UTF-8 is named as a byte.
  const ParseError accent = cond_bad("turn > 1 \u00e9");
  CHECK(accent.offset == 9);
  CHECK_THAT(accent.message, Catch::StartsWith("unexpected character '\u00e9' (U+00E9); expected"));
  const ParseError latin1 = cond_bad("turn > 1 \xE9");
  CHECK(latin1.offset == 9);
  CHECK_THAT(latin1.message, Catch::StartsWith("unexpected byte 0xE9 (the file is not UTF-8"));
}

TEST_CASE("deep or complex conditions are refused, not overflowed", "[condition]") {
  const std::string deep = std::string(5000, '(') + "turn > 1" + std::string(5000, ')');
  CHECK_THAT(cond_bad(deep).message, Catch::Contains("nested too deeply"));

  // Right-nested ors keep one pending result per level: depth 40 > kMaxConditionDepth.
  std::string wide;
  for (int i = 0; i < 40; ++i) wide += "turn > 1 or (";
  wide += "turn > 1" + std::string(40, ')');
  CHECK_THAT(cond_bad(wide).message, Catch::Contains("too complex"));

  std::string fine;
  for (int i = 0; i < 10; ++i) fine += "turn > 1 or (";
  fine += "turn > 1" + std::string(10, ')');
  CHECK(cond_ok(fine).rpn.size() == 11 * 3 + 10);
}

TEST_CASE("effects parse every operator and distribution values", "[condition]") {
  const auto fx = fx_ok(
      "issue.reserves += 10; affinity.TLB.US -= 0.1 ;cost.talks *= 2; position.US.equipment = "
      "U(10,20);");
  REQUIRE(fx.size() == 4);
  CHECK(fx[0].target == Slot{SlotKind::issue, 0, 0});
  CHECK(fx[0].op == EffectOp::add);
  CHECK(fx[0].value.a == 10.0);
  CHECK(fx[1].op == EffectOp::sub);
  CHECK(fx[1].target == Slot{SlotKind::affinity, 1, 0});
  CHECK(fx[2].op == EffectOp::mul);
  CHECK(fx[3].op == EffectOp::assign);
  CHECK(fx[3].value.kind == DistKind::uniform);
  CHECK(fx[3].value.hi == 100.0);  // an assigned value carries the slot's range
  CHECK(fx_ok("").empty());
  CHECK(fx_ok(" ; ").empty());
}

TEST_CASE("bad effects are rejected at the offending place", "[condition]") {
  const ParseError ro = fx_bad("issue.reserves += 1; turn = 3");
  CHECK(ro.offset == 21);
  CHECK_THAT(ro.message, Catch::Contains("read-only"));
  CHECK_THAT(fx_bad("done.freeze = 1").message, Catch::Contains("read-only"));

  const ParseError range = fx_bad("salience.US.reserves = 2");
  CHECK(range.offset == 23);
  CHECK_THAT(range.message, Catch::Contains("expected 0 to 1"));
  // Increments are not values of the slot: the engine clamps the result instead.
  CHECK(fx_ok("issue.reserves += 200").size() == 1);

  const ParseError value = fx_bad("issue.reserves += lots");
  CHECK(value.offset == 18);
  CHECK_THAT(value.message, Catch::Contains("got 'lots'"));

  CHECK_THAT(fx_bad("issue.reserves + 5").message, Catch::Contains("PATH op VALUE"));
  CHECK_THAT(fx_bad("issue.reserves == 5").message, Catch::Contains("'=' to assign"));
  CHECK_THAT(fx_bad("issue.reserves /= 5").message, Catch::Contains("unknown operator"));
  const ParseError id = fx_bad("issue.reserves += 1; position.USA.reserves = 5");
  CHECK(id.offset == 30);
  CHECK_THAT(id.message, Catch::Contains("did you mean 'US'?"));
}

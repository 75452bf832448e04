// Numbers as written in scenario cells: constants and the U/N/T distributions.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "engine/core/rng.hpp"
#include "engine/scenario/number.hpp"

using namespace parley;

namespace {

Number parse_ok(std::string_view text) {
  ParseError e;
  const auto n = parse_number(text, e);
  INFO("text: " << text << " error: " << e.message);
  REQUIRE(n.has_value());
  return *n;
}

ParseError parse_bad(std::string_view text) {
  ParseError e;
  const auto n = parse_number(text, e);
  INFO("text: " << text);
  REQUIRE_FALSE(n.has_value());
  return e;
}

}  // namespace

TEST_CASE("plain numbers parse and odd spellings do not", "[scenario][distribution]") {
  CHECK(parse_ok("12.5").a == 12.5);
  CHECK(parse_ok("  -3 ").a == -3.0);
  CHECK(parse_ok("+5").a == 5.0);
  CHECK(parse_ok("1e3").a == 1000.0);
  CHECK(parse_ok(".5").a == 0.5);
  CHECK_FALSE(parse_ok("7").is_random());
  CHECK_FALSE(parse_double("inf"));
  CHECK_FALSE(parse_double("nan"));
  CHECK_FALSE(parse_double("0x10"));
  CHECK_FALSE(parse_double("1,5"));
  CHECK_FALSE(parse_double("+-1"));
  CHECK_FALSE(parse_double("1e999"));  // overflows to infinity: not a finite number
  CHECK_FALSE(parse_double(""));
}

TEST_CASE("text where a number belongs names what was expected", "[scenario][distribution]") {
  const ParseError e = parse_bad("abc");
  CHECK(e.message ==
        "expected a number or a distribution U(lo,hi), N(mean,sd), T(lo,mode,hi), got 'abc'");
  CHECK(e.offset == 0);
  CHECK(parse_bad("  abc").offset == 2);
}

TEST_CASE("distributions parse with spaces and either letter case", "[scenario][distribution]") {
  const Number u = parse_ok("U(1,2)");
  CHECK(u.kind == DistKind::uniform);
  CHECK(u.a == 1.0);
  CHECK(u.b == 2.0);
  const Number n = parse_ok(" N( 50 , 10 ) ");
  CHECK(n.kind == DistKind::normal);
  CHECK(n.a == 50.0);
  CHECK(n.b == 10.0);
  const Number t = parse_ok("t(0, 5, 10)");
  CHECK(t.kind == DistKind::triangular);
  CHECK(t.c == 10.0);
  CHECK(parse_ok("N(5,0)").b == 0.0);    // sd 0 is a legal (degenerate) normal
  CHECK(parse_ok("T(0,0,1)").b == 0.0);  // mode at an end
}

TEST_CASE("malformed distributions are rejected with the position of the fault",
          "[scenario][distribution]") {
  CHECK_THAT(parse_bad("U(2,1)").message, Catch::Contains("lo < hi"));
  CHECK_THAT(parse_bad("U(1,1)").message, Catch::Contains("lo < hi"));
  CHECK_THAT(parse_bad("N(1,-1)").message, Catch::Contains("sd >= 0"));
  CHECK_THAT(parse_bad("T(5,1,10)").message, Catch::Contains("lo <= mode <= hi"));
  CHECK_THAT(parse_bad("T(1,1,1)").message, Catch::Contains("lo < hi"));
  CHECK_THAT(parse_bad("U(1)").message, Catch::Contains("got 1; expected 2, as in U(lo,hi)"));
  CHECK_THAT(parse_bad("T(1,2)").message,
             Catch::Contains("got 2; expected 3, as in T(lo,mode,hi)"));
  CHECK_THAT(parse_bad("U(1,2").message, Catch::Contains("missing ')'"));
  CHECK_THAT(parse_bad("B(1,2)").message, Catch::Contains("unknown distribution 'B'"));
  CHECK_THAT(parse_bad("U(1,2) x").message, Catch::Contains("after ')'"));
  const ParseError e = parse_bad("U(1, x)");
  CHECK(e.offset == 5);
  CHECK_THAT(e.message, Catch::Contains("got 'x'"));
  CHECK(parse_bad("U(1,)").offset == 4);
}

TEST_CASE("text() gives back the same number", "[scenario][distribution]") {
  for (const char* s : {"0.1", "100", "-2.5", "U(0.05,0.15)", "N(50,12.5)", "T(0,30,45)"}) {
    const Number n = parse_ok(s);
    CHECK(n.text() == s);
    const Number back = parse_ok(n.text());
    CHECK(back.kind == n.kind);
    CHECK(back.a == n.a);
    CHECK(back.b == n.b);
    CHECK(back.c == n.c);
  }
  CHECK(Number::constant(1.0 / 3.0).text() == "0.3333333333333333");
}

TEST_CASE("a constant draws its value without touching the stream", "[scenario][distribution]") {
  Rng rng(7, 1);
  Rng copy = rng;
  CHECK(Number::constant(4.5).draw(rng) == 4.5);
  CHECK(rng.next_u64() == copy.next_u64());
}

TEST_CASE("U, N and T draws have the right support and mean", "[scenario][distribution]") {
  constexpr int kDraws = 40000;
  Rng rng(2025, 3);

  Number u = parse_ok("U(10,20)");
  double sum = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = u.draw(rng);
    REQUIRE(x >= 10.0);
    REQUIRE(x < 20.0);
    sum += x;
  }
  CHECK(sum / kDraws == Approx(15.0).margin(0.1));
  CHECK(u.mean() == 15.0);

  Number n = parse_ok("N(95,10)");
  n.lo = 0.0;
  n.hi = 100.0;
  int clamped = 0;
  sum = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = n.draw(rng);
    REQUIRE(x >= 0.0);
    REQUIRE(x <= 100.0);
    clamped += x == 100.0 ? 1 : 0;
    sum += x;
  }
  // P(N(95,10) > 100) = P(Z > 0.5) = 0.3085.
  CHECK(static_cast<double>(clamped) / kDraws == Approx(0.3085).margin(0.015));
  Number wide = parse_ok("N(0,1)");
  sum = 0.0;
  double sumsq = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = wide.draw(rng);
    sum += x;
    sumsq += x * x;
  }
  CHECK(sum / kDraws == Approx(0.0).margin(0.03));
  CHECK(sumsq / kDraws == Approx(1.0).margin(0.03));

  Number t = parse_ok("T(0,30,45)");
  sum = 0.0;
  int below_mode = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = t.draw(rng);
    REQUIRE(x >= 0.0);
    REQUIRE(x <= 45.0);
    below_mode += x < 30.0 ? 1 : 0;
    sum += x;
  }
  CHECK(sum / kDraws == Approx(25.0).margin(0.2));  // (0+30+45)/3
  CHECK(t.mean() == 25.0);
  // The CDF at the mode is (mode-lo)/(hi-lo) = 2/3.
  CHECK(static_cast<double>(below_mode) / kDraws == Approx(2.0 / 3.0).margin(0.01));
}

TEST_CASE("range_problem checks constants, supports and normal means", "[scenario][distribution]") {
  const auto in_range = [](std::string_view text, double lo, double hi) {
    Number n = parse_ok(text);
    n.lo = lo;
    n.hi = hi;
    return range_problem(n);
  };
  CHECK(in_range("50", 0, 100).empty());
  CHECK(in_range("0", 0, 100).empty());
  CHECK(in_range("100", 0, 100).empty());
  CHECK_THAT(in_range("120", 0, 100), Catch::Contains("120 is out of range; expected 0 to 100"));
  CHECK_THAT(in_range("-1", 0, std::numeric_limits<double>::infinity()),
             Catch::Contains("expected >= 0"));
  CHECK_THAT(in_range("U(90,120)", 0, 100), Catch::Contains("reaches outside"));
  CHECK_THAT(in_range("U(-5,10)", 0, 100), Catch::Contains("reaches outside"));
  CHECK_THAT(in_range("T(0,50,101)", 0, 100), Catch::Contains("reaches outside"));
  CHECK(in_range("N(95,30)", 0, 100).empty());  // wide, but draws are clamped
  CHECK_THAT(in_range("N(101,1)", 0, 100), Catch::Contains("mean"));
  CHECK(range_text(0, std::numeric_limits<double>::infinity()) == ">= 0");
  CHECK(range_text(-1, 1) == "-1 to 1");
}

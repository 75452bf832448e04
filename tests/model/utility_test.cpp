#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/model/state.hpp"
#include "engine/model/view.hpp"

using namespace parley;

namespace {

// Bit-for-bit equality, so that -0, +0 and NaN payloads count as different values.
bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// A state of `actors` x `issues` whose values make the sums' rounding depend on their order:
// positions, saliences and status quos spread over their ranges by a fixed rule, a zero salience
// on every third cell, an actor that cares about nothing, and risks given per actor.
State spread_state(int actors, int issues, const std::vector<double>& risk) {
  State s = State::zeros(actors, issues, 0);
  for (int j = 0; j < issues; ++j) s.status_quo[j] = std::fmod(37.3 * (j + 1), 100.0);
  for (int a = 0; a < actors; ++a) {
    s.risk[a] = risk[static_cast<size_t>(a)];
    for (int j = 0; j < issues; ++j) {
      const int cell = a * issues + j;
      s.position(a, j) = std::fmod(61.7 * (cell + 3), 100.0);
      s.salience(a, j) = cell % 3 == 0 ? 0.0 : std::fmod(0.137 * (cell + 1), 1.0);
    }
  }
  // The last actor cares about nothing: its utility is 0.
  for (int j = 0; j < issues; ++j) s.salience(actors - 1, j) = 0.0;
  return s;
}

// utilities_at and utility_sums on `s`, checked against utility_at and the formula, bit for bit.
void require_same_as_definition(const State& s) {
  const FlatLayout& l = s.layout;
  const double* v = s.values.data();
  const auto actors = static_cast<size_t>(l.actors);
  std::vector<double> num(actors), den(actors), u(actors);
  utilities_at(l, v, num.data(), den.data(), u.data());
  for (int a = 0; a < l.actors; ++a) {
    INFO("actor " << a);
    REQUIRE(same_bits(u[static_cast<size_t>(a)], utility_at(l, v, a)));
  }

  std::vector<double> terms(actors * static_cast<size_t>(l.issues), -1.0);
  utility_sums(l, v, num.data(), den.data(), terms.data());
  for (int a = 0; a < l.actors; ++a) {
    // Every issue in order, zero saliences included.
    double n = 0.0, d = 0.0;
    for (int j = 0; j < l.issues; ++j) {
      const double w = s.salience(a, j);
      const double t = w * closeness(s.status_quo[j], s.position(a, j), 1.0 + s.risk[a]);
      INFO("actor " << a << ", issue " << j);
      REQUIRE(same_bits(terms[static_cast<size_t>(j * l.actors + a)], t));
      n += t;
      d += w;
    }
    INFO("actor " << a);
    REQUIRE(same_bits(num[static_cast<size_t>(a)], n));
    REQUIRE(same_bits(den[static_cast<size_t>(a)], d));
  }
}

}  // namespace

TEST_CASE("every actor's utility at once equals utility_at bit for bit", "[model]") {
  SECTION("risk 0 for all: four actors side by side, then one alone") {
    require_same_as_definition(spread_state(5, 7, {0.0, 0.0, 0.0, 0.0, 0.0}));
  }
  SECTION("risk 0 for all: six actors side by side") {
    require_same_as_definition(spread_state(6, 10, {0.0, 0.0, 0.0, 0.0, 0.0, 0.0}));
  }
  SECTION("risk 0 for all: six actors side by side, then two") {
    require_same_as_definition(spread_state(8, 3, std::vector<double>(8, 0.0)));
  }
  SECTION("risks that bend closeness, next to actors that do not") {
    require_same_as_definition(spread_state(7, 5, {0.0, 0.5, 0.0, 0.0, -0.3, 0.0, 1.0}));
  }
  SECTION("a risk so small that 1 + risk is still exactly 1") {
    require_same_as_definition(spread_state(4, 3, {1e-20, 0.0, 0.0, -1e-20}));
  }
  SECTION("one actor, one issue") {
    require_same_as_definition(spread_state(1, 1, {0.0}));
  }
}

TEST_CASE("a NaN status quo gives every actor utility_at's utility", "[model]") {
  State s = spread_state(4, 5, {0.0, 0.0, 0.5, 0.0});
  // Issues 0 and 3: actor 0 has salience 0 there (utility_at skips them), actor 1 does not.
  REQUIRE(s.salience(0, 0) == 0.0);
  REQUIRE(s.salience(0, 3) == 0.0);
  REQUIRE(s.salience(1, 0) != 0.0);
  s.status_quo[0] = std::numeric_limits<double>::quiet_NaN();
  s.status_quo[3] = std::numeric_limits<double>::infinity();
  require_same_as_definition(s);
  const FlatLayout& l = s.layout;
  std::vector<double> num(4), den(4), u(4);
  utilities_at(l, s.values.data(), num.data(), den.data(), u.data());
  // All-issue sums meet the NaN (0 x NaN), but the utility skips that issue.
  REQUIRE(std::isnan(num[0]));
  REQUIRE(std::isfinite(u[0]));
  REQUIRE(std::isnan(u[1]));
}

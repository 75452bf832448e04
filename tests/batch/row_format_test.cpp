#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/batch/row_format.hpp"
#include "engine/core/rng.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;

namespace {

// printf's %.6g, the plain way (-0 as 0): what every number cell must hold.
std::string g6(double v) {
  char buf[32];
  if (v == 0.0) v = 0.0;
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  return std::string(buf, res.ptr);
}

// A runs.csv row built number by number from its definition.
std::string reference_row(const Rules& rules, std::uint64_t run, const Params& p,
                          const RunOutput& out) {
  std::string t =
      g6(static_cast<double>(run)) + "," + rules.options[static_cast<size_t>(p.option)].name;
  for (const NumberId id : random_numbers(rules)) {
    t += ',';
    const std::int32_t owner = rules.number_option[static_cast<size_t>(id)];
    if (owner < 0 || owner == p.option) t += g6(p.values[static_cast<size_t>(id)]);
  }
  for (const double v : out.final) {
    t += ',';
    if (out.ok) t += g6(v);
  }
  return t + '\n';
}

// Two options, each owning a random number, so some param cells are empty in some rows.
Scenario two_options() {
  Scenario sc = test::tiny_scenario();
  sc.issues[0].noise = Number{DistKind::uniform, 1, 3, 0, 0, 100};
  sc.actors[0].capability = Number{DistKind::triangular, 1, 2, 4, 0, 1e9};
  sc.moves = {test::make_move("push", 0, Slot{SlotKind::issue, 0, 0}, EffectOp::add, 5.0, 0.01),
              test::make_move("pull", 1, Slot{SlotKind::issue, 0, 0}, EffectOp::sub, 5.0, 0.01)};
  for (const char* name : {"calm", "rough"}) {
    Option o;
    o.name = name;
    o.set.push_back(
        Override{Slot{SlotKind::noise, 0, 0}, Number{DistKind::uniform, 0, 2, 0, 0, 9}});
    sc.options.push_back(o);
  }
  return sc;
}

}  // namespace

TEST_CASE("runs.csv rows hold every number as %.6g, column by column", "[batch][format]") {
  // Each column's writer is chosen once (whole numbers for counts and turns); whatever value
  // lands in a column, the cell must still be the %.6g text. Real runs, then the same rows with
  // awkward values in every metric column: big and negative whole numbers, fractions in integer
  // columns, ties, -0, and failed runs (empty metric cells).
  const Scenario sc = two_options();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const RowFormat format(sc, rules, catalog);
  bool has_whole = false;
  for (const MetricInfo& m : catalog.final) has_whole = has_whole || m.integer;
  REQUIRE(has_whole);
  const std::vector<double> awkward = {0.0,
                                       -0.0,
                                       7.0,
                                       -7.0,
                                       999999.0,
                                       1e6,
                                       1234567.,
                                       2.5,
                                       -0.125,
                                       1e-5,
                                       123456.5,
                                       0.1,
                                       99999.95,
                                       9.999995e-3,
                                       1e300,
                                       -2.5e-300,
                                       std::numeric_limits<double>::infinity()};
  Rng r(9, 9);
  Params params;
  RunOutput out;
  std::string text;
  size_t next = 0;
  for (const std::uint64_t run : {0ULL, 1ULL, 31ULL, 999999ULL, 1000000ULL, 123456789ULL}) {
    for (int option = 0; option < static_cast<int>(rules.options.size()); ++option) {
      sample_params_into(rules, option, 5, run % 1000, params);
      simulate(rules, catalog, params, 5, run % 1000, false, out);
      for (int variant = 0; variant < 40; ++variant) {
        if (variant > 0)
          for (double& v : out.final) {
            v = variant % 2 == 0 ? awkward[next++ % awkward.size()]
                                 : std::round(r.uniform(-2e6, 2e6)) * (variant % 3 == 0 ? 0.5 : 1);
          }
        out.ok = variant != 7;
        text.clear();
        format.run_row(run, params, out, text);
        INFO("run " << run << " option " << option << " variant " << variant);
        REQUIRE(text == reference_row(rules, run, params, out));
      }
    }
  }
}

TEST_CASE("rows append to what the text already holds", "[batch][format]") {
  const Scenario sc = two_options();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const RowFormat format(sc, rules, catalog);
  Params params;
  RunOutput out;
  std::string text = "previous rows\n", want = text;
  for (std::uint64_t run = 0; run < 3; ++run) {
    sample_params_into(rules, 1, 5, run, params);
    simulate(rules, catalog, params, 5, run, false, out);
    format.run_row(run, params, out, text);
    want += reference_row(rules, run, params, out);
  }
  REQUIRE(text == want);
}

// Outcomes given an event (--given): the Wilson share, and the observer's counts and statistics
// against the runs filtered by hand, for any thread count and split of the runs (resume, MPI).
#include <catch2/catch.hpp>

#include "engine/batch/given.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/mini.hpp"

using namespace parley;
using parley::test::mini_scenario;

namespace {

constexpr const char* kCondition = "done.bet_attack == 1 or issue.aid > 45";

Condition condition(const Scenario& sc, const char* text) {
  ParseError err;
  auto c = parse_condition(text, sc.ids(), err);
  REQUIRE(c);
  return *c;
}

// Runs [first, last) of `options`, every option's outputs of a run given to `observer` together.
void observe_runs(const Rules& rules, const MetricCatalog& catalog, const std::vector<int>& options,
                  std::uint64_t first, std::uint64_t last, int worker, RunObserver& observer) {
  std::vector<RunOutput> outs(options.size());
  for (std::uint64_t run = first; run < last; ++run) {
    for (size_t o = 0; o < options.size(); ++o)
      simulate(rules, catalog, sample_params(rules, options[o], 7, run), 7, run, false, outs[o]);
    observer.observe(worker, run, outs);
  }
}

// The test scenario, its rules and metrics, and kCondition: what most tests below share.
struct MiniGiven {
  const Scenario sc = mini_scenario();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const Condition given = condition(sc, kCondition);
};

}  // namespace

TEST_CASE("the Wilson interval matches its textbook values and stays inside 0-1",
          "[batch][given]") {
  // Wilson (1927) score interval at 95%: 0 of 10 -> [0, 0.2775]; 5 of 10 -> [0.2366, 0.7634].
  const Share none = wilson_share(0, 10);
  CHECK(none.share == 0.0);
  CHECK(none.low == 0.0);
  CHECK(none.high == Approx(0.2775).margin(1e-4));
  const Share half = wilson_share(5, 10);
  CHECK(half.low == Approx(0.2366).margin(1e-4));
  CHECK(half.high == Approx(0.7634).margin(1e-4));
  const Share all = wilson_share(10, 10);
  CHECK(all.high == 1.0);
  CHECK(all.low == Approx(1.0 - 0.2775).margin(1e-4));
  // No runs: no division by zero, the widest interval.
  const Share empty = wilson_share(0, 0);
  CHECK(empty.share == 0.0);
  CHECK(empty.low == 0.0);
  CHECK(empty.high == 1.0);
}

TEST_CASE_METHOD(MiniGiven, "given statistics are those of the runs in which the condition held",
                 "[batch][given]") {
  const std::vector<int> options{0, 1, 2};
  const std::uint64_t runs = 96;

  GivenObserver observer(given, catalog, rules.turns, options.size(), 1, false);
  observe_runs(rules, catalog, options, 0, runs, 0, observer);
  const GivenRunTotals totals = observer.run_totals();

  // The same by hand: each run, the condition on its final state, the metrics it held in.
  GivenRunTotals by_hand;
  for (size_t o = 0; o < options.size(); ++o) {
    OptionStats st;
    for (const MetricInfo& m : catalog.final) st.final.emplace_back(m.lo, m.hi, m.integer, 1000);
    std::uint64_t held = 0;
    for (std::uint64_t run = 0; run < runs; ++run) {
      RunOutput out;
      simulate(rules, catalog, sample_params(rules, options[o], 7, run), 7, run, false, out);
      REQUIRE(out.ok);
      if (!holds(given, out.state)) continue;
      ++held;
      for (size_t k = 0; k < out.final.size(); ++k) st.final[k].add(out.final[k]);
    }
    // Worth testing only if the condition splits the runs.
    CHECK(held > 0);
    CHECK(held < runs);
    by_hand.shares.push_back(wilson_share(held, runs));
    by_hand.outcomes.push_back(std::move(st));
  }
  const std::vector<std::string> names{"baseline", "engage", "hardline"};
  CHECK(given_run_csv(names, totals) == given_run_csv(names, by_hand));
  CHECK(summary_given_csv(catalog, names, totals) == summary_given_csv(catalog, names, by_hand));
}

TEST_CASE_METHOD(MiniGiven,
                 "given statistics do not depend on workers or on a split through a saved state",
                 "[batch][given][determinism]") {
  const std::vector<std::string> names{"baseline", "engage", "hardline"};
  for (const bool paired : {false, true}) {
    INFO("paired " << paired);
    GivenObserver whole(given, catalog, rules.turns, 3, 1, paired);
    observe_runs(rules, catalog, {0, 1, 2}, 0, 64, 0, whole);
    // Three workers take runs in turn, the first part saved and taken up again (a resume).
    GivenObserver first(given, catalog, rules.turns, 3, 3, paired);
    observe_runs(rules, catalog, {0, 1, 2}, 0, 20, 2, first);
    observe_runs(rules, catalog, {0, 1, 2}, 20, 33, 1, first);
    GivenObserver second(given, catalog, rules.turns, 3, 3, paired);
    REQUIRE(second.merge_saved(first.save()));
    REQUIRE(second.ok());
    observe_runs(rules, catalog, {0, 1, 2}, 33, 64, 0, second);
    CHECK(second.save() == whole.save());
    if (!paired) {
      CHECK(summary_given_csv(catalog, names, second.run_totals()) ==
            summary_given_csv(catalog, names, whole.run_totals()));
    }
    // A damaged state is refused whole.
    GivenObserver third(given, catalog, rules.turns, 3, 1, paired);
    std::string bad = first.save();
    bad.resize(bad.size() - 3);
    CHECK_FALSE(third.merge_saved(bad));
    CHECK_FALSE(third.ok());
    CHECK(third.save() == GivenObserver(given, catalog, rules.turns, 3, 1, paired).save());
  }
}

TEST_CASE_METHOD(MiniGiven,
                 "compare given: paired sums over the runs in which it held in both arms",
                 "[batch][given][compare]") {
  GivenObserver observer(given, catalog, rules.turns, 3, 1, true);
  observe_runs(rules, catalog, {0, 1, 2}, 0, 80, 0, observer);
  const GivenCompareTotals totals = observer.compare_totals();

  PairedAccumulator by_hand(catalog, 2);
  std::vector<std::uint64_t> held(3, 0), both(2, 0);
  std::vector<RunOutput> outs(3);
  for (std::uint64_t run = 0; run < 80; ++run) {
    for (int o = 0; o < 3; ++o)
      simulate(rules, catalog, sample_params(rules, o, 7, run), 7, run, false,
               outs[static_cast<size_t>(o)]);
    std::vector<bool> h;
    for (int o = 0; o < 3; ++o) {
      h.push_back(holds(given, outs[static_cast<size_t>(o)].state));
      held[static_cast<size_t>(o)] += h.back() ? 1 : 0;
    }
    for (size_t k = 0; k < 2; ++k)
      if (h[0] && h[k + 1]) {
        ++both[k];
        by_hand.add(k, outs[0], outs[k + 1]);
      }
  }
  for (size_t a = 0; a < 3; ++a) CHECK(totals.shares[a].held == held[a]);
  CHECK(totals.both == both);
  CHECK(both[0] > 1);
  CHECK(totals.paired.save() == by_hand.save());
  const std::string csv = given_compare_csv({"baseline", "engage", "hardline"}, totals);
  CHECK(csv.rfind("option,runs,held,share,share_low,share_high,both\nbaseline,80,", 0) == 0);
}

TEST_CASE_METHOD(MiniGiven, "given states carry sums beyond 64 bits into an empty observer",
                 "[batch][given][resume]") {
  for (const bool paired : {false, true}) {
    INFO("paired " << paired);
    GivenObserver big(given, catalog, rules.turns, 3, 2, paired);
    observe_runs(rules, catalog, {0, 1, 2}, 0, 16, 1, big);
    // 2^40 copies of the 16 runs: counts near 2^44, sums of squares far beyond 2^64.
    for (int k = 0; k < 40; ++k) REQUIRE(big.merge_saved(big.save()));
    const Int128 two64 = static_cast<Int128>(1) << 64;
    if (paired) {
      const GivenCompareTotals t = big.compare_totals();
      REQUIRE(t.shares[0].runs == (std::uint64_t{16} << 40));
      bool beyond = false;
      for (size_t slot = 0; slot < 2; ++slot)
        for (size_t k = 0; k < catalog.final.size(); ++k)
          beyond = beyond || t.paired.sums(slot, k).option > two64;
      REQUIRE(beyond);
    } else {
      REQUIRE(big.run_totals().shares[1].runs == (std::uint64_t{16} << 40));
    }
    GivenObserver empty(given, catalog, rules.turns, 3, 1, paired);
    REQUIRE(empty.merge_saved(big.save()));
    CHECK(empty.save() == big.save());
    if (!paired) {
      const std::vector<std::string> names{"baseline", "engage", "hardline"};
      CHECK(summary_given_csv(catalog, names, empty.run_totals()) ==
            summary_given_csv(catalog, names, big.run_totals()));
    }
  }
}

TEST_CASE_METHOD(MiniGiven, "a given state of another kind, shape or length adds nothing",
                 "[batch][given][resume]") {
  for (const bool paired : {false, true}) {
    INFO("paired " << paired);
    GivenObserver source(given, catalog, rules.turns, 3, 1, paired);
    observe_runs(rules, catalog, {0, 1, 2}, 0, 24, 0, source);
    const std::string state = source.save();
    const std::string empty_state = GivenObserver(given, catalog, rules.turns, 3, 1, paired).save();
    const auto refused = [&](const std::string& bad) {
      GivenObserver o(given, catalog, rules.turns, 3, 1, paired);
      const bool merged = o.merge_saved(bad);
      return !merged && !o.ok() && o.save() == empty_state;
    };
    std::string magic = state;
    magic[6] = '1';  // "PGIVEN1", the format before this one
    CHECK(refused(magic));
    for (size_t cut = 0; cut < state.size(); cut += 13) {
      INFO("cut at " << cut);
      REQUIRE(refused(state.substr(0, cut)));
    }
    CHECK(refused(state + '\0'));
    // A state of another kind: a comparison's paired sums.
    CHECK(refused(PairedAccumulator(catalog, 2).save()));
    // Another number of arms, or the other mode.
    GivenObserver two_arms(given, catalog, rules.turns, 2, 1, paired);
    CHECK_FALSE(two_arms.merge_saved(state));
    GivenObserver other_mode(given, catalog, rules.turns, 3, 1, !paired);
    CHECK_FALSE(other_mode.merge_saved(state));
  }
}

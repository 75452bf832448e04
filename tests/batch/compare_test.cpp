// Tests of paired comparisons on common random numbers (engine/batch/compare).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engine/batch/batch_state.hpp"
#include "engine/batch/bytes.hpp"
#include "engine/batch/compare.hpp"
#include "engine/batch/given.hpp"
#include "engine/core/rng.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/mini.hpp"

using namespace parley;
using parley::test::metric_index;
using parley::test::mini_scenario;
using parley::test::two_metric_output;
using parley::test::two_metrics;

namespace {

// Pairs run k of the baseline (seed_base) with run k of `option` (seed_option), as a comparison
// would with seed_base == seed_option; with different seeds the pairs share no draws.
PairedAccumulator pair_runs(const Scenario& sc, int option, std::uint64_t seed_base,
                            std::uint64_t seed_option, std::uint64_t runs) {
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  PairedAccumulator acc(catalog, 1);
  RunOutput base, opt;
  for (std::uint64_t k = 0; k < runs; ++k) {
    simulate(rules, catalog, sample_params(rules, 0, seed_base, k), seed_base, k, false, base);
    simulate(rules, catalog, sample_params(rules, option, seed_option, k), seed_option, k, false,
             opt);
    acc.add(0, base, opt);
  }
  return acc;
}

}  // namespace

TEST_CASE("t quantiles match the table and tend to the normal", "[compare]") {
  CHECK(student_t_975(1) == Approx(12.7062).margin(1e-4));
  CHECK(student_t_975(0) == student_t_975(1));
  CHECK(student_t_975(10) == Approx(2.2281).margin(1e-4));
  CHECK(student_t_975(30) == Approx(2.0423).margin(1e-4));
  // Beyond the table the expansion takes over without a jump.
  CHECK(student_t_975(31) == Approx(2.0395).margin(1e-4));
  CHECK(student_t_975(31) < student_t_975(30));
  CHECK(student_t_975(60) == Approx(2.0003).margin(1e-4));
  CHECK(student_t_975(120) == Approx(1.9799).margin(1e-4));
  CHECK(student_t_975(1000000) == Approx(1.95996).margin(1e-5));
}

TEST_CASE("paired summaries match a direct computation", "[compare]") {
  const MetricCatalog c = two_metrics();
  PairedAccumulator acc(c, 2);
  // Option 0 vs baseline: differences +1, +2, 0, -0.5 on x; turns 3 vs 3 (ties) throughout.
  const double base[4] = {5.0, 4.0, 6.0, 2.5};
  const double diff[4] = {1.0, 2.0, 0.0, -0.5};
  for (int k = 0; k < 4; ++k)
    acc.add(0, two_metric_output(base[k], 3), two_metric_output(base[k] + diff[k], 3));
  // A pair with a failed run is left out of that option's sums.
  acc.add(0, two_metric_output(1.0, 3), two_metric_output(9.0, 3, false));
  acc.add(1, two_metric_output(1.0, 0), two_metric_output(2.0, 5));

  const PairedSummary s = acc.summary(0, 0);
  REQUIRE(s.n == 4);
  const double mean = (1.0 + 2.0 + 0.0 - 0.5) / 4.0;
  double ss = 0.0;
  for (const double d : diff) ss += (d - mean) * (d - mean);
  const double sd = std::sqrt(ss / 3.0);
  CHECK(s.baseline_mean == Approx((5.0 + 4.0 + 6.0 + 2.5) / 4.0).epsilon(1e-9));
  CHECK(s.option_mean == Approx(s.baseline_mean + mean).epsilon(1e-9));
  CHECK(s.diff_mean == Approx(mean).epsilon(1e-9));
  CHECK(s.diff_sd == Approx(sd).epsilon(1e-7));
  const double half = 3.1824463 * sd / 2.0;  // t(0.975, 3) sd / sqrt(4)
  CHECK(s.ci_low == Approx(mean - half).epsilon(1e-7));
  CHECK(s.ci_high == Approx(mean + half).epsilon(1e-7));
  CHECK(s.p_greater == Approx((2.0 + 0.5) / 4.0));  // two greater, one tie

  const PairedSummary ties = acc.summary(0, 1);
  CHECK(ties.diff_mean == 0.0);
  CHECK(ties.diff_sd == 0.0);
  CHECK(ties.p_greater == 0.5);
  // An unchanged metric: the interval is [0, 0], within any min effect.
  CHECK(verdict(ties, 0.01) == Verdict::negligible);

  // Integer metrics are summed exactly: means of whole numbers have no rounding at all.
  const PairedSummary whole = acc.summary(1, 1);
  CHECK(whole.baseline_mean == 0.0);
  CHECK(whole.option_mean == 5.0);
  CHECK(whole.diff_mean == 5.0);
}

TEST_CASE("verdicts need the interval and a practical size", "[compare]") {
  PairedSummary s;
  s.n = 100;
  const auto set = [&s](double diff, double low, double high) {
    s.diff_mean = diff;
    s.ci_low = low;
    s.ci_high = high;
  };
  set(0.02, 0.01, 0.03);
  CHECK(verdict(s, 0.01) == Verdict::better);
  CHECK(verdict_text(verdict(s, 0.01), true) == "better");
  CHECK(verdict_text(verdict(s, 0.01), false) == "higher");
  set(-0.02, -0.03, -0.01);
  CHECK(verdict(s, 0.01) == Verdict::worse);
  CHECK(verdict_text(verdict(s, 0.01), false) == "lower");
  set(0.0, -0.03, 0.03);
  CHECK(verdict(s, 0.01) == Verdict::unclear);
  CHECK(verdict_text(Verdict::unclear, true) == "no clear difference");
  // The author's case: +0.0023 with an interval that excludes 0 is "better" by the interval
  // alone, and no practical difference against a min effect of 0.01.
  set(0.0023, 0.0012, 0.0034);
  CHECK(verdict(s, 0.0) == Verdict::better);
  CHECK(verdict(s, 0.01) == Verdict::negligible);
  CHECK(verdict_text(Verdict::negligible, true) == "no practical difference");
  // Clearly above 0 but below the min effect on average, and not ruled practical either way.
  set(0.008, 0.002, 0.014);
  CHECK(verdict(s, 0.01) == Verdict::unclear);
  // A wide interval around 0 is unclear, not negligible.
  set(0.001, -0.02, 0.022);
  CHECK(verdict(s, 0.01) == Verdict::unclear);
  // At the min effect exactly: better (>=), and the bounds are inclusive for negligible.
  set(0.01, 0.005, 0.015);
  CHECK(verdict(s, 0.01) == Verdict::better);
  set(0.0, -0.01, 0.01);
  CHECK(verdict(s, 0.01) == Verdict::negligible);
  // One pair cannot decide anything.
  s.n = 1;
  CHECK(verdict(s, 0.0) == Verdict::unclear);
}

TEST_CASE("the verdict reads the numbers as comparison.csv holds them", "[compare]") {
  // 0.00999999996 is written 0.01: the verdict a report reaches from the file is the CLI's.
  PairedSummary s;
  s.n = 100;
  s.diff_mean = 0.00999999996;
  s.ci_low = 0.005;
  s.ci_high = 0.015;
  CHECK(verdict(s, 0.01) == Verdict::better);
}

TEST_CASE("min effects: defaults by kind, then --min-effect globs in order", "[compare]") {
  MetricCatalog c;
  c.final.push_back({"utility.A", MetricKind::utility, 0, 0, 1, 0, 1, false});
  c.final.push_back({"utility.A.mean", MetricKind::utility_mean, 0, 0, 1, 0, 1, false});
  c.final.push_back({"issue.aid", MetricKind::issue, 0, 0, 1, 0, 100, false});
  c.final.push_back({"issue.aid.value", MetricKind::issue_value, 0, 0, 0.05, 0, 5, false});
  c.final.push_back({"moves.m", MetricKind::moves, 0, 0, 1, 0, 12, true});
  Diagnostics diag;
  const std::vector<double> d = min_effects(c, {}, diag);
  CHECK(diag.problems().empty());
  CHECK(d == std::vector<double>{0.01, 0.01, 1.0, 0.05, 0.1});  // 1 point of 0-5 USD bn = 0.05
  const std::vector<double> o =
      min_effects(c, {"utility.*=0.02", "utility.A.mean = 0", "issue.aid=5"}, diag);
  CHECK(diag.problems().empty());
  CHECK(o == std::vector<double>{0.02, 0.0, 5.0, 0.05, 0.1});

  Diagnostics bad;
  (void)min_effects(c, {"utility.*", "issue.*=-1", "nothing.*=1", "=1", "utility.A=x"}, bad);
  CHECK(bad.error_count() == 5);
  for (const Problem& p : bad.problems()) {
    CHECK(p.file.rfind("--min-effect '", 0) == 0);
    CHECK_THAT(p.message, Catch::Contains("expected"));
  }
}

TEST_CASE("differences print with enough decimals to show what the interval shows", "[compare]") {
  PairedSummary s;
  s.n = 100;
  // A wide interval keeps the asked-for decimals.
  s.diff_mean = 25.4285;
  s.ci_low = 24.9981;
  s.ci_high = 25.8589;
  CHECK(difference_decimals(s, 1) == 1);
  // A narrow one gets one significant digit of its width: 0.0022 wide, 3 decimals.
  s.diff_mean = 0.0036;
  s.ci_low = 0.0025;
  s.ci_high = 0.0047;
  CHECK(difference_decimals(s, 1) == 3);
  // An interval excluding 0 never prints a bound as 0: "-0.0*" was the complaint.
  // Here the width alone would give 1 decimal and a lower bound of "+0.0".
  s.diff_mean = -0.45;
  s.ci_low = -0.9;
  s.ci_high = -0.00004;
  const int d = difference_decimals(s, 1);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.*f", d, s.ci_high);
  CHECK(std::string(buf) == "-0.00004");
  // An interval of width 0 (an unchanged metric) keeps the asked-for decimals.
  s.diff_mean = s.ci_low = s.ci_high = 0.0;
  CHECK(difference_decimals(s, 2) == 2);
}

TEST_CASE("paired sums merge and reload exactly, in any order", "[compare]") {
  const MetricCatalog c = two_metrics();
  PairedAccumulator all(c, 1), a(c, 1), b(c, 1);
  Rng rng(3, 3);
  for (int k = 0; k < 500; ++k) {
    const RunOutput base =
        two_metric_output(rng.uniform(0, 10), static_cast<double>(rng.below(8)) - 1);
    const RunOutput opt =
        two_metric_output(rng.uniform(0, 10), static_cast<double>(rng.below(8)) - 1);
    all.add(0, base, opt);
    (k % 3 == 0 ? a : b).add(0, base, opt);
  }
  PairedAccumulator ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  CHECK(ab.save() == all.save());
  CHECK(ba.save() == all.save());

  PairedAccumulator reloaded(c, 1);
  REQUIRE(reloaded.merge_saved(a.save()));
  REQUIRE(reloaded.merge_saved(b.save()));
  CHECK(reloaded.save() == all.save());
  CHECK(reloaded.summary(0, 0).ci_low == all.summary(0, 0).ci_low);

  // Malformed or misshapen states add nothing.
  PairedAccumulator other_shape(c, 2);
  CHECK_FALSE(other_shape.merge_saved(all.save()));
  std::string cut = all.save();
  cut.resize(cut.size() / 2);
  PairedAccumulator untouched(c, 1);
  CHECK_FALSE(untouched.merge_saved(cut));
  CHECK_FALSE(untouched.merge_saved("nonsense"));
  CHECK(untouched.summary(0, 0).n == 0);
}

TEST_CASE("paired sums states carry any 128-bit sum, merged into an empty accumulator",
          "[compare][resume]") {
  const MetricCatalog c = two_metrics();
  const Int128 two64 = static_cast<Int128>(1) << 64;
  // A state by hand: the header of a real one (magic word, 1 option, 2 metrics), then sums no
  // batch reaches (negative, beyond 2^64).
  std::string state = PairedAccumulator(c, 1).save().substr(0, 24);
  const PairedSums want[2] = {{5, 2, 1, -two64 - 3, two64 * 7, (two64 << 60) + 1},
                              {1, 0, 1, -1, 0, two64 - 1}};
  ByteWriter w(state);
  for (const PairedSums& p : want) {
    w.u64(p.n);
    w.u64(p.greater);
    w.u64(p.ties);
    w.i128(p.base);
    w.i128(p.option);
    w.i128(p.diff_sq);
  }
  PairedAccumulator acc(c, 1);
  REQUIRE(acc.merge_saved(state));
  for (size_t k = 0; k < 2; ++k) {
    CHECK(acc.sums(0, k).n == want[k].n);
    CHECK(acc.sums(0, k).ties == want[k].ties);
    CHECK(acc.sums(0, k).base == want[k].base);
    CHECK(acc.sums(0, k).option == want[k].option);
    CHECK(acc.sums(0, k).diff_sq == want[k].diff_sq);
  }
  CHECK(acc.save() == state);

  // Real pairs far apart, their sums doubled through save and merge_saved past 2^64.
  PairedAccumulator big(c, 1);
  for (int k = 0; k < 10; ++k)
    big.add(0, two_metric_output(0.0, -1.0), two_metric_output(10.0, 6.0));
  for (int k = 0; k < 40; ++k) REQUIRE(big.merge_saved(big.save()));
  REQUIRE(big.sums(0, 0).n == (std::uint64_t{10} << 40));
  REQUIRE(big.sums(0, 0).option > two64);
  REQUIRE(big.sums(0, 0).diff_sq > (two64 << 40));
  PairedAccumulator empty(c, 1);
  REQUIRE(empty.merge_saved(big.save()));
  CHECK(empty.save() == big.save());
  CHECK(empty.summary(0, 1).diff_mean == big.summary(0, 1).diff_mean);
}

TEST_CASE("a paired sums state of another kind, cut short or too long adds nothing",
          "[compare][resume]") {
  const MetricCatalog c = two_metrics();
  PairedAccumulator acc(c, 1);
  acc.add(0, two_metric_output(1.0, 2.0), two_metric_output(3.0, 4.0));
  const std::string state = acc.save();
  const auto refused = [&](const std::string& bad) {
    CompareObserver observer(c, 1, 1);
    const bool merged = observer.merge_saved(bad);
    return !merged && !observer.ok() && observer.total().sums(0, 0).n == 0;
  };
  CompareObserver good(c, 1, 1);
  REQUIRE(good.merge_saved(state));
  REQUIRE(good.ok());
  REQUIRE(good.total().save() == state);
  std::string magic = state;
  magic[6] = '1';  // "PPAIRS1"
  CHECK(refused(magic));
  for (size_t cut = 0; cut < state.size(); ++cut) {
    INFO("cut at " << cut);
    REQUIRE(refused(state.substr(0, cut)));
  }
  CHECK(refused(state + '\0'));
  CHECK(refused("parley-paired-sums 1 1 2\n1 1 0 5 6 1\n1 0 1 2 2 0\n"));  // the old text
  PairedAccumulator other_shape(c, 2);
  CHECK_FALSE(other_shape.merge_saved(state));
}

TEST_CASE("a comparison pairs run k of the baseline with run k of each option", "[compare]") {
  const Scenario sc = mini_scenario();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  CompareSpec spec;
  spec.runs = 150;
  spec.seed = 42;
  spec.threads = 2;
  spec.options = {0, 2, 1};  // the baseline is always the reference, never an option
  const CompareResult r = run_compare(sc, rules, catalog, spec);
  REQUIRE(r.options == std::vector<int>{2, 1});
  // The same pairs made one by one give the same exact sums.
  const PairedAccumulator hardline = pair_runs(sc, 2, 42, 42, 150);
  const PairedAccumulator engage = pair_runs(sc, 1, 42, 42, 150);
  for (size_t k = 0; k < catalog.final.size(); ++k) {
    CHECK(r.sums.summary(0, k).diff_mean == hardline.summary(0, k).diff_mean);
    CHECK(r.sums.summary(0, k).ci_high == hardline.summary(0, k).ci_high);
    CHECK(r.sums.summary(1, k).p_greater == engage.summary(0, k).p_greater);
  }
}

TEST_CASE("comparison.csv is identical for 1, 2 and 3 threads", "[compare][determinism]") {
  const Scenario sc = mini_scenario();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  std::vector<std::string> unmatched;
  const auto metrics = select_metrics(catalog, "", unmatched);
  std::string first;
  for (const int threads : {1, 2, 3}) {
    CompareSpec spec;
    spec.runs = 300;
    spec.seed = 7;
    spec.threads = threads;
    spec.options = {1, 2};
    const std::string csv =
        comparison_csv(sc, catalog, run_compare(sc, rules, catalog, spec), metrics);
    if (first.empty()) first = csv;
    CHECK(csv == first);
  }
  CHECK(first.rfind("option,metric,baseline_mean,option_mean,diff_mean,diff_ci_low,"
                    "diff_ci_high,p_greater\n",
                    0) == 0);
  const auto rows = std::count(first.begin(), first.end(), '\n');
  CHECK(rows == 1 + 2 * static_cast<long>(catalog.final.size()));
}

TEST_CASE("common random numbers give narrower intervals than independent seeds",
          "[compare][crn]") {
  // The same pairs with the option's runs drawn from another seed share no noise with the
  // baseline's; on common random numbers they share every draw but the option's own.
  const Scenario sc = mini_scenario();
  const MetricCatalog catalog = metric_catalog(sc);
  const std::uint64_t runs = 400;
  double ratio_sum = 0.0;
  int compared = 0;
  for (const int option : {1, 2}) {
    const PairedAccumulator crn = pair_runs(sc, option, 42, 42, runs);
    const PairedAccumulator independent = pair_runs(sc, option, 42, 4242, runs);
    for (const char* name :
         {"utility.ALF", "utility.BET", "utility.GAM", "issue.aid", "issue.access"}) {
      const size_t k = metric_index(catalog, name);
      const PairedSummary a = crn.summary(0, k), b = independent.summary(0, k);
      const double crn_width = a.ci_high - a.ci_low, ind_width = b.ci_high - b.ci_low;
      INFO("option " << option << ", " << name << ": CRN width " << crn_width
                     << ", independent width " << ind_width);
      REQUIRE(ind_width > 0.0);  // the metric is noisy, so the comparison says something
      if (option == 2) {
        // hardline overrides constants only: all its noise is shared with the baseline.
        CHECK(crn_width < ind_width);
      } else {
        // engage draws position.ALF.sanctions from N(40,5) of its own, which no baseline run
        // shares; GAM's utility hangs on that draw alone, so there CRN can only break even.
        CHECK(crn_width <= 1.02 * ind_width);
      }
      ratio_sum += crn_width / ind_width;
      ++compared;
      // Both estimate the same difference: they agree within their intervals.
      CHECK(std::abs(a.diff_mean - b.diff_mean) <= (crn_width + ind_width) / 2 + 1e-12);
    }
  }
  // On average the interval is about half as wide (the same precision from ~1/4 of the runs).
  CHECK(ratio_sum / compared < 0.6);
}

TEST_CASE("metric patterns select by glob", "[compare]") {
  CHECK(glob_match("utility.*", "utility.US"));
  CHECK(glob_match("utility.*", "utility.US.mean"));
  CHECK_FALSE(glob_match("utility.*", "issue.aid"));
  CHECK(glob_match("*.mean", "utility.US.mean"));
  CHECK(glob_match("issue.a?d", "issue.aid"));
  CHECK_FALSE(glob_match("issue.a?d", "issue.access"));
  CHECK(glob_match("issue.aid", "issue.aid"));
  CHECK_FALSE(glob_match("issue.aid", "issue.aid.value"));

  const MetricCatalog catalog = metric_catalog(mini_scenario());
  std::vector<std::string> unmatched;
  const auto some = select_metrics(catalog, "utility.*, issue.aid ,nothing.*", unmatched);
  CHECK(unmatched == std::vector<std::string>{"nothing.*"});
  REQUIRE(some.size() == 1 + 2 * 3);  // issue.aid, utility.X and utility.X.mean for 3 actors
  CHECK(catalog.final[some[0]].name == "issue.aid");  // catalogue order, not pattern order
  CHECK(select_metrics(catalog, "", unmatched).size() == catalog.final.size());
}

namespace {

// Keeps every checkpoint's state by the runs it covers.
struct CompareSaves final : BatchCheckpointer {
  std::map<std::uint64_t, std::string> at;
  void save(std::uint64_t runs_done, std::string_view state) override {
    at[runs_done] = std::string(state);
  }
};

Condition aid_condition(const Scenario& sc) {
  ParseError err;
  auto c = parse_condition("issue.aid > 40", sc.ids(), err);
  REQUIRE(c);
  return *c;
}

constexpr std::uint64_t kComparedRuns = 100 * kBatchBlock + 5;

// A comparison of options 1 and 2 with --given, from `resume_runs` and `resume_state` on.
struct GivenComparison {
  CompareResult result;
  std::string given;  // the GivenObserver's state at the end
};
GivenComparison compare_given(const Scenario& sc, const Rules& rules, const MetricCatalog& catalog,
                              std::uint64_t resume_runs, const std::string& resume_state,
                              BatchCheckpointer* checkpointer) {
  GivenObserver given(aid_condition(sc), catalog, rules.turns, 3, 2, true);
  CompareSpec spec;
  // More blocks than the writer's window: the first checkpoint then falls inside the batch.
  spec.runs = kComparedRuns;
  spec.seed = 9;
  spec.threads = 2;
  spec.options = {1, 2};
  spec.also = &given;
  spec.checkpointer = checkpointer;
  spec.checkpoint_seconds = 0.0;
  spec.resume_runs = resume_runs;
  spec.resume_state = resume_state;
  CompareResult result = run_compare(sc, rules, catalog, spec);
  return {std::move(result), given.save()};
}

// `state` (a comparison's batch state) with byte `at` of its observer state flipped.
std::string with_observer_byte_flipped(const std::string& state, size_t at) {
  BatchState st = decode_state(state, {});
  REQUIRE(st.observers.size() == 1);
  REQUIRE(at < st.observers[0].size());
  st.observers[0][at] ^= 0x01;
  return encode_state(st);
}

}  // namespace

TEST_CASE("a comparison with --given resumed from a checkpoint equals an uninterrupted one",
          "[compare][given][resume]") {
  const Scenario sc = mini_scenario();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const GivenComparison whole = compare_given(sc, rules, catalog, 0, {}, nullptr);
  CompareSaves saves;
  const GivenComparison checked = compare_given(sc, rules, catalog, 0, {}, &saves);
  REQUIRE(checked.result.sums.save() == whole.result.sums.save());
  REQUIRE(saves.at.size() >= 2);  // one inside the batch at least, and the final one
  for (const auto& [runs, state] : saves.at) {
    INFO("resumed after " << runs << " runs");
    const GivenComparison resumed = compare_given(sc, rules, catalog, runs, state, nullptr);
    CHECK(resumed.result.sums.save() == whole.result.sums.save());
    CHECK(resumed.result.failed == whole.result.failed);
    CHECK(resumed.given == whole.given);
  }
}

TEST_CASE("a comparison refuses a checkpoint whose observer states are damaged",
          "[compare][given][resume]") {
  const Scenario sc = mini_scenario();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  CompareSaves saves;
  (void)compare_given(sc, rules, catalog, 0, {}, &saves);
  const auto& [runs, state] = *saves.at.begin();
  REQUIRE(runs < kComparedRuns);
  // The magic word of the two observers' envelope, of the comparison's sums (nested after the
  // envelope's magic and the length of the first state) and of the --given state (after the
  // first state and the second one's length).
  const BatchState st = decode_state(state, {});
  const std::string_view both = st.observers[0];
  ByteReader r(both);
  (void)r.u64();
  const size_t first_length = r.bytes().size();
  for (const size_t at : {size_t{0}, size_t{16}, 16 + first_length + 8}) {
    INFO("byte " << at << " of the observers' state");
    const std::string bad = with_observer_byte_flipped(state, at);
    REQUIRE_THROWS_WITH(compare_given(sc, rules, catalog, runs, bad, nullptr), kUnfitState);
  }
  // Cut short: the envelope's length no longer matches.
  BatchState cut = decode_state(state, {});
  cut.observers[0].pop_back();
  REQUIRE_THROWS_WITH(compare_given(sc, rules, catalog, runs, encode_state(cut), nullptr),
                      kUnfitState);
}

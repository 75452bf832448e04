// Tests of `parley forecast`, run as a separate process.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/cli.hpp"

namespace {

struct Run {
  int status = -1;
  std::string out;  ///< stdout and stderr together
};

/// Runs `parley forecast ARGS` and captures its output.
Run forecast(const std::string& args) {
  const parley::test::CliResult r = parley::test::run_parley("forecast " + args);
  return {r.status, r.all()};
}

std::string data(const std::string& name) {
  return "'" + std::string(PARLEY_TEST_DATA) + "/" + name + "'";
}

}  // namespace

TEST_CASE("forecast --csv prints the published compromise and median", "[forecast]") {
  const Run r =
      forecast(data("validation/emission-standards-1994.csv") + " --model compromise --csv");
  CHECK(r.status == 0);
  CHECK(r.out.rfind("issue,model,dim,forecast\n", 0) == 0);
  CHECK(r.out.find("1,compromise,0,7.38") != std::string::npos);  // published 7.39

  const Run m = forecast(data("validation/emission-standards-1994.csv") + " --model median --csv");
  CHECK(m.out.find("1,median,0,7\n") != std::string::npos);  // published 7.0
}

TEST_CASE("forecast --model all gives one row per issue, model and dim", "[forecast]") {
  const Run r = forecast(data("forecast/issues.csv") + " --model all --csv --rounds 3");
  CHECK(r.status == 0);
  int rows = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) rows += line.find(',') != std::string::npos;
  CHECK(rows == 1 + 2 * 7);  // header + 2 issues x 7 models x 1 dim
  // Issue "trade": A at 0 (weight 1), B at 100 (weight 3). Compromise = 75 by hand; the NBS on
  // the issue's own range [0, 100] is also 75 (see nbs_test.cpp).
  CHECK(r.out.find("trade,compromise,0,75\n") != std::string::npos);
  CHECK(r.out.find("trade,nbs,0,75") != std::string::npos);
  // Two camps: split is the weighted median, B's 100 (3 of 4 of the weight).
  CHECK(r.out.find("trade,split,0,100\n") != std::string::npos);
}

TEST_CASE("forecast says when an issue fell back to the unweighted model", "[forecast]") {
  const Run r = forecast(data("forecast/zero_weights.csv") + " --model compromise --csv");
  CHECK(r.status == 0);
  CHECK(r.out.find("1,compromise,0,40\n") != std::string::npos);  // plain mean of 10, 30, 80
  CHECK(r.out.find("note: issue 1, dim 0, compromise: all weights") != std::string::npos);

  const Run table = forecast(data("forecast/zero_weights.csv") + " --model median");
  CHECK(table.out.find("unweighted median model was used") != std::string::npos);
}

TEST_CASE("forecast reads KTAB's layout, all dimensions", "[forecast]") {
  const Run r = forecast(data("forecast/ktab_small.csv") + " --model compromise --csv");
  CHECK(r.status == 0);
  // Dim 0: weights 30*0.5 = 15 and 10*1 = 10: (15*10 + 10*50)/25 = 26.
  CHECK(r.out.find("1,compromise,0,26\n") != std::string::npos);
  // Dim 1: weights 30*0.25 = 7.5 and 10*0.75 = 7.5: (80 + 20)/2 = 50.
  CHECK(r.out.find("1,compromise,1,50\n") != std::string::npos);
}

TEST_CASE("forecast --history writes round 0 and every round", "[forecast]") {
  const auto path = std::filesystem::temp_directory_path() / "parley_forecast_history_test.csv";
  std::filesystem::remove(path);
  const Run r = forecast(data("validation/emission-standards-1994.csv") +
                         " --model eum --rounds 2 --csv --history '" + path.string() + "'");
  CHECK(r.status == 0);
  std::ifstream in(path);
  REQUIRE(in.good());
  std::string header;
  std::getline(in, header);
  CHECK(header == "issue,model,round,actor,dim,position");
  std::string first;
  std::getline(in, first);
  CHECK(first == "1,eum,0,Netherlands,0,4");  // round 0 = the input
  int rows = 1;
  for (std::string line; std::getline(in, line);) ++rows;
  CHECK(rows == 3 * 10);  // rounds 0, 1, 2 x 10 actors
  CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  std::filesystem::remove(path);
}

TEST_CASE("forecast: bad tables and bad usage exit with status 2", "[forecast]") {
  const Run bad = forecast(data("forecast/bad.csv"));
  CHECK(bad.status == 2);
  // file:line:column: error: what is wrong, what was expected
  CHECK(bad.out.find("bad.csv:3:3: error: capability is 'abc', expected a number >= 0") !=
        std::string::npos);
  CHECK(bad.out.find("bad.csv:8:8: error: salience is 150") != std::string::npos);

  CHECK(forecast("").status == 2);
  CHECK(forecast(data("forecast/issues.csv") + " --model magic").status == 2);
  CHECK(forecast(data("forecast/issues.csv") + " --rounds 0").status == 2);
  CHECK(forecast(data("forecast/issues.csv") + " --no-such-option").status == 2);

  const Run help = forecast("--help");
  CHECK(help.status == 0);
  CHECK(help.out.find("usage: parley forecast TABLE") != std::string::npos);
}

namespace {

/// The forecast of `model` on `dim` in `--csv` output ("issue,model,dim,forecast"), or NaN.
double csv_forecast(const std::string& out, const std::string& model, int dim) {
  std::istringstream lines(out);
  const std::string prefix = "1," + model + "," + std::to_string(dim) + ",";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size()));
  }
  return std::nan("");
}

}  // namespace

TEST_CASE("forecast --model smp reproduces KTAB's final forecast by default", "[forecast][smp]") {
  // KTAB's reference log of SOE-Pol-Comp (27 iterations) ends with MOF, SHX and HLJ sharing the
  // most probable position, (38.8, 30.7) with probability 0.2330, printed to one decimal.
  // The default of 100 iterations (KTAB's maximum) lets KTAB's stopping rule end the run.
  const Run r = forecast(data("validation/ktab/SOE-Pol-Comp.csv") + " --model smp --csv");
  CHECK(r.status == 0);
  CHECK(csv_forecast(r.out, "smp", 0) == Approx(38.8).margin(0.05));
  CHECK(csv_forecast(r.out, "smp", 1) == Approx(30.7).margin(0.05));

  // dummyData_3Dim (10 iterations): SActor-05's final position (79.9, 34.4, 75.2), KTAB's
  // most probable at 0.4009.
  const Run d = forecast(data("validation/ktab/dummyData_3Dim.csv") + " --model smp --csv");
  CHECK(csv_forecast(d.out, "smp", 0) == Approx(79.9).margin(0.05));
  CHECK(csv_forecast(d.out, "smp", 1) == Approx(34.4).margin(0.05));
  CHECK(csv_forecast(d.out, "smp", 2) == Approx(75.2).margin(0.05));

  SECTION("--rounds overrides the default: 10 iterations stop SOE-Pol-Comp short") {
    const Run t =
        forecast(data("validation/ktab/SOE-Pol-Comp.csv") + " --model smp --csv --rounds 10");
    CHECK(t.status == 0);
    CHECK(std::abs(csv_forecast(t.out, "smp", 1) - 30.7) > 1.0);
  }
}

TEST_CASE("forecast --model blend and --model all include blend", "[forecast]") {
  // Issue "trade" of issues.csv: A at 0 (weight 1), B at 100 (weight 3); compromise 75 by hand.
  const Run r = forecast(data("forecast/issues.csv") + " --model blend --csv");
  CHECK(r.status == 0);
  // blend = (784 * 75 + 529 * 100) / 1313 = 85.07: the EUM is 100 there (see blend_test.cpp).
  CHECK(r.out.find("trade,blend,0,85.07") != std::string::npos);
  const Run all = forecast(data("forecast/issues.csv") + " --model all --csv");
  CHECK(all.out.find("trade,blend,0,") != std::string::npos);
}

TEST_CASE("forecast --outcomes: errors, shares and pairs by hand", "[forecast]") {
  // tests/data/forecast/eval: three issues, proposals "p1" (p1-a, p1-b) and "p2" (p2-a).
  // compromise: p1-a (0 x 1 + 100 x 3) / 4 = 75, p1-b (0 x 0.5 + 40 + 200) / 3.5 = 68.571,
  //   p2-a 40; outcomes 80, 60, 30 -> errors 5, 8.571, 10: mean 7.857, median 8.571, all within
  //   10 (10 counts).
  // median: p1-a 100, p1-b 100 (cumulative 0.5, 1.5, 3.5 of 3.5), p2-a 20 (lower median) ->
  //   errors 20, 40, 10: mean 23.333, median 20, within 10: 1 of 3.
  // compromise - median: -15, -31.429, 0 -> mean -15.476.
  // Bootstrap over the two proposals (first 2 characters): compromise's mean error per draw is
  //   (p1, p1) 6.786, (p1, p2) 7.857 or (p2, p2) 10, so the 95% interval is [6.786, 10].
  const Run r = forecast(data("forecast/eval/actors.csv") + " --outcomes " +
                         data("forecast/eval/outcomes.csv") + " --proposal-chars 2 --csv");
  CHECK(r.status == 0);
  CHECK(r.out.rfind("kind,model,versus,issues,mean_abs_error,median_abs_error,share_within,"
                    "estimate,lo,hi,choice,folds_agreeing\n",
                    0) == 0);
  CHECK(r.out.find(
            "\nmodel,compromise,,3,7.857142857,8.571428571,1,7.857142857,6.785714286,10,,\n") !=
        std::string::npos);
  CHECK(r.out.find("\nmodel,median,,3,23.33333333,20,0.3333333333,23.33333333,") !=
        std::string::npos);
  CHECK(r.out.find("\npair,compromise,median,3,,,,-15.47619048,") != std::string::npos);
  // All seven models and every pair of them: 7 + 21 rows after the header.
  int rows = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    rows += line.rfind("model,", 0) == 0 || line.rfind("pair,", 0) == 0;
  CHECK(rows == 7 + 21);

  // The same run twice prints the same bytes (the bootstrap has a fixed seed); another seed
  // moves the intervals of a three-issue bootstrap at most between the same few values.
  const Run again = forecast(data("forecast/eval/actors.csv") + " --outcomes " +
                             data("forecast/eval/outcomes.csv") + " --proposal-chars 2 --csv");
  CHECK(again.out == r.out);

  // --within changes the share; the readable table names the threshold.
  const Run table = forecast(data("forecast/eval/actors.csv") + " --outcomes " +
                             data("forecast/eval/outcomes.csv") + " --model compromise --within 6");
  CHECK(table.status == 0);
  CHECK(table.out.find("within 6") != std::string::npos);
  CHECK(table.out.find("33%") != std::string::npos);     // only p1-a's 5 is within 6
  CHECK(table.out.find("paired") == std::string::npos);  // one model: no pairs
}

TEST_CASE("forecast --outcomes lists every problem of the outcomes at once", "[forecast]") {
  // bad_outcomes.csv: p1-b's outcome '6O' (a letter O), an outcome for p2-x, which the table
  // does not have, and p1-a twice; p2-a has none.
  const Run r = forecast(data("forecast/eval/actors.csv") + " --outcomes " +
                         data("forecast/eval/bad_outcomes.csv"));
  CHECK(r.status == 2);
  CHECK(r.out.find("bad_outcomes.csv:3:6: error: outcome is '6O', expected a number") !=
        std::string::npos);
  CHECK(r.out.find("bad_outcomes.csv:4:1: error: issue 'p2-x' is not in ") != std::string::npos);
  CHECK(r.out.find("(did you mean 'p2-a'?), expected only issues of the table") !=
        std::string::npos);
  CHECK(r.out.find("bad_outcomes.csv:5:1: error: issue 'p1-a' appears again (first on line 2)") !=
        std::string::npos);
  // The missing outcome is reported where the issue first appears in the actor table.
  CHECK(r.out.find("actors.csv:7:1: error: issue 'p2-a' has no outcome in ") != std::string::npos);
  CHECK(r.out.find("kind,model") == std::string::npos);  // nothing judged

  const Run usage = forecast(data("forecast/eval/actors.csv") + " --cv");
  CHECK(usage.status == 2);
  CHECK(usage.out.find("--cv needs --outcomes FILE") != std::string::npos);
  const Run seed = forecast(data("forecast/eval/actors.csv") + " --outcomes " +
                            data("forecast/eval/outcomes.csv") + " --seed -1");
  CHECK(seed.status == 2);
}

TEST_CASE("forecast --outcomes --cv reports the cross-validated choice", "[forecast]") {
  const Run r = forecast(data("forecast/eval/actors.csv") + " --outcomes " +
                         data("forecast/eval/outcomes.csv") + " --proposal-chars 2 --cv --csv");
  CHECK(r.status == 0);
  for (const char* family : {"model", "exponents", "mix", "camps", "all"}) {
    INFO(family);
    CHECK(r.out.find(std::string("\ncv,") + family + ",,3,") != std::string::npos);
    CHECK(r.out.find(std::string("\ncv_pair,") + family + ",compromise,3,") != std::string::npos);
  }
  // "mix" is w median + (1 - w) compromise, w = 0, 0.1, ..., 1. Errors against the outcomes:
  // p1-a |75 + 25 w - 80|, p1-b 68.571 + 31.429 w - 60, p2-a |40 - 20 w - 30|.
  // Fold without p1 (fitted on p2-a alone): w = 0.5 fits exactly; it scores p1-a 87.5 (error
  // 7.5) and p1-b 84.286 (24.286). Fold without p2 (fitted on p1): 13.571 + 6.429 w below 0.2
  // and rising after, so w = 0; it scores p2-a 40 (10). Mean 41.786 / 3 = 13.929. On all three
  // issues the totals are 23.571, 22.214, 20.857, 24.5, ... for w = 0, 0.1, 0.2, 0.3: w = 0.2,
  // a choice that neither fold made.
  CHECK(r.out.find("\ncv,mix,,3,13.92857143,") != std::string::npos);
  CHECK(r.out.find(",mix 0.2,0\n") != std::string::npos);
}

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
  CHECK(rows == 1 + 2 * 6);  // header + 2 issues x 6 models x 1 dim
  // Issue "trade": A at 0 (weight 1), B at 100 (weight 3). Compromise = 75 by hand; the NBS on
  // the issue's own range [0, 100] is also 75 (see nbs_test.cpp).
  CHECK(r.out.find("trade,compromise,0,75\n") != std::string::npos);
  CHECK(r.out.find("trade,nbs,0,75") != std::string::npos);
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

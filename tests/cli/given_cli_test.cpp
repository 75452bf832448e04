// `--given CONDITION` of run and compare (outcomes given an event), checked against runs.csv
// filtered here; and options that start later (`from`) as validate, the manifest and the report
// see them.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/cli.hpp"
#include "tests/support/results.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// Index of column `name` in a header row; fails the test if there is none.
size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t k = 0; k < header.size(); ++k)
    if (header[k] == name) return k;
  FAIL("no column " << name);
  return 0;
}

// The condition of these tests, evaluated on one runs.csv row: the same as
// `done.bet_attack == 1 or issue.aid > 45`, since moves.M counts how often M was made.
constexpr const char* kGiven = "done.bet_attack == 1 or issue.aid > 45";
bool given_holds(const std::vector<std::string>& header, const std::vector<std::string>& row) {
  const double attacks = std::stod(row[column(header, "moves.bet_attack")]);
  const double aid = std::stod(row[column(header, "issue.aid")]);
  // runs.csv keeps 6 significant digits: a value this close to the threshold cannot be decided.
  REQUIRE(std::abs(aid - 45.0) > 1e-3);
  return attacks >= 1.0 || aid > 45.0;
}

// The first metric column of runs.csv: the first after run, option and the param.* columns.
size_t first_metric_column(const std::vector<std::string>& header) {
  size_t k = 2;
  while (k < header.size() && header[k].rfind("param.", 0) == 0) ++k;
  return k;
}

}  // namespace

TEST_CASE("run --given summarises exactly the runs of runs.csv in which the condition held",
          "[cli][run][given]") {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  const CliResult r = run_parley("run " + mini_scenario() + " --runs 200 --option all --given '" +
                                 kGiven + "' --threads 2 --out " + quoted(out));
  INFO(r.all());
  REQUIRE(r.status == 0);
  CHECK(r.out.find(std::string("given ") + kGiven) != std::string::npos);

  const Rows runs = csv_rows(out / "runs.csv");
  const auto& head = runs[0];
  // Per option: runs, runs in which it held, and per metric the sum over those runs.
  std::map<std::string, std::pair<int, int>> counts;
  std::map<std::string, std::map<std::string, double>> sums;
  const size_t first_metric = first_metric_column(head);
  for (size_t k = 1; k < runs.size(); ++k) {
    const std::string& option = runs[k][1];
    counts[option].first += 1;
    if (!given_holds(head, runs[k])) continue;
    counts[option].second += 1;
    for (size_t c = first_metric; c < head.size(); ++c)
      sums[option][head[c]] += std::stod(runs[k][c]);
  }

  const Rows given = csv_rows(out / "given.csv");
  REQUIRE(given[0] ==
          std::vector<std::string>{"option", "runs", "held", "share", "share_low", "share_high"});
  REQUIRE(given.size() == 4);
  for (size_t k = 1; k < given.size(); ++k) {
    const auto& [n, held] = counts[given[k][0]];
    INFO(given[k][0]);
    CHECK(std::stoi(given[k][1]) == n);
    CHECK(std::stoi(given[k][2]) == held);
    // The test is only worth something if the condition splits the runs.
    CHECK(held > 0);
    CHECK(held < n);
    const double share = std::stod(given[k][3]);
    CHECK(share == Approx(static_cast<double>(held) / n).epsilon(1e-5));
    CHECK(std::stod(given[k][4]) < share);
    CHECK(std::stod(given[k][5]) > share);
  }

  const Rows summary = csv_rows(out / "summary_given.csv");
  REQUIRE(summary[0] == csv_rows(out / "summary.csv")[0]);
  size_t checked = 0;
  for (size_t k = 1; k < summary.size(); ++k) {
    const std::string& option = summary[k][0];
    const std::string& metric = summary[k][1];
    INFO(option << " " << metric);
    const double mean = sums[option][metric] / counts[option].second;
    CHECK(std::stod(summary[k][2]) == Approx(mean).epsilon(1e-4).margin(1e-4));
    ++checked;
  }
  CHECK(checked == (head.size() - first_metric) * 3);

  const auto manifest = nlohmann::json::parse(read_file(out / "manifest.json"));
  CHECK(manifest["given"] == kGiven);
}

TEST_CASE("run --given gives the same files for any thread count",
          "[cli][run][given][determinism]") {
  TempDir dir;
  const std::string common = "run " + mini_scenario() + " --runs 150 --option all -q --given '" +
                             std::string(kGiven) + "' --seed 5";
  REQUIRE(run_parley(common + " --threads 1 --out " + quoted(dir.path() / "one")).status == 0);
  REQUIRE(run_parley(common + " --threads 3 --out " + quoted(dir.path() / "three")).status == 0);
  for (const char* f : {"given.csv", "summary_given.csv", "summary.csv"})
    CHECK(read_file(dir.path() / "one" / f) == read_file(dir.path() / "three" / f));
  // Without --given the folder holds no such files, even after a run with it.
  REQUIRE(run_parley("run " + mini_scenario() + " --runs 20 -q --out " + quoted(dir.path() / "one"))
              .status == 0);
  CHECK_FALSE(fs::exists(dir.path() / "one" / "given.csv"));
  CHECK_FALSE(fs::exists(dir.path() / "one" / "summary_given.csv"));
}

TEST_CASE("a condition that never holds is said plainly, with empty cells and no made-up numbers",
          "[cli][run][given]") {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  const CliResult r = run_parley("run " + mini_scenario() +
                                 " --runs 40 -q --given 'issue.aid > 100' --out " + quoted(out));
  INFO(r.all());
  REQUIRE(r.status == 0);
  CHECK(r.err.find("--given 'issue.aid > 100' never held in the 40 run(s) of option 'baseline'") !=
        std::string::npos);
  const Rows given = csv_rows(out / "given.csv");
  REQUIRE(given.size() == 2);
  CHECK(given[1][2] == "0");
  CHECK(std::stod(given[1][3]) == 0.0);
  CHECK(std::stod(given[1][4]) == 0.0);
  CHECK(std::stod(given[1][5]) > 0.0);  // 0 of 40 still leaves an upper end
  for (const auto& row : csv_rows(out / "summary_given.csv")) {
    if (row[0] == "option") continue;
    REQUIRE(row.size() == 7);
    for (size_t c = 2; c < 7; ++c) CHECK(row[c].empty());
  }
  // The report reads such a folder and says so.
  const CliResult rep = run_parley("report " + quoted(out) + " -q");
  INFO(rep.all());
  CHECK(rep.status == 0);
  CHECK(read_file(out / "report.html").find("\"given\"") != std::string::npos);
}

TEST_CASE("a bad --given exits 2 naming the option and the character", "[cli][given][errors]") {
  TempDir dir;
  struct Case {
    std::string value;
    std::string message;
  };
  const Case cases[] = {
      {"issue.aid > 3 and done.alf_aidd == 1",
       "--given 'issue.aid > 3 and done.alf_aidd == 1': error: at character "},
      {"issue.aid", "--given 'issue.aid': error: "},
      {"", "--given: error: expected a condition on the end of a run"},
  };
  for (const char* command : {"run", "compare"})
    for (const Case& c : cases) {
      const fs::path out = dir.path() / "out";
      const CliResult r = run_parley(std::string(command) + " " + mini_scenario() +
                                     " --runs 10 --given '" + c.value + "' --out " + quoted(out));
      INFO(command << " " << c.value << "\n" << r.all());
      CHECK(r.status == 2);
      CHECK(r.err.rfind(c.message, 0) == 0);
      CHECK_FALSE(fs::exists(out / "manifest.json"));
    }
}

TEST_CASE("compare --given: paired differences over the runs where it held in both arms",
          "[cli][compare][given]") {
  TempDir dir;
  const fs::path cmp = dir.path() / "cmp", run = dir.path() / "run";
  const CliResult c = run_parley("compare " + mini_scenario() + " --runs 160 --seed 3 --given '" +
                                 kGiven + "' --out " + quoted(cmp));
  INFO(c.all());
  REQUIRE(c.status == 0);
  // Run k of every option is the same run in `run` and `compare` (same seed): pair them here.
  REQUIRE(run_parley("run " + mini_scenario() + " --runs 160 --seed 3 --option all -q --out " +
                     quoted(run))
              .status == 0);
  const Rows runs = csv_rows(run / "runs.csv");
  const auto& head = runs[0];
  std::map<std::string, std::vector<const std::vector<std::string>*>> by_option;
  for (size_t k = 1; k < runs.size(); ++k) by_option[runs[k][1]].push_back(&runs[k]);
  const auto& base = by_option["baseline"];

  const Rows given = csv_rows(cmp / "given.csv");
  REQUIRE(given[0].back() == "both");
  REQUIRE(given.size() == 4);
  const Rows paired = csv_rows(cmp / "comparison_given.csv");
  REQUIRE(paired[0] == csv_rows(cmp / "comparison.csv")[0]);
  for (size_t g = 2; g < given.size(); ++g) {
    const std::string& option = given[g][0];
    const auto& arm = by_option[option];
    REQUIRE(arm.size() == base.size());
    int held = 0, both = 0;
    std::map<std::string, double> diff;
    for (size_t k = 0; k < arm.size(); ++k) {
      const bool in_option = given_holds(head, *arm[k]);
      const bool in_base = given_holds(head, *base[k]);
      held += in_option;
      if (!(in_option && in_base)) continue;
      ++both;
      for (size_t col = first_metric_column(head); col < head.size(); ++col)
        diff[head[col]] += std::stod((*arm[k])[col]) - std::stod((*base[k])[col]);
    }
    INFO(option);
    CHECK(std::stoi(given[g][2]) == held);
    CHECK(std::stoi(given[g][6]) == both);
    REQUIRE(both > 1);
    for (size_t k = 1; k < paired.size(); ++k) {
      if (paired[k][0] != option) continue;
      INFO(paired[k][1]);
      CHECK(std::stod(paired[k][4]) == Approx(diff[paired[k][1]] / both).margin(2e-4));
    }
  }
  // The baseline's row counts its own runs; its `both` is its `held`.
  CHECK(given[1][0] == "baseline");
  CHECK(given[1][6] == given[1][2]);
  const CliResult rep = run_parley("report " + quoted(cmp) + " -q");
  CHECK(rep.status == 0);
  CHECK(read_file(cmp / "report.html").find("\"condition\":\"done.bet_attack == 1 or") !=
        std::string::npos);
}

TEST_CASE("validate rejects an option's 'from' outside the turns at its line and column",
          "[cli][validate][option-from]") {
  TempDir dir;
  const fs::path sc = copy_scenario("mini", dir.path());
  edit_file(sc / "scenario.ini", "forbid = alf_embargo", "forbid = alf_embargo\nfrom = 0");
  const CliResult zero = run_parley("validate " + quoted(sc));
  CHECK(zero.status == 2);
  CHECK(zero.err.find("scenario.ini:23:8: error: from = 0 is out of range; expected the turn "
                      "from which the option applies, a whole number from 1 to 6") !=
        std::string::npos);
  edit_file(sc / "scenario.ini", "from = 0", "from = 9");
  CHECK(run_parley("validate " + quoted(sc)).status == 2);
  edit_file(sc / "scenario.ini", "from = 9", "from = 3");
  const CliResult ok = run_parley("validate " + quoted(sc));
  INFO(ok.all());
  CHECK(ok.status == 0);

  // The manifest records the start turn and the report's description of the option says it.
  const fs::path out = dir.path() / "out";
  const CliResult r =
      run_parley("run " + quoted(sc) + " --runs 10 --option all -q --report --out " + quoted(out));
  INFO(r.all());
  REQUIRE(r.status == 0);
  const auto manifest = nlohmann::json::parse(read_file(out / "manifest.json"));
  CHECK(manifest["scenario_info"]["options"][1]["from"] == 3);
  CHECK_FALSE(manifest["scenario_info"]["options"][2].contains("from"));
  CHECK(read_file(out / "report.html").find("(in force from turn 3 (2025-04))") !=
        std::string::npos);
}

TEST_CASE("compare without --given removes the files of an earlier --given",
          "[cli][compare][given]") {
  TempDir dir;
  const fs::path out = dir.path() / "cmp";
  REQUIRE(run_parley("compare " + mini_scenario() + " --runs 40 -q --given '" +
                     std::string(kGiven) + "' --out " + quoted(out))
              .status == 0);
  REQUIRE(fs::exists(out / "given.csv"));
  REQUIRE(fs::exists(out / "comparison_given.csv"));
  REQUIRE(run_parley("compare " + mini_scenario() + " --runs 40 -q --out " + quoted(out)).status ==
          0);
  CHECK(fs::exists(out / "comparison.csv"));
  CHECK_FALSE(fs::exists(out / "given.csv"));
  CHECK_FALSE(fs::exists(out / "comparison_given.csv"));
  CHECK_FALSE(nlohmann::json::parse(read_file(out / "manifest.json")).contains("given"));
}

// End-to-end tests of `parley run` and `parley validate` on the small test scenario.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/support/cli.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

const std::string kMini = quoted(fs::path(PARLEY_TEST_DATA) / "scenarios" / "mini");

int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("run writes every result file, and the rows match the runs and options", "[cli][run]") {
  TempDir dir;
  const CliResult r = run_parley("run " + kMini + " --runs 50 --option all --threads 2 --out " +
                                 quoted(dir.path() / "out"));
  REQUIRE(r.status == 0);
  const fs::path out = dir.path() / "out";
  for (const char* f : {"manifest.json", "runs.csv", "summary.csv", "trajectory.csv",
                        "histograms.csv", "events.csv"})
    REQUIRE(fs::exists(out / f));
  REQUIRE_FALSE(fs::exists(out / "failures.csv"));
  // No temporary file is left behind.
  for (const auto& entry : fs::directory_iterator(out))
    REQUIRE(entry.path().filename().string().find(".partial") == std::string::npos);
  const std::string runs = read_file(out / "runs.csv");
  REQUIRE(count_lines(runs) == 1 + 50 * 3);  // header + runs x (baseline + 2 options)
  REQUIRE(runs.rfind("run,option,", 0) == 0);
  const auto manifest = nlohmann::json::parse(read_file(out / "manifest.json"));
  REQUIRE(manifest["command"] == "run");
  REQUIRE(manifest["runs"] == 50);
  REQUIRE(manifest["trace"] == 10);
  REQUIRE(manifest["options"] == std::vector<std::string>{"baseline", "engage", "hardline"});
  REQUIRE(manifest["scenario_hash"].get<std::string>().size() == 16);
  REQUIRE(manifest["scenario_info"]["turns"].is_number_unsigned());
  REQUIRE(r.out.find("final status quo") != std::string::npos);
  const std::string summary = read_file(out / "summary.csv");
  REQUIRE(summary.rfind("option,metric,mean,sd,p05,p50,p95\n", 0) == 0);
  const std::string trajectory = read_file(out / "trajectory.csv");
  REQUIRE(trajectory.rfind("option,turn,metric,mean,p05,p50,p95\n", 0) == 0);
  const std::string events = read_file(out / "events.csv");
  REQUIRE(events.rfind("run,option,turn,actor,move,headline,by\n", 0) == 0);
  // Every event says who made it; the mini scenario's turn-6 aid is a timeline row, and its AI
  // actors move too.
  std::istringstream rows(events.substr(events.find('\n') + 1));
  int timeline = 0, ai = 0;
  for (std::string row; std::getline(rows, row);) {
    const std::string by = row.substr(row.rfind(',') + 1);
    REQUIRE((by == "timeline" || by == "ai"));
    timeline += by == "timeline";
    ai += by == "ai";
    if (row.find(",6,ALF,alf_aid,") != std::string::npos) REQUIRE(by == "timeline");
  }
  REQUIRE(timeline > 0);
  REQUIRE(ai > 0);
}

TEST_CASE("the same seed gives identical files for 1 and 2 threads", "[cli][run][determinism]") {
  TempDir dir;
  const auto one = dir.path() / "one", two = dir.path() / "two";
  REQUIRE(run_parley("run " + kMini + " --runs 300 --seed 9 --option all --threads 1 -q --out " +
                     quoted(one))
              .status == 0);
  REQUIRE(run_parley("run " + kMini + " --runs 300 --seed 9 --option all --threads 2 -q --out " +
                     quoted(two))
              .status == 0);
  for (const char* f : {"runs.csv", "summary.csv", "trajectory.csv", "histograms.csv", "events.csv",
                        "explain.json"})
    REQUIRE(read_file(one / f) == read_file(two / f));
  // A different seed gives different runs.
  const auto three = dir.path() / "three";
  REQUIRE(
      run_parley("run " + kMini + " --runs 300 --seed 10 --option all -q --out " + quoted(three))
          .status == 0);
  REQUIRE(read_file(one / "runs.csv") != read_file(three / "runs.csv"));
}

TEST_CASE("run --set changes the run and is recorded in the manifest", "[cli][run]") {
  TempDir dir;
  REQUIRE(run_parley("run " + kMini + " --runs 20 -q --set model.settle_rate=0 --out " +
                     quoted(dir.path() / "a"))
              .status == 0);
  REQUIRE(run_parley("run " + kMini + " --runs 20 -q --set model.settle_rate=1 --out " +
                     quoted(dir.path() / "b"))
              .status == 0);
  REQUIRE(read_file(dir.path() / "a" / "runs.csv") != read_file(dir.path() / "b" / "runs.csv"));
  REQUIRE(read_file(dir.path() / "a" / "manifest.json").find("model.settle_rate=0") !=
          std::string::npos);
}

TEST_CASE("bad input exits 2, lists every problem and writes nothing", "[cli][run][errors]") {
  TempDir dir;
  const fs::path sc = copy_scenario("mini", dir.path());
  // Two problems in two files: a misspelt actor in stances.csv, a number out of range.
  {
    std::string stances = read_file(sc / "stances.csv");
    const auto pos = stances.find("\nALF,");
    REQUIRE(pos != std::string::npos);
    stances.replace(pos, 5, "\nALFF,");
    std::ofstream(sc / "stances.csv", std::ios::binary) << stances;
  }
  {
    std::string ini = read_file(sc / "scenario.ini");
    const auto pos = ini.find("settle_rate");
    REQUIRE(pos != std::string::npos);
    const auto eol = ini.find('\n', pos);
    ini.replace(pos, eol - pos, "settle_rate = 1.5");
    std::ofstream(sc / "scenario.ini", std::ios::binary) << ini;
  }
  // An earlier complete result must survive a bad run untouched.
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  std::ofstream(out / "runs.csv") << "earlier result\n";

  const CliResult r = run_parley("run " + quoted(sc) + " --out " + quoted(out));
  REQUIRE(r.status == 2);
  REQUIRE(r.err.find("stances.csv:") != std::string::npos);
  REQUIRE(r.err.find("'ALFF'") != std::string::npos);
  REQUIRE(r.err.find("did you mean 'ALF'") != std::string::npos);
  REQUIRE(r.err.find("scenario.ini:") != std::string::npos);
  REQUIRE(read_file(out / "runs.csv") == "earlier result\n");
  REQUIRE(std::distance(fs::directory_iterator(out), fs::directory_iterator()) == 1);

  const CliResult v = run_parley("validate " + quoted(sc));
  REQUIRE(v.status == 2);
  REQUIRE(v.err.find("2 error(s)") != std::string::npos);
}

TEST_CASE("bad command lines exit 2 with a message", "[cli][errors]") {
  REQUIRE(run_parley("").status == 2);
  REQUIRE(run_parley("frobnicate").status == 2);
  const CliResult missing = run_parley("run");
  REQUIRE(missing.status == 2);
  REQUIRE(missing.err.find("missing SCENARIO") != std::string::npos);
  const CliResult nofolder = run_parley("run /nonexistent/scenario");
  REQUIRE(nofolder.status == 2);
  REQUIRE(nofolder.err.find("not found") != std::string::npos);
  const CliResult option = run_parley("run " + kMini + " --option hardlin --runs 2");
  REQUIRE(option.status == 2);
  REQUIRE(option.err.find("did you mean 'hardline'") != std::string::npos);
  REQUIRE(run_parley("run " + kMini + " --runs 0").status == 2);
  REQUIRE(run_parley("run " + kMini + " --threads 0").status == 2);
  REQUIRE(run_parley("run " + kMini + " --set model.temperature").status == 2);
  REQUIRE(run_parley("run " + kMini + " --no-such-flag").status == 2);
  // A negative seed is refused, not wrapped around to 2^64-1; the same check serves every command.
  for (const char* command : {"run", "compare", "sweep"}) {
    const TempDir out;
    const std::string extra =
        std::string(command) == "sweep" ? " --vary model.settle_rate=0..1" : "";
    const CliResult seed =
        run_parley(std::string(command) + " " + kMini + extra + " --seed -1 --out " + out.str());
    INFO(command << ": " << seed.err);
    CHECK(seed.status == 2);
    CHECK(seed.err.find("--seed: error: expected a whole number from 0 to") != std::string::npos);
    CHECK(fs::is_empty(out.path()));
  }
}

TEST_CASE("an --out that names a file is bad input: exit 2, the file untouched", "[cli][errors]") {
  const TempDir dir;
  const std::string file = dir.sub("results.txt");
  std::ofstream(file) << "keep me\n";
  // Also through a folder that does not exist: "none/.." must not hide the file.
  for (const std::string& out : {file, file + "/sub", dir.sub("none/../results.txt")}) {
    for (const std::string& command : {"run " + kMini, "compare " + kMini,
                                       "sweep " + kMini + " --vary model.settle_rate=0..1"}) {
      const CliResult r = run_parley(command + " --runs 2 --out '" + out + "'");
      INFO(command << " --out " << out << ": " << r.err);
      CHECK(r.status == 2);
      CHECK(r.err.find("is a file, not a folder; expected a folder") != std::string::npos);
    }
  }
  CHECK(read_file(file) == "keep me\n");
}

TEST_CASE("every command answers --help, and parley --version, with exit status 0", "[cli]") {
  for (const char* cmd : {"--help", "run --help", "validate --help", "forecast --help"}) {
    const CliResult r = run_parley(cmd);
    REQUIRE(r.status == 0);
    REQUIRE(r.out.find("usage") != std::string::npos);
  }
  const CliResult v = run_parley("--version");
  REQUIRE(v.status == 0);
  REQUIRE(v.out.rfind("parley ", 0) == 0);
}

TEST_CASE("validate accepts the test scenario and the default scenario", "[cli][validate]") {
  const CliResult mini = run_parley("validate " + kMini);
  REQUIRE(mini.status == 0);
  REQUIRE(mini.out.find("is valid") != std::string::npos);
  const CliResult afg =
      run_parley("validate " + quoted(fs::path(PARLEY_SOURCE_DIR) / "scenarios/afghanistan-2025"));
  REQUIRE(afg.status == 0);
  REQUIRE(afg.err.empty());  // no warnings either
}

TEST_CASE("a scenario written from the documentation alone validates and runs every option",
          "[cli][run]") {
  // scenarios/arctic-fisheries was written by someone who read only README.md,
  // docs/SCENARIO_FORMAT.md and docs/MODEL.md.
  const std::string arctic = quoted(fs::path(PARLEY_SOURCE_DIR) / "scenarios/arctic-fisheries");
  const CliResult v = run_parley("validate " + arctic);
  REQUIRE(v.status == 0);
  TempDir dir;
  const CliResult r =
      run_parley("run " + arctic + " --runs 40 --option all -q --out " + quoted(dir.path()));
  REQUIRE(r.status == 0);
  const std::string runs = read_file(dir.path() / "runs.csv");
  for (const char* option :
       {"\n0,baseline,", "\n0,science_rule,", "\n0,side_payments,", "\n0,consensus,"})
    REQUIRE(runs.find(option) != std::string::npos);
  REQUIRE_FALSE(fs::exists(dir.path() / "failures.csv"));
}

TEST_CASE("a run without traces leaves no explanation of an earlier run in its folder",
          "[cli][run][explain]") {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  REQUIRE(run_parley("run " + kMini + " --runs 20 -q --out " + quoted(out)).status == 0);
  REQUIRE(fs::exists(out / "explain.json"));
  REQUIRE(nlohmann::json::parse(read_file(out / "manifest.json"))["explain"] == "explain.json");
  REQUIRE(run_parley("run " + kMini + " --runs 20 --trace 0 -q --out " + quoted(out)).status == 0);
  CHECK_FALSE(fs::exists(out / "explain.json"));
  CHECK_FALSE(nlohmann::json::parse(read_file(out / "manifest.json")).contains("explain"));
  // Nothing of either batch is left behind under a temporary name, nor its checkpoint.
  for (const auto& entry : fs::directory_iterator(out))
    CHECK(entry.path().filename().string().front() != '.');
}

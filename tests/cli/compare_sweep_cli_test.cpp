// Tests of `parley compare` and `parley sweep`, run as separate processes on the mini scenario.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/cli.hpp"

namespace fs = std::filesystem;

namespace {

struct Run {
  int status = -1;
  std::string out;  ///< stdout and stderr together
};

Run run_cli(const std::string& args) {
  const parley::test::CliResult r = parley::test::run_parley(args);
  return {r.status, r.all()};
}

const std::string kMini = "'" PARLEY_TEST_DATA "/scenarios/mini'";

using parley::test::TempDir;

std::string slurp(const std::string& path) {
  return parley::test::read_file(path);
}

long lines(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}

}  // namespace

TEST_CASE("compare writes comparison.csv, identical for 1 and 2 threads", "[compare][cli]") {
  const TempDir tmp;
  const Run one = run_cli("compare " + kMini + " --runs 300 --seed 3 -t 1 --out " + tmp.sub("one"));
  REQUIRE(one.status == 0);
  const Run two = run_cli("compare " + kMini + " --runs 300 --seed 3 -t 2 --out " + tmp.sub("two"));
  REQUIRE(two.status == 0);
  const std::string a = slurp(tmp.sub("one") + "/comparison.csv");
  CHECK(a == slurp(tmp.sub("two") + "/comparison.csv"));
  CHECK(a.rfind("option,metric,baseline_mean,option_mean,diff_mean,diff_ci_low,diff_ci_high,"
                "p_greater\n",
                0) == 0);
  CHECK(a.find("\nengage,utility.ALF,") != std::string::npos);
  CHECK(a.find("\nhardline,issue.aid,") != std::string::npos);
  CHECK(fs::exists(tmp.sub("one") + "/manifest.json"));
  // The ranking: per actor, every option with a verdict; the issues side by side.
  CHECK(one.out.find("final utility by actor") != std::string::npos);
  CHECK(one.out.find("  ALF\n") != std::string::npos);
  CHECK(
      (one.out.find("better") != std::string::npos || one.out.find("worse") != std::string::npos));
  CHECK(one.out.find("final status quo") != std::string::npos);
}

TEST_CASE("compare --options and --metrics narrow the output", "[compare][cli]") {
  const TempDir tmp;
  const Run r =
      run_cli("compare " + kMini + " --runs 50 --options hardline --metrics 'utility.*' " +
              "-q --out " + tmp.sub("out"));
  REQUIRE(r.status == 0);
  CHECK(r.out.empty());
  const std::string csv = slurp(tmp.sub("out") + "/comparison.csv");
  CHECK(lines(csv) == 1 + 6);  // utility.X and utility.X.mean for 3 actors, hardline only
  CHECK(csv.find("engage") == std::string::npos);
  CHECK(csv.find("issue.") == std::string::npos);
}

TEST_CASE("compare rejects bad input with exit 2 and writes nothing", "[compare][cli]") {
  const TempDir tmp;
  const Run unknown =
      run_cli("compare " + kMini + " --options engage,hardlin --out " + tmp.sub("a"));
  CHECK(unknown.status == 2);
  CHECK(unknown.out.find("--options 'engage,hardlin': error: at character 8 of the value: "
                         "unknown option 'hardlin' (did you mean 'hardline'?)") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(tmp.sub("a")));

  const Run only_baseline =
      run_cli("compare " + kMini + " --options baseline --out " + tmp.sub("b"));
  CHECK(only_baseline.status == 2);
  CHECK(only_baseline.out.find("nothing to compare") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.sub("b")));

  const Run metrics = run_cli("compare " + kMini + " --metrics 'utilty.*' --out " + tmp.sub("c"));
  CHECK(metrics.status == 2);
  CHECK(metrics.out.find("--metrics 'utilty.*': error: 'utilty.*' matches no metric") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(tmp.sub("c")));

  const Run runs = run_cli("compare " + kMini + " --runs 0 --out " + tmp.sub("d"));
  CHECK(runs.status == 2);
  CHECK_FALSE(fs::exists(tmp.sub("d")));
  const Run min_effect = run_cli("compare " + kMini +
                                 " --min-effect 'utility.*=-1' --min-effect "
                                 "'utilty.*=0.1' --out " +
                                 tmp.sub("e"));
  CHECK(min_effect.status == 2);
  CHECK(min_effect.out.find("--min-effect 'utility.*=-1': error: not GLOB=SIZE; expected a metric "
                            "glob and a number >= 0") != std::string::npos);
  CHECK(min_effect.out.find("--min-effect 'utilty.*=0.1': error: 'utilty.*' matches no metric") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(tmp.sub("e")));
}

TEST_CASE("sweep --design sobol writes sweep.csv and sensitivity.csv, thread-independent",
          "[sweep][cli]") {
  const TempDir tmp;
  const std::string args = "sweep " + kMini +
                           " --vary model.settle_rate=0.05..0.5 --vary salience.ALF.aid=0.2..0.9"
                           " --design sobol --samples 16 --runs-per-sample 10 --seed 4"
                           " --bootstrap 50 --out ";
  const Run one = run_cli(args + tmp.sub("one") + " -t 1");
  REQUIRE(one.status == 0);
  const Run two = run_cli(args + tmp.sub("two") + " -t 2");
  REQUIRE(two.status == 0);
  for (const char* file : {"/sweep.csv", "/sensitivity.csv"})
    CHECK(slurp(tmp.sub("one") + file) == slurp(tmp.sub("two") + file));
  const std::string sweep = slurp(tmp.sub("one") + "/sweep.csv");
  CHECK(sweep.rfind("sample,block,model.settle_rate,salience.ALF.aid,issue.aid,", 0) == 0);
  CHECK(lines(sweep) == 1 + 16 * 4);
  const std::string sens = slurp(tmp.sub("one") + "/sensitivity.csv");
  CHECK(sens.rfind("metric,path,S1,S1_ci,ST,ST_ci,sd,p05,p95\n", 0) == 0);
  CHECK(sens.find("\nissue.aid,salience.ALF.aid,") != std::string::npos);
  CHECK(one.out.find("Sobol' indices") != std::string::npos);
  // Next to its indices, each metric's spread over the design, as in sensitivity.csv.
  CHECK(one.out.find("spread: sd; p05..p95") != std::string::npos);
}

TEST_CASE("sweep warns when a metric's spread is too small for its indices to matter",
          "[sweep][cli]") {
  // A settle rate swept over a sliver of its range moves the utilities by far less than 0.01:
  // their indices share out noise, and the table says so.
  const TempDir tmp;
  const Run r = run_cli("sweep " + kMini +
                        " --vary model.settle_rate=0.2..0.2001 --vary salience.ALF.aid=0.5..0.5001"
                        " --design sobol --samples 16 --runs-per-sample 10 --bootstrap 20"
                        " --metrics 'utility.*' --out " +
                        tmp.sub("s"));
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("! moves less than its min effect over the design") != std::string::npos);
  const size_t row = r.out.find("\n  utility.ALF ");
  REQUIRE(row != std::string::npos);
  const std::string line = r.out.substr(row + 1, r.out.find('\n', row + 1) - row - 1);
  const bool indexed = line.find("(no variation)") == std::string::npos;
  CHECK((line.size() >= 3 && line.substr(line.size() - 3) == "  !") == indexed);
  // And a wide sweep of a salience that drives ALF's utility does not warn about it.
  const Run wide = run_cli("sweep " + kMini +
                           " --vary model.settle_rate=0.05..0.5 --vary salience.ALF.aid=0.05..0.95"
                           " --design sobol --samples 16 --runs-per-sample 10 --bootstrap 20"
                           " --metrics 'utility.ALF' --out " +
                           tmp.sub("w"));
  REQUIRE(wide.status == 0);
  CHECK(wide.out.find("! moves less") == std::string::npos);
}

TEST_CASE("sweep --design grid runs every level combination", "[sweep][cli]") {
  const TempDir tmp;
  const Run r = run_cli("sweep " + kMini +
                        " --vary model.settle_rate=0.1..0.4:4 --vary risk.ALF=-0.5..0.5:3 "
                        "--design grid -r 5 --metrics issue.aid --out " +
                        tmp.sub("g"));
  REQUIRE(r.status == 0);
  const std::string sweep = slurp(tmp.sub("g") + "/sweep.csv");
  CHECK(sweep.rfind("sample,model.settle_rate,risk.ALF,issue.aid\n0,0.1,-0.5,", 0) == 0);
  CHECK(lines(sweep) == 1 + 4 * 3);
  CHECK(sweep.find("\n11,0.4,0.5,") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp.sub("g") + "/sensitivity.csv"));
}

TEST_CASE("sweep rejects bad --vary with exit 2 and writes nothing", "[sweep][cli]") {
  const TempDir tmp;
  struct Case {
    std::string args;
    std::string message;
  };
  const Case cases[] = {
      {"--vary salience.ALF.acces=0..1",
       "--vary 'salience.ALF.acces=0..1': error: at character 14 of the value: unknown issue "
       "'acces' in path; did you mean 'access'?"},
      {"--vary model.settle_rate=0.1..0.4 --vary model.settle_rate=0.5..0.1",
       "--vary 'model.settle_rate=0.5..0.1': error: at character 19 of the value: expected LO "
       "< HI, got 0.5..0.1"},
      {"--vary salience.ALF.aid=0.5..1.5",
       "--vary 'salience.ALF.aid=0.5..1.5': error: at character 23 of the value: "
       "salience.ALF.aid: 0.5..1.5 reaches outside the path's range"},
      {"--vary position.ALF.aid=0..100:1 --design grid",
       "--vary 'position.ALF.aid=0..100:1': error: at character 25 of the value: expected STEPS"},
      {"--vary position.ALF.aid=0..100 --design grid", "--design grid needs the number of levels"},
      {"--vary position.ALF.aid=0..100:3", ":STEPS applies to --design grid only"},
      {"--vary position.ALF.aid=0..100 --option hardlin",
       "--option 'hardlin': error: unknown option 'hardlin' (did you mean 'hardline'?)"},
      {"--vary position.ALF.aid=0..100 --design sobl", "unknown design 'sobl' (did you mean"},
      {"--design lhs", "nothing to vary"},
  };
  int k = 0;
  for (const Case& c : cases) {
    const std::string out = tmp.sub("case" + std::to_string(k++));
    const Run r = run_cli("sweep " + kMini + " " + c.args + " --out " + out);
    INFO(c.args << "\n" << r.out);
    CHECK(r.status == 2);
    CHECK(r.out.find(c.message) != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
}

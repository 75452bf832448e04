// Problems with command-line options are printed as `--flag 'value': error: ...`: the option
// named as typed, with no line or column (a command line has none), and exit status 2.
#include <catch2/catch.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/cli.hpp"

using parley::test::run_parley;
using parley::test::TempDir;

namespace {

const std::string kMini = "'" PARLEY_TEST_DATA "/scenarios/mini'";

}  // namespace

TEST_CASE("problems with options name the option and never a made-up position", "[cli][options]") {
  const TempDir tmp;
  struct Case {
    std::string args;
    std::string first;  ///< the start of the first message
  };
  const Case cases[] = {
      {"run " + kMini + " --option hardlin",
       "--option 'hardlin': error: unknown option 'hardlin' (did you mean 'hardline'?); expected "
       "one of: all, baseline, engage, hardline"},
      {"run " + kMini + " --option engage,hardlin",
       "--option 'engage,hardlin': error: at character 8 of the value: unknown option 'hardlin'"},
      {"run " + kMini + " --set model.temprature=0.1",
       "--set 'model.temprature=0.1': error: at character 7 of the value: unknown model key "
       "'temprature'"},
      {"run " + kMini + " --set 'model.settle_rate=0.1; model.rounds=3'",
       "--set 'model.settle_rate=0.1; model.rounds=3': error: at character 22 of the value: one "
       "--set takes one PATH=VALUE"},
      {"run " + kMini + " --set model.temperature",
       "--set 'model.temperature': error: expected PATH=VALUE"},
      {"run " + kMini + " --runs 0", "--runs: error: expected a whole number of runs >= 1"},
      {"run " + kMini + " --seed x", "--seed: error: expected a whole number from 0"},
      {"compare " + kMini + " --options hardlin", "--options 'hardlin': error: unknown option"},
      {"compare " + kMini + " --metrics 'utility.*,isue.*'",
       "--metrics 'utility.*,isue.*': error: at character 11 of the value: 'isue.*' matches no "
       "metric"},
      {"sweep " + kMini + " --vary model.settle_rate=0.1..0.4 --design sobl",
       "--design 'sobl': error: unknown design 'sobl' (did you mean 'sobol'?)"},
      {"sweep " + kMini + " --vary model.settle_rate=0.1..0.4 --option hardlin",
       "--option 'hardlin': error: unknown option 'hardlin'"},
      {"sweep " + kMini + " --vary model.settle_rate=0.1..0.4 --vary model.settle_rate=0..1",
       "--vary 'model.settle_rate=0..1': error: 'model.settle_rate' is varied twice"},
  };
  // What every message about an option looks like: the flag, its value quoted (or nothing),
  // then the severity. A position would put ':' and digits between the flag and the severity.
  const std::regex shape("^--[a-z-]+( '([^']|'\\\\'')*')?: (error|warning): .*");
  int k = 0;
  for (const Case& c : cases) {
    const std::string out = tmp.sub("out" + std::to_string(k++));
    const auto r = run_parley(c.args + " --out '" + out + "'");
    INFO(c.args << "\n" << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.rfind(c.first, 0) == 0);
    std::istringstream lines(r.err);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("--", 0) == 0) CHECK(std::regex_match(line, shape));
  }
}

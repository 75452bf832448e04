// A run that fails (a capability multiplied to infinity) is listed in failures.csv with its run
// index and reason, keeps its row in runs.csv, and does not stop the batch.
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "tests/support/cli.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

TEST_CASE("failed runs are recorded and the batch completes", "[cli][run][failures]") {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  const CliResult r =
      run_parley("run " + quoted(fs::path(PARLEY_TEST_DATA) / "scenarios/overflow") +
                 " --runs 200 --threads 2 --out " + quoted(out));
  REQUIRE(r.status == 0);
  REQUIRE(r.out.find("run(s) failed; see failures.csv") != std::string::npos);
  const std::string failures = read_file(out / "failures.csv");
  REQUIRE(failures.rfind("run,option,reason\n", 0) == 0);
  std::istringstream lines(failures);
  std::string line;
  std::getline(lines, line);  // header
  int failed = 0;
  const std::string runs = read_file(out / "runs.csv");
  while (std::getline(lines, line)) {
    ++failed;
    // run index, option, reason naming the non-finite metric
    const std::string run = line.substr(0, line.find(','));
    REQUIRE(line.find(",baseline,non-finite value of ") != std::string::npos);
    // The failed run still has its row in runs.csv, with its parameters and empty metrics.
    REQUIRE(runs.find("\n" + run + ",baseline,") != std::string::npos);
  }
  // Some runs fail and most do not: the batch went on past every failure.
  REQUIRE(failed > 0);
  REQUIRE(failed < 100);
  REQUIRE(std::count(runs.begin(), runs.end(), '\n') == 201);
  REQUIRE(read_file(out / "manifest.json").find("\"failed_runs\": " + std::to_string(failed)) !=
          std::string::npos);
  // The statistics count only the runs that finished.
  const std::string summary = read_file(out / "summary.csv");
  REQUIRE(summary.find("baseline,issue.aid,") != std::string::npos);
}

TEST_CASE("a batch that cannot write its checkpoint stops with exit 1 and writes no results",
          "[cli][run][sweep][failures]") {
  // The checkpoint's temporary file leads to /dev/full, so the first checkpoint fails with
  // "No space left on device" (root or not). That exception comes on the writer's thread (run)
  // or on a worker thread (sweep over many chunks with several threads); either way the process
  // must report it and exit 1, not end in std::terminate, and must commit no result file.
  if (!fs::exists("/dev/full")) {
    WARN("no /dev/full: not tested");
    return;
  }
  const std::string mini = quoted(fs::path(PARLEY_TEST_DATA) / "scenarios/mini");
  const std::string commands[] = {
      "run " + mini + " --runs 200000 --threads 2 --checkpoint-every 0.01",
      "sweep " + mini +
          " --vary model.settle_rate=0.05..0.5 --samples 2000 --runs-per-sample 4 --threads 2"
          " --checkpoint-every 0.01"};
  for (const std::string& command : commands) {
    INFO(command);
    TempDir dir;
    const fs::path out = dir.path() / "out";
    fs::create_directories(out);
    fs::create_symlink("/dev/full", out / ".checkpoint.tmp");
    const CliResult r = run_parley(command + " --quiet --out " + quoted(out));
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(r.err.find("cannot write the checkpoint in '" + out.string() +
                     "': No space left on device") != std::string::npos);
    CHECK(r.err.find("the batch was stopped") != std::string::npos);
    for (const char* file : {"manifest.json", "summary.csv", "runs.csv", "sweep.csv"})
      CHECK_FALSE(fs::exists(out / file));
  }
}

// `parley run --resume`: a batch killed with SIGKILL at a checkpoint (twice) and resumed ends
// with files byte-identical to an uninterrupted batch's; a checkpoint of another batch is
// refused with exit 2; leftovers are discarded without --resume.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/support/cli.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

const std::string kDefault = (fs::path(PARLEY_SOURCE_DIR) / "scenarios/afghanistan-2025").string();

// manifest.json without its command line (the one field that differs after --resume).
std::string manifest_without_command(const fs::path& dir) {
  std::string m = read_file(dir / "manifest.json");
  const size_t at = m.find("  \"command_line\"");
  REQUIRE(at != std::string::npos);
  return m.substr(0, at);
}

}  // namespace

TEST_CASE("a batch killed twice and resumed equals an uninterrupted batch", "[cli][resume]") {
  TempDir dir;
  const fs::path killed = dir.path() / "killed", whole = dir.path() / "whole";
  const std::vector<std::string> common = {"run",     kDefault, "--runs",   "1500",
                                           "--seed",  "7",      "--option", "baseline,engage",
                                           "--trace", "40",     "-q",       "--checkpoint-every",
                                           "0.05"};
  auto args = common;
  args.insert(args.end(), {"--threads", "2", "--out", killed.string()});
  REQUIRE(run_and_kill(args, killed));
  REQUIRE_FALSE(fs::exists(killed / "runs.csv"));  // it really was cut short
  REQUIRE(fs::exists(killed / ".runs.csv.partial"));

  // Resume, and kill the resumed batch too at its next checkpoint.
  auto again = args;
  again.push_back("--resume");
  const bool second_kill = run_and_kill(again, killed);
  CHECK(second_kill);  // (if the resume happened to finish first, the test still holds)

  std::string quoted_args;
  for (const auto& a : again) quoted_args += " " + quoted(fs::path(a));
  const CliResult done = run_parley(quoted_args.substr(1));
  REQUIRE(done.status == 0);

  std::string whole_args;
  for (const auto& a : common) whole_args += " " + quoted(fs::path(a));
  REQUIRE(run_parley(whole_args.substr(1) + " --threads 1 --out " + quoted(whole)).status == 0);

  for (const char* f : {"runs.csv", "events.csv", "summary.csv", "trajectory.csv", "histograms.csv",
                        "explain.json"}) {
    CAPTURE(f);
    REQUIRE(read_file(killed / f) == read_file(whole / f));
  }
  // The manifest differs only in its command line (--resume) and thread count.
  std::string a = manifest_without_command(killed), b = manifest_without_command(whole);
  const auto drop_threads = [](std::string& m) {
    const size_t at = m.find("  \"threads\"");
    m.erase(at, m.find('\n', at) + 1 - at);
  };
  drop_threads(a);
  drop_threads(b);
  REQUIRE(a == b);
  // Nothing of the checkpoint machinery is left behind.
  for (const auto& entry : fs::directory_iterator(killed)) {
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    REQUIRE(name[0] != '.');
  }
}

TEST_CASE("run --resume refuses the checkpoint of another batch with exit 2", "[cli][resume]") {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  const std::vector<std::string> args = {"run",       kDefault, "--runs",    "1500",
                                         "--threads", "1",      "-q",        "--checkpoint-every",
                                         "0.05",      "--out",  out.string()};
  REQUIRE(run_and_kill(args, out));
  std::string line;
  for (const auto& a : args) line += " " + quoted(fs::path(a));
  const CliResult other = run_parley(line.substr(1) + " --seed 99 --resume");
  REQUIRE(other.status == 2);
  REQUIRE(other.err.find("different batch") != std::string::npos);
  REQUIRE(other.err.find("seed: was 2025, now 99") != std::string::npos);
  REQUIRE(fs::exists(out / ".checkpoint"));  // left as it was
  // Without --resume the leftovers are discarded and the batch starts afresh.
  const CliResult fresh =
      run_parley("run " + quoted(fs::path(kDefault)) + " --runs 40 -q --out " + quoted(out));
  REQUIRE(fresh.status == 0);
  REQUIRE_FALSE(fs::exists(out / ".checkpoint"));
  REQUIRE_FALSE(fs::exists(out / ".runs.csv.partial"));
  const std::string runs = read_file(out / "runs.csv");
  REQUIRE(std::count(runs.begin(), runs.end(), '\n') == 41);
}

TEST_CASE("run --resume without a checkpoint runs the whole batch", "[cli][resume]") {
  TempDir dir;
  const CliResult r = run_parley("run " + quoted(fs::path(PARLEY_TEST_DATA) / "scenarios/mini") +
                                 " --runs 50 -q --resume --out " + quoted(dir.path() / "out"));
  REQUIRE(r.status == 0);
  REQUIRE(fs::exists(dir.path() / "out" / "manifest.json"));
  REQUIRE_FALSE(fs::exists(dir.path() / "out" / ".checkpoint"));
}

// `parley compare --resume` and `parley sweep --resume`: a comparison or sweep killed with
// SIGKILL at a checkpoint and resumed (with another thread count) ends with files
// byte-identical to an uninterrupted one's; a checkpoint of another comparison or sweep is
// refused with exit 2.
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

std::string joined(const std::vector<std::string>& args) {
  std::string line;
  for (const auto& a : args) line += " " + quoted(fs::path(a));
  return line.substr(1);
}

// manifest.json without its command line and thread count (the fields that differ).
std::string manifest_core(const fs::path& dir) {
  std::string m = read_file(dir / "manifest.json");
  const size_t at = m.find("  \"command_line\"");
  REQUIRE(at != std::string::npos);
  m = m.substr(0, at);
  const size_t threads = m.find("  \"threads\"");
  REQUIRE(threads != std::string::npos);
  m.erase(threads, m.find('\n', threads) + 1 - threads);
  return m;
}

// Kills `common` + killed-folder arguments at a checkpoint, resumes it (killing it once more if
// it can), finishes it, runs it whole in another folder, and compares `files`.
void check_kill_and_resume(const std::vector<std::string>& common,
                           const std::vector<std::string>& files, const char* partial) {
  TempDir dir;
  const fs::path killed = dir.path() / "killed", whole = dir.path() / "whole";
  auto args = common;
  args.insert(args.end(),
              {"--threads", "2", "--checkpoint-every", "0.05", "--out", killed.string()});
  REQUIRE(run_and_kill(args, killed));
  REQUIRE_FALSE(fs::exists(killed / "manifest.json"));  // it really was cut short
  REQUIRE(fs::exists(killed / partial));

  // Resume on one thread, and kill the resumed one too at its next checkpoint if it gets there.
  auto again = common;
  again.insert(again.end(), {"--threads", "1", "--checkpoint-every", "0.05", "--out",
                             killed.string(), "--resume"});
  (void)run_and_kill(again, killed);  // (if it finished first, the test still holds)
  const CliResult done = run_parley(joined(again));
  REQUIRE(done.status == 0);

  REQUIRE(run_parley(joined(common) + " --threads 3 --out " + quoted(whole)).status == 0);
  for (const std::string& f : files) {
    CAPTURE(f);
    REQUIRE(fs::exists(whole / f));
    REQUIRE(read_file(killed / f) == read_file(whole / f));
  }
  REQUIRE(manifest_core(killed) == manifest_core(whole));
  // Nothing of the checkpoint machinery is left behind, and no other file.
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(killed)) {
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    REQUIRE(name[0] != '.');
    ++count;
  }
  REQUIRE(count == files.size() + 1);
}

}  // namespace

TEST_CASE("a comparison killed and resumed equals an uninterrupted one", "[cli][resume]") {
  check_kill_and_resume({"compare", kDefault, "--runs", "3000", "--seed", "7", "--metrics",
                         "utility.*,issue.*", "-q"},
                        {"comparison.csv"}, ".comparison.csv.partial");
}

TEST_CASE("a sweep killed and resumed equals an uninterrupted one", "[cli][resume]") {
  SECTION("chunks one after the other, runs spread over threads") {
    check_kill_and_resume({"sweep", kDefault, "--vary", "model.settle_rate=0.1..0.4", "--samples",
                           "80", "--runs-per-sample", "320", "--seed", "5", "-q"},
                          {"sweep.csv"}, ".sweep.csv.partial");
  }
  SECTION("chunks in parallel (few runs per sample), with sensitivity indices") {
    check_kill_and_resume(
        {"sweep", kDefault, "--design", "sobol", "--vary", "model.settle_rate=0.1..0.4", "--vary",
         "model.influence_rate=0.05..0.2", "--samples", "80", "--runs-per-sample", "32",
         "--bootstrap", "50", "--seed", "5", "-q"},
        {"sweep.csv", "sensitivity.csv"}, ".sweep.csv.partial");
  }
}

TEST_CASE("compare and sweep --resume refuse another batch's checkpoint with exit 2",
          "[cli][resume]") {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  const std::vector<std::string> compare = {
      "compare", kDefault, "--runs",    "3000", "--threads", "1", "-q", "--checkpoint-every",
      "0.05",    "--out",  out.string()};
  REQUIRE(run_and_kill(compare, out));
  const CliResult other = run_parley(joined(compare) + " --metrics 'utility.*' --resume");
  REQUIRE(other.status == 2);
  REQUIRE(other.err.find("different batch") != std::string::npos);
  REQUIRE(other.err.find("metrics: was") != std::string::npos);
  REQUIRE(fs::exists(out / ".checkpoint"));  // left as it was

  const CliResult sweep =
      run_parley("sweep " + quoted(fs::path(kDefault)) +
                 " --vary model.settle_rate=0.1..0.4 --samples 8 -q --resume --out " + quoted(out));
  REQUIRE(sweep.status == 2);
  REQUIRE(sweep.err.find("holds an unfinished `parley compare` batch") != std::string::npos);

  // Without --resume the leftovers are discarded and the comparison starts afresh.
  const CliResult fresh = run_parley("compare " + quoted(fs::path(kDefault)) +
                                     " --runs 40 --seed 3 -q --out " + quoted(out));
  REQUIRE(fresh.status == 0);
  REQUIRE_FALSE(fs::exists(out / ".checkpoint"));
  REQUIRE_FALSE(fs::exists(out / ".comparison.csv.partial"));
  REQUIRE(fs::exists(out / "comparison.csv"));
}

TEST_CASE("a batch of another command never discards an unfinished comparison", "[cli][resume]") {
  TempDir dir;
  const fs::path out = dir.path() / "out", whole = dir.path() / "whole";
  const std::vector<std::string> compare = {"compare", kDefault,    "--runs",    "3000", "--seed",
                                            "4",       "--metrics", "utility.*", "-q"};
  auto killed = compare;
  killed.insert(killed.end(),
                {"--threads", "1", "--checkpoint-every", "0.05", "--out", out.string()});
  REQUIRE(run_and_kill(killed, out));
  const std::string checkpoint = read_file(out / ".checkpoint");

  // Neither a sweep nor a run may start afresh there (without --resume), and both say why.
  const CliResult sweep =
      run_parley("sweep " + quoted(fs::path(kDefault)) +
                 " --vary model.settle_rate=0.1..0.4 --samples 8 -q --out " + quoted(out));
  REQUIRE(sweep.status == 2);
  REQUIRE(sweep.err.find("holds an unfinished `parley compare` batch") != std::string::npos);
  REQUIRE(sweep.err.find("another --out") != std::string::npos);
  const CliResult run =
      run_parley("run " + quoted(fs::path(kDefault)) + " --runs 50 -q --out " + quoted(out));
  REQUIRE(run.status == 2);
  REQUIRE(run.err.find("holds an unfinished `parley compare` batch") != std::string::npos);
  REQUIRE(read_file(out / ".checkpoint") == checkpoint);
  REQUIRE_FALSE(fs::exists(out / "sweep.csv"));
  REQUIRE_FALSE(fs::exists(out / "runs.csv"));

  // The comparison still resumes, to the same file as an uninterrupted one.
  REQUIRE(run_parley(joined(compare) + " --threads 2 --resume --out " + quoted(out)).status == 0);
  REQUIRE(run_parley(joined(compare) + " --threads 2 --out " + quoted(whole)).status == 0);
  REQUIRE(read_file(out / "comparison.csv") == read_file(whole / "comparison.csv"));
}

// BatchJob: the settings checks, the fingerprint a checkpoint is resumed by, the manifest's
// common fields, and the commit order shared by run, compare and sweep.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/batch/job.hpp"
#include "engine/batch/mpi.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/tiny.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

// MPI (when built in) must be up before BatchJob::open shares its outcome among the ranks.
void mpi_up() {
  static const mpi::Session session;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

JobSettings settings_in(const fs::path& dir) {
  JobSettings s;
  s.command = "run";
  s.out_dir = dir.string();
  s.threads = 3;
  s.checkpoint_seconds = 1.0;
  s.overrides = {"model.settle_rate=0.3"};
  s.given = "x > 50";
  s.command_line = "parley run tiny";
  s.ranks = 1;
  return s;
}

}  // namespace

TEST_CASE("job settings out of range are errors named by their option", "[batch][job]") {
  JobSettings s;
  s.threads = 0;
  s.checkpoint_seconds = 0.001;
  Diagnostics diag;
  check_job_settings(s, diag);
  std::ostringstream out;
  diag.print(out);
  CHECK(diag.error_count() == 2);
  CHECK(out.str().find("--threads: error: expected 1 to 1024 threads, got 0") != std::string::npos);
  CHECK(out.str().find("--checkpoint-every: error: expected 0.01 to 3600 seconds") !=
        std::string::npos);

  Diagnostics ok;
  s.threads = 1024;
  s.checkpoint_seconds = 3600;
  check_job_settings(s, ok);
  CHECK_FALSE(ok.has_errors());

  Diagnostics runs;
  CHECK(checked_runs(0, "--runs-per-sample", runs) == 1);
  CHECK(runs.error_count() == 1);
  CHECK(checked_runs(7, "--runs", runs) == 7);
  CHECK(runs.error_count() == 1);
}

TEST_CASE("a job's manifest carries the settings every command shares", "[batch][job]") {
  test::TempDir dir;
  const Scenario sc = test::tiny_scenario();
  const BatchJob job(settings_in(dir.path()), sc, 42, {"runs.csv"});
  const Manifest m = job.manifest();
  CHECK(m.command == "run");
  CHECK(m.scenario_name == "tiny");
  CHECK(m.scenario_folder == sc.folder);
  CHECK(m.content_hash == sc.content_hash);
  CHECK(m.seed == 42);
  CHECK(m.threads == 3);
  CHECK(m.ranks == 1);
  CHECK(m.overrides == std::vector<std::string>{"model.settle_rate=0.3"});
  CHECK(m.given == "x > 50");
  CHECK(m.command_line == "parley run tiny");
  // The fingerprint starts with what identifies any batch.
  CHECK(BatchFingerprint::field(job.fingerprint().text(), "command") == "run");
  CHECK(BatchFingerprint::field(job.fingerprint().text(), "seed") == "42");
}

TEST_CASE("a job commits its files, the manifest last, and removes what would mislead",
          "[batch][job]") {
  mpi_up();
  test::TempDir dir;
  const fs::path out = dir.path() / "out";
  const Scenario sc = test::tiny_scenario();
  // What an earlier batch left: files this one does not produce.
  fs::create_directories(out);
  for (const char* stale : {"given.csv", "failures.csv"}) std::ofstream(out / stale) << "old\n";

  BatchJob job(settings_in(out), sc, 1, {"runs.csv", "failures.csv"});
  job.add_fingerprint("runs", "10");
  std::string error;
  REQUIRE(job.open(true, error) == 0);
  CHECK_FALSE(job.resumed());
  CHECK(job.resume_runs() == 0);
  job.output().file(0).write("run\n0\n");
  job.output().save(1, "state");
  REQUIRE(fs::exists(out / ResumableOutput::kCheckpointName));
  // The checkpoint records the shared tail of the fingerprint.
  const std::string fingerprint = job.fingerprint().text();
  CHECK(BatchFingerprint::field(fingerprint, "overrides") == "model.settle_rate=0.3");
  CHECK(BatchFingerprint::field(fingerprint, "given") == "x > 50");
  CHECK(BatchFingerprint::field(fingerprint, "runs") == "10");
  CHECK_FALSE(BatchFingerprint::field(fingerprint, "block").empty());

  job.add_file("summary.csv", "option,metric\n");
  job.drop_file("given.csv");
  job.drop_stream(1);
  REQUIRE(job.commit("{\"manifest\": true}\n"));
  CHECK(slurp(out / "runs.csv") == "run\n0\n");
  CHECK(slurp(out / "summary.csv") == "option,metric\n");
  CHECK(slurp(out / "manifest.json") == "{\"manifest\": true}\n");
  CHECK_FALSE(fs::exists(out / "given.csv"));
  CHECK_FALSE(fs::exists(out / "failures.csv"));
  CHECK_FALSE(fs::exists(out / ".failures.csv.partial"));
  CHECK_FALSE(fs::exists(out / ResumableOutput::kCheckpointName));
}

TEST_CASE("a job that cannot finish keeps its checkpoint and writes no manifest", "[batch][job]") {
  mpi_up();
  test::TempDir dir;
  const Scenario sc = test::tiny_scenario();
  BatchJob job(settings_in(dir.path()), sc, 1, {"runs.csv"});
  std::string error;
  REQUIRE(job.open(true, error) == 0);
  job.output().save(0, "");
  job.add_file("summary.csv", "x\n");
  CHECK_FALSE(job.commit("{}\n", false));  // an observer's file could not be made
  CHECK_FALSE(fs::exists(dir.path() / "manifest.json"));
  CHECK(fs::exists(dir.path() / ResumableOutput::kCheckpointName));
}

TEST_CASE("a job resumes only the batch of its checkpoint", "[batch][job][resume]") {
  mpi_up();
  test::TempDir dir;
  const Scenario sc = test::tiny_scenario();
  {
    BatchJob first(settings_in(dir.path()), sc, 1, {"runs.csv"});
    first.add_fingerprint("runs", "10");
    std::string error;
    REQUIRE(first.open(true, error) == 0);
    first.output().file(0).write("header\nrow\n");
    first.output().save(4, "four");
  }  // killed: the partial file and the checkpoint stay
  JobSettings again = settings_in(dir.path());
  again.resume = true;
  {
    BatchJob other(again, sc, 1, {"runs.csv"});
    other.add_fingerprint("runs", "20");
    std::string error;
    CHECK(other.open(true, error) == 2);
    CHECK(error.find("belongs to a different batch") != std::string::npos);
    CHECK(error.find("runs: was 10, now 20") != std::string::npos);
  }
  BatchJob same(again, sc, 1, {"runs.csv"});
  same.add_fingerprint("runs", "10");
  std::string error;
  REQUIRE(same.open(true, error) == 0);
  CHECK(same.resumed());
  CHECK(same.resume_runs() == 4);
  CHECK(same.output().resume_state() == "four");
  CHECK(same.output().file(0).size() == 11);
}

TEST_CASE("a file where the job's folder should be is a bad --out", "[batch][job]") {
  mpi_up();
  test::TempDir dir;
  std::ofstream(dir.path() / "taken") << "x";
  const Scenario sc = test::tiny_scenario();
  BatchJob job(settings_in(dir.path() / "taken" / "out"), sc, 1, {"runs.csv"});
  std::string error;
  CHECK(job.open(true, error) == 2);
  CHECK(error.rfind("--out: error: '", 0) == 0);
  CHECK(error.find("is a file, not a folder") != std::string::npos);
}

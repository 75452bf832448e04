// AtomicFile::commit and the checkpoint make their files durable: the file's bytes are synced
// before the rename, the folder after it, and a failure of either is a failed commit, never
// ignored. fsync is replaced for this test program by a spy (below) that records what was synced
// and can fail on demand; it forwards to the C library's fsync otherwise.
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "engine/batch/checkpoint.hpp"
#include "engine/io/atomic_file.hpp"
#include "tests/support/cli.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

/// What the fsync spy saw, and whether it should fail. Active only inside a Spying scope.
struct SyncSpy {
  bool active = false;
  bool fail_files = false;    // fsync of a regular file fails with EIO
  bool fail_folders = false;  // fsync of a folder fails with EIO
  std::string watched;        // a final path: did it exist when each sync happened?
  int files = 0;
  int folders = 0;
  int files_while_watched_missing = 0;   // file syncs before the final name existed
  int folders_while_watched_exists = 0;  // folder syncs after it existed
};

SyncSpy& spy() {
  static SyncSpy s;
  return s;
}

/// Turns the spy on for a scope, with fresh counts.
class Spying {
 public:
  explicit Spying(std::string watched) {
    spy() = SyncSpy{};
    spy().watched = std::move(watched);
    spy().active = true;
  }
  ~Spying() { spy() = SyncSpy{}; }
  Spying(const Spying&) = delete;
  Spying& operator=(const Spying&) = delete;
};

}  // namespace

// Interposes the C library's fsync for this program (the engine calls it through the dynamic
// symbol): records each call while the spy is active and forwards to the real one.
extern "C" int fsync(int fd) {
  using Real = int (*)(int);
  static const auto real = reinterpret_cast<Real>(::dlsym(RTLD_NEXT, "fsync"));
  SyncSpy& s = spy();
  struct stat st {};
  if (s.active && ::fstat(fd, &st) == 0) {
    std::error_code ec;
    const bool exists = !s.watched.empty() && fs::exists(s.watched, ec);
    if (S_ISDIR(st.st_mode)) {
      ++s.folders;
      if (exists) ++s.folders_while_watched_exists;
      if (s.fail_folders) {
        errno = EIO;
        return -1;
      }
    } else if (S_ISREG(st.st_mode)) {
      ++s.files;
      if (!exists) ++s.files_while_watched_missing;
      if (s.fail_files) {
        errno = EIO;
        return -1;
      }
    }
  }
  return real(fd);
}

TEST_CASE("commit syncs the file before the rename and the folder after it", "[io][atomic]") {
  test::TempDir tmp;
  const std::string final_path = tmp.sub("summary.csv");
  Spying spying(final_path);
  AtomicFile f(tmp.str(), "summary.csv");
  REQUIRE(f.ok());
  f.write("option,metric\n");
  REQUIRE(f.commit());
  CHECK(test::read_file(final_path) == "option,metric\n");
  // The file's bytes reached the disk while the final name did not exist yet...
  CHECK(spy().files == 1);
  CHECK(spy().files_while_watched_missing == 1);
  // ...and the folder, which holds the rename, after it.
  CHECK(spy().folders >= 1);
  CHECK(spy().folders_while_watched_exists >= 1);
}

TEST_CASE("a failing fsync fails the commit and keeps the old file", "[io][atomic]") {
  test::TempDir tmp;
  const std::string final_path = tmp.sub("manifest.json");
  {
    AtomicFile old(tmp.str(), "manifest.json");
    old.write("old");
    REQUIRE(old.commit());
  }
  Spying spying(final_path);
  spy().fail_files = true;
  AtomicFile f(tmp.str(), "manifest.json");
  f.write("new");
  CHECK_FALSE(f.commit());
  CHECK(test::read_file(final_path) == "old");
  CHECK_FALSE(fs::exists(f.temp_path()));  // a unique temporary file is removed on failure
}

TEST_CASE("a failing fsync of the folder fails the commit", "[io][atomic]") {
  test::TempDir tmp;
  Spying spying(tmp.sub("summary.csv"));
  spy().fail_folders = true;
  AtomicFile f(tmp.str(), "summary.csv");
  f.write("x");
  // The rename happened (the new bytes are in place), but it may not survive a power cut.
  CHECK_FALSE(f.commit());
  CHECK_FALSE(sync_folder(tmp.str()));
}

TEST_CASE("a failing rename fails the commit", "[io][atomic]") {
  test::TempDir tmp;
  // A non-empty folder under the final name cannot be replaced by a file.
  fs::create_directories(tmp.path() / "runs.csv" / "inside");
  AtomicFile f(tmp.str(), "runs.csv");
  f.write("x");
  CHECK_FALSE(f.commit());
  CHECK(fs::is_directory(tmp.path() / "runs.csv"));
}

TEST_CASE("sync_folder succeeds on a folder and fails on a missing one", "[io][atomic]") {
  test::TempDir tmp;
  CHECK(sync_folder(tmp.str()));
  CHECK_FALSE(sync_folder(tmp.sub("missing")));
}

TEST_CASE("a checkpoint whose folder cannot be synced is a failed checkpoint", "[io][atomic]") {
  test::TempDir tmp;
  BatchFingerprint fp;
  fp.add("command", "run");
  ResumableOutput out(tmp.str(), {"runs.csv"}, fp);
  std::string error;
  REQUIRE(out.open(false, error) == 0);
  out.file(0).write("run\n");
  {
    Spying spying(tmp.sub(ResumableOutput::kCheckpointName));
    spy().fail_folders = true;
    // The batch must stop: a checkpoint that may not survive a power cut is no checkpoint.
    CHECK_THROWS_AS(out.save(0, "STATE"), std::runtime_error);
  }
  CHECK_FALSE(out.ok());
}

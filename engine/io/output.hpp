#pragma once
/// \file
/// Writing result files safely: each file is written under a temporary name in its folder and
/// renamed over the final name only when complete, so a killed run never leaves a half file that
/// looks whole, and an earlier complete result is replaced only by a complete one.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/runner.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// How an AtomicFile names its temporary file.
enum class PartialName : std::uint8_t {
  unique,  ///< `.<name>.<pid>.partial`: concurrent writers never share it; removed if not committed
  stable,  ///< `.<name>.partial`: a later process can find it to resume (see ResumableOutput);
           ///< kept if not committed. The caller must hold the folder's lock (FolderLock).
};

/// Tag for the constructor that continues an existing stable partial file.
struct ResumeAt {
  std::uint64_t length = 0;  ///< bytes to keep; anything after them is cut
};

/// A file written under a temporary name and renamed into place by commit().
class AtomicFile {
 public:
  /// Opens a new, empty temporary file for `<dir>/<name>`. Check ok() before use.
  AtomicFile(std::string dir, std::string name, PartialName partial = PartialName::unique);
  /// Continues the stable partial file of `<dir>/<name>` after its first `at.length` bytes. If
  /// that is missing but `<dir>/<name>` itself holds at least as many bytes (a process killed
  /// while committing), that file is taken back. ok() is false, and nothing is removed, if
  /// neither exists or the file is shorter than `at.length`.
  AtomicFile(std::string dir, std::string name, ResumeAt at);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// True while the file is open and no write has failed.
  [[nodiscard]] bool ok() const noexcept { return file_ != nullptr && !failed_; }
  /// Appends bytes.
  void write(std::string_view bytes) noexcept;
  /// Bytes in the file so far (including those kept by a resume).
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  /// Pushes every byte written so far to the disk (fflush + fdatasync). False on failure.
  [[nodiscard]] bool sync() noexcept;
  /// Flushes, closes and renames to the final name. Returns false (and leaves the final name
  /// untouched) on any failure.
  [[nodiscard]] bool commit();
  /// Closes and removes the temporary file (for an output that turned out not to be needed).
  void discard() noexcept;
  /// The final path.
  [[nodiscard]] const std::string& path() const noexcept { return final_; }
  /// The temporary path.
  [[nodiscard]] const std::string& temp_path() const noexcept { return temp_; }

 private:
  std::string temp_;
  std::string final_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
  bool keep_ = false;  // stable partials survive a failure, for --resume
  std::uint64_t size_ = 0;
};

/// An exclusive advisory lock (flock) on a folder, held while the object lives, so that two
/// batches never write into one folder's stable partial files at once. The kernel drops it
/// when the process dies, however it dies, so a killed batch never leaves a stale lock.
class FolderLock {
 public:
  /// Tries to lock `dir` (which must exist) without waiting. Check locked().
  explicit FolderLock(const std::string& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  /// True when this process holds the lock.
  [[nodiscard]] bool locked() const noexcept { return locked_; }

 private:
  int fd_ = -1;
  bool locked_ = false;
};

/// Creates `dir` and its parents. Returns false with a message in `error` on failure.
[[nodiscard]] bool make_directories(const std::string& dir, std::string& error);

/// What manifest.json records about a batch.
struct Manifest {
  std::string scenario_name;
  std::string scenario_folder;
  std::uint64_t content_hash = 0;
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;
  int threads = 1;  ///< threads per rank
  int ranks = 1;    ///< MPI ranks; written only when > 1
  std::vector<std::string> options;
  std::vector<std::string> overrides;  ///< --set arguments as given
  std::string command_line;
  std::uint64_t failed = 0;
};

/// manifest.json text (a small, stable JSON object).
[[nodiscard]] std::string manifest_json(const Manifest& m);

/// summary.csv text: option,metric,mean,sd,p05,p50,p95.
[[nodiscard]] std::string summary_csv(const MetricCatalog& catalog,
                                      const std::vector<std::string>& option_names,
                                      const BatchResult& result);

/// trajectory.csv text: option,turn,metric,mean,p05,p50,p95.
[[nodiscard]] std::string trajectory_csv(const MetricCatalog& catalog,
                                         const std::vector<std::string>& option_names,
                                         const BatchResult& result, int turns);

}  // namespace parley

#pragma once
/// \file
/// Writing result files safely: each file is written under a temporary name in its folder and
/// renamed over the final name only when complete, so a killed run never leaves a half file that
/// looks whole, and an earlier complete result is replaced only by a complete one.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
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
  /// Flushes, fsyncs, closes and renames to the final name, then fsyncs the folder, so that
  /// after a power cut the final name holds either its old content or all of the new one (never
  /// an empty file whose checkpoint is gone). Returns false on any failure: a failed flush,
  /// fsync, close or rename leaves the final name untouched; a failed fsync of the folder comes
  /// after the rename, so the new content is in place but may not survive a power cut.
  [[nodiscard]] bool commit();
  /// Closes and removes the temporary file (for an output that turned out not to be needed).
  void discard() noexcept;
  /// The final path.
  [[nodiscard]] const std::string& path() const noexcept { return final_; }
  /// The temporary path.
  [[nodiscard]] const std::string& temp_path() const noexcept { return temp_; }

 private:
  std::string dir_;
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

/// fsyncs the folder `dir`, which makes the creations, renames and removals in it so far
/// survive a power cut. True on success, and also when the file system has no such operation
/// for folders (EINVAL, ENOTSUP: there is nothing to wait for); false on any other failure
/// (the folder cannot be opened, an I/O error).
[[nodiscard]] bool sync_folder(const std::string& dir) noexcept;

/// Creates `dir` and its parents. Returns false with a message in `error` on failure.
[[nodiscard]] bool make_directories(const std::string& dir, std::string& error);

/// One varied input of a sweep, as manifest.json records it.
struct ManifestVary {
  std::string path;  ///< canonical path text, also the column name in sweep.csv
  double lo = 0.0;   ///< lower end of the range
  double hi = 1.0;   ///< upper end of the range
  int steps = 0;     ///< grid levels, 0 when not given
};

/// What manifest.json records of a sweep's design.
struct ManifestSweep {
  std::string design;                ///< "lhs", "grid" or "sobol"
  std::uint64_t samples = 0;         ///< sample points (rows of sweep.csv)
  std::uint64_t base_rows = 0;       ///< Sobol' designs: N (samples = N x (paths + 2)); else 0
  std::vector<ManifestVary> vary;    ///< the varied inputs, in column order
  std::vector<std::string> metrics;  ///< the metric columns of sweep.csv
};

/// What manifest.json records about a batch.
struct Manifest {
  std::string command;  ///< "run", "compare" or "sweep": which files the folder holds
  std::string scenario_name;
  std::string scenario_folder;
  std::uint64_t content_hash = 0;
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;   ///< runs per option (compare: paired runs; sweep: runs per sample)
  std::uint64_t trace = 0;  ///< run: runs whose events events.csv holds (--trace); else unused
  int threads = 1;          ///< threads per rank
  int ranks = 1;            ///< MPI ranks; written only when > 1
  std::vector<std::string> options;
  std::vector<std::string> overrides;  ///< --set arguments as given
  /// run and compare: the --given condition as written (empty: none; then not written).
  std::string given;
  std::string command_line;
  std::uint64_t failed = 0;
  ManifestSweep sweep;  ///< written only when command is "sweep"
  /// compare: each reported metric's min effect (in its unit) that its verdicts used.
  std::vector<std::pair<std::string, double>> min_effects;
  /// run: the file holding the explanation of the first traced run of each option
  /// ("explain.json"); empty (not written) when no run was traced.
  std::string explain;
};

/// manifest.json text: the batch's settings, then under "scenario_info" what a reader of the
/// results needs to know of the scenario (title, turns, actors, issues with their units, moves,
/// every option with its description), so that `parley report` needs only the folder. The
/// command line comes last. Stable: the same batch gives the same bytes.
[[nodiscard]] std::string manifest_json(const Manifest& m, const Scenario& scenario);

/// summary.csv text: option,metric,mean,sd,p05,p50,p95.
[[nodiscard]] std::string summary_csv(const MetricCatalog& catalog,
                                      const std::vector<std::string>& option_names,
                                      const BatchResult& result);

/// trajectory.csv text: option,turn,metric,mean,p05,p50,p95.
[[nodiscard]] std::string trajectory_csv(const MetricCatalog& catalog,
                                         const std::vector<std::string>& option_names,
                                         const BatchResult& result, int turns);

/// The most bins a metric gets in histograms.csv.
inline constexpr int kHistogramBins = 50;

/// histograms.csv text: option,metric,low,high,count. Per final metric, the options share one
/// set of at most kHistogramBins consecutive bins [low, high) in the metric's unit (the last one
/// closed), covering every value any option took: the batch's fixed-width bins (see
/// MetricStats::bins) from the first to the last occupied one, merged in equal groups. An integer
/// metric's value v lies in [v - 0.5, v + 0.5). Built from the statistics alone, so it is
/// byte-identical for any thread count, MPI ranks or resume, like summary.csv.
[[nodiscard]] std::string histograms_csv(const MetricCatalog& catalog,
                                         const std::vector<std::string>& option_names,
                                         const BatchResult& result);

}  // namespace parley

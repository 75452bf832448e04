#pragma once
/// \file
/// Writing result files safely: each file is written under a temporary name in its folder and
/// renamed over the final name only when complete, so a killed run never leaves a half file that
/// looks whole, and an earlier complete result is replaced only by a complete one.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/runner.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// A file written under a temporary name and renamed into place by commit().
/// Destroying it without commit() removes the temporary file.
class AtomicFile {
 public:
  /// Opens `<dir>/.<name>.partial` for writing. Check ok() before use.
  AtomicFile(std::string dir, std::string name);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// True while the file is open and no write has failed.
  [[nodiscard]] bool ok() const noexcept { return file_ != nullptr && !failed_; }
  /// Appends bytes.
  void write(std::string_view bytes) noexcept;
  /// Flushes, closes and renames to the final name. Returns false (and leaves the final name
  /// untouched) on any failure.
  [[nodiscard]] bool commit();
  /// The final path.
  [[nodiscard]] const std::string& path() const noexcept { return final_; }

 private:
  std::string temp_;
  std::string final_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
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
  int threads = 1;
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

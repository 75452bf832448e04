#pragma once
/// \file
/// One batch job: what `parley run`, `compare` and `sweep` share between checking their own
/// options and printing their summary. The checks of the shared settings, the fingerprint that
/// decides which checkpoint a batch may resume, the output folder with its stream files and
/// checkpoint, the manifest's common fields, and the order in which the finished files are
/// committed: every other file first, manifest.json last, the checkpoint removed after it. So a
/// folder whose manifest is new holds a complete batch, and a kill at any moment leaves either
/// that or a folder that --resume finishes. See docs/BATCHES.md.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/checkpoint.hpp"
#include "engine/batch/manifest.hpp"
#include "engine/core/diagnostics.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley {

/// The settings every batch command takes, as given on its command line.
struct JobSettings {
  std::string command;                 ///< "run", "compare" or "sweep"
  std::string out_dir;                 ///< the output folder (created when missing)
  bool resume = false;                 ///< --resume: continue from the folder's checkpoint
  int threads = 1;                     ///< worker threads per rank; valid: 1 to 1024
  double checkpoint_seconds = 5.0;     ///< seconds between checkpoints; valid: 0.01 to 3600
  std::vector<std::string> overrides;  ///< --set PATH=VALUE arguments, as given
  std::string given;                   ///< --given CONDITION as written; empty when none
  std::string command_line;            ///< the whole command line, for manifest.json
  int rank = 0;                        ///< this MPI rank (0 without MPI)
  int ranks = 1;                       ///< MPI ranks (1 without MPI)
};

/// Records in `diag` each setting of `s` out of its range: `--threads` (1 to 1024) and
/// `--checkpoint-every` (0.01 to 3600 seconds), in that order.
void check_job_settings(const JobSettings& s, Diagnostics& diag);

/// `runs` as a count of runs: an error under `flag` (e.g. "--runs") in `diag` when it is below
/// 1, and then 1, so that the caller can go on checking the other options.
[[nodiscard]] std::uint64_t checked_runs(std::int64_t runs, std::string_view flag,
                                         Diagnostics& diag);

/// One batch's output folder from opening to the final commit. Usage: construct, add the
/// command's own fingerprint fields, open() on every rank, run the batch with output() as its
/// checkpointer (rank 0), add_file() each finished file, then commit() with the manifest.
class BatchJob {
 public:
  /// `streams`: the files the batch writes while it runs (see ResumableOutput), in order.
  /// `seed` is the batch seed. The fingerprint starts with the command, parley version,
  /// scenario content hash and seed.
  BatchJob(JobSettings settings, const Scenario& scenario, std::uint64_t seed,
           std::vector<std::string> streams);
  BatchJob(const BatchJob&) = delete;
  BatchJob& operator=(const BatchJob&) = delete;

  /// The settings the job was made with.
  [[nodiscard]] const JobSettings& settings() const noexcept { return settings_; }
  /// Adds a field the command's output depends on to the fingerprint (before open()).
  void add_fingerprint(std::string_view key, std::string_view value);
  /// The fingerprint so far (open() seals it with the overrides, block size and condition).
  [[nodiscard]] const BatchFingerprint& fingerprint() const noexcept { return fingerprint_; }

  /// On rank 0 (`root`): creates the folder and opens the stream files, resuming from the
  /// checkpoint when settings().resume. Every rank then learns the outcome and resume_runs().
  /// Returns 0 to go on, else the exit status every rank should stop with, the message (rank
  /// 0 only) in `error`: 2 (a file stands where the folder should be, or the checkpoint
  /// belongs to another batch or is damaged), 1 (the folder cannot be made, written or locked).
  [[nodiscard]] int open(bool root, std::string& error);
  /// The stream files and checkpoint (rank 0, after a successful open()).
  [[nodiscard]] ResumableOutput& output() noexcept { return *output_; }
  /// True when open() continued from a checkpoint (rank 0).
  [[nodiscard]] bool resumed() const noexcept { return output_->resumed(); }
  /// Runs the checkpoint counts as done (0 when fresh); the same on every rank.
  [[nodiscard]] std::uint64_t resume_runs() const noexcept { return resume_runs_; }

  /// manifest.json's fields that every command fills alike: command, scenario, seed, threads,
  /// ranks, overrides, the condition and the command line. The command adds the rest.
  [[nodiscard]] Manifest manifest() const;

  /// Writes a finished file `name` of the folder, committed by commit() before the manifest.
  void add_file(const std::string& name, std::string_view bytes);
  /// Says that this batch does not produce `name`: commit() removes an earlier batch's file of
  /// that name, which would mislead a reader of the folder.
  void drop_file(const std::string& name);
  /// Says that stream file `k` is not part of the result (e.g. failures.csv without failures):
  /// commit() removes an earlier batch's file of that name, then discards the partial file.
  void drop_stream(size_t k);

  /// Commits, in this order: the kept stream files, the added files, then `manifest_text` as
  /// manifest.json; then removes the checkpoint. The dropped files are removed before the
  /// manifest. False, and the checkpoint kept, when anything failed or `observers_ok` is false
  /// (a file of the batch's observers could not be made).
  [[nodiscard]] bool commit(std::string_view manifest_text, bool observers_ok = true);

 private:
  JobSettings settings_;
  std::string scenario_name_;
  std::string scenario_folder_;
  std::uint64_t content_hash_ = 0;
  std::uint64_t seed_ = 0;
  std::vector<std::string> streams_;
  std::vector<bool> dropped_streams_;
  BatchFingerprint fingerprint_;
  std::unique_ptr<ResumableOutput> output_;
  std::uint64_t resume_runs_ = 0;
  std::vector<std::unique_ptr<AtomicFile>> files_;
  std::vector<std::string> dropped_files_;
};

}  // namespace parley

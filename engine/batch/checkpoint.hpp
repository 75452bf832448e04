#pragma once
/// \file
/// Batches that survive being killed: the row files stream into an output folder under stable
/// partial names, and a checkpoint file records, every few seconds, how many runs those files
/// hold, their exact lengths, and the batch state (statistics, observers) after those runs.
/// `--resume` cuts the files back to the checkpoint and continues from there, so the finished
/// files are byte-identical to an uninterrupted batch's. See docs/BATCHES.md.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/batch/runner.hpp"
#include "engine/io/atomic_file.hpp"

namespace parley {

/// What identifies a batch: a checkpoint is resumed only by a batch with the same fingerprint.
/// A list of `key: value` lines (the command, parley version, scenario hash, seed, runs,
/// options, overrides, ...: everything the output depends on, and nothing it does not, such as
/// the thread or rank count).
class BatchFingerprint {
 public:
  /// Adds a field. `key` and `value` must not hold newlines (newlines are replaced by spaces).
  void add(std::string_view key, std::string_view value);
  /// The fields as text, one `key: value` line each, in the order added.
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  /// A readable list of the fields that differ from `other` (another fingerprint's text), one
  /// `  key: was X, now Y` line each; empty when they are the same.
  [[nodiscard]] std::string differences(std::string_view other) const;
  /// The value of field `key` in a fingerprint's text; empty when it has none.
  [[nodiscard]] static std::string field(std::string_view text, std::string_view key);

 private:
  std::string text_;
};

/// The content of a checkpoint file.
struct Checkpoint {
  std::string fingerprint;      ///< BatchFingerprint::text() of the batch
  std::uint64_t runs_done = 0;  ///< runs [0, runs_done) are in the files and the state
  /// Each stream file's name and its length in bytes at the checkpoint.
  std::vector<std::pair<std::string, std::uint64_t>> files;
  std::string state;  ///< run_batch's state (BatchCheckpointer::save)
};

/// The bytes of a checkpoint file: a text magic line naming the format ("parley checkpoint
/// 2"), then the fields, then a checksum.
[[nodiscard]] std::string encode_checkpoint(const Checkpoint& c);
/// Parses encode_checkpoint()'s bytes; nullopt if they are not a whole, intact checkpoint of
/// this format.
[[nodiscard]] std::optional<Checkpoint> decode_checkpoint(std::string_view bytes);
/// True when `bytes` begin with the magic line of another checkpoint format (a parley that
/// saved its progress differently): such a checkpoint cannot be resumed, and is named as such
/// rather than as damaged.
[[nodiscard]] bool is_other_checkpoint_format(std::string_view bytes) noexcept;

/// The row files of one batch in one folder, resumable. Owns the folder lock, the stream files
/// (opened with stable partial names), and the `.checkpoint` file; receives run_batch's
/// checkpoints. Usage: open(), write headers if !resumed(), run_batch with this as
/// BatchSpec::checkpointer and resume_runs()/resume_state() copied into the spec, write the
/// other files, commit every stream file, then finish().
class ResumableOutput final : public BatchCheckpointer {
 public:
  /// The name of the checkpoint file in the output folder.
  static constexpr const char* kCheckpointName = ".checkpoint";

  /// `names`: the stream files, e.g. runs.csv, events.csv, failures.csv. Nothing is opened yet.
  ResumableOutput(std::string dir, std::vector<std::string> names, BatchFingerprint fingerprint);

  /// Locks the folder, then either resumes (if `resume` and a checkpoint exists) or starts
  /// fresh, discarding any leftover partial files and checkpoint of the same command. Returns 0,
  /// or an exit status with a message in `error`: 2 when the checkpoint belongs to a different
  /// batch (on resume) or to another command (always: its progress would be lost) or is
  /// damaged or of another checkpoint format (on resume), 1 when the folder is locked by
  /// another batch or files cannot be opened.
  [[nodiscard]] int open(bool resume, std::string& error);

  /// True when open() continued from a checkpoint.
  [[nodiscard]] bool resumed() const noexcept { return resumed_; }
  /// Runs already done (0 when fresh).
  [[nodiscard]] std::uint64_t resume_runs() const noexcept { return resume_runs_; }
  /// The batch state at resume_runs() (empty when fresh).
  [[nodiscard]] const std::string& resume_state() const noexcept { return resume_state_; }
  /// Stream file `k` (in the order of `names`). Valid after a successful open().
  [[nodiscard]] AtomicFile& file(size_t k) { return *files_[k]; }

  /// Syncs the stream files, then atomically replaces the checkpoint (temp file, fsync,
  /// rename, fsync of the folder). On failure the previous checkpoint is kept, ok() turns
  /// false and std::runtime_error is thrown (naming the folder and the system's reason): a
  /// batch that can no longer checkpoint stops there instead of running on to results it could
  /// not write either; run_batch and run_sweep rethrow it on the caller's thread.
  void save(std::uint64_t runs_done, std::string_view state) override;
  /// False once a checkpoint could not be written.
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  /// Removes the checkpoint: call once every stream file is committed (or deliberately dropped).
  void finish();

 private:
  // open()'s resume of checkpoint `c` (of this batch, read from `path`): reopens every stream
  // file at the length it records and takes its runs and state. 0, or 2 with `error` set.
  [[nodiscard]] int resume_from(const Checkpoint& c, const std::string& path, std::string& error);

  std::string dir_;
  std::vector<std::string> names_;
  BatchFingerprint fingerprint_;
  std::unique_ptr<FolderLock> lock_;
  std::vector<std::unique_ptr<AtomicFile>> files_;
  bool resumed_ = false;
  bool ok_ = true;
  std::uint64_t resume_runs_ = 0;
  std::string resume_state_;
};

}  // namespace parley

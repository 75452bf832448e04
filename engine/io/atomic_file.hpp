#pragma once
/// \file
/// Writing files safely: each file is written under a temporary name in its folder and renamed
/// over the final name only when complete (its bytes and the rename synced to the disk), so a
/// killed process never leaves a half file that looks whole, and an earlier complete file is
/// replaced only by a complete one. Every writer of result files goes through this header.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

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

/// Writes `bytes` to `path` in one go so that, whatever happens, `path` holds either its old
/// content or all of `bytes`: a temporary file `path` + ".tmp" (a fixed name: callers write
/// one such file per folder at a time, under their own lock), fsync, rename, fsync of the
/// folder. Returns false on any failure with errno telling why (the temporary file removed);
/// a failed fsync of the folder comes after the rename, as for AtomicFile::commit.
[[nodiscard]] bool write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace parley

#include "engine/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <filesystem>

namespace parley {

AtomicFile::AtomicFile(std::string dir, std::string name, PartialName partial) {
  dir_ = dir;
  final_ = dir + "/" + name;
  // The process id keeps two concurrent batches into one folder from sharing a temporary file;
  // a stable name lets a later process resume it (under a FolderLock instead).
  temp_ = partial == PartialName::unique
              ? dir + "/." + name + "." + std::to_string(::getpid()) + ".partial"
              : dir + "/." + name + ".partial";
  keep_ = partial == PartialName::stable;
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ != nullptr) std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFile::AtomicFile(std::string dir, std::string name, ResumeAt at) {
  dir_ = dir;
  final_ = dir + "/" + name;
  temp_ = dir + "/." + name + ".partial";
  keep_ = true;
  std::error_code ec;
  namespace fs = std::filesystem;
  if (!fs::exists(temp_, ec) && fs::is_regular_file(final_, ec) &&
      fs::file_size(final_, ec) >= at.length && !ec)
    fs::rename(final_, temp_, ec);
  const auto have = fs::file_size(temp_, ec);
  if (ec || have < at.length) return;
  file_ = std::fopen(temp_.c_str(), "r+b");
  if (file_ == nullptr) return;
  // Bytes after the checkpoint belong to blocks that will be run again: cut them.
  if (::ftruncate(::fileno(file_), static_cast<off_t>(at.length)) != 0 ||
      std::fseek(file_, 0, SEEK_END) != 0) {
    std::fclose(file_);
    file_ = nullptr;
    return;
  }
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  size_ = at.length;
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    if (!keep_) std::remove(temp_.c_str());
  }
}

void AtomicFile::write(std::string_view bytes) noexcept {
  if (file_ == nullptr || failed_ || bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) failed_ = true;
  size_ += bytes.size();
}

bool AtomicFile::sync() noexcept {
  if (!ok()) return false;
  if (std::fflush(file_) != 0 || ::fdatasync(::fileno(file_)) != 0) failed_ = true;
  return !failed_;
}

bool AtomicFile::commit() {
  if (file_ == nullptr) return false;
  // The bytes must be on the disk before the final name points at them: file systems may
  // persist the rename first, and a power cut in between (after the checkpoint is removed)
  // would leave an empty summary.csv or manifest.json that nothing can resume.
  const bool synced = std::fflush(file_) == 0 && !failed_ && ::fsync(::fileno(file_)) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!synced || !closed || std::rename(temp_.c_str(), final_.c_str()) != 0) {
    if (!keep_) std::remove(temp_.c_str());
    return false;
  }
  // The rename is an entry of the folder: durable once the folder is synced.
  return sync_folder(dir_);
}

void AtomicFile::discard() noexcept {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  std::remove(temp_.c_str());
}

FolderLock::FolderLock(const std::string& dir) {
  fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  locked_ = fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the lock
}

bool sync_folder(const std::string& dir) noexcept {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  // Some file systems (some FUSE and network ones) cannot sync a folder: nothing to wait for.
  if (!ok && (errno == EINVAL || errno == ENOTSUP)) ok = true;
  return ::close(fd) == 0 && ok;
}

bool make_directories(const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    error = "cannot create output folder '" + dir + "': " + (ec ? ec.message() : "not a folder");
    return false;
  }
  return true;
}

bool write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  bool ok = true;
  while (ok && done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  // The bytes must be on the disk before the name points at them (see AtomicFile::commit).
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  ok = ok && std::rename(temp.c_str(), path.c_str()) == 0;
  if (!ok) {
    const int reason = errno;  // for the caller's message; remove() may change errno
    std::remove(temp.c_str());
    errno = reason;
    return false;
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return sync_folder(dir.empty() ? "." : dir);
}

}  // namespace parley

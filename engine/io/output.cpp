#include "engine/io/output.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace parley {

AtomicFile::AtomicFile(std::string dir, std::string name, PartialName partial) {
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
  const bool flushed = std::fflush(file_) == 0 && !failed_;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed || std::rename(temp_.c_str(), final_.c_str()) != 0) {
    if (!keep_) std::remove(temp_.c_str());
    return false;
  }
  return true;
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

bool make_directories(const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    error = "cannot create output folder '" + dir + "': " + (ec ? ec.message() : "not a folder");
    return false;
  }
  return true;
}

namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t k = 0; k < items.size(); ++k) {
    if (k > 0) out += ", ";
    out += json_string(items[k]);
  }
  return out + "]";
}

}  // namespace

std::string manifest_json(const Manifest& m) {
  char hash[20];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(m.content_hash));
  std::string out = "{\n";
  out += "  \"parley_version\": " + json_string(PARLEY_VERSION) + ",\n";
  out += "  \"scenario\": " + json_string(m.scenario_name) + ",\n";
  out += "  \"scenario_folder\": " + json_string(m.scenario_folder) + ",\n";
  out += "  \"scenario_hash\": " + json_string(hash) + ",\n";
  out += "  \"seed\": " + std::to_string(m.seed) + ",\n";
  out += "  \"runs\": " + std::to_string(m.runs) + ",\n";
  out += "  \"threads\": " + std::to_string(m.threads) + ",\n";
  if (m.ranks > 1) out += "  \"ranks\": " + std::to_string(m.ranks) + ",\n";
  out += "  \"options\": " + json_list(m.options) + ",\n";
  out += "  \"overrides\": " + json_list(m.overrides) + ",\n";
  out += "  \"failed_runs\": " + std::to_string(m.failed) + ",\n";
  out += "  \"command_line\": " + json_string(m.command_line) + "\n";
  out += "}\n";
  return out;
}

std::string summary_csv(const MetricCatalog& catalog, const std::vector<std::string>& option_names,
                        const BatchResult& result) {
  std::string out = "option,metric,mean,sd,p05,p50,p95\n";
  for (size_t o = 0; o < result.options.size(); ++o)
    for (size_t k = 0; k < catalog.final.size(); ++k) {
      const MetricStats& s = result.options[o].final[k];
      out += option_names[o] + "," + catalog.final[k].name;
      for (const double v :
           {s.mean(), s.sd(), s.quantile(0.05), s.quantile(0.5), s.quantile(0.95)}) {
        out += ',';
        append_number(out, v);
      }
      out += '\n';
    }
  return out;
}

std::string trajectory_csv(const MetricCatalog& catalog,
                           const std::vector<std::string>& option_names, const BatchResult& result,
                           int turns) {
  std::string out = "option,turn,metric,mean,p05,p50,p95\n";
  const size_t m = catalog.per_turn.size();
  for (size_t o = 0; o < result.options.size(); ++o)
    for (int t = 0; t <= turns; ++t)
      for (size_t k = 0; k < m; ++k) {
        const MetricStats& s = result.options[o].per_turn[static_cast<size_t>(t) * m + k];
        out += option_names[o] + "," + std::to_string(t) + "," + catalog.per_turn[k].name;
        for (const double v : {s.mean(), s.quantile(0.05), s.quantile(0.5), s.quantile(0.95)}) {
          out += ',';
          append_number(out, v);
        }
        out += '\n';
      }
  return out;
}

}  // namespace parley

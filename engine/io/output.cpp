#include "engine/io/output.hpp"

#include <nlohmann/json.hpp>

#include "engine/scenario/info.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
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

std::string manifest_json(const Manifest& m, const Scenario& sc) {
  char hash[20];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(m.content_hash));
  // Insertion order is the file's order, so the file reads top-down as the batch was set up.
  nlohmann::ordered_json j;
  j["parley_version"] = PARLEY_VERSION;
  j["command"] = m.command;
  j["scenario"] = m.scenario_name;
  j["scenario_folder"] = m.scenario_folder;
  j["scenario_hash"] = hash;
  j["seed"] = m.seed;
  j["runs"] = m.runs;
  if (m.command == "run") j["trace"] = std::min(m.trace, m.runs);
  j["threads"] = m.threads;
  if (m.ranks > 1) j["ranks"] = m.ranks;
  j["options"] = m.options;
  j["overrides"] = m.overrides;
  if (!m.given.empty()) j["given"] = m.given;
  if (m.command == "run" && !m.explain.empty()) j["explain"] = m.explain;
  j["failed_runs"] = m.failed;
  if (m.command == "compare" && !m.min_effects.empty()) {
    nlohmann::ordered_json me = nlohmann::ordered_json::object();
    for (const auto& [name, size] : m.min_effects) me[name] = size;
    j["min_effects"] = std::move(me);
  }
  if (m.command == "sweep") {
    nlohmann::ordered_json sw;
    sw["design"] = m.sweep.design;
    sw["samples"] = m.sweep.samples;
    if (m.sweep.base_rows > 0) sw["base_rows"] = m.sweep.base_rows;
    sw["vary"] = nlohmann::ordered_json::array();
    for (const ManifestVary& v : m.sweep.vary) {
      nlohmann::ordered_json e;
      e["path"] = v.path;
      e["low"] = v.lo;
      e["high"] = v.hi;
      if (v.steps > 0) e["steps"] = v.steps;
      sw["vary"].push_back(std::move(e));
    }
    sw["metrics"] = m.sweep.metrics;
    j["sweep"] = std::move(sw);
  }
  const ScenarioInfo si = describe(sc);
  nlohmann::ordered_json info;
  info["title"] = si.title;
  info["start"] = si.start;
  info["turn"] = si.turn_label;
  info["turns"] = si.turns;
  info["actors"] = nlohmann::ordered_json::array();
  for (const InfoActor& a : si.actors) info["actors"].push_back({{"id", a.id}, {"name", a.name}});
  info["issues"] = nlohmann::ordered_json::array();
  for (const InfoIssue& is : si.issues) {
    nlohmann::ordered_json e;
    e["id"] = is.id;
    e["name"] = is.name;
    e["low"] = is.low;
    e["high"] = is.high;
    if (!is.unit.empty()) {
      e["unit"] = is.unit;
      e["unit_low"] = is.unit_low;
      e["unit_high"] = is.unit_high;
    }
    info["issues"].push_back(std::move(e));
  }
  info["moves"] = nlohmann::ordered_json::array();
  for (const InfoMove& mv : si.moves)
    info["moves"].push_back(
        {{"id", mv.id}, {"actor", mv.actor}, {"name", mv.name}, {"headline", mv.headline}});
  info["options"] = nlohmann::ordered_json::array();
  for (const InfoOption& o : si.options) {
    nlohmann::ordered_json e{{"name", o.name}, {"description", o.description}};
    if (o.from > 0) e["from"] = o.from;  // written only for an option that starts later
    info["options"].push_back(std::move(e));
  }
  j["scenario_info"] = std::move(info);
  j["command_line"] = m.command_line;
  // Invalid UTF-8 in a scenario's text is replaced rather than failing the batch at its end.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
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

std::string histograms_csv(const MetricCatalog& catalog,
                           const std::vector<std::string>& option_names,
                           const BatchResult& result) {
  std::string out = "option,metric,low,high,count\n";
  const size_t options = result.options.size();
  for (size_t k = 0; k < catalog.final.size(); ++k) {
    // The options share the bins so that their distributions can be drawn over one axis.
    size_t first = SIZE_MAX, last = 0, fine = 0;
    for (size_t o = 0; o < options; ++o) {
      const std::vector<std::uint64_t>& bins = result.options[o].final[k].bins();
      fine = bins.size();
      for (size_t b = 0; b < bins.size(); ++b)
        if (bins[b] > 0) {
          first = std::min(first, b);
          last = std::max(last, b);
        }
    }
    if (first == SIZE_MAX) first = last = 0;  // no value at all: one empty bin
    const size_t group = (last - first + 1 + kHistogramBins - 1) / kHistogramBins;
    for (size_t o = 0; o < options; ++o) {
      const MetricStats& s = result.options[o].final[k];
      const std::vector<std::uint64_t>& bins = s.bins();
      const double width = s.integer() ? 1.0 : (s.hi() - s.lo()) / static_cast<double>(fine);
      const double start = s.integer() ? s.lo() - 0.5 : s.lo();
      for (size_t b = first; b <= last; b += group) {
        // Every bin is `group` fine bins wide, but none reaches past the metric's range.
        const size_t end = s.integer() ? b + group : std::min(b + group, fine);
        std::uint64_t count = 0;
        for (size_t f = b; f < end && f < bins.size(); ++f) count += bins[f];
        out += option_names[o];
        out += ',';
        out += catalog.final[k].name;
        out += ',';
        append_number(out, start + width * static_cast<double>(b));
        out += ',';
        append_number(out, start + width * static_cast<double>(end));
        out += ',';
        out += std::to_string(count);
        out += '\n';
      }
    }
  }
  return out;
}

}  // namespace parley

#include "engine/batch/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/batch/bytes.hpp"
#include "engine/core/hash.hpp"

namespace parley {

namespace {

// Format 2: every saved state in the one encoding of bytes.hpp. A checkpoint of format 1 (text
// observer states) is refused with its own message, never misread.
constexpr std::string_view kMagicPrefix = "parley checkpoint ";
constexpr std::string_view kMagic = "parley checkpoint 2\n";

std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

// key -> value of a fingerprint text, in order.
std::vector<std::pair<std::string, std::string>> fields(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    const size_t colon = line.find(": ");
    if (colon != std::string_view::npos)
      out.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return out;
}

}  // namespace

void BatchFingerprint::add(std::string_view key, std::string_view value) {
  text_ += one_line(key);
  text_ += ": ";
  text_ += one_line(value);
  text_ += '\n';
}

std::string BatchFingerprint::differences(std::string_view other) const {
  const auto mine = fields(text_);
  const auto theirs = fields(other);
  std::string out;
  const auto find = [](const auto& list, const std::string& key) -> const std::string* {
    for (const auto& [k, v] : list)
      if (k == key) return &v;
    return nullptr;
  };
  for (const auto& [key, value] : mine) {
    const std::string* was = find(theirs, key);
    if (was == nullptr)
      out += "  " + key + ": not recorded, now " + value + "\n";
    else if (*was != value)
      out += "  " + key + ": was " + *was + ", now " + value + "\n";
  }
  for (const auto& [key, value] : theirs)
    if (find(mine, key) == nullptr) out += "  " + key + ": was " + value + ", now not set\n";
  return out;
}

std::string BatchFingerprint::field(std::string_view text, std::string_view key) {
  for (const auto& [k, v] : fields(text))
    if (k == key) return v;
  return {};
}

std::string encode_checkpoint(const Checkpoint& c) {
  std::string out(kMagic);
  ByteWriter w(out);
  w.bytes(c.fingerprint);
  w.u64(c.runs_done);
  w.u64(c.files.size());
  for (const auto& [name, length] : c.files) {
    w.bytes(name);
    w.u64(length);
  }
  w.bytes(c.state);
  w.u64(fnv1a(out));  // detects a damaged file
  return out;
}

std::optional<Checkpoint> decode_checkpoint(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 8 || bytes.substr(0, kMagic.size()) != kMagic)
    return std::nullopt;
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  ByteReader sum(bytes.substr(bytes.size() - 8));
  if (sum.u64() != fnv1a(body)) return std::nullopt;
  ByteReader r(body.substr(kMagic.size()));
  Checkpoint c;
  c.fingerprint = r.bytes();
  c.runs_done = r.u64();
  const std::uint64_t n = r.u64();
  for (std::uint64_t k = 0; k < n && r.ok(); ++k) {
    std::string name(r.bytes());
    const std::uint64_t length = r.u64();
    c.files.emplace_back(std::move(name), length);
  }
  c.state = r.bytes();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return c;
}

bool is_other_checkpoint_format(std::string_view bytes) noexcept {
  if (bytes.substr(0, kMagicPrefix.size()) != kMagicPrefix) return false;
  const size_t eol = bytes.find('\n');
  return eol != std::string_view::npos && eol < 32 && bytes.substr(0, eol + 1) != kMagic;
}

ResumableOutput::ResumableOutput(std::string dir, std::vector<std::string> names,
                                 BatchFingerprint fingerprint)
    : dir_(std::move(dir)), names_(std::move(names)), fingerprint_(std::move(fingerprint)) {}

int ResumableOutput::open(bool resume, std::string& error) {
  lock_ = std::make_unique<FolderLock>(dir_);
  if (!lock_->locked()) {
    error = "another parley batch is writing into '" + dir_ + "' (or it cannot be locked)";
    return 1;
  }
  const std::string path = dir_ + "/" + kCheckpointName;
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  std::optional<Checkpoint> c;
  bool other_format = false;
  if (exists) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    c = decode_checkpoint(bytes.str());
    other_format = !c && is_other_checkpoint_format(bytes.str());
  }
  // Starting afresh replaces an unfinished batch of the same command; another command's
  // unfinished batch (e.g. a comparison killed in the folder a sweep is now pointed at) is
  // never thrown away.
  const std::string mine = BatchFingerprint::field(fingerprint_.text(), "command");
  const std::string theirs = c ? BatchFingerprint::field(c->fingerprint, "command") : "";
  if (!theirs.empty() && theirs != mine) {
    error = "'" + dir_ + "' holds an unfinished `parley " + theirs +
            "` batch; finish it with the same `parley " + theirs +
            "` command and --resume, or give this " + (mine.empty() ? "batch" : mine) +
            " another --out (deleting '" + path + "' discards that batch)";
    return 2;
  }
  if (resume && exists) {
    if (!c) {
      error = "the checkpoint '" + path + "' " +
              (other_format ? "was written by another version of parley, which saves its "
                              "progress differently"
                            : "is damaged") +
              "; run without --resume to start the batch again";
      return 2;
    }
    if (const std::string diff = fingerprint_.differences(c->fingerprint); !diff.empty()) {
      error = "cannot resume: the checkpoint in '" + dir_ + "' belongs to a different batch:\n" +
              diff +
              "run the same command as before with --resume, or without --resume (or with "
              "another --out) to start this batch afresh";
      return 2;
    }
    return resume_from(*c, path, error);
  }
  // A fresh batch: whatever an earlier, unfinished batch left here is discarded.
  std::filesystem::remove(path, ec);
  for (const std::string& name : names_) {
    files_.push_back(std::make_unique<AtomicFile>(dir_, name, PartialName::stable));
    if (!files_.back()->ok()) {
      error = "cannot write into '" + dir_ + "'";
      return 1;
    }
  }
  return 0;
}

int ResumableOutput::resume_from(const Checkpoint& c, const std::string& path, std::string& error) {
  for (const std::string& name : names_) {
    std::uint64_t length = 0;
    bool found = false;
    for (const auto& [n, l] : c.files)
      if (n == name) {
        length = l;
        found = true;
      }
    if (!found) {
      error = "the checkpoint '" + path + "' does not list " + name +
              "; run without --resume to start the batch again";
      return 2;
    }
    files_.push_back(std::make_unique<AtomicFile>(dir_, name, ResumeAt{length}));
    if (!files_.back()->ok()) {
      error = "cannot resume: '" + files_.back()->temp_path() + "' is missing or shorter than " +
              "the checkpoint says; run without --resume to start the batch again";
      return 2;
    }
  }
  resumed_ = true;
  resume_runs_ = c.runs_done;
  resume_state_ = c.state;
  return 0;
}

void ResumableOutput::save(std::uint64_t runs_done, std::string_view state) {
  Checkpoint c;
  c.fingerprint = fingerprint_.text();
  c.runs_done = runs_done;
  // The files must hold every byte the checkpoint counts before the checkpoint exists.
  const auto fail = [&](const std::string& what) {
    const int reason = errno;
    ok_ = false;
    throw std::runtime_error("cannot " + what + " in '" + dir_ + "'" +
                             (reason != 0 ? std::string(": ") + std::strerror(reason) : "") +
                             "; the batch was stopped and its results were not written (an "
                             "earlier checkpoint, if any, lets --resume continue from there)");
  };
  for (size_t k = 0; k < files_.size(); ++k) {
    errno = 0;
    if (!files_[k]->sync()) fail("write " + names_[k]);
    c.files.emplace_back(names_[k], files_[k]->size());
  }
  c.state = state;
  errno = 0;
  if (!write_file_atomically(dir_ + "/" + kCheckpointName, encode_checkpoint(c)))
    fail("write the checkpoint");
}

void ResumableOutput::finish() {
  std::error_code ec;
  std::filesystem::remove(dir_ + "/" + kCheckpointName, ec);
}

}  // namespace parley

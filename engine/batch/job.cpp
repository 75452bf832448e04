#include "engine/batch/job.hpp"

#include <cstdio>
#include <filesystem>

#include "engine/batch/mpi.hpp"
#include "engine/batch/runner.hpp"

namespace parley {

namespace {

// The first of `dir` and its parents that exists and is not a folder, or "" if there is none.
std::string file_in_the_way(const std::string& dir) {
  std::error_code ec;
  for (std::filesystem::path p = std::filesystem::path(dir).lexically_normal(); !p.empty();
       p = p.parent_path()) {
    if (std::filesystem::exists(p, ec) && !std::filesystem::is_directory(p, ec)) return p.string();
    if (p == p.parent_path()) break;
  }
  return {};
}

// Rank 0's part of open(): the folder, then the stream files. The exit status, 0 to go on.
int prepare_folder(const JobSettings& s, ResumableOutput& output, std::string& error) {
  if (const std::string file = file_in_the_way(s.out_dir); !file.empty()) {
    // A file where the output folder should be is a wrong argument, not a failure of the
    // system: exit 2 like every other bad input.
    error = "--out: error: '" + file +
            "' is a file, not a folder; expected a folder to write the results into (it is "
            "created if missing)";
    return 2;
  }
  std::string why;
  int status = make_directories(s.out_dir, why) ? output.open(s.resume, why) : 1;
  if (status != 0) error = "parley " + s.command + ": " + why;
  return status;
}

}  // namespace

void check_job_settings(const JobSettings& s, Diagnostics& diag) {
  if (s.threads < 1 || s.threads > 1024)
    diag.error("--threads", 0, 0, "expected 1 to 1024 threads, got " + std::to_string(s.threads));
  if (!(s.checkpoint_seconds >= 0.01 && s.checkpoint_seconds <= 3600))
    diag.error("--checkpoint-every", 0, 0, "expected 0.01 to 3600 seconds");
}

std::uint64_t checked_runs(std::int64_t runs, std::string_view flag, Diagnostics& diag) {
  if (runs < 1)
    diag.error(std::string(flag), 0, 0,
               "expected a whole number of runs >= 1, got " + std::to_string(runs));
  return static_cast<std::uint64_t>(std::max<std::int64_t>(runs, 1));
}

BatchJob::BatchJob(JobSettings settings, const Scenario& scenario, std::uint64_t seed,
                   std::vector<std::string> streams)
    : settings_(std::move(settings)),
      scenario_name_(scenario.name),
      scenario_folder_(scenario.folder),
      content_hash_(scenario.content_hash),
      seed_(seed),
      streams_(std::move(streams)),
      dropped_streams_(streams_.size(), false) {
  char hash[20];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(content_hash_));
  fingerprint_.add("command", settings_.command);
  fingerprint_.add("parley version", PARLEY_VERSION);
  fingerprint_.add("scenario hash", hash);
  fingerprint_.add("seed", std::to_string(seed_));
}

void BatchJob::add_fingerprint(std::string_view key, std::string_view value) {
  fingerprint_.add(key, value);
}

int BatchJob::open(bool root, std::string& error) {
  // Everything the files depend on, and nothing they do not (threads, ranks): a checkpoint is
  // resumed only by the same batch.
  std::string override_list;
  for (const auto& set : settings_.overrides)
    override_list += (override_list.empty() ? "" : " ") + set;
  fingerprint_.add("overrides", override_list);
  fingerprint_.add("block", std::to_string(kBatchBlock));
  if (!settings_.given.empty()) fingerprint_.add("given", settings_.given);
  output_ = std::make_unique<ResumableOutput>(settings_.out_dir, streams_, fingerprint_);
  // Rank 0 prepares the folder (and reads a checkpoint); the others learn the outcome.
  std::uint64_t status =
      root ? static_cast<std::uint64_t>(prepare_folder(settings_, *output_, error)) : 0;
  status = mpi::broadcast(status);
  if (status != 0) return static_cast<int>(status);
  resume_runs_ = mpi::broadcast(output_->resume_runs());
  return 0;
}

Manifest BatchJob::manifest() const {
  Manifest m;
  m.command = settings_.command;
  m.scenario_name = scenario_name_;
  m.scenario_folder = scenario_folder_;
  m.content_hash = content_hash_;
  m.seed = seed_;
  m.threads = settings_.threads;
  m.ranks = settings_.ranks;
  m.overrides = settings_.overrides;
  m.given = settings_.given;
  m.command_line = settings_.command_line;
  return m;
}

void BatchJob::add_file(const std::string& name, std::string_view bytes) {
  files_.push_back(std::make_unique<AtomicFile>(settings_.out_dir, name));
  files_.back()->write(bytes);
}

void BatchJob::drop_file(const std::string& name) {
  dropped_files_.push_back(name);
}

void BatchJob::drop_stream(size_t k) {
  dropped_streams_[k] = true;
}

bool BatchJob::commit(std::string_view manifest_text, bool observers_ok) {
  AtomicFile manifest(settings_.out_dir, "manifest.json");
  manifest.write(manifest_text);
  bool written = output_->ok() && manifest.ok() && observers_ok;
  std::error_code ec;
  for (size_t k = 0; k < streams_.size(); ++k) {
    if (!dropped_streams_[k])
      written = written && output_->file(k).commit();
    else
      std::filesystem::remove(settings_.out_dir + "/" + streams_[k], ec);
  }
  for (const auto& file : files_) written = written && file->commit();
  for (const std::string& name : dropped_files_)
    std::filesystem::remove(settings_.out_dir + "/" + name, ec);
  // The manifest goes last: a folder whose manifest is new holds a complete batch. The
  // checkpoint goes after it, so a kill in between still leaves a resumable folder.
  written = written && manifest.commit();
  if (!written) return false;
  output_->finish();
  // A dropped stream's partial file is kept until the checkpoint that counts it is gone.
  for (size_t k = 0; k < streams_.size(); ++k)
    if (dropped_streams_[k]) output_->file(k).discard();
  return true;
}

}  // namespace parley

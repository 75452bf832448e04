#include "tools/parley/common.hpp"

#include <sched.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <streambuf>
#include <thread>

#include "engine/batch/mpi.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/scenario/expr.hpp"
#include "engine/scenario/path.hpp"
#include "tools/parley/commands.hpp"

namespace parley::cli {

void option_error(Diagnostics& diag, std::string_view flag, std::string_view value, int at,
                  const std::string& message) {
  std::string where(flag);
  if (!value.empty()) {
    // Quoted as a shell would take it back, so the value can be told apart from the message.
    where += " '";
    for (const char c : value) where += c == '\'' ? std::string("'\\''") : std::string(1, c);
    where += '\'';
  }
  // A problem at the first character concerns the value as a whole: no position needed.
  diag.error(std::move(where), 0, 0,
             at > 1 ? "at character " + std::to_string(at) + " of the value: " + message : message);
}

std::optional<Condition> given_option(const boost::program_options::variables_map& vm,
                                      const Scenario& scenario, Diagnostics& diag) {
  if (!vm.count("given")) return std::nullopt;
  const std::string& text = vm["given"].as<std::string>();
  ParseError err;
  auto condition = parse_condition(text, scenario.ids(), err);
  if (!condition) {
    option_error(diag, "--given", text, err.offset + 1, err.message);
    return std::nullopt;
  }
  if (condition->empty()) {
    option_error(diag, "--given", text, 0,
                 "expected a condition on the end of a run, e.g. 'done.MOVE == 1' or "
                 "'issue.ID > 60'");
    return std::nullopt;
  }
  return condition;
}

void never_held_notes(const std::string& command, const std::string& text,
                      const std::vector<std::string>& names, const std::vector<Share>& shares) {
  for (size_t a = 0; a < names.size() && a < shares.size(); ++a)
    if (shares[a].held == 0)
      std::cerr << "parley " << command << ": note: --given '" << text << "' never held in the "
                << shares[a].runs << " run(s) of option '" << names[a]
                << "': nothing to summarise there, so its cells are left empty\n";
}

const char* given_help() noexcept {
  return "also summarise the runs in which CONDITION held at the end of the run, e.g. "
         "'done.strike == 1' or 'issue.reserves > 60' (a condition as in timeline.csv; writes "
         "given.csv with the share of runs; see docs/SCENARIO_FORMAT.md)";
}

void metric_pattern_error(Diagnostics& diag, const std::string& patterns,
                          const std::string& pattern, const std::vector<std::string>& names) {
  // The position matters only within a comma-separated list.
  const size_t at = patterns.find(pattern);
  const bool listed = patterns.find(',') != std::string::npos && at != std::string::npos;
  option_error(diag, "--metrics", patterns, listed ? static_cast<int>(at) + 1 : 0,
               "'" + pattern + "' matches no metric" + did_you_mean(pattern, names) +
                   "; expected metric names or globs such as utility.*, issue.*");
}

std::optional<Scenario> load_with_overrides(const std::string& folder,
                                            const std::vector<std::string>& sets,
                                            Diagnostics& diag) {
  std::optional<Scenario> sc = load_scenario(folder, diag);
  if (!sc) return std::nullopt;
  const IdTables ids = sc->ids();
  const int errors_before = diag.error_count();
  for (size_t k = 0; k < sets.size(); ++k) {
    // One --set holds one PATH=VALUE; ';' would silently add more, so it is not allowed here.
    ParseError err;
    if (const size_t semi = sets[k].find(';'); semi != std::string::npos) {
      option_error(diag, "--set", sets[k], static_cast<int>(semi) + 1,
                   "one --set takes one PATH=VALUE; repeat --set for more");
      continue;
    }
    const auto list = parse_set_list(sets[k], ids, err);
    if (!list || (list->overrides.empty() && !list->bargaining)) {
      if (list)
        option_error(diag, "--set", sets[k], 0,
                     "expected PATH=VALUE (e.g. salience.US.reserves=0.3)");
      else
        option_error(diag, "--set", sets[k], err.offset + 1, err.message);
      continue;
    }
    // In force from the start even under an option that starts later (Option::set_always).
    if (list->bargaining) sc->model.bargaining = *list->bargaining;
    for (Option& o : sc->options) {
      o.set_always.insert(o.set_always.end(), list->overrides.begin(), list->overrides.end());
      if (list->bargaining) {
        o.bargaining_set = true;
        o.bargaining = *list->bargaining;
      }
    }
  }
  if (diag.error_count() > errors_before) return std::nullopt;
  return sc;
}

std::vector<int> select_options(const Scenario& scenario, const std::vector<std::string>& wanted,
                                std::string_view flag, Diagnostics& diag) {
  std::vector<std::string> names;
  for (const auto& o : scenario.options) names.push_back(o.name);
  std::vector<bool> chosen(scenario.options.size(), false);
  bool any = false;
  for (size_t k = 0; k < wanted.size(); ++k) {
    std::string_view rest = wanted[k];
    size_t column = 1;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string name(rest.substr(0, comma));
      if (name == "all") {
        chosen.assign(chosen.size(), true);
        any = true;
      } else if (const int idx = scenario.option_index(name); idx >= 0) {
        chosen[static_cast<size_t>(idx)] = true;
        any = true;
      } else {
        // The position matters only within a comma-separated list.
        const bool listed = wanted[k].find(',') != std::string::npos;
        option_error(
            diag, flag, wanted[k], listed ? static_cast<int>(column) : 0,
            "unknown option '" + name + "'" + did_you_mean(name, names) +
                "; expected one of: " + [&] {
                  std::string all = "all";
                  for (const auto& n : names) all += ", " + n;
                  return all;
                }());
      }
      if (comma == std::string_view::npos) break;
      column += comma + 1;
      rest.remove_prefix(comma + 1);
    }
  }
  std::vector<int> out;
  if (!any) return {0};
  for (size_t o = 0; o < chosen.size(); ++o)
    if (chosen[o]) out.push_back(static_cast<int>(o));
  return out;
}

std::optional<int> parse_scenario_args(const std::string& command,
                                       const boost::program_options::options_description& visible,
                                       const std::vector<std::string>& args,
                                       boost::program_options::variables_map& vm,
                                       const std::string& positional) {
  namespace po = boost::program_options;
  po::options_description all;
  all.add(visible).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "parley " << command << ": " << e.what() << "\n\n" << visible << '\n';
    return kExitBadInput;
  }
  if (vm.count("help")) {
    std::cout << visible << '\n';
    return 0;
  }
  if (!vm.count("scenario")) {
    std::cerr << "parley " << command << ": missing " << positional << "\n\n" << visible << '\n';
    return kExitBadInput;
  }
  return std::nullopt;
}

void add_batch_options(boost::program_options::options_description& visible,
                       const std::string& what) {
  namespace po = boost::program_options;
  const std::string resume =
      "continue an interrupted " + what + " from its checkpoint in --out (same arguments)";
  // clang-format off
  visible.add_options()
      ("seed,s", po::value<std::string>(), "batch seed (default: [run] seed of scenario.ini)")
      ("threads,t", po::value<int>(),
       "worker threads per process (default: all cores, shared among the node's MPI ranks)")
      ("resume", resume.c_str())
      ("checkpoint-every", po::value<double>()->default_value(5.0),
       "seconds between checkpoints (0.01 to 3600)");
  // clang-format on
}

std::uint64_t seed_option(const boost::program_options::variables_map& vm, std::uint64_t fallback,
                          Diagnostics& diag) {
  if (!vm.count("seed")) return fallback;
  const std::string& text = vm["seed"].as<std::string>();
  std::uint64_t seed = 0;
  // from_chars takes no sign, so "-1" is refused instead of wrapping to 2^64-1 as a stream
  // conversion would.
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    diag.error("--seed", 0, 0,
               "expected a whole number from 0 to 18446744073709551615, got '" + text + "'");
    return fallback;
  }
  return seed;
}

std::vector<std::string> strings_of(const boost::program_options::variables_map& vm,
                                    const char* name) {
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

JobSettings job_settings(const std::string& command,
                         const boost::program_options::variables_map& vm,
                         const std::vector<std::string>& args, const mpi::Session& session,
                         const std::optional<Scenario>& scenario, std::string_view subfolder) {
  JobSettings s;
  s.command = command;
  if (vm.count("out"))
    s.out_dir = vm["out"].as<std::string>();
  else if (scenario)
    s.out_dir = "results/" + scenario->name + std::string(subfolder);
  s.resume = vm.count("resume") > 0;
  s.threads = vm.count("threads") ? vm["threads"].as<int>() : default_threads(session.local_size());
  s.checkpoint_seconds = vm["checkpoint-every"].as<double>();
  s.overrides = strings_of(vm, "set");
  if (vm.count("given")) s.given = vm["given"].as<std::string>();
  s.command_line = command_line(command, args);
  s.rank = session.rank();
  s.ranks = session.size();
  return s;
}

int open_job(BatchJob& job, bool root) {
  std::string error;
  const int status = job.open(root, error);
  if (status != 0 && !error.empty()) std::cerr << error << '\n';
  return status;
}

int commit_job(BatchJob& job, std::string_view manifest_text, bool observers_ok) {
  if (job.commit(manifest_text, observers_ok)) return 0;
  std::cerr << "parley " << job.settings().command << ": writing the results into '"
            << job.settings().out_dir << "' failed\n";
  return 1;
}

int report(const Diagnostics& diag) {
  diag.print(std::cerr);
  if (diag.has_errors()) {
    std::cerr << "parley: " << diag.error_count() << " error(s)";
    if (diag.warning_count() > 0) std::cerr << ", " << diag.warning_count() << " warning(s)";
    std::cerr << "; nothing was run or written\n";
    return kExitBadInput;
  }
  return 0;
}

std::string command_line(const std::string& command, const std::vector<std::string>& args) {
  std::string out = "parley " + command;
  for (const auto& a : args) {
    out += ' ';
    if (a.find_first_of(" \t\"'$;|&*?()<>") != std::string::npos) {
      out += '\'';
      for (const char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    } else {
      out += a;
    }
  }
  return out;
}

void print_wrapped(std::ostream& out, size_t indent, size_t hang, std::string_view given) {
  // Within "path = value" the spaces are held by a placeholder so that no line breaks there.
  std::string joined(given);
  for (size_t at = joined.find(" = "); at != std::string::npos; at = joined.find(" = ", at))
    joined.replace(at, 3, "\x01=\x01");
  std::string_view text = joined;
  const auto emit = [&out](std::string l) {
    for (char& c : l)
      if (c == '\x01') c = ' ';
    out << l << '\n';
  };
  std::string line(indent, ' ');
  size_t start = indent;
  bool first_word = true;
  while (!text.empty()) {
    const size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (!first_word && line.size() + 1 + word.size() > kTerminalWidth) {
      emit(line);
      line.assign(indent + hang, ' ');
      start = line.size();
      first_word = true;
    }
    if (!first_word) line += ' ';
    line += word;
    first_word = false;
  }
  if (line.size() > start || !first_word) emit(line);
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Progress::Progress(std::string what)
    : what_(std::move(what)), enabled_(::isatty(STDERR_FILENO) != 0), start_(now_seconds()) {}

void Progress::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const double elapsed = now_seconds() - start_;
  if (elapsed < 1.0 || done >= total) return;  // short batches stay quiet
  const double rate = static_cast<double>(done - std::min(done, base_)) / std::max(elapsed, 1e-9);
  const double eta = rate > 0 ? (total - done) / rate : 0.0;
  const int width = 30;
  const int filled =
      static_cast<int>(width * static_cast<double>(done) / std::max<std::uint64_t>(total, 1));
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r[%s] %llu/%llu %s  %.0f %s/s  ETA %.0fs   ", bar.c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
               what_.c_str(), rate, what_.c_str(), eta);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (drawn_) std::fprintf(stderr, "\r%*s\r", 100, "");
  drawn_ = false;
}

int default_threads(int local_ranks) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cpu_set_t set;
  CPU_ZERO(&set);
  const int allowed = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : cores;
  // A narrowed affinity is already this rank's share (mpirun --bind-to, Slurm cgroups).
  if (allowed < cores) return std::max(1, allowed);
  return std::max(1, cores / std::max(1, local_ranks));
}

namespace {
// A stream buffer that swallows everything.
class NullBuffer final : public std::streambuf {
 protected:
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};
}  // namespace

MuteOutput::MuteOutput(bool mute) {
  if (!mute) return;
  null_ = std::make_unique<NullBuffer>();
  out_ = std::cout.rdbuf(null_.get());
  err_ = std::cerr.rdbuf(null_.get());
}

MuteOutput::~MuteOutput() {
  if (out_ != nullptr) std::cout.rdbuf(out_);
  if (err_ != nullptr) std::cerr.rdbuf(err_);
}

}  // namespace parley::cli

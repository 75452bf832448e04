#pragma once
/// \file
/// Pieces shared by the subcommands: loading a scenario with command-line overrides, choosing
/// options, printing problems, and the terminal progress line.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "engine/batch/given.hpp"
#include "engine/batch/job.hpp"
#include "engine/batch/mpi.hpp"
#include "engine/core/diagnostics.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley::cli {

/// Loads `folder`, then adds each `--set PATH=VALUE` to every option (Option::set_always: in
/// force from the initial state and after the option's own values, so the command line wins,
/// also under an option that starts later). Problems go to `diag`; nullopt on any error.
[[nodiscard]] std::optional<Scenario> load_with_overrides(const std::string& folder,
                                                          const std::vector<std::string>& sets,
                                                          Diagnostics& diag);

/// Records a problem with a command-line option in `diag` as `--flag 'value': error: message`
/// (`--flag: error: message` when `value` is empty): a command line has no lines or columns, so
/// none is invented. `at` (1-based; 0 for none) is the character of `value` where the problem
/// starts, given in the message as "at character N of the value: ..." when it is past the first.
void option_error(Diagnostics& diag, std::string_view flag, std::string_view value, int at,
                  const std::string& message);

/// The `--given CONDITION` of run and compare, parsed against the scenario's ids (nullopt when
/// not given). A condition that does not parse, or an empty one, is an error in `diag` as
/// `--given 'text': error: at character N of the value: ...`.
[[nodiscard]] std::optional<Condition> given_option(const boost::program_options::variables_map& vm,
                                                    const Scenario& scenario, Diagnostics& diag);

/// Tells on stderr, for each arm (option) in which the --given condition `text` never held, that
/// it never did (and in how many runs), so that empty cells in the files are not a surprise.
void never_held_notes(const std::string& command, const std::string& text,
                      const std::vector<std::string>& names, const std::vector<Share>& shares);

/// The `--given` option's description, shared by run and compare.
[[nodiscard]] const char* given_help() noexcept;

/// Records that `pattern`, one of the comma-separated globs of `--metrics` (`patterns` as
/// given), matches none of `names`, with the nearest name as a suggestion.
void metric_pattern_error(Diagnostics& diag, const std::string& patterns,
                          const std::string& pattern, const std::vector<std::string>& names);

/// Resolves option names given to `flag` (names, comma-separated lists, or "all") to option
/// indices in scenario order; an empty list means baseline only. Unknown names are errors in
/// `diag`, under `flag` (e.g. "--option").
[[nodiscard]] std::vector<int> select_options(const Scenario& scenario,
                                              const std::vector<std::string>& wanted,
                                              std::string_view flag, Diagnostics& diag);

/// Parses `parley COMMAND SCENARIO [options]`: the options of `visible` plus one positional
/// SCENARIO folder, into `vm`. Returns the exit status when the command should stop now:
/// 0 after printing --help, kExitBadInput (with the usage) for a bad or missing argument;
/// nullopt to go on.
/// `positional` names the argument in the message when it is missing.
[[nodiscard]] std::optional<int> parse_scenario_args(
    const std::string& command, const boost::program_options::options_description& visible,
    const std::vector<std::string>& args, boost::program_options::variables_map& vm,
    const std::string& positional = "SCENARIO folder");

/// Adds the options run, compare and sweep share: --seed, --threads, --resume (of `what`, e.g.
/// "batch") and --checkpoint-every.
void add_batch_options(boost::program_options::options_description& visible,
                       const std::string& what);

/// The batch seed: --seed when given (a whole number from 0 to 2^64-1; anything else, a sign
/// included, is an error in `diag`), else `fallback` (the scenario's [run] seed).
[[nodiscard]] std::uint64_t seed_option(const boost::program_options::variables_map& vm,
                                        std::uint64_t fallback, Diagnostics& diag);

/// The values given to a repeatable string option, in order (none when it was not given).
[[nodiscard]] std::vector<std::string> strings_of(const boost::program_options::variables_map& vm,
                                                  const char* name);

/// The settings run, compare and sweep share, read from `vm`: --out (default
/// `results/<scenario name><subfolder>`, e.g. subfolder "/compare"), --resume, --threads
/// (default: default_threads), --checkpoint-every, --set, --given, with the command line and
/// the MPI rank. Checked later by check_job_settings.
[[nodiscard]] JobSettings job_settings(const std::string& command,
                                       const boost::program_options::variables_map& vm,
                                       const std::vector<std::string>& args,
                                       const mpi::Session& session,
                                       const std::optional<Scenario>& scenario,
                                       std::string_view subfolder);

/// Copies what every batch spec takes from the job's settings (threads, checkpoint interval,
/// MPI rank and ranks) into `spec`: a BatchSpec, CompareSpec or SweepSpec.
template <typename Spec>
void take_job_settings(Spec& spec, const JobSettings& settings) {
  spec.threads = settings.threads;
  spec.checkpoint_seconds = settings.checkpoint_seconds;
  spec.rank = settings.rank;
  spec.ranks = settings.ranks;
}

/// Opens `job`'s folder (BatchJob::open), printing the message of a failure on stderr.
/// Returns 0 to go on, else the exit status every rank should stop with.
[[nodiscard]] int open_job(BatchJob& job, bool root);

/// Commits `job` with `manifest_text` (BatchJob::commit). Returns 0, or 1 after saying on
/// stderr that writing the results failed.
[[nodiscard]] int commit_job(BatchJob& job, std::string_view manifest_text,
                             bool observers_ok = true);

/// Prints every problem to stderr, then a one-line count. Returns kExitBadInput if any error.
int report(const Diagnostics& diag);

/// The command line as one string, arguments quoted where needed (for manifest.json).
[[nodiscard]] std::string command_line(const std::string& command,
                                       const std::vector<std::string>& args);

/// A progress line on stderr for batches that last over a second, only when stderr is a
/// terminal. Rate and ETA included; the line is cleared when done.
class Progress {
 public:
  /// `what` names the unit, e.g. "runs".
  explicit Progress(std::string what);
  /// Counts rate and ETA from `done` runs on (those a resumed batch had already done).
  void set_start(std::uint64_t done) noexcept { base_ = done; }
  /// Reports `done` of `total`.
  void update(std::uint64_t done, std::uint64_t total);
  /// Clears the line if one was drawn.
  void finish();

 private:
  std::string what_;
  bool enabled_;
  bool drawn_ = false;
  double start_;
  std::uint64_t base_ = 0;
};

/// The default number of worker threads: the cores this process may run on (its CPU affinity,
/// which mpirun and Slurm narrow to a rank's share), divided among `local_ranks` ranks of this
/// node when the affinity does not already separate them. At least 1.
[[nodiscard]] int default_threads(int local_ranks);

/// Silences std::cout and std::cerr while it lives: MPI ranks other than 0 use it so that a
/// job prints each message once, from rank 0 (every rank reaches the same verdicts).
class MuteOutput {
 public:
  /// Mutes when `mute` is true; otherwise does nothing.
  explicit MuteOutput(bool mute);
  ~MuteOutput();
  MuteOutput(const MuteOutput&) = delete;
  MuteOutput& operator=(const MuteOutput&) = delete;

 private:
  std::unique_ptr<std::streambuf> null_;  // swallows everything
  std::streambuf* out_ = nullptr;
  std::streambuf* err_ = nullptr;
};

/// Width of the terminal tables (explain, validate --gains): lines stay within it.
inline constexpr size_t kTerminalWidth = 100;

/// Prints `text` to `out` from column `indent`, broken at spaces so that no line is longer than
/// kTerminalWidth (a word longer than a line stays whole); continuation lines start at column
/// `indent + hang`. "path = value" counts as one word, so a value stays with its path.
void print_wrapped(std::ostream& out, size_t indent, size_t hang, std::string_view text);

/// Seconds on a monotonic clock.
[[nodiscard]] double now_seconds();

}  // namespace parley::cli

// `parley run SCENARIO ...`: a Monte Carlo batch of a scenario, streamed to results files,
// resumable (--resume) and shared among MPI ranks when started under mpirun.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "engine/batch/given.hpp"
#include "engine/batch/job.hpp"
#include "engine/batch/manifest.hpp"
#include "engine/batch/mpi.hpp"
#include "engine/batch/run_files.hpp"
#include "engine/batch/runner.hpp"
#include "engine/io/explain_output.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/explain.hpp"
#include "engine/sim/run.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace po = boost::program_options;

namespace parley::cli {

namespace {

// Writes the batch's streamed output into the open result files.
class FileSink final : public BatchSink {
 public:
  FileSink(AtomicFile& runs, AtomicFile& events, AtomicFile& failures, Progress& progress)
      : runs_(runs), events_(events), failures_(failures), progress_(progress) {}
  void runs_rows(std::string_view text) override { runs_.write(text); }
  void events_rows(std::string_view text) override { events_.write(text); }
  void failures_rows(std::string_view text) override { failures_.write(text); }
  void progress(std::uint64_t done, std::uint64_t total) override { progress_.update(done, total); }

 private:
  AtomicFile& runs_;
  AtomicFile& events_;
  AtomicFile& failures_;
  Progress& progress_;
};

// MPI ranks other than 0 send their rows to rank 0 and write nothing themselves.
class NullSink final : public BatchSink {
 public:
  void runs_rows(std::string_view) override {}
  void events_rows(std::string_view) override {}
  void failures_rows(std::string_view) override {}
};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string pad(std::string_view s, size_t width) {
  std::string out;
  out.reserve(std::max(width, s.size()));
  out.append(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

// The short table a batch prints: per option, each issue's final status quo and each actor's
// final utility, as mean [p05-p95].
void print_summary(const Scenario& sc, const MetricCatalog& catalog,
                   const std::vector<std::string>& names, const BatchResult& result) {
  const size_t label_w = 34, col_w = 24;
  std::string line = pad("", label_w);
  for (const auto& n : names) line += pad(n, col_w);
  std::cout << "\nfinal status quo, 0-100: mean [p05-p95]\n" << line << '\n';
  for (size_t k = 0; k < catalog.final.size(); ++k) {
    const MetricInfo& m = catalog.final[k];
    if (m.kind != MetricKind::issue && m.kind != MetricKind::issue_value) continue;
    std::string row;
    if (m.kind == MetricKind::issue) {
      row = pad("  " + sc.issues[static_cast<size_t>(m.index)].id, label_w);
    } else {
      row = pad("    in " + sc.issues[static_cast<size_t>(m.index)].unit, label_w);
    }
    for (const auto& opt : result.options) {
      const MetricStats& s = opt.final[k];
      const int d = m.kind == MetricKind::issue ? 1 : 2;
      row += pad(fixed(s.mean(), d) + " [" + fixed(s.quantile(0.05), d) + "-" +
                     fixed(s.quantile(0.95), d) + "]",
                 col_w);
    }
    std::cout << row << '\n';
  }
  std::cout << "\nfinal utility, 0-1: mean [p05-p95]; recognized by: mean\n";
  for (size_t k = 0; k < catalog.final.size(); ++k) {
    const MetricInfo& m = catalog.final[k];
    if (m.kind != MetricKind::utility && m.kind != MetricKind::recognized) continue;
    const std::string& id = sc.actors[static_cast<size_t>(m.index)].id;
    std::string row =
        pad(std::string("  ") + (m.kind == MetricKind::utility ? "utility." : "recognized.") + id,
            label_w);
    for (const auto& opt : result.options) {
      const MetricStats& s = opt.final[k];
      row += pad(m.kind == MetricKind::utility
                     ? fixed(s.mean(), 3) + " [" + fixed(s.quantile(0.05), 3) + "-" +
                           fixed(s.quantile(0.95), 3) + "]"
                     : fixed(s.mean(), 2),
                 col_w);
    }
    std::cout << row << '\n';
  }
}

// One line per option: how often the --given condition held, with its 95% interval.
void print_given(const std::string& text, const std::vector<std::string>& names,
                 const GivenRunTotals& totals) {
  std::cout << "\ngiven " << text << ": share of runs in which it held [95% interval]\n";
  for (size_t o = 0; o < names.size() && o < totals.shares.size(); ++o) {
    const Share& s = totals.shares[o];
    std::cout << "  " << pad(names[o], 32) << s.held << " of " << s.runs << " runs";
    if (s.runs > 0)
      std::cout << ", " << fixed(100.0 * s.share, 1) << "% [" << fixed(100.0 * s.low, 1) << "-"
                << fixed(100.0 * s.high, 1) << "%]";
    std::cout << '\n';
  }
  std::cout << "summaries of those runs in summary_given.csv\n";
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  // Under mpirun every rank runs this same function on the same arguments and so reaches the
  // same verdicts (bad input: exit 2 everywhere); only rank 0 prints and writes files.
  const mpi::Session session;
  const bool root = session.rank() == 0;
  const MuteOutput mute(!root);

  po::options_description visible(
      "usage: parley run SCENARIO [options]\n"
      "       mpirun -np K parley run SCENARIO [options]\n\n"
      "Runs a Monte Carlo batch of a scenario folder. Run k of every option draws from the\n"
      "streams of (seed, k): results are identical for any --threads (and MPI ranks) and\n"
      "options share common random numbers. Writes, into --out: manifest.json, runs.csv,\n"
      "summary.csv, trajectory.csv, histograms.csv, events.csv, explain.json (why the\n"
      "first traced run of each option went as it did; with --trace > 0) and failures.csv if\n"
      "any run failed.\n"
      "Rows stream to disk with a checkpoint every few seconds: after an interruption, the\n"
      "same command with --resume finishes the batch (see docs/BATCHES.md).\n\n"
      "options");
  // clang-format off
  visible.add_options()
      ("runs,n", po::value<std::int64_t>(), "runs per option (default: [run] runs of scenario.ini)")
      ("option,o", po::value<std::vector<std::string>>()->composing(),
       "option(s) to run: a name, a comma-separated list or 'all' (default: baseline)")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override PATH=VALUE for every option, e.g. --set model.settle_rate=0.3 (repeatable)")
      ("out", po::value<std::string>(), "output folder (default: results/<scenario name>)")
      ("trace", po::value<std::int64_t>()->default_value(10), "write the events of the first K runs, and with K > 0 explain.json: why run 0 of "
       "each option went as it did (see parley explain)")
      ("given", po::value<std::string>()->value_name("CONDITION"), given_help());
  add_batch_options(visible, "batch");
  visible.add_options()
      ("report", "also write report.html, the charts of the results (see parley report)")
      ("quiet,q", "do not print the summary table")
      ("help,h", "show this help");
  // clang-format on
  po::variables_map vm;
  if (const auto status = parse_scenario_args("run", visible, args, vm)) return *status;

  Diagnostics diag;
  const auto scenario =
      load_with_overrides(vm["scenario"].as<std::string>(), strings_of(vm, "set"), diag);
  std::vector<int> options;
  std::optional<Condition> given;
  if (scenario) {
    given = given_option(vm, *scenario, diag);
    options = select_options(*scenario,
                             vm.count("option") ? vm["option"].as<std::vector<std::string>>()
                                                : std::vector<std::string>{},
                             "--option", diag);
  }
  BatchSpec spec;
  if (scenario) {
    spec.runs = checked_runs(
        vm.count("runs") ? vm["runs"].as<std::int64_t>() : scenario->default_runs, "--runs", diag);
    spec.seed = seed_option(vm, scenario->default_seed, diag);
  }
  const JobSettings settings = job_settings("run", vm, args, session, scenario, "");
  const std::int64_t trace = vm["trace"].as<std::int64_t>();
  if (trace < 0)
    diag.error("--trace", 0, 0, "expected a number of runs >= 0, got " + std::to_string(trace));
  check_job_settings(settings, diag);
  take_job_settings(spec, settings);
  spec.trace = static_cast<std::uint64_t>(std::max<std::int64_t>(trace, 0));
  spec.options = options;
  if (const int status = report(diag); status != 0) return status;
  if (diag.warning_count() > 0) std::cerr << '\n';

  const Rules rules = compile(*scenario);
  const MetricCatalog catalog = metric_catalog(*scenario);
  const RowFormat format(*scenario, rules, catalog);
  std::vector<std::string> names;
  for (const int o : options) names.push_back(scenario->options[static_cast<size_t>(o)].name);

  BatchJob job(settings, *scenario, spec.seed, {"runs.csv", "events.csv", "failures.csv"});
  job.add_fingerprint("runs", std::to_string(spec.runs));
  std::string option_list;
  for (const auto& n : names) option_list += (option_list.empty() ? "" : ",") + n;
  job.add_fingerprint("options", option_list);
  job.add_fingerprint("trace", std::to_string(spec.trace));
  if (const int status = open_job(job, root)) return status;
  spec.resume_runs = job.resume_runs();
  if (root) {
    spec.resume_state = job.output().resume_state();
    spec.checkpointer = &job.output();
  }

  Progress progress("runs");
  progress.set_start(spec.resume_runs);
  NullSink null_sink;
  std::unique_ptr<FileSink> file_sink;
  if (root) {
    ResumableOutput& output = job.output();
    AtomicFile& runs_file = output.file(0);
    AtomicFile& events_file = output.file(1);
    AtomicFile& failures_file = output.file(2);
    if (!output.resumed()) {
      runs_file.write(format.runs_header());
      events_file.write(RowFormat::events_header());
      failures_file.write(RowFormat::failures_header());
    } else if (!vm.count("quiet")) {
      std::cout << "parley run: resuming " << settings.out_dir << " after " << spec.resume_runs
                << " of " << spec.runs << " runs\n";
    }
    file_sink = std::make_unique<FileSink>(runs_file, events_file, failures_file, progress);
  }
  // --given: counts and statistics of the runs in which the condition held, kept alongside the
  // batch's (checkpointed and gathered with them).
  std::unique_ptr<GivenObserver> given_observer;
  if (given) {
    given_observer = std::make_unique<GivenObserver>(*given, catalog, rules.turns, names.size(),
                                                     spec.threads, false);
    spec.observer = given_observer.get();
  }
  const double start = now_seconds();
  const BatchResult result = run_batch(rules, catalog, format, spec,
                                       root ? static_cast<BatchSink&>(*file_sink) : null_sink);
  const double seconds = now_seconds() - start;
  progress.finish();
  if (!root) return 0;

  Manifest manifest = job.manifest();
  manifest.runs = spec.runs;
  manifest.trace = spec.trace;
  manifest.options = names;
  manifest.failed = result.failed;
  if (result.failed == 0) job.drop_stream(2);  // no failures.csv: a stale list would mislead
  job.add_file("summary.csv", summary_csv(catalog, names, result));
  job.add_file("trajectory.csv", trajectory_csv(catalog, names, result, scenario->turns));
  job.add_file("histograms.csv", histograms_csv(catalog, names, result));
  GivenRunTotals given_totals;
  if (given) {
    given_totals = given_observer->run_totals();
    job.add_file("given.csv", given_run_csv(names, given_totals));
    job.add_file("summary_given.csv", summary_given_csv(catalog, names, given_totals));
  } else {
    job.drop_file("given.csv");  // files of an earlier --given would mislead
    job.drop_file("summary_given.csv");
  }
  // Why the first traced run of each option went as it did: a replay of run 0 through the
  // turn with its detail records (as `parley explain` does), a few milliseconds per option, the
  // same bytes whatever the threads, ranks or resume. The report shows it.
  if (spec.trace > 0) {
    std::vector<Explanation> explanations;
    for (const int o : options) {
      ExplainRequest req;
      req.option = o;
      req.seed = spec.seed;
      req.run = 0;
      explanations.push_back(explain_run(*scenario, rules, req));
    }
    job.add_file("explain.json", explanation_json(*scenario, explanations));
    manifest.explain = "explain.json";
  } else {
    job.drop_file("explain.json");  // an earlier batch's explanation would mislead
  }
  if (const int status =
          commit_job(job, manifest_json(manifest, *scenario), !given || given_observer->ok()))
    return status;

  if (!vm.count("quiet")) {
    const double total =
        static_cast<double>(spec.runs - spec.resume_runs) * static_cast<double>(names.size());
    std::cout << "parley run " << scenario->name << ": " << spec.runs << " runs x " << names.size()
              << " option(s), seed " << spec.seed << ", " << spec.threads << " thread(s)";
    if (spec.ranks > 1) std::cout << " x " << spec.ranks << " ranks";
    std::cout << ", " << fixed(seconds, 2) << " s (" << fixed(total / std::max(seconds, 1e-9), 0)
              << " runs/s)\n";
    print_summary(*scenario, catalog, names, result);
    if (given) print_given(vm["given"].as<std::string>(), names, given_totals);
    if (result.failed > 0)
      std::cout << "\n" << result.failed << " run(s) failed; see failures.csv\n";
    std::cout << "\nresults in " << settings.out_dir << "/\n";
  }
  // Said even with --quiet: the files hold empty cells for such an option.
  if (given) never_held_notes("run", vm["given"].as<std::string>(), names, given_totals.shares);
  if (vm.count("report")) return write_report(settings.out_dir, "", "", vm.count("quiet") > 0);
  return 0;
}

}  // namespace parley::cli

// `parley run SCENARIO ...`: a Monte Carlo batch of a scenario, streamed to results files.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "engine/batch/runner.hpp"
#include "engine/io/output.hpp"
#include "engine/sim/compile.hpp"
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
  void failures_rows(std::string_view text) override {
    failures_.write(text);
    any_failure_ = true;
  }
  void progress(std::uint64_t done, std::uint64_t total) override {
    progress_.update(done, total);
  }
  [[nodiscard]] bool any_failure() const noexcept { return any_failure_; }

 private:
  AtomicFile& runs_;
  AtomicFile& events_;
  AtomicFile& failures_;
  Progress& progress_;
  bool any_failure_ = false;
};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
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
    std::string row = pad(std::string("  ") +
                              (m.kind == MetricKind::utility ? "utility." : "recognized.") + id,
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

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  po::options_description visible(
      "usage: parley run SCENARIO [options]\n\n"
      "Runs a Monte Carlo batch of a scenario folder. Run k of every option draws from the\n"
      "streams of (seed, k): results are identical for any --threads and options share\n"
      "common random numbers. Writes, into --out: manifest.json, runs.csv, summary.csv,\n"
      "trajectory.csv, events.csv (and failures.csv if any run failed).\n\n"
      "options");
  visible.add_options()
      ("runs,n", po::value<std::int64_t>(), "runs per option (default: [run] runs of scenario.ini)")
      ("seed,s", po::value<std::uint64_t>(), "batch seed (default: [run] seed of scenario.ini)")
      ("threads,t", po::value<int>(), "worker threads (default: all cores)")
      ("option,o", po::value<std::vector<std::string>>()->composing(),
       "option(s) to run: a name, a comma-separated list or 'all' (default: baseline)")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override PATH=VALUE for every option, e.g. --set model.settle_rate=0.3 (repeatable)")
      ("out", po::value<std::string>(), "output folder (default: results/<scenario name>)")
      ("trace", po::value<std::int64_t>()->default_value(10), "write the events of the first K runs")
      ("quiet,q", "do not print the summary table")
      ("help,h", "show this help");
  po::options_description all;
  all.add(visible).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "parley run: " << e.what() << "\n\n" << visible << '\n';
    return kExitBadInput;
  }
  if (vm.count("help")) {
    std::cout << visible << '\n';
    return 0;
  }
  if (!vm.count("scenario")) {
    std::cerr << "parley run: missing SCENARIO folder\n\n" << visible << '\n';
    return kExitBadInput;
  }

  Diagnostics diag;
  const auto sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>()
                                    : std::vector<std::string>{};
  const auto scenario = load_with_overrides(vm["scenario"].as<std::string>(), sets, diag);
  std::vector<int> options;
  if (scenario) {
    options = select_options(*scenario, vm.count("option")
                                            ? vm["option"].as<std::vector<std::string>>()
                                            : std::vector<std::string>{},
                             diag);
  }
  BatchSpec spec;
  if (scenario) {
    const std::int64_t runs = vm.count("runs") ? vm["runs"].as<std::int64_t>()
                                               : scenario->default_runs;
    if (runs < 1) diag.error("--runs", 0, 0, "expected a whole number of runs >= 1, got " + std::to_string(runs));
    spec.runs = static_cast<std::uint64_t>(std::max<std::int64_t>(runs, 1));
    spec.seed = vm.count("seed") ? vm["seed"].as<std::uint64_t>() : scenario->default_seed;
  }
  spec.threads = vm.count("threads") ? vm["threads"].as<int>()
                                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (spec.threads < 1 || spec.threads > 1024)
    diag.error("--threads", 0, 0, "expected 1 to 1024 threads, got " + std::to_string(spec.threads));
  const std::int64_t trace = vm["trace"].as<std::int64_t>();
  if (trace < 0) diag.error("--trace", 0, 0, "expected a number of runs >= 0, got " + std::to_string(trace));
  spec.trace = static_cast<std::uint64_t>(std::max<std::int64_t>(trace, 0));
  spec.options = options;
  if (const int status = report(diag); status != 0) return status;
  if (diag.warning_count() > 0) std::cerr << '\n';

  const std::string out_dir = vm.count("out") ? vm["out"].as<std::string>()
                                              : "results/" + scenario->name;
  std::string error;
  if (!make_directories(out_dir, error)) {
    std::cerr << "parley run: " << error << '\n';
    return 1;
  }

  const Rules rules = compile(*scenario);
  const MetricCatalog catalog = metric_catalog(*scenario);
  const RowFormat format(*scenario, rules, catalog);
  std::vector<std::string> names;
  for (const int o : options) names.push_back(scenario->options[static_cast<size_t>(o)].name);

  AtomicFile runs_file(out_dir, "runs.csv"), events_file(out_dir, "events.csv"),
      failures_file(out_dir, "failures.csv");
  if (!runs_file.ok() || !events_file.ok() || !failures_file.ok()) {
    std::cerr << "parley run: cannot write into '" << out_dir << "'\n";
    return 1;
  }
  runs_file.write(format.runs_header());
  events_file.write(RowFormat::events_header());
  failures_file.write(RowFormat::failures_header());

  Progress progress("runs");
  FileSink sink(runs_file, events_file, failures_file, progress);
  const double start = now_seconds();
  const BatchResult result = run_batch(rules, catalog, format, spec, sink);
  const double seconds = now_seconds() - start;
  progress.finish();

  Manifest manifest;
  manifest.scenario_name = scenario->name;
  manifest.scenario_folder = scenario->folder;
  manifest.content_hash = scenario->content_hash;
  manifest.seed = spec.seed;
  manifest.runs = spec.runs;
  manifest.threads = spec.threads;
  manifest.options = names;
  manifest.overrides = sets;
  manifest.command_line = command_line("run", args);
  manifest.failed = result.failed;

  AtomicFile summary_file(out_dir, "summary.csv"), trajectory_file(out_dir, "trajectory.csv"),
      manifest_file(out_dir, "manifest.json");
  summary_file.write(summary_csv(catalog, names, result));
  trajectory_file.write(trajectory_csv(catalog, names, result, scenario->turns));
  manifest_file.write(manifest_json(manifest));
  // The manifest goes last: a folder whose manifest is new holds a complete batch.
  bool written = runs_file.commit() && events_file.commit() && summary_file.commit() &&
                 trajectory_file.commit();
  if (sink.any_failure()) {
    written = written && failures_file.commit();
  } else {
    std::error_code ec;
    std::filesystem::remove(out_dir + "/failures.csv", ec);  // a stale list would mislead
  }
  written = written && manifest_file.commit();
  if (!written) {
    std::cerr << "parley run: writing the results into '" << out_dir << "' failed\n";
    return 1;
  }

  if (!vm.count("quiet")) {
    const double total = static_cast<double>(spec.runs) * static_cast<double>(names.size());
    std::cout << "parley run " << scenario->name << ": " << spec.runs << " runs x "
              << names.size() << " option(s), seed " << spec.seed << ", " << spec.threads
              << " thread(s), " << fixed(seconds, 2) << " s (" << fixed(total / seconds, 0)
              << " runs/s)\n";
    print_summary(*scenario, catalog, names, result);
    if (result.failed > 0)
      std::cout << "\n" << result.failed << " run(s) failed; see failures.csv\n";
    std::cout << "\nresults in " << out_dir << "/\n";
  }
  return 0;
}

}  // namespace parley::cli

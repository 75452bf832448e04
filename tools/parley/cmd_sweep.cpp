// `parley sweep SCENARIO --vary PATH=LO..HI ...`: mean metrics over a design of parameter
// values, and Sobol' sensitivity indices with --design sobol.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

#include "engine/batch/compare.hpp"
#include "engine/batch/job.hpp"
#include "engine/batch/manifest.hpp"
#include "engine/batch/mpi.hpp"
#include "engine/batch/sweep.hpp"
#include "engine/sim/run.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace po = boost::program_options;

namespace parley::cli {

namespace {

constexpr int kDefaultLhsSamples = 64;
constexpr int kDefaultSobolBase = 256;

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Appends `s` to `line`, then spaces up to `width` characters for `s`.
void put(std::string& line, std::string_view s, size_t width) {
  line.append(s);
  if (s.size() < width) line.append(width - s.size(), ' ');
}

bool headline(const MetricInfo& m) {
  return m.kind == MetricKind::issue || m.kind == MetricKind::utility;
}

// Sobol' design: the total-order index (first-order in parentheses) of each headline metric for
// each varied path, and how far the metric moves over the design: an index of 0.7 on a metric
// that moves by half a point matters less than it looks.
void print_sensitivity(const MetricCatalog& catalog, const SweepPlan& plan,
                       const std::vector<size_t>& metrics,
                       const std::vector<std::vector<SobolIndex>>& indices,
                       const std::vector<OutputSpread>& spread) {
  const size_t label_w = 30, col_w = 24;
  std::string line;
  put(line, "", label_w);
  for (const VaryRange& v : plan.vary) put(line, v.path, col_w);
  if (line.back() != ' ') line += "  ";  // a path longer than its column
  line += "spread: sd; p05..p95";
  std::cout << "\nSobol' indices of the headline metrics: total-order ST (first-order S1), each "
               "+- its 95% half-width in sensitivity.csv; the metric's spread over the design's "
               "A and B points, in its unit\n"
            << line << '\n';
  bool any_tiny = false;
  for (size_t m = 0; m < metrics.size(); ++m) {
    const MetricInfo& info = catalog.final[metrics[m]];
    if (!headline(info)) continue;
    std::string row;
    put(row, "  " + info.name, label_w);
    for (const SobolIndex& x : indices[m])
      put(row,
          std::isnan(x.st) ? "(no variation)" : fmt("%.2f", x.st) + " (" + fmt("%.2f", x.s1) + ")",
          col_w);
    const OutputSpread& sp = spread[m];
    if (std::isfinite(sp.sd)) {
      const char* f = info.kind == MetricKind::utility ? "%.4g" : "%.3g";
      row += fmt(f, sp.sd) + "; " + fmt(f, sp.p05) + ".." + fmt(f, sp.p95);
      const bool indexed = std::any_of(indices[m].begin(), indices[m].end(),
                                       [](const SobolIndex& x) { return !std::isnan(x.st); });
      if (indexed && negligible_spread(sp, default_min_effect(info))) {
        row += "  !";
        any_tiny = true;
      }
    }
    std::cout << row << '\n';
  }
  if (any_tiny)
    std::cout << "! moves less than its min effect over the design (utility "
              << fmt("%g", default_min_effect(MetricKind::utility, 1.0)) << ", issue "
              << fmt("%g", default_min_effect(MetricKind::issue, 1.0))
              << " point, as parley compare's --min-effect defaults): the indices share out "
                 "differences too small to matter, mostly the runs' noise\n";
}

// Grid and Latin hypercube: how far each headline metric's mean moves over the samples.
void print_ranges(const MetricCatalog& catalog, const SweepResult& result,
                  const std::vector<size_t>& metrics) {
  std::cout << "\nmean over runs, across the samples: lowest .. highest\n";
  for (const size_t k : metrics) {
    const MetricInfo& info = catalog.final[k];
    if (!headline(info)) continue;
    double lo = INFINITY, hi = -INFINITY;
    for (Eigen::Index s = 0; s < result.means.rows(); ++s) {
      const double v = result.means(s, static_cast<Eigen::Index>(k));
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const char* f = info.kind == MetricKind::utility ? "%.3f" : "%.1f";
    std::string row;
    put(row, "  " + info.name, 30);
    row += lo <= hi ? fmt(f, lo) + " .. " + fmt(f, hi) : std::string("(no successful run)");
    std::cout << row << '\n';
  }
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  // Under mpirun every rank runs this same function on the same arguments and so reaches the
  // same verdicts (bad input: exit 2 everywhere); only rank 0 prints and writes files.
  const mpi::Session session;
  const bool root = session.rank() == 0;
  const MuteOutput mute(!root);

  po::options_description visible(
      "usage: parley sweep SCENARIO --vary PATH=LO..HI [--vary ...] [options]\n"
      "       mpirun -np K parley sweep SCENARIO --vary PATH=LO..HI [options]\n\n"
      "Varies any settable path over a range and runs a batch at every sample point. Run k of\n"
      "every sample draws from the streams of (seed, k) (common random numbers). Writes\n"
      "sweep.csv (one row per sample: the varied values and the mean metrics), with\n"
      "--design sobol also sensitivity.csv (first- and total-order Sobol' indices of every\n"
      "metric with bootstrap 95% half-widths), and manifest.json into --out.\n"
      "Results are identical for any --threads and MPI ranks. A checkpoint is saved every few\n"
      "seconds: after an interruption, the same command with --resume finishes the sweep.\n\n"
      "options");
  // clang-format off
  visible.add_options()
      ("vary,v", po::value<std::vector<std::string>>()->composing(),
       "PATH=LO..HI to vary, e.g. model.settle_rate=0.1..0.4; with --design grid "
       "PATH=LO..HI:STEPS (repeatable)")
      ("design,d", po::value<std::string>()->default_value("lhs"),
       "lhs (Latin hypercube), grid (full factorial) or sobol (Saltelli's scheme)")
      ("samples,k", po::value<std::int64_t>(),
       "lhs: sample points (default 64); sobol: base rows N, giving N x (paths + 2) points "
       "(default 256); grid: not used (STEPS set the size)")
      ("runs-per-sample,r", po::value<std::int64_t>()->default_value(100),
       "runs at every sample point")
      ("option,o", po::value<std::string>()->default_value("baseline"),
       "the option the varied values are laid over")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override PATH=VALUE for every sample (repeatable)")
      ("metrics,m", po::value<std::string>(),
       "metrics to write: comma-separated globs, e.g. 'utility.*,issue.*' (default: all)")
      ("bootstrap", po::value<int>()->default_value(1000),
       "bootstrap resamples for the Sobol' intervals (0 = none)")
      ("out", po::value<std::string>(), "output folder (default: results/<scenario name>/sweep)");
  add_batch_options(visible, "sweep");
  visible.add_options()
      ("report", "also write report.html, the charts of the results (see parley report)")
      ("quiet,q", "do not print the summary")
      ("help,h", "show this help");
  // clang-format on
  po::variables_map vm;
  if (const auto status = parse_scenario_args("sweep", visible, args, vm)) return *status;

  Diagnostics diag;
  const auto vary_args = strings_of(vm, "vary");
  const auto scenario =
      load_with_overrides(vm["scenario"].as<std::string>(), strings_of(vm, "set"), diag);

  const std::string design_text = vm["design"].as<std::string>();
  const auto design = parse_design(design_text);
  if (!design)
    option_error(diag, "--design", design_text, 0,
                 "unknown design '" + design_text + "'" +
                     did_you_mean(design_text, {"lhs", "grid", "sobol"}) +
                     "; expected lhs, grid or sobol");
  if (vary_args.empty())
    diag.error("--vary", 0, 0,
               "nothing to vary; expected at least one --vary PATH=LO..HI, e.g. "
               "--vary model.settle_rate=0.1..0.4");

  std::vector<VaryRange> vary;
  int base_option = 0;
  std::vector<size_t> metrics;
  MetricCatalog catalog;
  if (scenario) {
    const IdTables ids = scenario->ids();
    for (size_t k = 0; k < vary_args.size(); ++k) {
      const std::string& arg = vary_args[k];
      ParseError err;
      auto v = parse_vary(arg, ids, err);
      if (!v) {
        option_error(diag, "--vary", arg, err.offset + 1, err.message);
        continue;
      }
      const size_t steps_at = arg.find(':');
      if (design == Design::grid && v->steps == 0)
        option_error(diag, "--vary", arg, 0,
                     "--design grid needs the number of levels: expected PATH=LO..HI:STEPS, "
                     "e.g. " +
                         v->path + "=" + format_double(v->lo) + ".." + format_double(v->hi) + ":5");
      else if (design && design != Design::grid && v->steps != 0)
        option_error(diag, "--vary", arg, static_cast<int>(steps_at) + 1,
                     ":STEPS applies to --design grid only; expected PATH=LO..HI with --design " +
                         std::string(design_name(*design)));
      const bool repeated = std::any_of(vary.begin(), vary.end(),
                                        [&](const VaryRange& o) { return o.slot == v->slot; });
      if (repeated)
        option_error(diag, "--vary", arg, 0,
                     "'" + v->path + "' is varied twice; expected each path once");
      else
        vary.push_back(std::move(*v));
    }
    const std::string& option_name = vm["option"].as<std::string>();
    base_option = scenario->option_index(option_name);
    if (base_option < 0) {
      std::vector<std::string> names;
      for (const Option& o : scenario->options) names.push_back(o.name);
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      option_error(diag, "--option", option_name, 0,
                   "unknown option '" + option_name + "'" + did_you_mean(option_name, names) +
                       "; expected one of: " + list);
      base_option = 0;
    }
    catalog = metric_catalog(*scenario);
    std::vector<std::string> unmatched;
    const std::string patterns = vm.count("metrics") ? vm["metrics"].as<std::string>() : "";
    metrics = select_metrics(catalog, patterns, unmatched);
    std::vector<std::string> names;
    for (const MetricInfo& m : catalog.final) names.push_back(m.name);
    for (const std::string& u : unmatched) metric_pattern_error(diag, patterns, u, names);
  }

  // Sizes.
  std::int64_t samples = 0;
  if (design == Design::grid) {
    if (vm.count("samples"))
      diag.warning("--samples", 0, 0, "--design grid takes its size from STEPS; --samples ignored");
  } else if (design) {
    const bool sobol = design == Design::sobol;
    samples = vm.count("samples") ? vm["samples"].as<std::int64_t>()
                                  : (sobol ? kDefaultSobolBase : kDefaultLhsSamples);
    const std::int64_t least = sobol ? 2 : 1;
    if (samples < least || samples > kMaxSamples)
      diag.error("--samples", 0, 0,
                 "expected " + std::string(sobol ? "base rows" : "sample points") + " from " +
                     std::to_string(least) + " to " + std::to_string(kMaxSamples) + ", got " +
                     std::to_string(samples));
    if (sobol && vary.size() > static_cast<size_t>(kMaxSobolInputs))
      diag.error("--vary", 0, 0,
                 "--design sobol handles up to " + std::to_string(kMaxSobolInputs) +
                     " varied paths, got " + std::to_string(vary.size()) +
                     "; expected fewer --vary (or --design lhs)");
  }
  if (design && !vary.empty() && !diag.has_errors()) {
    const std::int64_t planned = planned_samples(*design, vary, samples);
    if (planned > kMaxSamples)
      diag.error(*design == Design::grid ? "--vary" : "--samples", 0, 0,
                 "the design has over " + std::to_string(kMaxSamples) +
                     " sample points; expected fewer STEPS or --samples");
  }
  SweepSpec spec;
  spec.runs_per_sample =
      checked_runs(vm["runs-per-sample"].as<std::int64_t>(), "--runs-per-sample", diag);
  const int bootstrap = vm["bootstrap"].as<int>();
  if (bootstrap < 0 || bootstrap > 100000)
    diag.error("--bootstrap", 0, 0,
               "expected 0 to 100000 resamples, got " + std::to_string(bootstrap));
  const JobSettings settings = job_settings("sweep", vm, args, session, scenario, "/sweep");
  check_job_settings(settings, diag);
  take_job_settings(spec, settings);
  const std::uint64_t seed = scenario ? seed_option(vm, scenario->default_seed, diag) : 0;
  if (const int status = report(diag); status != 0) return status;
  if (diag.warning_count() > 0) std::cerr << '\n';

  spec.seed = seed;
  spec.base_option = base_option;

  // The two stream files stay empty until the end: the checkpoint's state holds the finished
  // samples.
  BatchJob job(settings, *scenario, spec.seed, {"sweep.csv", "sensitivity.csv"});
  job.add_fingerprint("design", design_name(*design));
  std::string vary_list;
  for (const VaryRange& v : vary) {
    vary_list += (vary_list.empty() ? "" : " ") + v.path + "=" + format_double(v.lo) + ".." +
                 format_double(v.hi);
    if (v.steps != 0) vary_list += ":" + std::to_string(v.steps);
  }
  job.add_fingerprint("vary", vary_list);
  job.add_fingerprint("samples", std::to_string(samples));
  job.add_fingerprint("runs per sample", std::to_string(spec.runs_per_sample));
  job.add_fingerprint("bootstrap", std::to_string(bootstrap));
  job.add_fingerprint("option", scenario->options[static_cast<size_t>(base_option)].name);
  std::string metric_list;
  for (const size_t k : metrics)
    metric_list += (metric_list.empty() ? "" : ",") + catalog.final[k].name;
  job.add_fingerprint("metrics", metric_list);
  if (const int status = open_job(job, root)) return status;
  if (root) {
    spec.resume_state = job.output().resume_state();
    spec.checkpointer = &job.output();
    if (job.resumed() && !vm.count("quiet"))
      std::cout << "parley sweep: resuming " << settings.out_dir << " after " << job.resume_runs()
                << " simulations\n";
  }

  const SweepPlan plan = make_sweep_plan(*design, vary, static_cast<int>(samples), spec.seed);
  Progress progress("runs");
  spec.progress = [&](std::uint64_t done, std::uint64_t total) { progress.update(done, total); };
  const double start = now_seconds();
  const SweepResult result = run_sweep(*scenario, catalog, plan, spec);
  const double seconds = now_seconds() - start;
  progress.finish();
  if (!root) return 0;

  std::vector<std::vector<SobolIndex>> indices;
  std::vector<OutputSpread> spread;  // per selected metric, sobol only
  if (plan.design == Design::sobol) {
    Eigen::MatrixXd outputs(plan.samples(), static_cast<Eigen::Index>(metrics.size()));
    for (size_t m = 0; m < metrics.size(); ++m)
      outputs.col(static_cast<Eigen::Index>(m)) =
          result.means.col(static_cast<Eigen::Index>(metrics[m]));
    // The bootstrap draws from its own stream of the seed, apart from the runs' streams.
    indices = sweep_sensitivity(plan, outputs, bootstrap, spec.seed ^ 0x5A17E111ULL);
    spread = sobol_spread(outputs, plan.base_rows);
  }

  Manifest manifest = job.manifest();
  manifest.runs = spec.runs_per_sample;
  manifest.options.push_back(scenario->options[static_cast<size_t>(base_option)].name);
  manifest.failed = result.failed;
  manifest.sweep.design = design_name(plan.design);
  manifest.sweep.samples = static_cast<std::uint64_t>(plan.samples());
  if (plan.design == Design::sobol)
    manifest.sweep.base_rows = static_cast<std::uint64_t>(plan.base_rows);
  for (const VaryRange& v : plan.vary) manifest.sweep.vary.push_back({v.path, v.lo, v.hi, v.steps});
  for (const size_t k : metrics) manifest.sweep.metrics.push_back(catalog.final[k].name);
  job.output().file(0).write(sweep_csv(plan, catalog, result, metrics));
  if (plan.design == Design::sobol)
    job.output().file(1).write(sensitivity_csv(plan, catalog, metrics, indices, spread));
  else
    job.drop_stream(1);  // a stale sensitivity.csv would mislead
  if (const int status = commit_job(job, manifest_json(manifest, *scenario))) return status;

  if (!vm.count("quiet")) {
    const double sims =
        static_cast<double>(plan.samples()) * static_cast<double>(spec.runs_per_sample);
    std::cout << "parley sweep " << scenario->name << ": " << design_name(plan.design)
              << " design, " << plan.samples() << " samples";
    if (plan.design == Design::sobol)
      std::cout << " (N = " << plan.base_rows << " x (" << plan.vary.size() << " paths + 2))";
    std::cout << " x " << spec.runs_per_sample << " runs, seed " << spec.seed << ", "
              << spec.threads << " thread(s)";
    if (spec.ranks > 1) std::cout << " x " << spec.ranks << " ranks";
    std::cout << ", " << fmt("%.2f", seconds) << " s ("
              << fmt("%.0f", sims / std::max(seconds, 1e-9)) << " runs/s)\n";
    if (plan.design == Design::sobol)
      print_sensitivity(catalog, plan, metrics, indices, spread);
    else
      print_ranges(catalog, result, metrics);
    if (result.failed > 0)
      std::cout << "\n"
                << result.failed << " run(s) failed and were left out of their samples' means\n";
    std::cout << "\nresults in " << settings.out_dir << "/\n";
  }
  if (vm.count("report")) return write_report(settings.out_dir, "", "", vm.count("quiet") > 0);
  return 0;
}

}  // namespace parley::cli

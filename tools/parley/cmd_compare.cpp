// `parley compare SCENARIO ...`: options against the baseline on common random numbers.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "engine/batch/compare.hpp"
#include "engine/batch/given.hpp"
#include "engine/batch/job.hpp"
#include "engine/batch/manifest.hpp"
#include "engine/batch/mpi.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/run.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace po = boost::program_options;

namespace parley::cli {

namespace {

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

// `v` with a sign and `decimals` decimals.
std::string signed_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.*f", decimals, v == 0.0 ? 0.0 : v);
  return buf;
}

// The min effect shared by every metric of `kind` among `metrics`, or NaN when they differ.
double shared_min_effect(const MetricCatalog& catalog, const std::vector<size_t>& metrics,
                         const std::vector<double>& min_effect, MetricKind kind) {
  double shared = std::nan("");
  for (const size_t k : metrics) {
    if (catalog.final[k].kind != kind) continue;
    if (std::isnan(shared)) {
      shared = min_effect[k];
    } else if (shared != min_effect[k]) {
      return std::nan("");
    }
  }
  return shared;
}

// Per actor: the options ordered by mean final utility, best first, each with its paired
// difference against the baseline and a verdict.
void print_ranking(const Scenario& sc, const MetricCatalog& catalog, const CompareResult& r,
                   const std::vector<size_t>& metrics, const std::vector<double>& min_effect) {
  bool header = false;
  for (const size_t k : metrics) {
    const MetricInfo& m = catalog.final[k];
    if (m.kind != MetricKind::utility) continue;
    if (!header) {
      const double shared = shared_min_effect(catalog, metrics, min_effect, MetricKind::utility);
      std::cout << "\nfinal utility by actor, 0-1: options by mean, best first; paired difference "
                   "vs baseline [95% CI], P(option > baseline in a paired run)\n"
                << "verdict: better/worse when the CI excludes 0 and the difference reaches the "
                   "min effect ("
                << (std::isnan(shared) ? std::string("per metric, --min-effect")
                                       : "+-" + fmt("%g", shared))
                << "); no practical difference when the whole CI lies within it\n";
      header = true;
    }
    std::cout << "  " << sc.actors[static_cast<size_t>(m.index)].id << '\n';
    std::vector<double> means;
    for (size_t s = 0; s < r.options.size(); ++s) means.push_back(r.sums.summary(s, k).option_mean);
    const std::vector<RankedOption> rows =
        rank_by_mean(r.options.empty() ? 0.0 : r.sums.summary(0, k).baseline_mean, means);
    for (const RankedOption& row : rows) {
      std::string line = "    ";
      put(line,
          row.slot < 0
              ? sc.options[0].name
              : sc.options[static_cast<size_t>(r.options[static_cast<size_t>(row.slot)])].name,
          22);
      line += fmt("%.3f", row.mean);
      if (row.slot >= 0) {
        const PairedSummary s = r.sums.summary(static_cast<size_t>(row.slot), k);
        const int d = difference_decimals(s, 4);
        line += "  " + signed_fixed(s.diff_mean, d) + " [" + signed_fixed(s.ci_low, d) + ", " +
                signed_fixed(s.ci_high, d) + "]  P " + fmt("%.2f", s.p_greater) + "  " +
                std::string(verdict_text(verdict(s, min_effect[k]), true));
      }
      std::cout << line << '\n';
    }
  }
}

// The headline issue outcomes side by side: mean final status quo per option, and for the
// options the paired difference, marked by its verdict.
void print_issues(const Scenario& sc, const MetricCatalog& catalog, const CompareResult& r,
                  const std::vector<size_t>& metrics, const std::vector<double>& min_effect) {
  const size_t label_w = 30, col_w = 20;
  bool header = false;
  for (const size_t k : metrics) {
    const MetricInfo& m = catalog.final[k];
    if (m.kind != MetricKind::issue && m.kind != MetricKind::issue_value) continue;
    if (!header) {
      std::string line;
      put(line, "", label_w);
      put(line, "baseline", col_w);
      for (const int o : r.options) put(line, sc.options[static_cast<size_t>(o)].name, col_w);
      const double shared = shared_min_effect(catalog, metrics, min_effect, MetricKind::issue);
      std::cout << "\nfinal status quo, 0-100 (and in the issue's unit): mean (paired difference; "
                   "* = higher or lower: the 95% CI excludes 0 and the difference reaches the min "
                   "effect, "
                << (std::isnan(shared) ? std::string("per metric")
                                       : fmt("%g", shared) + " point(s)")
                << "; ~ = no practical difference: the CI lies within it)\n"
                << line << '\n';
      header = true;
    }
    const Issue& issue = sc.issues[static_cast<size_t>(m.index)];
    const bool value = m.kind == MetricKind::issue_value;
    const char* f = value ? "%.2f" : "%.1f";
    std::string line;
    put(line, value ? "    in " + issue.unit : "  " + issue.id, label_w);
    put(line, r.options.empty() ? "" : fmt(f, r.sums.summary(0, k).baseline_mean), col_w);
    for (size_t s = 0; s < r.options.size(); ++s) {
      const PairedSummary p = r.sums.summary(s, k);
      const Verdict v = verdict(p, min_effect[k]);
      const char* mark = v == Verdict::better || v == Verdict::worse ? "*"
                         : v == Verdict::negligible                  ? "~"
                                                                     : "";
      put(line,
          fmt(f, p.option_mean) + " (" +
              signed_fixed(p.diff_mean, difference_decimals(p, value ? 2 : 1)) + mark + ")",
          col_w);
    }
    std::cout << line << '\n';
  }
}

// Per arm how often the --given condition held, and in how many pairs it held in both arms.
void print_given(const std::string& text, const std::vector<std::string>& arms,
                 const GivenCompareTotals& totals) {
  std::cout << "\ngiven " << text << ": share of runs in which it held [95% interval]\n";
  for (size_t a = 0; a < arms.size() && a < totals.shares.size(); ++a) {
    const Share& s = totals.shares[a];
    std::string line = "  " + arms[a];
    line.resize(std::max<size_t>(line.size() + 1, 34), ' ');
    line += std::to_string(s.held) + " of " + std::to_string(s.runs) + " runs";
    if (s.runs > 0)
      line += ", " + fmt("%.1f", 100.0 * s.share) + "% [" + fmt("%.1f", 100.0 * s.low) + "-" +
              fmt("%.1f", 100.0 * s.high) + "%]";
    if (a > 0 && a - 1 < totals.both.size())
      line += "; with the baseline in " + std::to_string(totals.both[a - 1]);
    std::cout << line << '\n';
  }
  std::cout << "paired differences over the runs where it held in both arms in "
               "comparison_given.csv\n";
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args) {
  // Under mpirun every rank runs this same function on the same arguments and so reaches the
  // same verdicts (bad input: exit 2 everywhere); only rank 0 prints and writes files.
  const mpi::Session session;
  const bool root = session.rank() == 0;
  const MuteOutput mute(!root);

  po::options_description visible(
      "usage: parley compare SCENARIO [options]\n"
      "       mpirun -np K parley compare SCENARIO [options]\n\n"
      "Compares policy options with the baseline on common random numbers: run k of every\n"
      "option draws from the streams of (seed, k), so the paired difference option - baseline\n"
      "of run k cancels the noise both share. Reports, per option and metric, the mean paired\n"
      "difference with its 95% confidence interval and the probability that the option gives\n"
      "the higher value in a paired run. Writes comparison.csv and manifest.json into --out.\n"
      "Results are identical for any --threads and MPI ranks. A checkpoint is saved every few\n"
      "seconds: after an interruption, the same command with --resume finishes the comparison.\n\n"
      "options");
  // clang-format off
  visible.add_options()
      ("options,o", po::value<std::vector<std::string>>()->composing(),
       "options to compare: names, a comma-separated list or 'all' (default: all)")
      ("runs,n", po::value<std::int64_t>(), "paired runs (default: [run] runs of scenario.ini)")
      ("metrics,m", po::value<std::string>(),
       "metrics to report: comma-separated globs, e.g. 'utility.*,issue.*' (default: all)")
      ("min-effect", po::value<std::vector<std::string>>()->composing(),
       "smallest difference that matters, METRICS=SIZE in the metrics' unit, e.g. "
       "'utility.*=0.02' (repeatable; default: utility 0.01, issue 1 point, recognition and "
       "move counts 0.1, settling 1 turn)")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override PATH=VALUE for every option, e.g. --set model.settle_rate=0.3 (repeatable)")
      ("out", po::value<std::string>(), "output folder (default: results/<scenario name>/compare)")
      ("given", po::value<std::string>()->value_name("CONDITION"), given_help());
  add_batch_options(visible, "comparison");
  visible.add_options()
      ("report", "also write report.html, the charts of the results (see parley report)")
      ("quiet,q", "do not print the ranking")
      ("help,h", "show this help");
  // clang-format on
  po::variables_map vm;
  if (const auto status = parse_scenario_args("compare", visible, args, vm)) return *status;

  Diagnostics diag;
  const auto scenario =
      load_with_overrides(vm["scenario"].as<std::string>(), strings_of(vm, "set"), diag);
  CompareSpec spec;
  std::vector<size_t> metrics;
  MetricCatalog catalog;
  std::optional<Condition> given;
  std::vector<double> min_effect;  // per final metric, in its unit
  if (scenario) {
    given = given_option(vm, *scenario, diag);
    const std::vector<std::string> wanted = vm.count("options")
                                                ? vm["options"].as<std::vector<std::string>>()
                                                : std::vector<std::string>{"all"};
    for (const int o : select_options(*scenario, wanted, "--options", diag))
      if (o != 0) spec.options.push_back(o);
    if (spec.options.empty() && !diag.has_errors())
      diag.error(vm.count("options") ? "--options" : scenario->folder + "/scenario.ini", 0, 0,
                 scenario->options.size() > 1
                     ? "nothing to compare: only the baseline was chosen; expected an option "
                       "besides baseline"
                     : "nothing to compare: the scenario has no [option.NAME] besides baseline");
    spec.runs = checked_runs(
        vm.count("runs") ? vm["runs"].as<std::int64_t>() : scenario->default_runs, "--runs", diag);
    spec.seed = seed_option(vm, scenario->default_seed, diag);
    catalog = metric_catalog(*scenario);
    std::vector<std::string> unmatched;
    const std::string patterns = vm.count("metrics") ? vm["metrics"].as<std::string>() : "";
    metrics = select_metrics(catalog, patterns, unmatched);
    std::vector<std::string> names;
    for (const MetricInfo& m : catalog.final) names.push_back(m.name);
    for (const std::string& u : unmatched) metric_pattern_error(diag, patterns, u, names);
    min_effect = min_effects(catalog, strings_of(vm, "min-effect"), diag);
  }
  const JobSettings settings = job_settings("compare", vm, args, session, scenario, "/compare");
  check_job_settings(settings, diag);
  take_job_settings(spec, settings);
  if (const int status = report(diag); status != 0) return status;
  if (diag.warning_count() > 0) std::cerr << '\n';

  // comparison.csv is the one stream file: empty until the end, it only carries the checkpoint.
  BatchJob job(settings, *scenario, spec.seed, {"comparison.csv"});
  job.add_fingerprint("runs", std::to_string(spec.runs));
  std::string option_list;
  for (const int o : spec.options)
    option_list +=
        (option_list.empty() ? "" : ",") + scenario->options[static_cast<size_t>(o)].name;
  job.add_fingerprint("options", option_list);
  std::string metric_list;
  for (const size_t k : metrics)
    metric_list += (metric_list.empty() ? "" : ",") + catalog.final[k].name;
  job.add_fingerprint("metrics", metric_list);
  if (const int status = open_job(job, root)) return status;
  spec.resume_runs = job.resume_runs();
  if (root) {
    spec.resume_state = job.output().resume_state();
    spec.checkpointer = &job.output();
    if (job.resumed() && !vm.count("quiet"))
      std::cout << "parley compare: resuming " << settings.out_dir << " after " << spec.resume_runs
                << " of " << spec.runs << " runs\n";
  }

  const Rules rules = compile(*scenario);
  Progress progress("runs");
  progress.set_start(spec.resume_runs);
  spec.progress = [&](std::uint64_t done, std::uint64_t total) { progress.update(done, total); };
  // --given: per arm how often the condition held, and the paired differences over the runs
  // in which it held under both the option and the baseline.
  std::unique_ptr<GivenObserver> given_observer;
  if (given) {
    given_observer = std::make_unique<GivenObserver>(*given, catalog, rules.turns,
                                                     spec.options.size() + 1, spec.threads, true);
    spec.also = given_observer.get();
  }
  const double start = now_seconds();
  const CompareResult result = run_compare(*scenario, rules, catalog, spec);
  const double seconds = now_seconds() - start;
  progress.finish();
  if (!root) return 0;

  Manifest manifest = job.manifest();
  manifest.runs = spec.runs;
  manifest.options.push_back(scenario->options[0].name);
  for (const int o : result.options)
    manifest.options.push_back(scenario->options[static_cast<size_t>(o)].name);
  manifest.failed = result.failed;
  // The verdicts' min effects, so that `parley report` on the folder gives the same verdicts.
  for (const size_t k : metrics)
    manifest.min_effects.emplace_back(catalog.final[k].name, min_effect[k]);
  job.output().file(0).write(comparison_csv(*scenario, catalog, result, metrics));
  GivenCompareTotals given_totals{{}, {}, PairedAccumulator(catalog, 0)};
  if (given) {
    given_totals = given_observer->compare_totals();
    job.add_file("given.csv", given_compare_csv(manifest.options, given_totals));
    // The same table as comparison.csv, over the pairs in which the condition held in both arms.
    const CompareResult given_result{result.options, given_totals.paired, result.runs,
                                     result.failed};
    job.add_file("comparison_given.csv", comparison_csv(*scenario, catalog, given_result, metrics));
  } else {
    job.drop_file("given.csv");  // files of an earlier --given would mislead
    job.drop_file("comparison_given.csv");
  }
  if (const int status =
          commit_job(job, manifest_json(manifest, *scenario), !given || given_observer->ok()))
    return status;

  if (!vm.count("quiet")) {
    const double sims = static_cast<double>(spec.runs - spec.resume_runs) *
                        static_cast<double>(result.options.size() + 1);
    std::cout << "parley compare " << scenario->name << ": " << spec.runs << " paired runs x "
              << result.options.size() << " option(s) vs baseline, seed " << spec.seed << ", "
              << spec.threads << " thread(s)";
    if (spec.ranks > 1) std::cout << " x " << spec.ranks << " ranks";
    std::cout << ", " << fmt("%.2f", seconds) << " s ("
              << fmt("%.0f", sims / std::max(seconds, 1e-9)) << " runs/s)\n";
    print_ranking(*scenario, catalog, result, metrics, min_effect);
    print_issues(*scenario, catalog, result, metrics, min_effect);
    if (result.failed > 0)
      std::cout << "\n"
                << result.failed
                << " run(s) failed and were left out of their pairs; `parley run` lists them\n";
    if (given) print_given(vm["given"].as<std::string>(), manifest.options, given_totals);
    std::cout << "\nresults in " << settings.out_dir << "/comparison.csv\n";
  }
  if (given)
    never_held_notes("compare", vm["given"].as<std::string>(), manifest.options,
                     given_totals.shares);
  if (vm.count("report")) return write_report(settings.out_dir, "", "", vm.count("quiet") > 0);
  return 0;
}

}  // namespace parley::cli

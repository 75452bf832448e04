#pragma once
/// \file
/// Reading back the output folder of `parley run`, `parley compare` or `parley sweep`, for
/// `parley report`. Only the statistics files are read in full (summary, trajectory, histograms,
/// comparison, sensitivity): their size does not grow with the number of runs. events.csv is
/// streamed and counted; sweep.csv is streamed and thinned to a fixed number of points. runs.csv
/// is never read. Every problem is reported as file:line:column with what was expected.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/io/result_records.hpp"
#include "engine/scenario/info.hpp"

namespace parley {

/// Which command wrote a result folder.
enum class ResultKind : std::uint8_t { run, compare, sweep };

/// "run", "compare" or "sweep".
[[nodiscard]] std::string_view result_kind_name(ResultKind k) noexcept;

/// What a metric column refers to: `issue.X`, `issue.X.value`, `utility.A`, `utility.A.mean`,
/// `recognized.A`, `moves.M` or `settled.X` (see metric_catalog), resolved to indices.
struct MetricRef {
  MetricKind kind = MetricKind::issue;
  int index = 0;  ///< into ScenarioInfo::issues, actors or moves, by kind
};

/// Resolves a metric name against the scenario's ids; nullopt when it names nothing.
[[nodiscard]] std::optional<MetricRef> parse_metric_name(std::string_view name,
                                                         const ScenarioInfo& info);

/// manifest.json, read back.
struct ResultManifest {
  ResultKind kind = ResultKind::run;
  std::string version;  ///< parley version that wrote the folder
  std::string scenario;
  std::string scenario_folder;
  std::string scenario_hash;
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;   ///< runs per option / paired runs / runs per sample
  std::uint64_t trace = 0;  ///< run: traced runs per option
  int threads = 1;
  int ranks = 1;
  std::vector<std::string> options;  ///< options run, in output order
  std::vector<std::string> overrides;
  std::string given;  ///< run and compare: the --given condition; empty when none
  /// run: "explain.json" when the folder holds the explanation of the first traced run of each
  /// option; empty when it holds none (no run was traced, or an earlier parley wrote it).
  std::string explain;
  std::uint64_t failed = 0;
  std::string command_line;
  ManifestSweep sweep;  ///< sweep only
  /// compare: the min effect each metric's verdicts used (metric name, size in its unit); empty
  /// in folders written before parley recorded them, whose verdicts use the defaults.
  std::vector<std::pair<std::string, double>> min_effects;
  ScenarioInfo info;
};

/// One row of summary.csv.
struct SummaryRow {
  int option = 0;  ///< index into ResultManifest::options
  int metric = 0;  ///< index into ResultFolder::final_metrics
  double mean = 0, sd = 0, p05 = 0, p50 = 0, p95 = 0;
};

/// One row of trajectory.csv.
struct TrajectoryRow {
  int option = 0;
  int turn = 0;
  int metric = 0;  ///< index into ResultFolder::turn_metrics
  double mean = 0, p05 = 0, p50 = 0, p95 = 0;
};

/// One row of histograms.csv.
struct HistogramRow {
  int option = 0;
  int metric = 0;  ///< index into ResultFolder::final_metrics
  double low = 0, high = 0;
  std::uint64_t count = 0;
};

/// How often one move appears in the traced runs of one option (events.csv).
struct EventCount {
  int option = 0;
  int move = 0;                ///< index into ScenarioInfo::moves
  std::uint64_t runs = 0;      ///< traced runs in which it was made at least once
  std::uint64_t times = 0;     ///< times it was made over all traced runs
  std::uint64_t by_ai = 0;     ///< of those, chosen by the actor's AI (the rest: the timeline)
  double mean_first_turn = 0;  ///< mean over `runs` of the first turn it was made
};

/// One row of comparison.csv. summary.n is unknown (0).
struct ComparisonRow {
  int option = 0;  ///< index into ResultManifest::options (never the baseline, 0)
  int metric = 0;  ///< index into ResultFolder::final_metrics
  PairedSummary summary;
};

/// One row of given.csv (--given): how often the condition held under one option.
struct GivenRow {
  int option = 0;          ///< index into ResultManifest::options
  std::uint64_t runs = 0;  ///< runs counted (not failed)
  std::uint64_t held = 0;  ///< runs in which the condition held
  std::uint64_t both = 0;  ///< compare: pairs in which it held here and under the baseline
  double share = 0.0;      ///< held / runs (0 when runs = 0)
  double low = 0.0;        ///< Wilson 95% interval
  double high = 1.0;
};

/// One row of sensitivity.csv: Sobol' indices of one metric with respect to one varied path.
struct SensitivityRow {
  int metric = 0;       ///< index into ResultFolder::final_metrics
  int input = 0;        ///< index into ResultManifest::sweep.vary
  bool varies = false;  ///< false when the metric did not vary (empty cells)
  double s1 = 0, s1_ci = 0, st = 0, st_ci = 0;
  /// The metric's spread over the design (sobol_spread), in its unit; absent (has_spread false)
  /// in folders written before sensitivity.csv had the columns sd, p05, p95.
  bool has_spread = false;
  double sd = 0, p05 = 0, p95 = 0;
};

/// A result folder, read back.
struct ResultFolder {
  std::string dir;
  ResultManifest manifest;
  std::vector<std::string> final_metrics;  ///< metric names, in first-seen order
  std::vector<MetricRef> final_refs;       ///< what each final metric refers to
  std::vector<std::string> turn_metrics;   ///< per-turn metric names (trajectory.csv)
  std::vector<MetricRef> turn_refs;
  // run
  std::vector<SummaryRow> summary;
  std::vector<TrajectoryRow> trajectory;
  std::vector<HistogramRow> histograms;
  std::vector<EventCount> events;
  std::vector<std::uint64_t> traced_runs;  ///< per option: runs whose events events.csv holds
  /// explain.json read back and checked (when the manifest names it; else null): per option, in
  /// manifest order, `parley explain --json`'s object for the first traced run (docs/EXPLAIN.md).
  nlohmann::ordered_json explain;
  // compare
  std::vector<ComparisonRow> comparison;
  // --given (run and compare): given.csv, and summary_given.csv (run) or comparison_given.csv
  // (compare) without the rows of options in which the condition never held.
  std::vector<GivenRow> given;
  std::vector<SummaryRow> summary_given;
  std::vector<ComparisonRow> comparison_given;
  /// Per final metric: the min effect of its verdicts (compare: the manifest's, else the default
  /// of its kind, see default_min_effect), in the metric's unit. Set for every kind of folder.
  std::vector<double> min_effects;
  // sweep
  std::vector<SensitivityRow> sensitivity;
  std::uint64_t sweep_rows = 0;  ///< rows (samples) of sweep.csv
  /// A thinned subset of sweep.csv (every k-th sample, k = ceil(rows / max_points)): per point
  /// the varied values (in manifest.sweep.vary order) then the metrics (sweep_metrics order).
  std::vector<std::vector<double>> sweep_points;
  std::vector<int> sweep_metrics;  ///< sweep.csv's metric columns, as final_metrics indices
  /// Per sweep.csv value column (varied inputs, then metrics): the smallest and largest value
  /// over every sample (not only the points kept); NaN when no sample has one.
  std::vector<double> sweep_min, sweep_max;
};

/// How much of the unbounded files to keep.
struct ResultLimits {
  std::size_t max_sweep_points = 2000;  ///< points kept of sweep.csv
};

/// The parley versions whose folders this one reads: those of the same major.minor.
[[nodiscard]] bool readable_version(std::string_view version) noexcept;

/// Reads the folder `dir` written by `parley run`, `compare` or `sweep` (manifest.json tells
/// which). Problems go to `diag` as file:line:column, file names shown under `dir`; nullopt on
/// any error (a folder that is not a parley output, a missing, malformed or truncated file, a
/// manifest from another parley version).
[[nodiscard]] std::optional<ResultFolder> load_result_folder(const std::string& dir,
                                                             Diagnostics& diag,
                                                             const ResultLimits& limits = {});

}  // namespace parley

// `parley forecast TABLE`: run the bargaining models on an actor table and print the forecasts.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/forecast/candidates.hpp"
#include "engine/forecast/evaluation.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/csv_write.hpp"
#include "engine/io/forecast_table.hpp"
#include "engine/io/outcome_table.hpp"
#include "engine/model/bargaining.hpp"
#include "engine/scenario/scenario.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace parley::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kForecastUsage =
    "usage: parley forecast TABLE [--model compromise|median|nbs|eum|smp|blend|split|all]\n"
    "                             [--rounds R] [--eum-q Q] [--scale LO,HI] [--csv]\n"
    "                             [--history FILE]\n"
    "       parley forecast TABLE --outcomes FILE [--model ...] [--within D] [--bootstrap B]\n"
    "                             [--seed S] [--proposal-chars N] [--cv] [--csv]\n"
    "\n"
    "Forecasts the outcome of bargaining from an actor table.\n"
    "\n"
    "TABLE is a CSV with the columns actor, capability (or power, influence, resources),\n"
    "position, salience and optionally issue (each issue is forecast on its own). Saliences\n"
    "are 0-1, or 0-100 when any value is above 1. KTAB's CSV layout is accepted as it is.\n"
    "\n"
    "Rounds: eum and blend run 10 rounds and smp at most 100 iterations (KTAB's maximum; its\n"
    "stopping rule ends earlier) unless --rounds sets one number for all of them.\n"
    "\n"
    "With --outcomes FILE (columns issue, outcome: what was decided) the models are judged\n"
    "instead: per model the mean and median absolute error and the share of issues within D\n"
    "points; per pair of models the mean difference of their errors. Intervals come from a\n"
    "bootstrap over proposals (issues whose ids share their first N characters are resampled\n"
    "together), with a fixed seed. --model defaults to all here. --cv adds the choice among\n"
    "candidate forecasts by leave-one-proposal-out cross-validation (docs/VALIDATION.md).\n";

/// One row of output.
struct Forecast {
  std::string issue;
  std::string model;
  Eigen::Index dim = 0;
  std::string dim_name;
  double value = 0.0;
};

std::string format_number(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

/// Parses "LO,HI" with LO < HI.
std::optional<std::pair<double, double>> parse_scale(const std::string& text) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) return std::nullopt;
  try {
    std::size_t used_lo = 0;
    std::size_t used_hi = 0;
    const std::string lo_text = text.substr(0, comma);
    const std::string hi_text = text.substr(comma + 1);
    const double lo = std::stod(lo_text, &used_lo);
    const double hi = std::stod(hi_text, &used_hi);
    if (used_lo != lo_text.size() || used_hi != hi_text.size() || !(hi > lo)) return std::nullopt;
    return std::make_pair(lo, hi);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// `s` as one CSV cell (quoted when it needs it), for the streams below.
std::string csv_cell(const std::string& s) {
  std::string out;
  append_csv_cell(out, s);
  return out;
}

/// What --outcomes needs besides the forecasts.
struct EvaluationOptions {
  double within = 10.0;            ///< threshold of the "within" share, in outcome points
  BootstrapSettings bootstrap;     ///< draws and seed of the cluster bootstrap
  std::size_t proposal_chars = 6;  ///< issues sharing this many leading characters form a cluster
  bool cv = false;                 ///< add the cross-validated choice among candidates
  bool csv = false;                ///< CSV instead of the readable tables
};

/// "21.13" with `digits` decimals.
std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

/// "[lo, hi]" with two decimals.
std::string interval_text(const Interval& in) {
  return "[" + fixed(in.lo, 2) + ", " + fixed(in.hi, 2) + "]";
}

/// Left-aligns `s` in `w` characters.
std::string pad_right(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

/// Right-aligns `s` in `w` characters.
std::string pad_left(std::string s, std::size_t w) {
  if (s.size() < w) s.insert(0, w - s.size(), ' ');
  return s;
}

/// One row of the evaluation's output (CSV columns, in order).
struct EvaluationRow {
  std::string kind;        ///< model, pair, cv or cv_pair
  std::string model;       ///< a model, or a candidate family for cv rows
  std::string versus;      ///< the other model of a pair
  ErrorSummary errors;     ///< model and cv rows
  Interval estimate;       ///< mean error (model, cv) or mean difference of errors (pairs)
  std::string choice;      ///< cv rows: the candidate chosen on all issues
  int folds_agreeing = 0;  ///< cv rows: clusters whose fold chose that candidate too
};

/// Judges each model's forecasts against `outcomes` (one per issue, in table order) and prints
/// the result. `forecasts[m]` holds model m's forecast of each issue.
/// `names` and `inputs` (as the models saw them, --scale applied) are the issues, in order.
void print_evaluation(const std::string& table_path, const std::string& outcomes_path,
                      const std::vector<std::string>& names,
                      const std::vector<BargainingInput>& inputs,
                      const std::vector<BargainingModel>& models,
                      const std::vector<std::vector<double>>& forecasts,
                      const std::vector<double>& outcomes, const EvaluationOptions& o) {
  const std::vector<int> clusters = clusters_by_prefix(names, o.proposal_chars);
  const int cluster_count =
      clusters.empty() ? 0 : *std::max_element(clusters.begin(), clusters.end()) + 1;
  const std::size_t n = outcomes.size();
  const auto abs_errors = [&](const std::vector<double>& f) {
    std::vector<double> e(n);
    for (std::size_t i = 0; i < n; ++i) e[i] = std::abs(f[i] - outcomes[i]);
    return e;
  };
  const auto differences = [&](const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) d[i] = a[i] - b[i];
    return d;
  };

  std::vector<EvaluationRow> rows;
  std::vector<std::vector<double>> errors;
  for (std::size_t m = 0; m < models.size(); ++m) {
    errors.push_back(abs_errors(forecasts[m]));
    rows.push_back({"model", std::string(bargaining_name(models[m])), "",
                    summarize_errors(errors.back(), o.within),
                    cluster_bootstrap_mean(errors.back(), clusters, o.bootstrap), "", 0});
  }
  for (std::size_t a = 0; a < models.size(); ++a) {
    for (std::size_t b = a + 1; b < models.size(); ++b) {
      rows.push_back(
          {"pair", std::string(bargaining_name(models[a])), std::string(bargaining_name(models[b])),
           ErrorSummary{},
           cluster_bootstrap_mean(differences(errors[a], errors[b]), clusters, o.bootstrap), "",
           0});
    }
  }
  if (o.cv) {
    const std::vector<Candidate> candidates = candidate_forecasts(inputs);
    const std::vector<double> compromise_errors = abs_errors(candidates.front().forecast);
    std::vector<std::string> families = candidate_families();
    families.emplace_back("all");
    for (const std::string& family : families) {
      std::vector<std::vector<double>> chosen_from;
      std::vector<std::string> chosen_names;
      for (const Candidate& c : candidates) {
        if (family != "all" && c.family != family) continue;
        chosen_from.push_back(c.forecast);
        chosen_names.push_back(c.name);
      }
      const CrossValidatedChoice cv = cross_validate_choice(chosen_from, outcomes, clusters);
      int agreeing = 0;
      for (const int f : cv.fold_choice) agreeing += f == cv.full_choice ? 1 : 0;
      const std::string choice = chosen_names[static_cast<std::size_t>(cv.full_choice)];
      rows.push_back({"cv", family, "", summarize_errors(cv.held_out_error, o.within),
                      cluster_bootstrap_mean(cv.held_out_error, clusters, o.bootstrap), choice,
                      agreeing});
      rows.push_back({"cv_pair", family, "compromise", ErrorSummary{},
                      cluster_bootstrap_mean(differences(cv.held_out_error, compromise_errors),
                                             clusters, o.bootstrap),
                      choice, agreeing});
    }
  }

  if (o.csv) {
    std::cout << "kind,model,versus,issues,mean_abs_error,median_abs_error,share_within,estimate,"
                 "lo,hi,choice,folds_agreeing\n";
    for (const EvaluationRow& r : rows) {
      const bool summary = r.kind == "model" || r.kind == "cv";
      std::cout << r.kind << ',' << csv_cell(r.model) << ',' << csv_cell(r.versus) << ',' << n
                << ',' << (summary ? format_number(r.errors.mean_abs, 10) : "") << ','
                << (summary ? format_number(r.errors.median_abs, 10) : "") << ','
                << (summary ? format_number(r.errors.share_within, 10) : "") << ','
                << format_number(r.estimate.estimate, 10) << ',' << format_number(r.estimate.lo, 10)
                << ',' << format_number(r.estimate.hi, 10) << ',' << csv_cell(r.choice) << ','
                << (r.kind == "cv" || r.kind == "cv_pair" ? std::to_string(r.folds_agreeing) : "")
                << '\n';
    }
    return;
  }
  const std::string level = fixed(100.0 * o.bootstrap.level, 0) + "%";
  std::cout << "evaluation of " << table_path << " against " << outcomes_path << ": " << n
            << " issues in " << cluster_count << " proposals";
  if (o.proposal_chars > 0) {
    std::cout << " (issues sharing their first " << o.proposal_chars << " characters)";
  }
  std::cout << "\nerrors in points of the outcome scale; intervals: " << level
            << " bootstrap over proposals, " << o.bootstrap.draws << " draws, seed "
            << o.bootstrap.seed << "\n\n";
  std::size_t w = 10;
  for (const auto& r : rows) w = std::max({w, r.model.size(), r.versus.size()});
  const std::string within = "within " + format_number(o.within, 6);
  std::cout << pad_right("model", w) << "  mean abs error  " << pad_right(level + " interval", 16)
            << "  median error  " << within << '\n';
  for (const auto& r : rows) {
    if (r.kind != "model") continue;
    std::cout << pad_right(r.model, w) << "  " << pad_left(fixed(r.errors.mean_abs, 2), 14) << "  "
              << pad_right(interval_text(r.estimate), 16) << "  "
              << pad_left(fixed(r.errors.median_abs, 2), 12) << "  "
              << pad_left(fixed(100.0 * r.errors.share_within, 0) + "%", within.size()) << '\n';
  }
  if (models.size() > 1) {
    std::cout << "\npaired: mean of (model's error - versus's error) per issue; below 0: model "
                 "is better\n"
              << pad_right("model", w) << "  " << pad_right("versus", w) << "  difference  "
              << level << " interval\n";
    for (const auto& r : rows) {
      if (r.kind != "pair") continue;
      std::cout << pad_right(r.model, w) << "  " << pad_right(r.versus, w) << "  "
                << pad_left(fixed(r.estimate.estimate, 2), 10) << "  " << interval_text(r.estimate)
                << '\n';
    }
  }
  if (o.cv) {
    std::cout << "\ncross-validation: leave one proposal out; in each fold the candidate with the "
                 "least error on the other proposals forecasts the left-out issues\n"
              << pad_right("family", w) << "  cv error  " << pad_right(level + " interval", 16)
              << "  vs compromise  " << pad_right(level + " interval", 16)
              << "  chosen on all issues (folds agreeing)\n";
    for (std::size_t k = 0; k + 1 < rows.size(); ++k) {
      const EvaluationRow& r = rows[k];
      if (r.kind != "cv") continue;
      const EvaluationRow& p = rows[k + 1];
      std::cout << pad_right(r.model, w) << "  " << pad_left(fixed(r.errors.mean_abs, 2), 8) << "  "
                << pad_right(interval_text(r.estimate), 16) << "  "
                << pad_left(fixed(p.estimate.estimate, 2), 13) << "  "
                << pad_right(interval_text(p.estimate), 16) << "  " << r.choice << " ("
                << r.folds_agreeing << " of " << cluster_count << ")\n";
    }
  }
}

}  // namespace

int cmd_forecast(const std::vector<std::string>& args) {
  std::string table_path;
  std::string model_name = "compromise";
  int rounds = 0;  // 0 = each model's default_rounds()
  double eum_q = 1.0;
  std::string scale_text;
  std::string history_path;
  std::string outcomes_path;
  EvaluationOptions eval;
  int draws = eval.bootstrap.draws;
  int proposal_chars = static_cast<int>(eval.proposal_chars);

  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")(
      "model,m", po::value(&model_name)->default_value(model_name),
      "compromise, median, nbs, eum, smp, blend, split or all (default with --outcomes: all)")(
      "rounds,r", po::value(&rounds),
      "rounds of eum and blend, maximum iterations of smp (>= 1; default 10 for eum and blend, "
      "100 for smp)")("eum-q", po::value(&eum_q)->default_value(eum_q),
                      "EUM: probability Q that the status quo holds without a challenge (0-1)")(
      "scale", po::value(&scale_text),
      "LO,HI: the position scale (default: 0,100 for KTAB tables, else each issue's range)")(
      "csv",
      "print CSV: issue,model,dim,forecast (with --outcomes: the evaluation, one row per model, "
      "pair and family)")(
      "history", po::value(&history_path),
      "write round-by-round positions to FILE (issue,model,round,actor,dim,position)")(
      "outcomes", po::value(&outcomes_path),
      "judge the models against FILE (columns issue, outcome: what was decided on each issue)")(
      "within", po::value(&eval.within)->default_value(eval.within),
      "with --outcomes: report the share of issues whose error is at most D points (>= 0)")(
      "bootstrap", po::value(&draws)->default_value(draws),
      "with --outcomes: bootstrap draws for the intervals (>= 1)")(
      "seed", po::value<std::string>(),
      "with --outcomes: seed of the bootstrap (a whole number >= 0; default 14)")(
      "proposal-chars", po::value(&proposal_chars)->default_value(proposal_chars),
      "with --outcomes: issues whose ids share their first N characters belong to one proposal "
      "and are resampled and left out together (0: each issue alone)")(
      "cv",
      "with --outcomes: choose among candidate forecasts by leave-one-proposal-out "
      "cross-validation (each model with its default rounds)");
  po::options_description hidden;
  hidden.add_options()("table", po::value(&table_path));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("table", 1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "parley forecast: " << e.what() << "\n\n" << kForecastUsage << visible;
    return kExitBadInput;
  }
  if (vm.count("help") != 0U) {
    std::cout << kForecastUsage << '\n' << visible;
    return 0;
  }
  // Usage problems: collect them all, then stop.
  std::vector<std::string> usage_errors;
  if (table_path.empty()) usage_errors.push_back("missing TABLE (a CSV actor table)");
  const bool evaluating = vm.count("outcomes") != 0U;
  if (evaluating && vm["model"].defaulted()) model_name = "all";
  std::vector<BargainingModel> models;
  if (model_name == "all") {
    models.assign(kBargainingModels.begin(), kBargainingModels.end());
  } else if (const auto m = parse_bargaining(model_name)) {
    models = {*m};
  } else {
    usage_errors.push_back("unknown --model '" + model_name +
                           "', expected compromise, median, nbs, eum, smp, blend, split or all");
  }
  if (!evaluating) {
    for (const char* name : {"within", "bootstrap", "seed", "proposal-chars", "cv"}) {
      if (vm.count(name) != 0U && !vm[name].defaulted()) {
        usage_errors.push_back(std::string("--") + name + " needs --outcomes FILE");
      }
    }
  }
  if (!(eval.within >= 0.0)) usage_errors.push_back("--within must be a number >= 0");
  if (draws < 1) usage_errors.push_back("--bootstrap must be >= 1");
  if (proposal_chars < 0) usage_errors.push_back("--proposal-chars must be >= 0");
  {
    Diagnostics seed_diag;
    eval.bootstrap.seed = seed_option(vm, eval.bootstrap.seed, seed_diag);
    for (const Problem& p : seed_diag.problems()) usage_errors.push_back("--seed " + p.message);
  }
  eval.bootstrap.draws = draws;
  eval.proposal_chars = static_cast<std::size_t>(std::max(0, proposal_chars));
  eval.cv = vm.count("cv") != 0U;
  eval.csv = vm.count("csv") != 0U;
  const bool rounds_given = vm.count("rounds") != 0U;
  if (rounds_given && rounds < 1) usage_errors.push_back("--rounds must be >= 1");
  if (!(eum_q >= 0.0 && eum_q <= 1.0)) usage_errors.push_back("--eum-q must be in 0-1");
  std::optional<std::pair<double, double>> scale;
  if (vm.count("scale") != 0U) {
    scale = parse_scale(scale_text);
    if (!scale) usage_errors.push_back("--scale must be LO,HI with LO < HI");
  }
  if (!usage_errors.empty()) {
    for (const auto& e : usage_errors) std::cerr << "parley forecast: " << e << '\n';
    std::cerr << '\n' << kForecastUsage;
    return kExitBadInput;
  }

  Diagnostics diag;
  const std::optional<ForecastTable> table = load_forecast_table(table_path, table_path, diag);
  // Both files are read before stopping, so that one run lists the problems of both.
  std::optional<std::vector<double>> outcomes;
  if (evaluating) {
    const std::optional<OutcomeTable> outcome_table =
        load_outcome_table(outcomes_path, outcomes_path, diag);
    if (table && outcome_table) outcomes = match_outcomes(*table, *outcome_table, diag);
  }
  if (!table || diag.has_errors()) {
    diag.print(std::cerr);
    return kExitBadInput;
  }
  diag.print(std::cerr);  // warnings, if any

  BargainingSettings settings;
  settings.eum_q = eum_q;
  settings.record_history = !history_path.empty();

  std::vector<Forecast> forecasts;
  // by_model[m][i]: model m's forecast of issue i (dim 0), for --outcomes.
  std::vector<std::vector<double>> by_model(models.size());
  std::vector<std::string> issue_names;
  std::vector<BargainingInput> issue_inputs;
  std::vector<std::string> notes;
  std::ostringstream history;
  history << "issue,model,round,actor,dim,position\n";
  history.precision(10);
  for (const ForecastIssue& issue : table->issues) {
    // A copy only when --scale changes the input: on 10,000 issues the copies would cost as
    // much as the models.
    std::optional<BargainingInput> scaled;
    if (scale) {
      scaled = issue.input;
      scaled->scale_lo = std::min(scale->first, scaled->position.minCoeff());
      scaled->scale_hi = std::max(scale->second, scaled->position.maxCoeff());
    }
    const BargainingInput& input = scaled ? *scaled : issue.input;
    issue_names.push_back(issue.name);
    if (evaluating) issue_inputs.push_back(input);
    for (std::size_t m = 0; m < models.size(); ++m) {
      const BargainingModel model = models[m];
      const std::string name(bargaining_name(model));
      settings.rounds = rounds_given ? rounds : default_rounds(model);
      const BargainingResult r = bargain(model, input, settings);
      by_model[m].push_back(r.outcome.size() > 0 ? r.outcome[0] : 0.0);
      for (Eigen::Index j = 0; j < r.outcome.size(); ++j) {
        forecasts.push_back(
            {issue.name, name, j, issue.dim_names[static_cast<std::size_t>(j)], r.outcome[j]});
        if (static_cast<std::size_t>(j) < r.unweighted_fallback.size() &&
            r.unweighted_fallback[static_cast<std::size_t>(j)]) {
          notes.push_back("issue " + issue.name + ", dim " + std::to_string(j) + ", " + name +
                          ": all weights (capability x salience) are 0, so the unweighted " + name +
                          " model was used");
        }
      }
      for (std::size_t t = 0; t < r.history.size(); ++t) {
        const Eigen::MatrixXd& pos = r.history[t];
        for (Eigen::Index a = 0; a < pos.rows(); ++a) {
          for (Eigen::Index j = 0; j < pos.cols(); ++j) {
            history << csv_cell(issue.name) << ',' << name << ',' << t << ','
                    << csv_cell(issue.actors[static_cast<std::size_t>(a)]) << ',' << j << ','
                    << pos(a, j) << '\n';
          }
        }
      }
    }
  }

  if (evaluating) {
    print_evaluation(table_path, outcomes_path, issue_names, issue_inputs, models, by_model,
                     *outcomes, eval);
    for (const auto& n : notes) std::cerr << "note: " << n << '\n';
  } else if (vm.count("csv") != 0U) {
    std::cout << "issue,model,dim,forecast\n";
    for (const auto& f : forecasts) {
      std::cout << csv_cell(f.issue) << ',' << f.model << ',' << f.dim << ','
                << format_number(f.value, 10) << '\n';
    }
    for (const auto& n : notes) std::cerr << "note: " << n << '\n';
  } else {
    std::size_t issue_w = 5;
    std::size_t dim_w = 3;
    for (const auto& f : forecasts) {
      issue_w = std::max(issue_w, f.issue.size());
      dim_w = std::max(dim_w, std::to_string(f.dim).size() + 3 + f.dim_name.size());
    }
    auto pad = [](std::string s, std::size_t w) {
      if (s.size() < w) s.append(w - s.size(), ' ');
      return s;
    };
    std::cout << "forecast of " << table_path << " ("
              << (table->layout == ForecastLayout::ktab ? "KTAB layout, " : "")
              << "saliences read as " << (table->salience_percent ? "0-100" : "0-1") << ")\n\n";
    std::cout << pad("issue", issue_w) << "  " << pad("model", 10) << "  " << pad("dim", dim_w)
              << "  forecast\n";
    for (const auto& f : forecasts) {
      std::cout << pad(f.issue, issue_w) << "  " << pad(f.model, 10) << "  "
                << pad(std::to_string(f.dim) + " (" + f.dim_name + ")", dim_w) << "  "
                << format_number(f.value, 6) << '\n';
    }
    if (!notes.empty()) std::cout << '\n';
    for (const auto& n : notes) std::cout << "note: " << n << '\n';
  }

  if (!history_path.empty() && !write_file_atomically(history_path, history.str())) {
    std::cerr << "parley forecast: cannot write " << history_path << '\n';
    return 1;
  }
  return 0;
}

}  // namespace parley::cli

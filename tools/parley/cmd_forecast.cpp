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
#include "engine/io/forecast_table.hpp"
#include "engine/model/bargaining.hpp"
#include "engine/scenario/scenario.hpp"
#include "tools/parley/commands.hpp"

namespace parley::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kForecastUsage =
    "usage: parley forecast TABLE [--model compromise|median|nbs|eum|smp|blend|all]\n"
    "                             [--rounds R] [--eum-q Q] [--scale LO,HI] [--csv]\n"
    "                             [--history FILE]\n"
    "\n"
    "Forecasts the outcome of bargaining from an actor table.\n"
    "\n"
    "TABLE is a CSV with the columns actor, capability (or power, influence, resources),\n"
    "position, salience and optionally issue (each issue is forecast on its own). Saliences\n"
    "are 0-1, or 0-100 when any value is above 1. KTAB's CSV layout is accepted as it is.\n"
    "\n"
    "Rounds: eum and blend run 10 rounds and smp at most 100 iterations (KTAB's maximum; its\n"
    "stopping rule ends earlier) unless --rounds sets one number for all of them.\n";

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

/// Writes `content` to `path` through a temporary file, so an interrupted run never leaves a
/// partial file under the final name.
bool write_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << content;
    out.flush();
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

/// Quotes a CSV cell when it needs it.
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

int cmd_forecast(const std::vector<std::string>& args) {
  std::string table_path;
  std::string model_name = "compromise";
  int rounds = 0;  // 0 = each model's default_rounds()
  double eum_q = 1.0;
  std::string scale_text;
  std::string history_path;

  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")(
      "model,m", po::value(&model_name)->default_value(model_name),
      "compromise, median, nbs, eum, smp, blend or all")(
      "rounds,r", po::value(&rounds),
      "rounds of eum and blend, maximum iterations of smp (>= 1; default 10 for eum and blend, "
      "100 for smp)")("eum-q", po::value(&eum_q)->default_value(eum_q),
                      "EUM: probability Q that the status quo holds without a challenge (0-1)")(
      "scale", po::value(&scale_text),
      "LO,HI: the position scale (default: 0,100 for KTAB tables, else each issue's range)")(
      "csv", "print CSV: issue,model,dim,forecast")(
      "history", po::value(&history_path),
      "write round-by-round positions to FILE (issue,model,round,actor,dim,position)");
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
  std::vector<BargainingModel> models;
  if (model_name == "all") {
    models = {BargainingModel::compromise, BargainingModel::median, BargainingModel::nbs,
              BargainingModel::eum,        BargainingModel::smp,    BargainingModel::blend};
  } else if (const auto m = parse_bargaining(model_name)) {
    models = {*m};
  } else {
    usage_errors.push_back("unknown --model '" + model_name +
                           "', expected compromise, median, nbs, eum, smp, blend or all");
  }
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
  if (!table || diag.has_errors()) {
    diag.print(std::cerr);
    return kExitBadInput;
  }
  diag.print(std::cerr);  // warnings, if any

  BargainingSettings settings;
  settings.eum_q = eum_q;
  settings.record_history = !history_path.empty();

  std::vector<Forecast> forecasts;
  std::vector<std::string> notes;
  std::ostringstream history;
  history << "issue,model,round,actor,dim,position\n";
  history.precision(10);
  for (const ForecastIssue& issue : table->issues) {
    BargainingInput input = issue.input;
    if (scale) {
      input.scale_lo = std::min(scale->first, input.position.minCoeff());
      input.scale_hi = std::max(scale->second, input.position.maxCoeff());
    }
    for (const BargainingModel model : models) {
      const std::string name(bargaining_name(model));
      settings.rounds = rounds_given ? rounds : default_rounds(model);
      const BargainingResult r = bargain(model, input, settings);
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

  if (vm.count("csv") != 0U) {
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

  if (!history_path.empty() && !write_atomically(history_path, history.str())) {
    std::cerr << "parley forecast: cannot write " << history_path << '\n';
    return 1;
  }
  return 0;
}

}  // namespace parley::cli

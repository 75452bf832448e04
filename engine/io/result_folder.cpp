#include "engine/io/result_folder.hpp"

#include <libfccp/csv.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/io/csv_table.hpp"

namespace parley {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string_view result_kind_name(ResultKind k) noexcept {
  switch (k) {
    case ResultKind::run:
      return "run";
    case ResultKind::compare:
      return "compare";
    case ResultKind::sweep:
      return "sweep";
  }
  return "run";
}

std::optional<MetricRef> parse_metric_name(std::string_view name, const ScenarioInfo& info) {
  // The inverse of metric_catalog's naming: a prefix, an id, and for two kinds a suffix.
  const auto strip = [&name](std::string_view prefix) {
    if (name.substr(0, prefix.size()) != prefix) return false;
    name.remove_prefix(prefix.size());
    return true;
  };
  const auto ends = [&name](std::string_view suffix) {
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix)
      return false;
    name.remove_suffix(suffix.size());
    return true;
  };
  const auto found = [](MetricKind kind, int index) -> std::optional<MetricRef> {
    if (index < 0) return std::nullopt;
    return MetricRef{kind, index};
  };
  if (strip("issue.")) {
    if (const int i = info.issue_index(name); i >= 0) return MetricRef{MetricKind::issue, i};
    if (ends(".value")) {
      const int i = info.issue_index(name);
      if (i >= 0 && info.issues[static_cast<size_t>(i)].unit.empty()) return std::nullopt;
      return found(MetricKind::issue_value, i);
    }
    return std::nullopt;
  }
  if (strip("utility.")) {
    if (const int a = info.actor_index(name); a >= 0) return MetricRef{MetricKind::utility, a};
    if (ends(".mean")) return found(MetricKind::utility_mean, info.actor_index(name));
    return std::nullopt;
  }
  if (strip("recognized.")) return found(MetricKind::recognized, info.actor_index(name));
  if (strip("moves.")) return found(MetricKind::moves, info.move_index(name));
  if (strip("settled.")) return found(MetricKind::settled, info.issue_index(name));
  return std::nullopt;
}

bool readable_version(std::string_view version) noexcept {
  // Folders of the same minor version share their files' layout.
  const std::string_view mine = PARLEY_VERSION;
  const size_t dot = mine.find('.', mine.find('.') + 1);
  const std::string_view prefix = mine.substr(0, dot + 1);
  return version.substr(0, prefix.size()) == prefix;
}

namespace {

// 1-based line and column of byte `offset` of `text`.
std::pair<int, int> line_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1;
  size_t start = 0;
  for (size_t k = 0; k < offset; ++k)
    if (text[k] == '\n') {
      ++line;
      start = k + 1;
    }
  return {line, static_cast<int>(offset - start) + 1};
}

// Reads manifest.json's fields with their positions (the first occurrence of the key after its
// parent's), so that each problem points at the line that holds it.
class ManifestReader {
 public:
  ManifestReader(const std::string& text, std::string file, Diagnostics& diag)
      : text_(text), file_(std::move(file)), diag_(diag) {}

  // Position of `"key"` at or after `from`; `from` itself when absent.
  size_t where(std::string_view key, size_t from) const {
    const size_t at = text_.find("\"" + std::string(key) + "\"", from);
    return at == std::string::npos ? from : at;
  }
  void error(size_t at, const std::string& message) {
    const auto [line, column] = line_column(text_, at);
    diag_.error(file_, line, column, message);
  }

  const Json* field(const Json& obj, std::string_view key, size_t from, const char* expected) {
    const auto it = obj.find(key);
    if (it == obj.end()) {
      error(from, "missing \"" + std::string(key) + "\"; expected " + expected);
      return nullptr;
    }
    return &*it;
  }
  void text(const Json& obj, std::string_view key, size_t from, std::string& out,
            bool required = true) {
    if (!required && !obj.contains(key)) return;
    const Json* v = field(obj, key, from, "a string");
    if (v == nullptr) return;
    if (!v->is_string()) {
      error(where(key, from), "\"" + std::string(key) + "\" is not a string; expected a string");
      return;
    }
    out = v->get<std::string>();
  }
  void whole(const Json& obj, std::string_view key, size_t from, std::uint64_t& out,
             bool required = true) {
    if (!required && !obj.contains(key)) return;
    const Json* v = field(obj, key, from, "a whole number");
    if (v == nullptr) return;
    if (!v->is_number_unsigned()) {
      error(where(key, from),
            "\"" + std::string(key) + "\" is not a whole number >= 0; expected one");
      return;
    }
    out = v->get<std::uint64_t>();
  }
  void real(const Json& obj, std::string_view key, size_t from, double& out) {
    const Json* v = field(obj, key, from, "a number");
    if (v == nullptr) return;
    if (!v->is_number()) {
      error(where(key, from), "\"" + std::string(key) + "\" is not a number; expected one");
      return;
    }
    out = v->get<double>();
  }
  void texts(const Json& obj, std::string_view key, size_t from, std::vector<std::string>& out) {
    const Json* v = field(obj, key, from, "a list of strings");
    if (v == nullptr) return;
    if (!v->is_array() ||
        !std::all_of(v->begin(), v->end(), [](const Json& e) { return e.is_string(); })) {
      error(where(key, from),
            "\"" + std::string(key) + "\" is not a list of strings; expected one");
      return;
    }
    out = v->get<std::vector<std::string>>();
  }
  // Each object of the list `key`, with the position of its first key, to `each`.
  void objects(const Json& obj, std::string_view key, size_t from,
               const std::function<void(const Json&, size_t)>& each) {
    const Json* v = field(obj, key, from, "a list of objects");
    if (v == nullptr) return;
    if (!v->is_array()) {
      error(where(key, from),
            "\"" + std::string(key) + "\" is not a list; expected a list of objects");
      return;
    }
    size_t at = where(key, from);
    for (const Json& e : *v) {
      at = text_.find('{', at + 1);
      if (at == std::string::npos) at = text_.size();
      if (!e.is_object()) {
        error(at, "an entry of \"" + std::string(key) + "\" is not an object; expected one");
        continue;
      }
      each(e, at);
    }
  }

 private:
  const std::string& text_;
  std::string file_;
  Diagnostics& diag_;
};

constexpr std::uintmax_t kMaxManifestBytes = std::uintmax_t{16} << 20;

std::optional<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// manifest.json's text: a readable file of a manifest's size, else nullopt with the problem.
std::optional<std::string> manifest_text(const std::string& dir, const std::string& shown,
                                         Diagnostics& diag) {
  const std::string path = dir + "/manifest.json";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    std::string message =
        "missing; expected the output folder of a finished parley run, compare or sweep";
    if (fs::exists(dir + "/.checkpoint", ec))
      message += " (this batch was interrupted: finish it with the same command and --resume)";
    diag.error(shown, 0, 0, message);
    return std::nullopt;
  }
  if (fs::file_size(path, ec) > kMaxManifestBytes) {
    diag.error(shown, 0, 0, "file is too large; expected a manifest of a few kilobytes");
    return std::nullopt;
  }
  const std::optional<std::string> text = read_small_file(path);
  if (!text) {
    diag.error(shown, 0, 0, "cannot be read; expected a readable file");
    return std::nullopt;
  }
  return text;
}

// The text as JSON; nullopt with the line and column of the first syntax error.
std::optional<Json> manifest_json_of(const std::string& text, const std::string& shown,
                                     Diagnostics& diag) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    const auto [line, column] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    // nlohmann's message repeats the position; keep what it found and expected.
    if (const size_t colon = what.find(": ", what.find("column")); colon != std::string::npos)
      what = what.substr(colon + 2);
    diag.error(shown, line, column,
               "not valid JSON (" + what + "); expected the manifest written by parley");
    return std::nullopt;
  }
  return j;
}

// The parley version that wrote the folder (readable by this one) and the command; false when
// reading should stop at once.
bool read_origin(ManifestReader& r, const Json& j, ResultManifest& m, Diagnostics& diag) {
  r.text(j, "parley_version", 0, m.version);
  if (diag.has_errors()) return false;
  if (!readable_version(m.version)) {
    r.error(r.where("parley_version", 0),
            "written by parley " + m.version + "; expected a folder written by parley " +
                PARLEY_VERSION + " or another " + std::string(PARLEY_VERSION).substr(0, 4) +
                ".x version: run the batch again with this parley");
    return false;
  }
  std::string command;
  r.text(j, "command", 0, command);
  if (command == "run") {
    m.kind = ResultKind::run;
  } else if (command == "compare") {
    m.kind = ResultKind::compare;
  } else if (command == "sweep") {
    m.kind = ResultKind::sweep;
  } else if (!diag.has_errors()) {
    r.error(r.where("command", 0),
            "\"command\" is '" + command + "'; expected \"run\", \"compare\" or \"sweep\"");
  }
  return true;
}

// The batch's settings: scenario, seed, runs, threads, options, overrides, ..., command line.
void read_settings(ManifestReader& r, const Json& j, ResultManifest& m, Diagnostics& diag) {
  r.text(j, "scenario", 0, m.scenario);
  r.text(j, "scenario_folder", 0, m.scenario_folder);
  r.text(j, "scenario_hash", 0, m.scenario_hash);
  r.whole(j, "seed", 0, m.seed);
  r.whole(j, "runs", 0, m.runs);
  if (m.kind == ResultKind::run) r.whole(j, "trace", 0, m.trace);
  std::uint64_t threads = 1, ranks = 1;
  r.whole(j, "threads", 0, threads);
  r.whole(j, "ranks", 0, ranks, false);
  m.threads = static_cast<int>(std::min<std::uint64_t>(threads, 1 << 20));
  m.ranks = static_cast<int>(std::min<std::uint64_t>(ranks, 1 << 20));
  r.texts(j, "options", 0, m.options);
  r.texts(j, "overrides", 0, m.overrides);
  if (m.kind != ResultKind::sweep) r.text(j, "given", 0, m.given, false);
  if (m.kind == ResultKind::run) {
    r.text(j, "explain", 0, m.explain, false);
    // A file name parley writes, never a path to read from elsewhere.
    if (!m.explain.empty() && m.explain != "explain.json")
      r.error(r.where("explain", 0),
              "\"explain\" is '" + m.explain + "'; expected \"explain.json\" or no entry");
  }
  r.whole(j, "failed_runs", 0, m.failed);
  r.text(j, "command_line", 0, m.command_line);
  if (m.options.empty() && !diag.has_errors())
    r.error(r.where("options", 0), "no options; expected at least the baseline");
}

// compare: the min effect each metric's verdicts used (absent in older folders).
void read_min_effects(ManifestReader& r, const Json& j, ResultManifest& m) {
  if (m.kind != ResultKind::compare || !j.contains("min_effects")) return;
  const Json& me = j["min_effects"];
  const size_t at = r.where("min_effects", 0);
  if (!me.is_object()) {
    r.error(at, "\"min_effects\" is not an object; expected metric names with sizes >= 0");
  } else {
    for (const auto& [name, size] : me.items()) {
      if (!size.is_number() || !(size.get<double>() >= 0.0) || !std::isfinite(size.get<double>())) {
        r.error(r.where(name, at), "the min effect of '" + name +
                                       "' is not a number >= 0; expected one in the metric's "
                                       "unit");
        continue;
      }
      m.min_effects.emplace_back(name, size.get<double>());
    }
  }
}

// sweep: the design, its sample count and varied inputs.
void read_sweep_design(ManifestReader& r, const Json& j, ResultManifest& m, Diagnostics& diag) {
  if (m.kind != ResultKind::sweep) return;
  const size_t at = r.where("sweep", 0);
  if (const Json* sw = r.field(j, "sweep", 0, "the sweep's design"); sw && sw->is_object()) {
    r.text(*sw, "design", at, m.sweep.design);
    r.whole(*sw, "samples", at, m.sweep.samples);
    r.whole(*sw, "base_rows", at, m.sweep.base_rows, false);
    r.texts(*sw, "metrics", at, m.sweep.metrics);
    r.objects(*sw, "vary", at, [&](const Json& e, size_t pos) {
      ManifestVary v;
      r.text(e, "path", pos, v.path);
      r.real(e, "low", pos, v.lo);
      r.real(e, "high", pos, v.hi);
      std::uint64_t steps = 0;
      r.whole(e, "steps", pos, steps, false);
      v.steps = static_cast<int>(std::min<std::uint64_t>(steps, 1 << 20));
      m.sweep.vary.push_back(std::move(v));
    });
    if (m.sweep.vary.empty() && !diag.has_errors())
      r.error(at, "no varied inputs; expected at least one under \"vary\"");
  } else if (sw) {
    r.error(at, "\"sweep\" is not an object; expected the sweep's design");
  }
}

// "scenario_info": what the report needs of the scenario, and every option run described.
void read_scenario_info(ManifestReader& r, const Json& j, ResultManifest& m, Diagnostics& diag) {
  const size_t at = r.where("scenario_info", 0);
  const Json* info = r.field(j, "scenario_info", 0, "the scenario's description");
  if (info != nullptr && !info->is_object()) {
    r.error(at, "\"scenario_info\" is not an object; expected the scenario's description");
  } else if (info != nullptr) {
    ScenarioInfo& si = m.info;
    r.text(*info, "title", at, si.title);
    r.text(*info, "start", at, si.start);
    r.text(*info, "turn", at, si.turn_label);
    std::uint64_t turns = 0;
    r.whole(*info, "turns", at, turns);
    if (turns < 1 || turns > 100000)
      r.error(r.where("turns", at),
              "\"turns\" is " + std::to_string(turns) + "; expected 1 to 100000");
    si.turns = static_cast<int>(std::min<std::uint64_t>(turns, 100000));
    r.objects(*info, "actors", at, [&](const Json& e, size_t pos) {
      InfoActor a;
      r.text(e, "id", pos, a.id);
      r.text(e, "name", pos, a.name);
      si.actors.push_back(std::move(a));
    });
    r.objects(*info, "issues", at, [&](const Json& e, size_t pos) {
      InfoIssue is;
      r.text(e, "id", pos, is.id);
      r.text(e, "name", pos, is.name);
      r.text(e, "low", pos, is.low);
      r.text(e, "high", pos, is.high);
      r.text(e, "unit", pos, is.unit, false);
      if (!is.unit.empty()) {
        r.real(e, "unit_low", pos, is.unit_low);
        r.real(e, "unit_high", pos, is.unit_high);
      }
      si.issues.push_back(std::move(is));
    });
    r.objects(*info, "moves", at, [&](const Json& e, size_t pos) {
      InfoMove mv;
      r.text(e, "id", pos, mv.id);
      r.text(e, "actor", pos, mv.actor);
      r.text(e, "name", pos, mv.name);
      r.text(e, "headline", pos, mv.headline);
      si.moves.push_back(std::move(mv));
    });
    r.objects(*info, "options", at, [&](const Json& e, size_t pos) {
      InfoOption o;
      r.text(e, "name", pos, o.name);
      r.text(e, "description", pos, o.description);
      std::uint64_t from = 0;
      r.whole(e, "from", pos, from, false);
      o.from = static_cast<int>(std::min<std::uint64_t>(from, 1 << 20));
      si.options.push_back(std::move(o));
    });
    for (const std::string& name : m.options)
      if (!diag.has_errors() && si.option_index(name) < 0)
        r.error(r.where("options", 0), "option '" + name +
                                           "' is not under \"scenario_info\"; expected every "
                                           "option run to be described there");
  }
}

std::optional<ResultManifest> read_manifest(const std::string& dir, const std::string& shown,
                                            Diagnostics& diag) {
  const std::optional<std::string> text = manifest_text(dir, shown, diag);
  if (!text) return std::nullopt;
  const std::optional<Json> j = manifest_json_of(*text, shown, diag);
  if (!j) return std::nullopt;
  ManifestReader r(*text, shown, diag);
  if (!j->is_object()) {
    r.error(0, "not a JSON object; expected the manifest written by parley");
    return std::nullopt;
  }
  ResultManifest m;
  if (!read_origin(r, *j, m, diag)) return std::nullopt;
  read_settings(r, *j, m, diag);
  read_min_effects(r, *j, m);
  read_sweep_design(r, *j, m, diag);
  read_scenario_info(r, *j, m, diag);
  if (diag.has_errors()) return std::nullopt;
  return m;
}

// ---- CSV files -------------------------------------------------------------------------------

// More problems than this in one file end its reading: the rest would be more of the same.
constexpr int kMaxProblemsPerFile = 20;

// Reads one result CSV line by line (streaming: sweep.csv and events.csv grow with the batch),
// checks the header and each row's width, and hands the rows to a callback.
class CsvReader {
 public:
  CsvReader(const std::string& dir, std::string name, std::string shown, Diagnostics& diag)
      : path_(dir + "/" + name), name_(std::move(name)), shown_(std::move(shown)), diag_(diag) {}

  [[nodiscard]] const std::string& shown() const noexcept { return shown_; }

  void error(int line, int column, const std::string& message) {
    if (++problems_ <= kMaxProblemsPerFile) {
      diag_.error(shown_, line, column, message);
    } else if (problems_ == kMaxProblemsPerFile + 1) {
      diag_.error(shown_, line, 0, "more problems follow; expected a file written by parley");
    }
  }
  [[nodiscard]] bool failed() const noexcept { return problems_ > 0; }
  /// True when the file has read()'s optional tail columns.
  [[nodiscard]] bool tail() const noexcept { return tail_; }

  // Reads the file: `header` must be its first line exactly, or followed by the columns of
  // `optional_tail` (appended by later versions; tail() says whether the file has them); each row
  // must have as many cells as the file's header. Returns false when the file is missing or
  // unreadable.
  bool read(std::vector<std::string> header, const std::function<void(const CsvRow&)>& row,
            const std::vector<std::string>& optional_tail = {}) {
    std::error_code ec;
    if (!fs::is_regular_file(path_, ec)) {
      diag_.error(shown_, 0, 0, "missing; expected the " + name_ + " a finished batch writes");
      ++problems_;
      return false;
    }
    if (!ends_with_newline()) {
      // parley writes whole files and renames them into place, so a cut file is damage.
      error(0, 0,
            "the file does not end with a newline; expected a complete file (was it cut "
            "short?)");
    }
    try {
      io::LineReader reader(path_);
      CsvRow r;
      bool have_header = false;
      std::string expected;
      for (const std::string& h : header) expected += (expected.empty() ? "" : ",") + h;
      while (char* raw = reader.next_line()) {
        r.line = static_cast<int>(reader.get_file_line());
        int bad = 0;
        if (!split_csv_line(raw, r.cells, bad)) {
          error(r.line, bad, "unterminated quote; expected a closing '\"' on the same line");
          continue;
        }
        if (!have_header) {
          have_header = true;
          if (!optional_tail.empty() && r.cells.size() == header.size() + optional_tail.size()) {
            header.insert(header.end(), optional_tail.begin(), optional_tail.end());
            tail_ = true;
          }
          for (size_t k = 0; k < std::max(header.size(), r.cells.size()); ++k) {
            const CsvCell c = r.cell(static_cast<int>(k));
            if (k >= header.size() || k >= r.cells.size() || c.text != header[k]) {
              error(r.line, c.column,
                    "the header differs at '" + c.text + "'; expected '" + expected + "'");
              return true;
            }
          }
          continue;
        }
        if (r.cells.size() != header.size()) {
          error(r.line, r.cell(static_cast<int>(header.size()) - 1).column,
                "the row has " + std::to_string(r.cells.size()) + " cells; expected " +
                    std::to_string(header.size()) + " (" + expected + ")");
          continue;
        }
        row(r);
        if (problems_ > kMaxProblemsPerFile) return true;
      }
      if (!have_header) error(1, 1, "the file is empty; expected the header '" + expected + "'");
    } catch (const std::exception& e) {
      error(0, 0, std::string("cannot be read (") + e.what() + "); expected a readable CSV file");
    }
    return true;
  }

  // The number in `cell`, or an error naming the column.
  double number(const CsvRow& r, int index, std::string_view column) {
    const CsvCell c = r.cell(index);
    const std::optional<double> v = parse_finite(c.text);
    if (!v) {
      error(r.line, c.column,
            "'" + c.text + "' is not a number; expected a number in column '" +
                std::string(column) + "'");
      return 0.0;
    }
    return *v;
  }
  // A whole number >= 0 in `cell`.
  std::uint64_t whole(const CsvRow& r, int index, std::string_view column) {
    const CsvCell c = r.cell(index);
    std::uint64_t v = 0;
    const char* end = c.text.data() + c.text.size();
    const auto [ptr, err] = std::from_chars(c.text.data(), end, v);
    if (c.text.empty() || err != std::errc() || ptr != end) {
      error(r.line, c.column,
            "'" + c.text + "' is not a whole number; expected one >= 0 in column '" +
                std::string(column) + "'");
      return 0;
    }
    return v;
  }

 private:
  bool ends_with_newline() const {
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    if (!in) return true;  // the reader reports it
    const std::streamoff size = in.tellg();
    if (size <= 0) return true;
    in.seekg(size - 1);
    char c = 0;
    in.get(c);
    return c == '\n';
  }

  std::string path_;
  std::string name_;
  std::string shown_;
  Diagnostics& diag_;
  int problems_ = 0;
  bool tail_ = false;
};

// Resolves option names and metric names of rows against the manifest, collecting the metrics
// in first-seen order.
class Names {
 public:
  Names(const ResultManifest& m, std::vector<std::string>& metrics, std::vector<MetricRef>& refs)
      : m_(m), metrics_(metrics), refs_(refs) {
    // Files of one folder share the list: a metric keeps its index in every file.
    for (size_t k = 0; k < metrics.size(); ++k) seen_.emplace(metrics[k], static_cast<int>(k));
  }

  int option(CsvReader& in, const CsvRow& r, int index) {
    return option(in, r.line, r.cell(index));
  }
  int option(CsvReader& in, int line, const CsvCell& c) {
    for (size_t k = 0; k < m_.options.size(); ++k)
      if (m_.options[k] == c.text) return static_cast<int>(k);
    std::string list;
    for (const auto& o : m_.options) list += (list.empty() ? "" : ", ") + o;
    in.error(
        line, c.column,
        "unknown option '" + c.text + "'; expected an option the manifest lists (" + list + ")");
    return -1;
  }
  int metric(CsvReader& in, const CsvRow& r, int index) {
    return metric(in, r.line, r.cell(index));
  }
  int metric(CsvReader& in, int line, const CsvCell& c) {
    if (const auto it = seen_.find(c.text); it != seen_.end()) return it->second;
    const std::optional<MetricRef> ref = parse_metric_name(c.text, m_.info);
    if (!ref) {
      in.error(line, c.column,
               "unknown metric '" + c.text +
                   "'; expected a metric of the scenario (issue.ID, issue.ID.value, utility.ID, "
                   "utility.ID.mean, recognized.ID, moves.ID or settled.ID)");
      return -1;
    }
    const int k = static_cast<int>(metrics_.size());
    metrics_.push_back(c.text);
    refs_.push_back(*ref);
    seen_.emplace(c.text, k);
    return k;
  }

 private:
  const ResultManifest& m_;
  std::vector<std::string>& metrics_;
  std::vector<MetricRef>& refs_;
  std::map<std::string, int, std::less<>> seen_;
};

// Every option must hold every metric (`count[o][k]` rows each, `want` expected): a file cut
// short or edited by hand leaves holes.
void check_complete(CsvReader& in, const ResultManifest& m, const std::vector<std::string>& metrics,
                    const std::vector<std::vector<std::uint64_t>>& count, std::uint64_t want,
                    const char* what, int first_option = 0) {
  for (size_t o = static_cast<size_t>(first_option); o < m.options.size(); ++o)
    for (size_t k = 0; k < metrics.size(); ++k) {
      const std::uint64_t have = k < count[o].size() ? count[o][k] : 0;
      if (have != want) {
        in.error(0, 0,
                 "option '" + m.options[o] + "' has " + std::to_string(have) + " " + what +
                     " of metric '" + metrics[k] + "'; expected " + std::to_string(want) +
                     " (is the file complete?)");
        return;
      }
    }
}

void count_row(std::vector<std::vector<std::uint64_t>>& count, int option, int metric) {
  auto& per = count[static_cast<size_t>(option)];
  if (per.size() <= static_cast<size_t>(metric)) per.resize(static_cast<size_t>(metric) + 1, 0);
  ++per[static_cast<size_t>(metric)];
}

// True when cells [first, last) of the row are all empty (statistics of no runs).
bool empty_cells(const CsvRow& r, int first, int last) {
  bool empty = true;
  for (int c = first; c < last; ++c) empty = empty && r.cell(c).text.empty();
  return empty;
}

// summary.csv, or summary_given.csv (`given`: rows of options in which the --given condition
// never held have empty cells, and are counted but not kept).
void read_summary(ResultFolder& f, const std::string& shown, Diagnostics& diag,
                  bool given = false) {
  const std::string file = given ? "summary_given.csv" : "summary.csv";
  CsvReader in(f.dir, file, shown + file, diag);
  Names names(f.manifest, f.final_metrics, f.final_refs);
  std::vector<std::vector<std::uint64_t>> count(f.manifest.options.size());
  in.read({"option", "metric", "mean", "sd", "p05", "p50", "p95"}, [&](const CsvRow& r) {
    SummaryRow row;
    row.option = names.option(in, r, 0);
    row.metric = names.metric(in, r, 1);
    if (given && empty_cells(r, 2, 7)) {
      if (row.option >= 0 && row.metric >= 0) count_row(count, row.option, row.metric);
      return;
    }
    row.mean = in.number(r, 2, "mean");
    row.sd = in.number(r, 3, "sd");
    row.p05 = in.number(r, 4, "p05");
    row.p50 = in.number(r, 5, "p50");
    row.p95 = in.number(r, 6, "p95");
    if (row.option < 0 || row.metric < 0) return;
    count_row(count, row.option, row.metric);
    (given ? f.summary_given : f.summary).push_back(row);
  });
  if (!in.failed()) check_complete(in, f.manifest, f.final_metrics, count, 1, "rows");
}

void read_trajectory(ResultFolder& f, const std::string& shown, Diagnostics& diag) {
  CsvReader in(f.dir, "trajectory.csv", shown + "trajectory.csv", diag);
  Names names(f.manifest, f.turn_metrics, f.turn_refs);
  std::vector<std::vector<std::uint64_t>> count(f.manifest.options.size());
  const int turns = f.manifest.info.turns;
  in.read({"option", "turn", "metric", "mean", "p05", "p50", "p95"}, [&](const CsvRow& r) {
    TrajectoryRow row;
    row.option = names.option(in, r, 0);
    const std::uint64_t turn = in.whole(r, 1, "turn");
    if (turn > static_cast<std::uint64_t>(turns)) {
      in.error(r.line, r.cell(1).column,
               "turn " + std::to_string(turn) + " is past the scenario's last; expected 0 to " +
                   std::to_string(turns));
      return;
    }
    row.turn = static_cast<int>(turn);
    row.metric = names.metric(in, r, 2);
    row.mean = in.number(r, 3, "mean");
    row.p05 = in.number(r, 4, "p05");
    row.p50 = in.number(r, 5, "p50");
    row.p95 = in.number(r, 6, "p95");
    if (row.option < 0 || row.metric < 0) return;
    count_row(count, row.option, row.metric);
    f.trajectory.push_back(row);
  });
  if (in.failed()) return;
  check_complete(in, f.manifest, f.turn_metrics, count, static_cast<std::uint64_t>(turns) + 1,
                 "turns");
  // The right number of rows could still repeat one turn and miss another.
  const size_t per_option = f.turn_metrics.size() * (static_cast<size_t>(turns) + 1);
  std::vector<char> seen(f.manifest.options.size() * per_option, 0);
  for (const TrajectoryRow& r : f.trajectory) {
    char& s = seen[static_cast<size_t>(r.option) * per_option +
                   static_cast<size_t>(r.metric) * (static_cast<size_t>(turns) + 1) +
                   static_cast<size_t>(r.turn)];
    if (s != 0) {
      in.error(0, 0,
               "turn " + std::to_string(r.turn) + " of metric '" +
                   f.turn_metrics[static_cast<size_t>(r.metric)] + "' of option '" +
                   f.manifest.options[static_cast<size_t>(r.option)] +
                   "' appears twice; expected each turn once");
      return;
    }
    s = 1;
  }
}

void read_histograms(ResultFolder& f, const std::string& shown, Diagnostics& diag) {
  CsvReader in(f.dir, "histograms.csv", shown + "histograms.csv", diag);
  Names names(f.manifest, f.final_metrics, f.final_refs);
  std::vector<std::vector<std::uint64_t>> count(f.manifest.options.size());
  in.read({"option", "metric", "low", "high", "count"}, [&](const CsvRow& r) {
    HistogramRow row;
    row.option = names.option(in, r, 0);
    row.metric = names.metric(in, r, 1);
    row.low = in.number(r, 2, "low");
    row.high = in.number(r, 3, "high");
    row.count = in.whole(r, 4, "count");
    if (row.option < 0 || row.metric < 0) return;
    if (!(row.high > row.low)) {
      in.error(r.line, r.cell(3).column, "the bin ends before it starts; expected high > low");
      return;
    }
    count_row(count, row.option, row.metric);
    f.histograms.push_back(row);
  });
  if (in.failed()) return;
  // Every option over the same bins: compare the bin counts with the first option's.
  std::vector<std::uint64_t> bins(f.final_metrics.size(), 0);
  for (size_t k = 0; k < bins.size() && !count.empty(); ++k)
    bins[k] = k < count[0].size() ? count[0][k] : 0;
  for (size_t o = 0; o < count.size(); ++o)
    for (size_t k = 0; k < bins.size(); ++k) {
      const std::uint64_t have = k < count[o].size() ? count[o][k] : 0;
      if (have == 0 || have != bins[k]) {
        in.error(0, 0,
                 "option '" + f.manifest.options[o] + "' has " + std::to_string(have) +
                     " bins of metric '" + f.final_metrics[k] + "'; expected " +
                     std::to_string(std::max<std::uint64_t>(bins[k], 1)) +
                     " like every option (is the file complete?)");
        return;
      }
    }
}

void read_events(ResultFolder& f, const std::string& shown, Diagnostics& diag) {
  CsvReader in(f.dir, "events.csv", shown + "events.csv", diag);
  Names names(f.manifest, f.final_metrics, f.final_refs);
  const ScenarioInfo& info = f.manifest.info;
  const size_t moves = info.moves.size();
  const size_t options = f.manifest.options.size();
  std::vector<EventCount> counts(options * moves);
  std::vector<std::uint64_t> last_run(options * moves, ~std::uint64_t{0});
  std::vector<std::uint64_t> first_turn_sum(options * moves, 0);
  const std::uint64_t traced = std::min(f.manifest.trace, f.manifest.runs);
  in.read({"run", "option", "turn", "actor", "move", "headline", "by"}, [&](const CsvRow& r) {
    const std::uint64_t run = in.whole(r, 0, "run");
    const int o = names.option(in, r, 1);
    const std::uint64_t turn = in.whole(r, 2, "turn");
    const CsvCell move = r.cell(4);
    const int m = info.move_index(move.text);
    if (m < 0) {
      in.error(r.line, move.column,
               "unknown move '" + move.text + "'; expected a move of the scenario");
      return;
    }
    const CsvCell by = r.cell(6);
    if (by.text != "ai" && by.text != "timeline") {
      in.error(r.line, by.column, "'" + by.text + "' is neither; expected 'ai' or 'timeline'");
      return;
    }
    if (run >= traced) {
      in.error(r.line, r.cell(0).column,
               "run " + std::to_string(run) + " was not traced; expected runs 0 to " +
                   std::to_string(traced == 0 ? 0 : traced - 1) + " (the manifest's trace)");
      return;
    }
    if (o < 0) return;
    const size_t k = static_cast<size_t>(o) * moves + static_cast<size_t>(m);
    EventCount& c = counts[k];
    // A run's rows come in turn order, so its first row of a move holds the first turn.
    if (last_run[k] != run) {
      last_run[k] = run;
      ++c.runs;
      first_turn_sum[k] += turn;
    }
    ++c.times;
    if (by.text == "ai") ++c.by_ai;
  });
  f.traced_runs.assign(options, traced);
  for (size_t o = 0; o < options; ++o)
    for (size_t m = 0; m < moves; ++m) {
      EventCount c = counts[o * moves + m];
      if (c.times == 0) continue;
      c.option = static_cast<int>(o);
      c.move = static_cast<int>(m);
      c.mean_first_turn =
          static_cast<double>(first_turn_sum[o * moves + m]) / static_cast<double>(c.runs);
      f.events.push_back(c);
    }
}

// comparison.csv, or comparison_given.csv (`given`: over the pairs in which the --given
// condition held in both arms; rows without such pairs have empty cells and are not kept).
void read_comparison(ResultFolder& f, const std::string& shown, Diagnostics& diag,
                     bool given = false) {
  const std::string file = given ? "comparison_given.csv" : "comparison.csv";
  CsvReader in(f.dir, file, shown + file, diag);
  Names names(f.manifest, f.final_metrics, f.final_refs);
  std::vector<std::vector<std::uint64_t>> count(f.manifest.options.size());
  in.read({"option", "metric", "baseline_mean", "option_mean", "diff_mean", "diff_ci_low",
           "diff_ci_high", "p_greater"},
          [&](const CsvRow& r) {
            ComparisonRow row;
            row.option = names.option(in, r, 0);
            row.metric = names.metric(in, r, 1);
            if (row.option == 0) {
              in.error(r.line, r.cell(0).column,
                       "the baseline is compared with itself; expected another option");
              return;
            }
            bool empty = true;
            for (int c = 2; c < 8; ++c) empty = empty && r.cell(c).text.empty();
            PairedSummary& s = row.summary;
            if (!empty) {
              // comparison.csv leaves the cells empty only when no pair succeeded.
              s.n = f.manifest.runs;
              s.baseline_mean = in.number(r, 2, "baseline_mean");
              s.option_mean = in.number(r, 3, "option_mean");
              s.diff_mean = in.number(r, 4, "diff_mean");
              s.ci_low = in.number(r, 5, "diff_ci_low");
              s.ci_high = in.number(r, 6, "diff_ci_high");
              s.p_greater = in.number(r, 7, "p_greater");
              if (s.ci_low > s.ci_high || s.p_greater < 0 || s.p_greater > 1)
                in.error(r.line, r.cell(5).column,
                         "the interval or probability is out of order; expected diff_ci_low <= "
                         "diff_ci_high and 0 <= p_greater <= 1");
            }
            if (row.option < 0 || row.metric < 0) return;
            count_row(count, row.option, row.metric);
            if (given && empty) return;
            (given ? f.comparison_given : f.comparison).push_back(row);
          });
  if (!in.failed()) check_complete(in, f.manifest, f.final_metrics, count, 1, "rows", 1);
}

// given.csv: one row per option run (compare: with the pairs in which it held in both arms).
void read_given(ResultFolder& f, const std::string& shown, Diagnostics& diag) {
  CsvReader in(f.dir, "given.csv", shown + "given.csv", diag);
  Names names(f.manifest, f.final_metrics, f.final_refs);
  const bool paired = f.manifest.kind == ResultKind::compare;
  std::vector<std::string> header{"option", "runs", "held", "share", "share_low", "share_high"};
  if (paired) header.emplace_back("both");
  std::vector<char> seen(f.manifest.options.size(), 0);
  in.read(header, [&](const CsvRow& r) {
    GivenRow row;
    row.option = names.option(in, r, 0);
    row.runs = in.whole(r, 1, "runs");
    row.held = in.whole(r, 2, "held");
    if (row.runs > 0) {
      row.share = in.number(r, 3, "share");
      row.low = in.number(r, 4, "share_low");
      row.high = in.number(r, 5, "share_high");
    }
    if (paired) row.both = in.whole(r, 6, "both");
    if (row.held > row.runs || row.low > row.high) {
      in.error(r.line, r.cell(2).column,
               "the counts or interval are out of order; expected held <= runs and share_low <= "
               "share_high");
      return;
    }
    if (row.option < 0) return;
    seen[static_cast<size_t>(row.option)] += 1;
    f.given.push_back(row);
  });
  if (in.failed()) return;
  for (size_t o = 0; o < seen.size(); ++o)
    if (seen[o] != 1) {
      in.error(0, 0,
               "option '" + f.manifest.options[o] + "' has " + std::to_string(seen[o]) +
                   " rows; expected 1 (is the file complete?)");
      return;
    }
}

int vary_index(const ResultManifest& m, std::string_view path) {
  for (size_t k = 0; k < m.sweep.vary.size(); ++k)
    if (m.sweep.vary[k].path == path) return static_cast<int>(k);
  return -1;
}

void read_sensitivity(ResultFolder& f, const std::string& shown, Diagnostics& diag) {
  CsvReader in(f.dir, "sensitivity.csv", shown + "sensitivity.csv", diag);
  Names names(f.manifest, f.final_metrics, f.final_refs);
  std::vector<std::vector<std::uint64_t>> count(1);
  // sd, p05 and p95 came later: folders without them are read, with no spread.
  in.read({"metric", "path", "S1", "S1_ci", "ST", "ST_ci"},
          [&](const CsvRow& r) {
            SensitivityRow row;
            row.metric = names.metric(in, r, 0);
            row.input = vary_index(f.manifest, r.cell(1).text);
            if (row.input < 0) {
              in.error(r.line, r.cell(1).column,
                       "'" + r.cell(1).text +
                           "' was not varied; expected a path of the manifest's vary");
              return;
            }
            bool empty = true;
            for (int c = 2; c < 6; ++c) empty = empty && r.cell(c).text.empty();
            row.varies = !empty;
            if (!empty) {
              row.s1 = in.number(r, 2, "S1");
              row.s1_ci = in.number(r, 3, "S1_ci");
              row.st = in.number(r, 4, "ST");
              row.st_ci = in.number(r, 5, "ST_ci");
            }
            if (in.tail() && !r.cell(6).text.empty()) {
              row.has_spread = true;
              row.sd = in.number(r, 6, "sd");
              row.p05 = in.number(r, 7, "p05");
              row.p95 = in.number(r, 8, "p95");
            }
            if (row.metric < 0) return;
            count_row(count, 0, row.metric);
            f.sensitivity.push_back(row);
          },
          {"sd", "p05", "p95"});
  if (in.failed()) return;
  const std::uint64_t inputs = f.manifest.sweep.vary.size();
  for (size_t k = 0; k < f.final_metrics.size(); ++k)
    if (count[0].size() <= k || count[0][k] != inputs) {
      in.error(0, 0,
               "metric '" + f.final_metrics[k] + "' has " +
                   std::to_string(k < count[0].size() ? count[0][k] : 0) +
                   " rows; expected one per varied path (" + std::to_string(inputs) +
                   "; is the file complete?)");
      return;
    }
}

void read_sweep(ResultFolder& f, const std::string& shown, Diagnostics& diag,
                const ResultLimits& limits) {
  CsvReader in(f.dir, "sweep.csv", shown + "sweep.csv", diag);
  Names names(f.manifest, f.final_metrics, f.final_refs);
  const ManifestSweep& sw = f.manifest.sweep;
  const bool blocks = sw.design == "sobol";
  std::vector<std::string> header = {"sample"};
  if (blocks) header.push_back("block");
  for (const ManifestVary& v : sw.vary) header.push_back(v.path);
  for (const std::string& m : sw.metrics) header.push_back(m);
  const int first_value = blocks ? 2 : 1;
  if (sw.samples == 0) {
    in.error(0, 0, "the manifest's sweep has no samples; expected at least one");
    return;
  }
  const std::uint64_t stride =
      std::max<std::uint64_t>(1, (sw.samples + limits.max_sweep_points - 1) /
                                     std::max<std::size_t>(1, limits.max_sweep_points));
  bool resolved = false;
  in.read(header, [&](const CsvRow& r) {
    if (!resolved) {
      resolved = true;
      for (const std::string& name : sw.metrics)
        f.sweep_metrics.push_back(names.metric(in, 1, CsvCell{name, 1}));
    }
    const std::uint64_t sample = in.whole(r, 0, "sample");
    if (sample != f.sweep_rows) {
      in.error(r.line, r.cell(0).column,
               "sample " + std::to_string(sample) + " out of order; expected " +
                   std::to_string(f.sweep_rows));
      return;
    }
    ++f.sweep_rows;
    const size_t values = header.size() - static_cast<size_t>(first_value);
    if (f.sweep_min.empty()) {
      f.sweep_min.assign(values, std::nan(""));
      f.sweep_max.assign(values, std::nan(""));
    }
    for (size_t c = 0; c < values; ++c) {
      const std::optional<double> v = parse_finite(r.cell(first_value + static_cast<int>(c)).text);
      if (!v) continue;
      // fmin/fmax skip the NaN the range starts from.
      f.sweep_min[c] = std::fmin(f.sweep_min[c], *v);
      f.sweep_max[c] = std::fmax(f.sweep_max[c], *v);
    }
    if (sample % stride != 0) return;
    std::vector<double> point;
    point.reserve(header.size() - static_cast<size_t>(first_value));
    for (size_t c = static_cast<size_t>(first_value); c < header.size(); ++c) {
      // A sample whose runs all failed has no mean: kept as NaN, drawn as a gap.
      const bool metric = c >= static_cast<size_t>(first_value) + sw.vary.size();
      if (metric && r.cell(static_cast<int>(c)).text.empty()) {
        point.push_back(std::nan(""));
        continue;
      }
      point.push_back(in.number(r, static_cast<int>(c), header[c]));
    }
    f.sweep_points.push_back(std::move(point));
  });
  if (!in.failed() && f.sweep_rows != sw.samples)
    in.error(0, 0,
             "holds " + std::to_string(f.sweep_rows) + " samples; expected " +
                 std::to_string(sw.samples) + " as the manifest says (is it complete?)");
}

// The min effect of every final metric: recorded in the manifest, or (older folders) the
// default of its kind, as `parley compare` would have used.
void set_min_effects(ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  f.min_effects.clear();
  for (size_t k = 0; k < f.final_metrics.size(); ++k) {
    const MetricRef& ref = f.final_refs[k];
    double unit_per_point = 1.0;
    if ((ref.kind == MetricKind::issue || ref.kind == MetricKind::issue_value) && ref.index >= 0 &&
        static_cast<size_t>(ref.index) < info.issues.size()) {
      const InfoIssue& is = info.issues[static_cast<size_t>(ref.index)];
      unit_per_point = (is.unit_high - is.unit_low) / 100.0;
    }
    double size = default_min_effect(ref.kind, unit_per_point);
    for (const auto& [name, recorded] : f.manifest.min_effects)
      if (name == f.final_metrics[k]) size = recorded;
    f.min_effects.push_back(size);
  }
}

// Checks explain.json's content against the manifest for what the report reads (the choices
// of every turn). Keeps the first problem, with where it is: one is enough to refuse a damaged
// file. Each check returns false at a problem.
class ExplainValidator {
 public:
  using OJson = nlohmann::ordered_json;

  explicit ExplainValidator(const ResultManifest& m) : m_(m) {}

  // The first problem found ("where: what"); empty when the file is sound.
  [[nodiscard]] const std::string& problem() const noexcept { return problem_; }

  // The whole file: one explanation per option, in the manifest's order.
  bool file(const OJson& j) {
    if (!j.is_array() || j.size() != m_.options.size())
      return bad("the file", "not a list of one explanation per option; expected " +
                                 std::to_string(m_.options.size()) + " as the manifest says");
    for (size_t o = 0; o < j.size(); ++o)
      if (!explanation(j[o], o)) return false;
    return true;
  }

 private:
  bool bad(const std::string& where, const std::string& what) {
    if (problem_.empty()) problem_ = where + ": " + what;
    return false;
  }

  bool has(const OJson& o, const char* key, bool (OJson::*is)() const noexcept,
           const std::string& where, const char* expected) {
    if (o.is_object() && o.contains(key) && (o[key].*is)()) return true;
    return bad(where, "\"" + std::string(key) + "\" is missing or not " + expected);
  }

  // Option `o`'s explanation: its option, the batch's seed, then its turns in order.
  bool explanation(const OJson& e, size_t o) {
    const std::string where = "explanation " + std::to_string(o + 1);
    if (!has(e, "option", &OJson::is_string, where, "a string")) return false;
    if (e["option"] != m_.options[o])
      return bad(where, "option '" + e["option"].get<std::string>() + "'; expected '" +
                            m_.options[o] + "' as the manifest lists the options");
    if (!has(e, "seed", &OJson::is_number_unsigned, where, "a whole number") ||
        e["seed"].get<std::uint64_t>() != m_.seed)
      return bad(where, "the seed is not the batch's, " + std::to_string(m_.seed));
    if (!has(e, "run", &OJson::is_number_unsigned, where, "a whole number") ||
        !has(e, "explained", &OJson::is_array, where, "a list"))
      return false;
    int last = 0;
    for (const OJson& t : e["explained"]) {
      if (!has(t, "turn", &OJson::is_number_integer, where + ", a turn", "a whole number"))
        return false;
      const int turn = t["turn"].get<int>();
      const std::string at = where + " (" + m_.options[o] + "), turn " + std::to_string(turn);
      if (turn <= last || turn > m_.info.turns)
        return bad(at, "out of order or past the last turn; expected turns 1 to " +
                           std::to_string(m_.info.turns) + " in order");
      last = turn;
      if (!has(t, "choices", &OJson::is_array, at, "a list")) return false;
      for (const OJson& c : t["choices"])
        if (!choice(c, at + ", choice")) return false;
    }
    return true;
  }

  // One actor's choice: who, what, how, the pass and every move considered.
  bool choice(const OJson& c, const std::string& where) {
    if (!has(c, "actor", &OJson::is_string, where, "a string")) return false;
    const std::string at = where + " (" + c["actor"].get<std::string>() + ")";
    if (m_.info.actor_index(c["actor"].get<std::string>()) < 0)
      return bad(at, "unknown actor; expected an actor of the scenario");
    if (!(c.contains("choice") && (c["choice"].is_string() || c["choice"].is_null())))
      return bad(at, "\"choice\" is missing; expected a move id or null");
    if (!has(c, "temperature", &OJson::is_number, at, "a number") ||
        !has(c, "lookahead", &OJson::is_boolean, at, "true or false") ||
        !has(c, "pass", &OJson::is_object, at, "an object") ||
        !has(c, "moves", &OJson::is_array, at, "a list"))
      return false;
    const OJson& pass = c["pass"];
    if (!has(pass, "value", &OJson::is_number, at + ", pass", "a number") ||
        !has(pass, "probability", &OJson::is_number, at + ", pass", "a number") ||
        !replies(pass.value("replies", OJson()), at + ", pass") ||
        !rows(pass.value("rows", OJson()), at + ", pass"))
      return false;
    for (const OJson& mv : c["moves"])
      if (!move(mv, at)) return false;
    return true;
  }

  // One move of a choice: blocked with a reason, or available with its numbers.
  bool move(const OJson& mv, const std::string& at) {
    if (!has(mv, "move", &OJson::is_string, at + ", a move", "a string") ||
        !has(mv, "available", &OJson::is_boolean, at + ", move " + mv.value("move", ""),
             "true or false"))
      return false;
    const std::string here = at + ", move " + mv["move"].get<std::string>();
    if (!mv["available"].get<bool>())
      return has(mv, "blocked", &OJson::is_string, here, "a string");
    for (const char* key : {"value", "cost", "score", "probability"})
      if (!has(mv, key, &OJson::is_number, here, "a number")) return false;
    return has(mv, "chosen", &OJson::is_boolean, here, "true or false") &&
           replies(mv.value("replies", OJson()), here) && rows(mv.value("rows", OJson()), here);
  }

  bool replies(const OJson& list, const std::string& where) {
    if (!list.is_array()) return bad(where, "\"replies\" is not a list");
    for (const OJson& r : list)
      if (!has(r, "actor", &OJson::is_string, where + ", a reply", "a string") ||
          !(r.contains("move") && (r["move"].is_string() || r["move"].is_null())))
        return bad(where, "a reply has no actor or move");
    return true;
  }

  bool rows(const OJson& list, const std::string& where) {
    if (!list.is_array()) return bad(where, "\"rows\" is not a list");
    for (const OJson& r : list)
      if (!has(r, "line", &OJson::is_number_integer, where + ", a row", "a whole number") ||
          !has(r, "move", &OJson::is_string, where + ", a row", "a string") ||
          !has(r, "probability", &OJson::is_number, where + ", a row", "a number") ||
          !has(r, "gain", &OJson::is_number, where + ", a row", "a number"))
        return false;
    return true;
  }

  const ResultManifest& m_;
  std::string problem_;
};

// explain.json: per option, in the manifest's order, `parley explain --json`'s object for the
// first traced run, checked by ExplainValidator so that a damaged file is refused with where it
// is wrong rather than drawn as a broken table.
void read_explain(ResultFolder& f, const std::string& shown, Diagnostics& diag) {
  using OJson = nlohmann::ordered_json;
  const std::string file = shown + "explain.json";
  const std::string path = f.dir + "/explain.json";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    diag.error(file, 0, 0,
               "missing; expected the explanation of the first traced run the manifest names");
    return;
  }
  const std::optional<std::string> text = read_small_file(path);
  if (!text) {
    diag.error(file, 0, 0, "cannot be read; expected a readable file");
    return;
  }
  OJson j;
  try {
    j = OJson::parse(*text);
  } catch (const OJson::parse_error& e) {
    const auto [line, column] = line_column(*text, e.byte > 0 ? e.byte - 1 : 0);
    diag.error(file, line, column,
               "not valid JSON (is it complete?); expected the explanation written by parley run");
    return;
  }
  ExplainValidator check(f.manifest);
  if (!check.file(j)) {
    diag.error(file, 0, 0, check.problem() + "; expected the explanation written by parley run");
    return;
  }
  f.explain = std::move(j);
}

}  // namespace

std::optional<ResultFolder> load_result_folder(const std::string& dir, Diagnostics& diag,
                                               const ResultLimits& limits) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    diag.error(dir, 0, 0,
               fs::exists(dir, ec)
                   ? "not a folder; expected the output folder of parley run, compare or sweep"
                   : "no such folder; expected the output folder of parley run, compare or sweep");
    return std::nullopt;
  }
  const std::string shown = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  ResultFolder f;
  f.dir = dir;
  std::optional<ResultManifest> m = read_manifest(dir, shown + "manifest.json", diag);
  if (!m) return std::nullopt;
  f.manifest = std::move(*m);
  switch (f.manifest.kind) {
    case ResultKind::run:
      read_summary(f, shown, diag);
      read_histograms(f, shown, diag);
      read_trajectory(f, shown, diag);
      read_events(f, shown, diag);
      if (!f.manifest.explain.empty()) read_explain(f, shown, diag);
      if (!f.manifest.given.empty()) {
        read_given(f, shown, diag);
        read_summary(f, shown, diag, true);
      }
      break;
    case ResultKind::compare:
      read_comparison(f, shown, diag);
      if (!f.manifest.given.empty()) {
        read_given(f, shown, diag);
        read_comparison(f, shown, diag, true);
      }
      break;
    case ResultKind::sweep:
      read_sweep(f, shown, diag, limits);
      if (f.manifest.sweep.design == "sobol") read_sensitivity(f, shown, diag);
      break;
  }
  if (diag.has_errors()) return std::nullopt;
  set_min_effects(f);
  return f;
}

}  // namespace parley

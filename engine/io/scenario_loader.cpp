#include "engine/io/scenario_loader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "engine/core/hash.hpp"
#include "engine/core/text.hpp"
#include "engine/io/csv_table.hpp"
#include "engine/io/ini_file.hpp"

namespace parley {

namespace {

namespace fs = std::filesystem;

/// No scenario file is anywhere near this; a bigger one is a mistake (or not a scenario).
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{64} << 20;
/// Cooldowns longer than any scenario are typos.
constexpr int kMaxCooldown = 100000;

[[nodiscard]] std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[nodiscard]] std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

/// Ids are what paths are made of, so they may not hold '.', spaces or operators.
[[nodiscard]] bool valid_id(std::string_view id) noexcept {
  if (id.empty() || !std::isalpha(static_cast<unsigned char>(id.front()))) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

[[nodiscard]] bool valid_option_name(std::string_view name) noexcept {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

/// A plain integer (no sign other than '-', no decimals, no distribution).
template <typename Int>
[[nodiscard]] std::optional<Int> parse_int(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty()) return std::nullopt;
  Int v{};
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  return v;
}

/// Why an integer cell is not acceptable, naming what it got.
[[nodiscard]] std::string int_problem(std::string_view text) {
  ParseError pe;
  if (const auto n = parse_number(text, pe); n && n->is_random())
    return ": expected a plain whole number, not a distribution, got " + in_quotes(text);
  return ": expected a whole number, got " + in_quotes(text);
}

[[nodiscard]] Range range_of(const Slot& s) noexcept {
  return s.kind == SlotKind::model ? model_key_range(static_cast<ModelKey>(s.a))
                                   : slot_range(s.kind);
}

/// The names of the bargaining models, for suggestions.
[[nodiscard]] std::vector<std::string> bargaining_names() {
  std::vector<std::string> out;
  for (const BargainingModel m : kBargainingModels) out.emplace_back(bargaining_name(m));
  return out;
}

// ---------------------------------------------------------------------------------------------
// scenario.ini

/// A per-option record kept until the tables are loaded (set and forbid name ids).
struct RawOption {
  std::string name;
  int line = 0;
  std::optional<IniEntry> description;
  std::optional<IniEntry> set;
  std::optional<IniEntry> forbid;
  std::optional<IniEntry> from;
};

// ---------------------------------------------------------------------------------------------
// CSV column binding

struct ColumnSpec {
  std::string_view name;
  bool required;
  CellKind kind;  ///< what its cells hold, to tell which cell a stray comma split
};

/// The table's column index for each spec (-1 when absent).
struct Columns {
  std::vector<int> index;
  bool complete = true;  ///< every required column present
  [[nodiscard]] bool has(int spec) const { return index[static_cast<std::size_t>(spec)] >= 0; }
  [[nodiscard]] CsvCell get(const CsvRow& row, int spec) const {
    const int i = index[static_cast<std::size_t>(spec)];
    if (i < 0) {
      CsvCell empty;
      empty.column = 1;
      return empty;
    }
    return row.cell(i);
  }
};

class Loader {
 public:
  Loader(const std::string& folder, Diagnostics& diag) : diag_(diag), folder_(folder) {
    sc_.folder = folder;
    // Messages use the folder as given; only a trailing '/' is dropped so names join cleanly.
    while (folder_.size() > 1 && folder_.back() == '/') folder_.pop_back();
  }

  std::optional<Scenario> run() {
    std::error_code ec;
    const fs::file_status st = fs::status(folder_, ec);
    if (ec || !fs::exists(st)) {
      diag_.error(folder_, 0, 0,
                  "scenario folder not found; expected a folder holding scenario.ini, "
                  "actors.csv, issues.csv, stances.csv, relations.csv, moves.csv and timeline.csv");
      return std::nullopt;
    }
    if (!fs::is_directory(st)) {
      diag_.error(folder_, 0, 0,
                  "not a folder; expected a scenario folder holding scenario.ini and six CSV "
                  "tables");
      return std::nullopt;
    }
    const int errors_before = diag_.error_count();

    hash_files();
    load_ini();
    load_actors();
    load_issues();
    load_stances();
    load_relations();
    load_moves();
    load_timeline();
    resolve_options();

    if (diag_.error_count() > errors_before) return std::nullopt;
    return std::move(sc_);
  }

 private:
  [[nodiscard]] std::string display(std::string_view file) const {
    return folder_ == "/" ? folder_ + std::string(file) : folder_ + "/" + std::string(file);
  }
  /// The path to open: the display name is already the folder as given joined with the name.
  [[nodiscard]] std::string path(std::string_view file) const { return display(file); }

  void error(std::string_view file, int line, int column, std::string message) {
    if (is_mended(file, line)) return;
    diag_.error(display(file), line, column, std::move(message));
  }
  void warning(std::string_view file, int line, int column, std::string message) {
    if (is_mended(file, line)) return;
    diag_.warning(display(file), line, column, std::move(message));
  }
  /// A line whose split cells were joined back after an error: whatever else its cells show
  /// follows from the guess, so the one error about the comma stands alone.
  [[nodiscard]] bool is_mended(std::string_view file, int line) const {
    return line > 0 && mended_.count({std::string(file), line}) != 0;
  }

  /// Reads a whole file for hashing (and, for scenario.ini, parsing). Missing files give an
  /// error here, once; the table readers then skip them quietly.
  std::optional<std::string> slurp(std::string_view file) {
    std::error_code ec;
    const std::string p = path(file);
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      error(file, 0, 0, "missing file; expected " + std::string(file) + " in the scenario folder");
      return std::nullopt;
    }
    if (!fs::is_regular_file(st)) {
      error(file, 0, 0, "not a regular file; expected " + std::string(file) + " to be a file");
      return std::nullopt;
    }
    const std::uintmax_t size = fs::file_size(p, ec);
    if (ec || size > kMaxFileBytes) {
      error(file, 0, 0, "file is too large or unreadable; expected at most 64 MiB");
      return std::nullopt;
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      error(file, 0, 0, "cannot open the file; expected a readable file");
      return std::nullopt;
    }
    std::string bytes(static_cast<std::size_t>(size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return bytes;
  }

  void hash_files() {
    Fnv1a h;
    for (const std::string_view file : kScenarioFiles) {
      const auto bytes = slurp(file);
      if (!bytes) {
        missing_.push_back(std::string(file));
        continue;
      }
      // NULs separate name and contents so that no two folders can feed the same byte stream.
      h.update(file);
      h.update(std::string_view("\0", 1));
      h.update(*bytes);
      h.update(std::string_view("\0", 1));
      if (file == "scenario.ini") ini_text_ = *bytes;
    }
    sc_.content_hash = h.value();
  }

  [[nodiscard]] bool is_missing(std::string_view file) const {
    return std::find(missing_.begin(), missing_.end(), file) != missing_.end();
  }

  // -------------------------------------------------------------------------------------------
  // scenario.ini

  template <typename Int>
  std::optional<Int> ini_int(const IniEntry& e, Int lo, Int hi, std::string_view what) {
    const auto v = parse_int<Int>(e.value);
    if (!v) {
      error("scenario.ini", e.line, e.value_column,
            e.key + int_problem(e.value) + " (" + std::string(what) + ")");
      return std::nullopt;
    }
    if (*v < lo || *v > hi) {
      error("scenario.ini", e.line, e.value_column,
            e.key + " = " + std::to_string(*v) + " is out of range; expected " + std::string(what));
      return std::nullopt;
    }
    return v;
  }

  void load_ini() {
    constexpr std::string_view file = "scenario.ini";
    set_ini_defaults();
    if (is_missing(file)) return;
    std::vector<IniProblem> problems;
    const IniFile ini = read_ini(ini_text_, problems);
    for (IniProblem& p : problems) error(file, p.line, p.column, std::move(p.message));
    load_sections(ini);
    std::map<std::string, int> first_line;  // "section.key" -> line, for duplicates
    std::optional<IniEntry> turns_entry;
    for (const IniEntry& e : ini.entries) {
      const std::string full = e.section + "." + e.key;
      if (const auto it = first_line.find(full); it != first_line.end()) {
        error(file, e.line, e.key_column,
              "duplicate key '" + e.key + "' in [" + e.section + "] (first given at line " +
                  std::to_string(it->second) + "); expected each key once");
        continue;
      }
      first_line.emplace(full, e.line);
      if (e.section.empty()) {
        error(file, e.line, e.key_column,
              "key '" + e.key +
                  "' comes before any section; expected it under [scenario], [model], [run] or "
                  "[option.NAME]");
      } else if (e.section == "scenario") {
        if (e.key == "turns")
          turns_entry = e;
        else
          load_scenario_key(e);
      } else if (e.section == "model") {
        load_model_key(e);
      } else if (e.section == "run") {
        load_run_key(e);
      } else if (e.section.rfind("option.", 0) == 0) {
        load_option_key(e);
      }
      // Keys of unknown sections were reported with their section header.
    }
    load_turns(ini, turns_entry);
  }

  /// What a scenario without scenario.ini values has: the folder's name, the model's defaults
  /// and the baseline option.
  void set_ini_defaults() {
    sc_.name = fs::path(folder_).filename().string();
    if (sc_.name.empty() || sc_.name == "." || sc_.name == "..") {
      std::error_code ec;
      sc_.name = fs::weakly_canonical(fs::path(folder_), ec).filename().string();
    }
    sc_.model.values = default_model_values();
    Option baseline;
    baseline.name = "baseline";
    baseline.description = "the scenario as written";
    sc_.options.push_back(baseline);
  }

  /// Checks every section header and records each [option.NAME] (once) for its keys.
  void load_sections(const IniFile& ini) {
    constexpr std::string_view file = "scenario.ini";
    const std::vector<std::string> section_names{"scenario", "model", "run"};
    for (const auto& s : ini.sections) {
      if (s.name == "scenario" || s.name == "model" || s.name == "run") continue;
      if (s.name.rfind("option.", 0) == 0) {
        const std::string name = s.name.substr(7);
        if (!valid_option_name(name)) {
          error(file, s.line, s.column + 7,
                "bad option name " + in_quotes(name) +
                    "; expected letters, digits, '_' or '-' as in [option.engage]");
        } else if (name == "baseline" || name == "all") {
          error(file, s.line, s.column + 7,
                "option name '" + name + "' is reserved; expected another name");
        } else if (std::none_of(raw_options_.begin(), raw_options_.end(),
                                [&](const RawOption& o) { return o.name == name; })) {
          RawOption o;
          o.name = name;
          o.line = s.line;
          raw_options_.push_back(o);
        }
        continue;
      }
      std::string hint = did_you_mean(lower(s.name), section_names);
      if (lower(s.name).rfind("option", 0) == 0) hint = " (options are written [option.NAME])";
      error(file, s.line, s.column,
            "unknown section [" + s.name + "]" + hint +
                "; expected [scenario], [model], [run] or [option.NAME]");
    }
  }

  void unknown_key(const IniEntry& e, const std::vector<std::string>& known) {
    error("scenario.ini", e.line, e.key_column,
          "unknown key '" + e.key + "' in [" + e.section + "]" + did_you_mean(e.key, known) +
              "; expected one of " + join(known, ", "));
  }

  /// A key of [scenario] other than turns (which is read once every key is known).
  void load_scenario_key(const IniEntry& e) {
    if (e.key == "name") {
      if (!e.value.empty()) sc_.name = e.value;
    } else if (e.key == "title") {
      sc_.title = e.value;
    } else if (e.key == "start") {
      sc_.start = e.value;
    } else if (e.key == "turn") {
      sc_.turn_label = e.value;
    } else {
      unknown_key(e, {"name", "title", "start", "turn", "turns"});
    }
  }

  /// A key of [model]: the bargaining model, or a model number in its range.
  void load_model_key(const IniEntry& e) {
    if (e.key == "bargaining") {
      if (const auto m = parse_bargaining(trim(e.value))) {
        sc_.model.bargaining = *m;
      } else {
        error("scenario.ini", e.line, e.value_column,
              "unknown bargaining model " + in_quotes(e.value) +
                  did_you_mean(lower(trim(e.value)), bargaining_names()) + "; expected one of " +
                  join(bargaining_names(), ", "));
      }
      return;
    }
    const auto& names = model_key_names();
    const auto it = std::find(names.begin(), names.end(), e.key);
    if (it == names.end()) {
      std::vector<std::string> model_keys{"bargaining"};
      for (const auto& k : names) model_keys.emplace_back(k);
      unknown_key(e, model_keys);
      return;
    }
    const auto key = static_cast<ModelKey>(it - names.begin());
    if (model_key_is_whole(key)) {
      const Range r = model_key_range(key);
      const std::string expected =
          key == ModelKey::lookahead ? "0 or 1" : "a whole number from 1 to 1000";
      if (const auto v = ini_int<std::int64_t>(e, static_cast<std::int64_t>(r.lo),
                                               static_cast<std::int64_t>(r.hi), expected)) {
        Number n = Number::constant(static_cast<double>(*v));
        n.lo = r.lo;
        n.hi = r.hi;
        sc_.model.values[static_cast<std::size_t>(key)] = n;
      }
    } else if (auto n = ini_number(e, model_key_range(key))) {
      sc_.model.values[static_cast<std::size_t>(key)] = *n;
    }
  }

  /// A key of [run]: the default runs and seed.
  void load_run_key(const IniEntry& e) {
    if (e.key == "runs") {
      if (const auto v = ini_int<std::int64_t>(e, 1, std::numeric_limits<std::int64_t>::max(),
                                               "a whole number >= 1"))
        sc_.default_runs = *v;
    } else if (e.key == "seed") {
      if (const auto v = parse_int<std::uint64_t>(e.value)) {
        sc_.default_seed = *v;
      } else {
        error("scenario.ini", e.line, e.value_column,
              "seed" + int_problem(e.value) + " (a whole number from 0 to 2^64-1)");
      }
    } else {
      unknown_key(e, {"runs", "seed"});
    }
  }

  /// A key of [option.NAME], kept until the tables it names are loaded.
  void load_option_key(const IniEntry& e) {
    const std::string name = e.section.substr(7);
    const auto it = std::find_if(raw_options_.begin(), raw_options_.end(),
                                 [&](const RawOption& o) { return o.name == name; });
    if (it == raw_options_.end()) return;  // bad option name, reported at its header
    if (e.key == "description") {
      it->description = e;
    } else if (e.key == "set") {
      it->set = e;
    } else if (e.key == "forbid") {
      it->forbid = e;
    } else if (e.key == "from") {
      it->from = e;
    } else {
      unknown_key(e, {"description", "set", "forbid", "from"});
    }
  }

  /// [scenario] turns, which every table's turn columns are checked against: required.
  void load_turns(const IniFile& ini, const std::optional<IniEntry>& turns_entry) {
    if (turns_entry) {
      if (const auto v = ini_int<int>(
              *turns_entry, 1, kMaxTurns,
              "the number of turns, a whole number from 1 to " + std::to_string(kMaxTurns))) {
        sc_.turns = *v;
        turns_known_ = true;
      }
      return;
    }
    std::optional<int> scenario_line;
    for (const auto& s : ini.sections)
      if (s.name == "scenario" && !scenario_line) scenario_line = s.line;
    error("scenario.ini", scenario_line.value_or(1), 1,
          "missing key 'turns' in [scenario]; expected the number of turns, a whole number "
          ">= 1 (e.g. turns = 24)");
  }

  std::optional<Number> ini_number(const IniEntry& e, Range r) {
    ParseError pe;
    auto n = parse_number(e.value, pe);
    if (!n) {
      error("scenario.ini", e.line, e.value_column + pe.offset, e.key + ": " + pe.message);
      return std::nullopt;
    }
    n->lo = r.lo;
    n->hi = r.hi;
    if (std::string why = range_problem(*n); !why.empty()) {
      error("scenario.ini", e.line, e.value_column, e.key + ": " + why);
      return std::nullopt;
    }
    return n;
  }

  // -------------------------------------------------------------------------------------------
  // tables: shared cell readers

  /// Reads `file` and binds its header to `specs`. Returns nullopt when the file is missing or
  /// unreadable; `cols.complete` is false when a required column is missing.
  std::optional<CsvTable> open_table(std::string_view file, const std::vector<ColumnSpec>& specs,
                                     Columns& cols) {
    if (is_missing(file)) return std::nullopt;
    auto table = read_csv(path(file), display(file), diag_);
    if (!table) return std::nullopt;

    std::vector<std::string> known;
    for (const auto& s : specs) known.emplace_back(s.name);
    cols.index.assign(specs.size(), -1);
    for (std::size_t h = 0; h < table->header.size(); ++h) {
      const CsvCell& cell = table->header[h];
      const std::string name = lower(cell.text);
      if (name.empty()) {
        warning(file, table->header_line, cell.column,
                "empty column name; this column is ignored (expected a name in every header cell)");
        continue;
      }
      const auto it = std::find(known.begin(), known.end(), name);
      if (it == known.end()) {
        warning(file, table->header_line, cell.column,
                "unknown column " + in_quotes(cell.text) + did_you_mean(name, known) +
                    "; it is ignored. Expected columns: " + join(known, ", "));
        continue;
      }
      const auto spec = static_cast<std::size_t>(it - known.begin());
      if (cols.index[spec] >= 0) {
        error(file, table->header_line, cell.column,
              "column '" + name + "' appears twice; expected each column once");
        continue;
      }
      cols.index[spec] = static_cast<int>(h);
    }
    std::vector<std::string> required;
    for (const auto& s : specs)
      if (s.required) required.emplace_back(s.name);
    for (std::size_t i = 0; i < specs.size(); ++i) {
      if (specs[i].required && cols.index[i] < 0) {
        cols.complete = false;
        error(file, table->header_line, 1,
              "missing required column '" + std::string(specs[i].name) +
                  "'; expected a header naming at least " + join(required, ", "));
      }
    }
    // More cells than the header: a comma that should have been quoted shifted the row.
    std::vector<CsvColumn> columns;
    for (std::size_t h = 0; h < table->header.size(); ++h) {
      CsvColumn c{table->header[h].text, CellKind::text};
      for (std::size_t i = 0; i < specs.size(); ++i)
        if (cols.index[i] == static_cast<int>(h)) c.kind = specs[i].kind;
      columns.push_back(std::move(c));
    }
    for (const int line : mend_split_cells(*table, columns, diag_))
      mended_.insert({std::string(file), line});
    return table;
  }

  /// A number cell with its column's range. Empty cells take `fallback` when given.
  std::optional<Number> number_cell(std::string_view file, int line, const CsvCell& cell,
                                    std::string_view column, Range r,
                                    std::optional<double> fallback) {
    if (cell.text.empty()) {
      if (fallback) {
        Number n = Number::constant(*fallback);
        n.lo = r.lo;
        n.hi = r.hi;
        return n;
      }
      error(file, line, cell.column,
            "missing " + std::string(column) +
                "; expected a number or a distribution U(lo,hi), N(mean,sd), T(lo,mode,hi) "
                "within " +
                range_text(r.lo, r.hi));
      return std::nullopt;
    }
    ParseError pe;
    auto n = parse_number(cell.text, pe);
    if (!n) {
      error(file, line, cell.column + pe.offset, std::string(column) + ": " + pe.message);
      return std::nullopt;
    }
    n->lo = r.lo;
    n->hi = r.hi;
    if (std::string why = range_problem(*n); !why.empty()) {
      error(file, line, cell.column, std::string(column) + ": " + why);
      return std::nullopt;
    }
    return n;
  }

  std::optional<int> int_cell(std::string_view file, int line, const CsvCell& cell,
                              std::string_view column, int lo, int hi, int fallback) {
    if (cell.text.empty()) return fallback;
    const auto v = parse_int<int>(cell.text);
    if (!v) {
      error(file, line, cell.column, std::string(column) + int_problem(cell.text));
      return std::nullopt;
    }
    if (*v < lo || *v > hi) {
      error(file, line, cell.column,
            std::string(column) + " " + std::to_string(*v) + " is out of range; expected " +
                std::to_string(lo) + " to " + std::to_string(hi));
      return std::nullopt;
    }
    return v;
  }

  /// A yes/no cell (any letter case); empty takes `fallback`.
  std::optional<bool> bool_cell(std::string_view file, int line, const CsvCell& cell,
                                std::string_view column, bool fallback) {
    if (cell.text.empty()) return fallback;
    const std::string v = lower(cell.text);
    if (v == "yes") return true;
    if (v == "no") return false;
    error(file, line, cell.column,
          std::string(column) + ": expected yes or no, got " + in_quotes(cell.text));
    return std::nullopt;
  }

  /// One of `names` (any letter case); returns its index. Empty takes `fallback` (or is an error
  /// when fallback < 0).
  std::optional<int> choice_cell(std::string_view file, int line, const CsvCell& cell,
                                 std::string_view column, const std::vector<std::string>& names,
                                 int fallback) {
    if (cell.text.empty() && fallback >= 0) return fallback;
    const std::string v = lower(cell.text);
    const auto it = std::find(names.begin(), names.end(), v);
    if (it != names.end()) return static_cast<int>(it - names.begin());
    error(file, line, cell.column,
          (cell.text.empty() ? "missing " + std::string(column)
                             : std::string(column) + " " + in_quotes(cell.text) + " is not known" +
                                   did_you_mean(v, names)) +
              "; expected one of " + join(names, ", "));
    return std::nullopt;
  }

  /// A new id for this table: well formed and not seen before. `seen` maps id -> line.
  bool id_cell(std::string_view file, int line, const CsvCell& cell, std::string_view what,
               std::map<std::string, int>& seen) {
    if (cell.text.empty()) {
      error(file, line, cell.column,
            "missing id; expected a " + std::string(what) +
                " id (a letter, then letters, digits or '_')");
      return false;
    }
    if (!valid_id(cell.text)) {
      error(file, line, cell.column,
            "bad id " + in_quotes(cell.text) +
                "; expected a letter followed by letters, digits or '_' (no spaces or dots)");
      return false;
    }
    if (const auto it = seen.find(cell.text); it != seen.end()) {
      error(file, line, cell.column,
            "duplicate " + std::string(what) + " id '" + cell.text + "' (first at line " +
                std::to_string(it->second) + "); expected each id once");
      return false;
    }
    seen.emplace(cell.text, line);
    return true;
  }

  /// A reference to an existing id; -1 (and an error unless the list itself failed to load).
  int ref_cell(std::string_view file, int line, const CsvCell& cell, std::string_view column,
               std::string_view what, std::string_view source, const std::vector<std::string>& ids,
               bool ids_ok) {
    if (cell.text.empty()) {
      error(file, line, cell.column,
            "missing " + std::string(column) + "; expected " + std::string(what) + " id from " +
                std::string(source));
      return -1;
    }
    const auto it = std::find(ids.begin(), ids.end(), cell.text);
    if (it != ids.end()) return static_cast<int>(it - ids.begin());
    // When the referenced table failed, its own errors explain; don't repeat them per row.
    if (!ids_ok) return -1;
    std::string msg = "unknown " + std::string(column) + " " + in_quotes(cell.text);
    msg += suggest_then_expected(cell.text, ids);
    msg +=
        " " + std::string(what) + " id from " + std::string(source) + " (ids are case-sensitive)";
    error(file, line, cell.column, std::move(msg));
    return -1;
  }

  std::optional<Condition> condition_cell(std::string_view file, int line, const CsvCell& cell,
                                          std::string_view column) {
    if (!ids_ok()) return Condition{};
    ParseError pe;
    auto c = parse_condition(cell.text, ids_, pe);
    if (!c) {
      error(file, line, cell.column + pe.offset, std::string(column) + ": " + pe.message);
    }
    return c;
  }

  [[nodiscard]] bool ids_ok() const { return actors_ok_ && issues_ok_ && moves_ok_; }

  static SourceRef source(std::string_view file, const CsvRow& row) {
    return {std::string(file), row.line};
  }

  // -------------------------------------------------------------------------------------------
  // the tables

  void load_actors() {
    constexpr std::string_view file = "actors.csv";
    enum { ID, NAME, KIND, CAPABILITY, RISK, CONTROL, NOTES };
    const std::vector<ColumnSpec> specs{
        {"id", true, CellKind::word},      {"name", true, CellKind::text},
        {"kind", true, CellKind::word},    {"capability", true, CellKind::number},
        {"risk", false, CellKind::number}, {"control", false, CellKind::word},
        {"notes", false, CellKind::text},
    };
    Columns cols;
    const auto table = open_table(file, specs, cols);
    if (!table || !cols.has(ID)) {
      actors_ok_ = false;
      return;
    }
    std::map<std::string, int> seen;
    for (const CsvRow& row : table->rows) {
      Actor a;
      const CsvCell id = cols.get(row, ID);
      const bool id_ok = id_cell(file, row.line, id, "actor", seen);
      a.id = id.text;
      a.name = cols.get(row, NAME).text;
      if (cols.has(NAME) && a.name.empty())
        error(file, row.line, cols.get(row, NAME).column,
              "missing name; expected a display name for actor " + in_quotes(a.id));
      if (cols.has(KIND)) {
        if (const auto k = choice_cell(file, row.line, cols.get(row, KIND), "kind",
                                       {"state", "group", "organization"}, -1))
          a.kind = static_cast<ActorKind>(*k);
      }
      if (cols.has(CAPABILITY)) {
        if (auto n = number_cell(file, row.line, cols.get(row, CAPABILITY), "capability",
                                 slot_range(SlotKind::capability), std::nullopt))
          a.capability = *n;
      }
      if (auto n = number_cell(file, row.line, cols.get(row, RISK), "risk",
                               slot_range(SlotKind::risk), 0.0))
        a.risk = *n;
      if (const auto c = choice_cell(file, row.line, cols.get(row, CONTROL), "control",
                                     {"ai", "script", "human"}, 0))
        a.control = static_cast<Control>(*c);
      a.source = source(file, row);
      if (id_ok) sc_.actors.push_back(std::move(a));
    }
    for (const auto& a : sc_.actors) ids_.actors.push_back(a.id);
    if (table->rows.empty())
      error(file, table->header_line, 1, "no actors; expected at least one row after the header");
  }

  void load_issues() {
    constexpr std::string_view file = "issues.csv";
    enum { ID, NAME, LOW, HIGH, SQ, UNIT, UNIT_LOW, UNIT_HIGH, DRIFT, NOISE, NEGOTIABLE, NOTES };
    const std::vector<ColumnSpec> specs{
        {"id", true, CellKind::word},           {"name", true, CellKind::text},
        {"low", true, CellKind::text},          {"high", true, CellKind::text},
        {"status_quo", true, CellKind::number}, {"unit", false, CellKind::text},
        {"unit_low", false, CellKind::number},  {"unit_high", false, CellKind::number},
        {"drift", false, CellKind::number},     {"noise", false, CellKind::number},
        {"negotiable", false, CellKind::word},  {"notes", false, CellKind::text},
    };
    Columns cols;
    const auto table = open_table(file, specs, cols);
    if (!table || !cols.has(ID)) {
      issues_ok_ = false;
      return;
    }
    std::map<std::string, int> seen;
    for (const CsvRow& row : table->rows) {
      Issue is;
      const CsvCell id = cols.get(row, ID);
      const bool id_ok = id_cell(file, row.line, id, "issue", seen);
      is.id = id.text;
      is.name = cols.get(row, NAME).text;
      if (cols.has(NAME) && is.name.empty())
        error(file, row.line, cols.get(row, NAME).column,
              "missing name; expected a display name for issue " + in_quotes(is.id));
      is.low = cols.get(row, LOW).text;
      is.high = cols.get(row, HIGH).text;
      if (cols.has(SQ)) {
        if (auto n = number_cell(file, row.line, cols.get(row, SQ), "status_quo",
                                 slot_range(SlotKind::issue), std::nullopt))
          is.status_quo = *n;
      }
      is.unit = cols.get(row, UNIT).text;
      const CsvCell ulo = cols.get(row, UNIT_LOW);
      const CsvCell uhi = cols.get(row, UNIT_HIGH);
      if (ulo.text.empty() != uhi.text.empty()) {
        const CsvCell& blank = ulo.text.empty() ? ulo : uhi;
        error(file, row.line, blank.column,
              "unit_low and unit_high go together; expected both (the values in " +
                  (is.unit.empty() ? std::string("the unit") : in_quotes(is.unit)) +
                  " at 0 and at 100) or neither");
      } else if (!ulo.text.empty()) {
        const auto lo = parse_double(ulo.text);
        const auto hi = parse_double(uhi.text);
        if (!lo)
          error(file, row.line, ulo.column,
                "unit_low: expected a plain number, got " + in_quotes(ulo.text));
        if (!hi)
          error(file, row.line, uhi.column,
                "unit_high: expected a plain number, got " + in_quotes(uhi.text));
        if (lo && hi && *lo == *hi)
          error(file, row.line, uhi.column,
                "unit_high equals unit_low; expected two different values for 0 and 100");
        if (lo) is.unit_low = *lo;
        if (hi) is.unit_high = *hi;
      }
      if (auto n = number_cell(file, row.line, cols.get(row, DRIFT), "drift",
                               slot_range(SlotKind::drift), 0.0))
        is.drift = *n;
      if (auto n = number_cell(file, row.line, cols.get(row, NOISE), "noise",
                               slot_range(SlotKind::noise), 0.0))
        is.noise = *n;
      if (const auto b = bool_cell(file, row.line, cols.get(row, NEGOTIABLE), "negotiable", true))
        is.negotiable = *b;
      is.source = source(file, row);
      if (id_ok) sc_.issues.push_back(std::move(is));
    }
    for (const auto& i : sc_.issues) ids_.issues.push_back(i.id);
    if (table->rows.empty())
      error(file, table->header_line, 1, "no issues; expected at least one row after the header");
  }

  void load_stances() {
    constexpr std::string_view file = "stances.csv";
    enum { ACTOR, ISSUE, POSITION, SALIENCE, POWER, VETO, NOTES };
    const std::vector<ColumnSpec> specs{
        {"actor", true, CellKind::word},      {"issue", true, CellKind::word},
        {"position", true, CellKind::number}, {"salience", true, CellKind::number},
        {"power", false, CellKind::number},   {"veto", false, CellKind::word},
        {"notes", false, CellKind::text},
    };
    Columns cols;
    const auto table = open_table(file, specs, cols);
    if (!table) return;
    std::map<std::pair<int, int>, int> seen;
    for (const CsvRow& row : table->rows) {
      Stance st;
      st.actor = cols.has(ACTOR) ? ref_cell(file, row.line, cols.get(row, ACTOR), "actor",
                                            "an actor", "actors.csv", ids_.actors, actors_ok_)
                                 : -1;
      st.issue = cols.has(ISSUE) ? ref_cell(file, row.line, cols.get(row, ISSUE), "issue",
                                            "an issue", "issues.csv", ids_.issues, issues_ok_)
                                 : -1;
      bool ok = st.actor >= 0 && st.issue >= 0;
      if (cols.has(POSITION)) {
        if (auto n = number_cell(file, row.line, cols.get(row, POSITION), "position",
                                 slot_range(SlotKind::position), std::nullopt))
          st.position = *n;
        else
          ok = false;
      }
      if (cols.has(SALIENCE)) {
        if (auto n = number_cell(file, row.line, cols.get(row, SALIENCE), "salience",
                                 slot_range(SlotKind::salience), std::nullopt))
          st.salience = *n;
        else
          ok = false;
      }
      if (auto n = number_cell(file, row.line, cols.get(row, POWER), "power",
                               slot_range(SlotKind::power), 1.0))
        st.power = *n;
      if (const auto b = bool_cell(file, row.line, cols.get(row, VETO), "veto", false))
        st.veto = *b;
      st.source = source(file, row);
      if (st.actor >= 0 && st.issue >= 0) {
        const auto key = std::make_pair(st.actor, st.issue);
        if (const auto it = seen.find(key); it != seen.end()) {
          error(file, row.line, cols.get(row, ACTOR).column,
                "duplicate stance of " + ids_.actors[static_cast<std::size_t>(st.actor)] + " on " +
                    ids_.issues[static_cast<std::size_t>(st.issue)] + " (first at line " +
                    std::to_string(it->second) + "); expected one row per actor and issue");
          continue;
        }
        seen.emplace(key, row.line);
      }
      if (ok) sc_.stances.push_back(std::move(st));
    }
  }

  void load_relations() {
    constexpr std::string_view file = "relations.csv";
    enum { FROM, TO, AFFINITY, RECOGNITION, NOTES };
    const std::vector<ColumnSpec> specs{
        {"from", true, CellKind::word},       {"to", true, CellKind::word},
        {"affinity", true, CellKind::number}, {"recognition", false, CellKind::number},
        {"notes", false, CellKind::text},
    };
    Columns cols;
    const auto table = open_table(file, specs, cols);
    if (!table) return;
    std::map<std::pair<int, int>, int> seen;
    for (const CsvRow& row : table->rows) {
      Relation r;
      r.from = cols.has(FROM) ? ref_cell(file, row.line, cols.get(row, FROM), "actor", "an actor",
                                         "actors.csv", ids_.actors, actors_ok_)
                              : -1;
      r.to = cols.has(TO) ? ref_cell(file, row.line, cols.get(row, TO), "actor", "an actor",
                                     "actors.csv", ids_.actors, actors_ok_)
                          : -1;
      bool ok = r.from >= 0 && r.to >= 0;
      if (cols.has(AFFINITY)) {
        if (auto n = number_cell(file, row.line, cols.get(row, AFFINITY), "affinity",
                                 slot_range(SlotKind::affinity), std::nullopt))
          r.affinity = *n;
        else
          ok = false;
      }
      if (auto n = number_cell(file, row.line, cols.get(row, RECOGNITION), "recognition",
                               slot_range(SlotKind::recognition), 0.0))
        r.recognition = *n;
      r.source = source(file, row);
      if (r.from >= 0 && r.from == r.to) {
        error(file, row.line, cols.get(row, TO).column,
              "relation of " + ids_.actors[static_cast<std::size_t>(r.from)] +
                  " to itself; expected two different actors (self-affinity is always 1)");
        continue;
      }
      if (r.from >= 0 && r.to >= 0) {
        const auto key = std::make_pair(r.from, r.to);
        if (const auto it = seen.find(key); it != seen.end()) {
          error(file, row.line, cols.get(row, FROM).column,
                "duplicate relation " + ids_.actors[static_cast<std::size_t>(r.from)] + " -> " +
                    ids_.actors[static_cast<std::size_t>(r.to)] + " (first at line " +
                    std::to_string(it->second) + "); expected one row per ordered pair");
          continue;
        }
        seen.emplace(key, row.line);
      }
      if (ok) sc_.relations.push_back(std::move(r));
    }
  }

  void load_moves() {
    constexpr std::string_view file = "moves.csv";
    enum { ID, ACTOR, NAME, COST, COOLDOWN, REQUIRES, EFFECTS, HEADLINE, NOTES };
    const std::vector<ColumnSpec> specs{
        {"id", true, CellKind::word},         {"actor", true, CellKind::word},
        {"name", true, CellKind::text},       {"cost", false, CellKind::number},
        {"cooldown", false, CellKind::turns}, {"requires", false, CellKind::condition},
        {"effects", true, CellKind::effects}, {"headline", false, CellKind::text},
        {"notes", false, CellKind::text},
    };
    Columns cols;
    const auto table = open_table(file, specs, cols);
    if (!table || !cols.has(ID)) {
      moves_ok_ = false;
      return;
    }
    // Conditions may name any move (done.M), including later ones: collect every id first.
    std::map<std::string, int> seen;
    std::vector<bool> keep;
    for (const CsvRow& row : table->rows) {
      const CsvCell id = cols.get(row, ID);
      const bool ok = id_cell(file, row.line, id, "move", seen);
      keep.push_back(ok);
      if (ok) ids_.moves.push_back(id.text);
    }
    for (std::size_t r = 0; r < table->rows.size(); ++r) {
      const CsvRow& row = table->rows[r];
      Move m;
      m.id = cols.get(row, ID).text;
      m.actor = cols.has(ACTOR) ? ref_cell(file, row.line, cols.get(row, ACTOR), "actor",
                                           "an actor", "actors.csv", ids_.actors, actors_ok_)
                                : -1;
      m.name = cols.get(row, NAME).text;
      if (cols.has(NAME) && m.name.empty())
        error(file, row.line, cols.get(row, NAME).column,
              "missing name; expected a short description of move " + in_quotes(m.id));
      if (auto n = number_cell(file, row.line, cols.get(row, COST), "cost",
                               slot_range(SlotKind::cost), 0.0))
        m.cost = *n;
      if (const auto c =
              int_cell(file, row.line, cols.get(row, COOLDOWN), "cooldown", 0, kMaxCooldown, 0))
        m.cooldown = *c;
      if (auto c = condition_cell(file, row.line, cols.get(row, REQUIRES), "requires"))
        m.requirement = std::move(*c);
      if (cols.has(EFFECTS)) {
        const CsvCell fx = cols.get(row, EFFECTS);
        if (ids_ok()) {
          ParseError pe;
          if (auto list = parse_effects(fx.text, ids_, pe)) {
            if (list->empty()) {
              error(file, row.line, fx.column,
                    "no effects; expected at least one 'PATH op VALUE' such as "
                    "'issue.ISSUE += 10'");
            }
            m.effects = std::move(*list);
          } else {
            error(file, row.line, fx.column + pe.offset, "effects: " + pe.message);
          }
        }
      }
      m.headline = cols.get(row, HEADLINE).text;
      if (m.headline.empty()) m.headline = m.name;
      m.source = source(file, row);
      if (keep[r]) sc_.moves.push_back(std::move(m));
    }
  }

  /// Parses a timeline turn cell: `N`, `N-M` or `*`. Reports at the offending number.
  bool turn_cell(std::string_view file, int line, const CsvCell& cell, TimelineRow& out) {
    const std::string_view t = cell.text;
    const std::string last =
        turns_known_ ? std::to_string(sc_.turns) : std::string("the last turn");
    const std::string expected =
        "expected N, N-M or * with turns from 1 to " + last + " (scenario.ini turns)";
    if (t.empty()) {
      error(file, line, cell.column, "missing turn; " + expected);
      return false;
    }
    if (t == "*") {
      out.first_turn = 1;
      out.last_turn = sc_.turns;
      return true;
    }
    const std::size_t dash = t.find('-', 1);
    const std::string_view a = dash == std::string_view::npos ? t : t.substr(0, dash);
    const std::string_view b = dash == std::string_view::npos ? t : t.substr(dash + 1);
    const int b_offset = dash == std::string_view::npos ? 0 : static_cast<int>(dash) + 1;
    const auto first = parse_int<int>(a);
    const auto second = parse_int<int>(b);
    if (!first || !second) {
      error(file, line, cell.column + (first ? b_offset : 0),
            "bad turn " + in_quotes(t) + "; " + expected);
      return false;
    }
    const auto check = [&](int v, int offset) {
      if (v < 1 || (turns_known_ && v > sc_.turns)) {
        error(file, line, cell.column + offset,
              "turn " + std::to_string(v) + " is out of range; " + expected);
        return false;
      }
      return true;
    };
    bool ok = check(*first, 0);
    if (dash != std::string_view::npos) ok = check(*second, b_offset) && ok;
    if (ok && *first > *second) {
      error(file, line, cell.column,
            "turn range " + std::string(t) + " runs backwards; expected N-M with N <= M");
      ok = false;
    }
    out.first_turn = *first;
    out.last_turn = *second;
    return ok;
  }

  void load_timeline() {
    constexpr std::string_view file = "timeline.csv";
    enum { TURN, MOVE, PROBABILITY, WHEN, OPTIONS, NOTES };
    const std::vector<ColumnSpec> specs{
        {"turn", true, CellKind::turns},          {"move", true, CellKind::word},
        {"probability", false, CellKind::number}, {"when", false, CellKind::condition},
        {"options", false, CellKind::names},      {"notes", false, CellKind::text},
    };
    Columns cols;
    const auto table = open_table(file, specs, cols);
    if (!table) return;
    std::vector<std::string> option_names{"baseline"};
    for (const auto& o : raw_options_) option_names.push_back(o.name);
    for (const CsvRow& row : table->rows) {
      TimelineRow t;
      bool ok = true;
      if (cols.has(TURN)) ok = turn_cell(file, row.line, cols.get(row, TURN), t) && ok;
      t.move = cols.has(MOVE) ? ref_cell(file, row.line, cols.get(row, MOVE), "move", "a move",
                                         "moves.csv", ids_.moves, moves_ok_)
                              : -1;
      ok = ok && t.move >= 0;
      if (auto n = number_cell(file, row.line, cols.get(row, PROBABILITY), "probability",
                               {0.0, 1.0}, 1.0))
        t.probability = *n;
      if (auto c = condition_cell(file, row.line, cols.get(row, WHEN), "when"))
        t.when = std::move(*c);
      const CsvCell opts = cols.get(row, OPTIONS);
      std::size_t pos = 0;
      while (!opts.text.empty() && pos <= opts.text.size()) {
        const std::size_t bar = opts.text.find('|', pos);
        const std::size_t end = bar == std::string::npos ? opts.text.size() : bar;
        int lead = 0;
        const std::string_view name =
            trim(std::string_view(opts.text).substr(pos, end - pos), lead);
        const int column = opts.column + static_cast<int>(pos) + lead;
        if (!name.empty()) {
          const auto it = std::find(option_names.begin(), option_names.end(), name);
          if (it != option_names.end()) {
            const int index = static_cast<int>(it - option_names.begin());
            if (std::find(t.options.begin(), t.options.end(), index) == t.options.end())
              t.options.push_back(index);
          } else if (name == "all") {
            error(file, row.line, column,
                  "'all' is not an option; expected the cell left empty for all options");
          } else {
            error(file, row.line, column,
                  "unknown option " + in_quotes(name) + did_you_mean(name, option_names) +
                      "; expected 'baseline' or a name from an [option.NAME] section of "
                      "scenario.ini, separated by '|'");
          }
        }
        if (bar == std::string::npos) break;
        pos = bar + 1;
      }
      t.source = source(file, row);
      if (ok) sc_.timeline.push_back(std::move(t));
    }
  }

  void resolve_options() {
    constexpr std::string_view file = "scenario.ini";
    for (const RawOption& raw : raw_options_) {
      Option o;
      o.name = raw.name;
      if (raw.description) o.description = raw.description->value;
      // Checked against the turns only once they are known (a bad `turns` is reported alone).
      if (raw.from && turns_known_) {
        if (const auto v = ini_int<int>(*raw.from, 1, sc_.turns,
                                        "the turn from which the option applies, a whole number "
                                        "from 1 to " +
                                            std::to_string(sc_.turns) +
                                            " (the scenario's turns); leave 'from' out for an "
                                            "option in force from the start"))
          o.from = *v;
      }
      if (raw.set && ids_ok()) {
        ParseError pe;
        if (const auto list = parse_set_list(raw.set->value, ids_, pe)) {
          o.set = list->overrides;
          if (list->bargaining) {
            o.bargaining_set = true;
            o.bargaining = *list->bargaining;
          }
        } else {
          error(file, raw.set->line, raw.set->value_column + pe.offset, "set: " + pe.message);
        }
      }
      if (raw.forbid && moves_ok_) {
        const std::string& text = raw.forbid->value;
        std::size_t pos = 0;
        while (pos <= text.size()) {
          const std::size_t bar = text.find('|', pos);
          const std::size_t end = bar == std::string::npos ? text.size() : bar;
          int lead = 0;
          const std::string_view id = trim(std::string_view(text).substr(pos, end - pos), lead);
          if (!id.empty()) {
            const auto it = std::find(ids_.moves.begin(), ids_.moves.end(), id);
            if (it != ids_.moves.end()) {
              o.forbid.push_back(static_cast<int>(it - ids_.moves.begin()));
            } else {
              std::string msg = "forbid: unknown move " + in_quotes(id) +
                                suggest_then_expected(id, ids_.moves) +
                                " move ids from moves.csv separated by '|'";
              error(file, raw.forbid->line, raw.forbid->value_column + static_cast<int>(pos) + lead,
                    std::move(msg));
            }
          }
          if (bar == std::string::npos) break;
          pos = bar + 1;
        }
      }
      sc_.options.push_back(std::move(o));
    }
  }

  Diagnostics& diag_;
  std::string folder_;
  Scenario sc_;
  IdTables ids_;
  std::string ini_text_;
  std::vector<std::string> missing_;
  std::vector<RawOption> raw_options_;
  std::set<std::pair<std::string, int>> mended_;  ///< (file, line) of rows mend_split_cells joined
  bool turns_known_ = false;
  bool actors_ok_ = true;
  bool issues_ok_ = true;
  bool moves_ok_ = true;
};

}  // namespace

std::optional<SetList> parse_set_list(std::string_view text, const IdTables& ids,
                                      ParseError& error) {
  SetList out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t semi = text.find(';', start);
    const std::size_t end = semi == std::string_view::npos ? text.size() : semi;
    const std::string_view part = text.substr(start, end - start);
    const int base = static_cast<int>(start);
    int lead = 0;
    if (!trim(part, lead).empty()) {
      const std::size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        error = {base + lead, "expected PATH=VALUE, got " + in_quotes(trim(part))};
        return std::nullopt;
      }
      if (eq > 0 && (part[eq - 1] == '+' || part[eq - 1] == '-' || part[eq - 1] == '*')) {
        error = {base + static_cast<int>(eq) - 1,
                 "only '=' is allowed here; expected PATH=VALUE (+=, -= and *= are for move "
                 "effects)"};
        return std::nullopt;
      }
      const std::string_view path = trim(part.substr(0, eq));
      int value_lead = 0;
      const std::string_view value = trim(part.substr(eq + 1), value_lead);
      const int value_offset = base + static_cast<int>(eq) + 1 + value_lead;
      if (path == "model.bargaining") {
        const auto m = parse_bargaining(value);
        if (!m) {
          error = {value_offset, "unknown bargaining model " + in_quotes(value) +
                                     did_you_mean(lower(value), bargaining_names()) +
                                     "; expected one of " + join(bargaining_names(), ", ")};
          return std::nullopt;
        }
        out.bargaining = *m;
      } else {
        ParseError pe;
        const auto slot = parse_path(part.substr(0, eq), ids, pe);
        if (!slot) {
          error = {base + pe.offset, std::move(pe.message)};
          return std::nullopt;
        }
        if (is_read_only(slot->kind)) {
          error = {base + lead,
                   "'" + path_text(*slot, ids) + "' is read-only; expected a path that can be set"};
          return std::nullopt;
        }
        auto n = parse_number(value, pe);
        if (!n) {
          error = {value_offset + pe.offset, std::move(pe.message)};
          return std::nullopt;
        }
        const Range r = range_of(*slot);
        n->lo = r.lo;
        n->hi = r.hi;
        if (std::string why = range_problem(*n); !why.empty()) {
          error = {value_offset, path_text(*slot, ids) + ": " + why};
          return std::nullopt;
        }
        if (slot->kind == SlotKind::model && model_key_is_whole(static_cast<ModelKey>(slot->a)) &&
            (n->is_random() || n->a != std::floor(n->a))) {
          error = {value_offset, path_text(*slot, ids) + ": expected a plain whole number, got " +
                                     in_quotes(value)};
          return std::nullopt;
        }
        out.overrides.push_back({*slot, *n});
      }
    }
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  return out;
}

std::optional<Scenario> load_scenario(const std::string& folder, Diagnostics& diag) {
  try {
    Loader loader(folder, diag);
    return loader.run();
  } catch (const std::exception& e) {
    // Nothing above should throw; if it does the input is still bad input, never a crash.
    diag.error(folder, 0, 0, std::string("cannot load the scenario: ") + e.what());
  } catch (...) {
    diag.error(folder, 0, 0, "cannot load the scenario: unexpected failure");
  }
  return std::nullopt;
}

}  // namespace parley

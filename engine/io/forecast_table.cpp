/// \file
/// Forecast tables: the plain actor table and KTAB's CSV layout.

#include "engine/io/forecast_table.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/io/csv_table.hpp"

namespace parley {
namespace {

/// What `what` was found to be, for messages: "'abc'" or "an empty cell".
std::string shown(const std::string& text) {
  return text.empty() ? "an empty cell" : "'" + text + "'";
}

/// One salience as read, before we know whether the table uses 0-1 or 0-100.
struct RawSalience {
  double value = 0.0;
  std::string text;
  int line = 0;
  int column = 0;
};

/// Reads a number from `cell` or records an error "<what> is X, expected <expected>".
std::optional<double> number_cell(const CsvTable& t, const CsvRow& row, int index,
                                  const std::string& what, const std::string& expected,
                                  Diagnostics& diag) {
  const CsvCell cell = row.cell(index);
  const auto value = parse_finite(cell.text);
  if (!value) {
    diag.error(t.file, row.line, cell.column,
               what + " is " + shown(cell.text) + ", expected " + expected);
  }
  return value;
}

/// Sets each issue's scale to its positions' range (widened when degenerate).
void set_observed_scale(ForecastIssue& issue) {
  const Eigen::MatrixXd& p = issue.input.position;
  double lo = p.size() > 0 ? p.minCoeff() : 0.0;
  double hi = p.size() > 0 ? p.maxCoeff() : 1.0;
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  issue.input.scale_lo = lo;
  issue.input.scale_hi = hi;
}

/// Divides the saliences by 100 when the table uses 0-100, checking the range either way.
bool finish_saliences(ForecastTable& out, const std::vector<std::vector<RawSalience>>& raw,
                      bool percent, Diagnostics& diag) {
  out.salience_percent = percent;
  bool ok = true;
  for (std::size_t k = 0; k < out.issues.size(); ++k) {
    ForecastIssue& issue = out.issues[k];
    const Eigen::Index dims = issue.input.position.cols();
    for (Eigen::Index a = 0; a < issue.input.position.rows(); ++a) {
      for (Eigen::Index j = 0; j < dims; ++j) {
        const RawSalience& r = raw[k][static_cast<std::size_t>(a * dims + j)];
        const double limit = percent ? 100.0 : 1.0;
        if (r.value < 0.0 || r.value > limit) {
          diag.error(
              out.file, r.line, r.column,
              "salience is " + r.text + ", expected " +
                  (percent ? "0-100 (the table uses 0-100 because a salience is above 1)" : "0-1"));
          ok = false;
        }
        issue.input.salience(a, j) = percent ? r.value / 100.0 : r.value;
      }
    }
  }
  return ok;
}

/// Rejects each dim of each issue on which every salience is 0. Nobody cares, so by the models'
/// rule (hold_uncared_dims) bargaining leaves it where it stands, and a forecast table does not
/// say where that is: there is no forecast to give. `line`/`column`: where the issue starts.
void check_someone_cares(const ForecastTable& out, Diagnostics& diag) {
  for (const ForecastIssue& issue : out.issues) {
    if (issue.input.position.rows() == 0) continue;  // reported as an issue without actors
    for (Eigen::Index j = 0; j < issue.input.salience.cols(); ++j) {
      if (!nobody_cares(issue.input, j)) continue;
      const std::string dim = issue.input.salience.cols() > 1
                                  ? ", dim '" + issue.dim_names[static_cast<std::size_t>(j)] + "'"
                                  : "";
      diag.error(out.file, issue.line, issue.column,
                 "every salience of issue '" + issue.name + "'" + dim +
                     " is 0, expected at least one above 0 (when nobody cares nobody bargains: "
                     "the issue stays where it stands, which the table does not say)");
    }
  }
}

/// Reports a second row for the same actor within one issue. `seen`: the issue's actors so far,
/// name -> line (a hash map per issue: tables with 10,000 issues stay linear).
bool check_duplicate(const CsvTable& t, const CsvRow& row, const CsvCell& actor_cell,
                     std::unordered_map<std::string, int>& seen, Diagnostics& diag) {
  const auto [it, inserted] = seen.try_emplace(actor_cell.text, row.line);
  if (inserted) return true;
  diag.error(t.file, row.line, actor_cell.column,
             "actor '" + actor_cell.text + "' appears again (first on line " +
                 std::to_string(it->second) + "), expected each actor once per issue");
  return false;
}

bool looks_like_ktab(const CsvTable& t) {
  if (t.column_index("actor") >= 0 || t.header.size() < 4) return false;
  const auto actors = parse_finite(t.header[2].text);
  const auto dims = parse_finite(t.header[3].text);
  return actors && dims && *actors >= 1 && *dims >= 1 && std::floor(*actors) == *actors &&
         std::floor(*dims) == *dims;
}

std::optional<ForecastTable> parse_ktab(const CsvTable& t, Diagnostics& diag) {
  const int errors_before = diag.error_count();
  ForecastTable out;
  out.file = t.file;
  out.layout = ForecastLayout::ktab;
  const int n_declared = static_cast<int>(*parse_finite(t.header[2].text));
  const int dims = static_cast<int>(*parse_finite(t.header[3].text));
  if (t.rows.empty()) {
    diag.error(t.file, t.header_line, 1,
               "KTAB table without its column header row, expected row 2 'Actor, Description, "
               "Power, Pos1, Sal1, ...'");
    return std::nullopt;
  }
  const CsvRow& head = t.rows.front();
  const int needed = 3 + 2 * dims;
  int named = 0;
  for (const auto& c : head.cells) named += c.text.empty() ? 0 : 1;
  if (named < needed) {
    diag.error(t.file, head.line, 1,
               "KTAB column header row has " + std::to_string(named) + " names, expected " +
                   std::to_string(needed) + " (actor, description, power and a position and " +
                   "salience for each of the " + std::to_string(dims) + " dimensions)");
    return std::nullopt;
  }
  ForecastIssue issue;
  issue.name = "1";
  issue.line = head.line;
  for (int j = 0; j < dims; ++j) issue.dim_names.push_back(head.cell(3 + 2 * j).text);
  const int n = static_cast<int>(t.rows.size()) - 1;
  if (n != n_declared) {
    diag.error(t.file, t.header_line, t.header[2].column,
               "row 1 declares " + std::to_string(n_declared) + " actors but the table has " +
                   std::to_string(n) + " actor rows, expected the two to agree");
  }
  issue.input.position.resize(n, dims);
  issue.input.salience.resize(n, dims);
  issue.input.capability.resize(n);
  std::vector<std::vector<RawSalience>> raw(1);
  std::unordered_map<std::string, int> seen;
  for (int a = 0; a < n; ++a) {
    const CsvRow& row = t.rows[static_cast<std::size_t>(a + 1)];
    const CsvCell name = row.cell(0);
    if (name.text.empty()) {
      diag.error(t.file, row.line, name.column, "actor name is empty, expected a name");
    } else {
      check_duplicate(t, row, name, seen, diag);
    }
    issue.actors.push_back(name.text);
    issue.lines.push_back(row.line);
    const auto power = number_cell(t, row, 2, "power", "a number >= 0", diag);
    if (power && *power < 0.0) {
      diag.error(t.file, row.line, row.cell(2).column,
                 "power is " + row.cell(2).text + ", expected a number >= 0");
    }
    issue.input.capability[a] = power.value_or(0.0);
    for (int j = 0; j < dims; ++j) {
      const auto pos = number_cell(t, row, 3 + 2 * j, "position " + std::to_string(j + 1),
                                   "a number (KTAB uses 0-100)", diag);
      issue.input.position(a, j) = pos.value_or(0.0);
      const auto sal = number_cell(t, row, 4 + 2 * j, "salience " + std::to_string(j + 1),
                                   "a number in 0-100", diag);
      raw[0].push_back(
          {sal.value_or(0.0), row.cell(4 + 2 * j).text, row.line, row.cell(4 + 2 * j).column});
    }
  }
  // KTAB works on 0-100; widen only if some position lies outside.
  issue.input.scale_lo = std::min(0.0, n > 0 ? issue.input.position.minCoeff() : 0.0);
  issue.input.scale_hi = std::max(100.0, n > 0 ? issue.input.position.maxCoeff() : 100.0);
  if (n == 0) {
    diag.error(t.file, head.line, 1, "no actor rows, expected at least one actor");
  }
  out.issues.push_back(std::move(issue));
  finish_saliences(out, raw, true, diag);
  // Only on an otherwise sound table: a row skipped for its errors must not add this one.
  if (diag.error_count() == errors_before) check_someone_cares(out, diag);
  if (diag.error_count() > errors_before) return std::nullopt;
  return out;
}

/// (issue, actor) -> the line of the actor's first row in the issue, for the duplicate check:
/// open addressing on 64-bit keys (12 bytes a slot, at most 3/4 full), so no allocation per
/// row. Needed only once some issue's rows are not contiguous (see PlainParser::first_line).
class FirstLines {
 public:
  /// Records `line` (>= 1) for `key` and returns 0, or returns the line recorded before.
  int insert(std::uint64_t key, int line) {
    if (4 * (size_ + 1) > 3 * lines_.size()) grow();
    const std::size_t mask = lines_.size() - 1;
    for (std::size_t i = slot_of(key);; i = (i + 1) & mask) {
      if (lines_[i] == 0) {
        keys_[i] = key;
        lines_[i] = line;
        ++size_;
        return 0;
      }
      if (keys_[i] == key) return lines_[i];
    }
  }

 private:
  [[nodiscard]] std::size_t slot_of(std::uint64_t key) const noexcept {
    // Fibonacci hashing: the key's bits spread over the top `bits_` bits of the product.
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - bits_));
  }
  void grow() {
    std::vector<std::uint64_t> old_keys = std::move(keys_);
    std::vector<int> old_lines = std::move(lines_);
    bits_ = old_lines.empty() ? 10 : bits_ + 1;
    keys_.assign(std::size_t{1} << bits_, 0);
    lines_.assign(std::size_t{1} << bits_, 0);
    size_ = 0;
    for (std::size_t i = 0; i < old_lines.size(); ++i)
      if (old_lines[i] != 0) insert(old_keys[i], old_lines[i]);
  }
  std::vector<std::uint64_t> keys_;
  std::vector<int> lines_;  // 0: empty slot
  std::size_t size_ = 0;
  int bits_ = 0;
};

/// The plain layout, read one row at a time (load_forecast_table streams the file through it,
/// so no row is kept as text): the header's columns are checked at construction, each row is
/// checked and kept as numbers when whole, and finish() builds the issues. Diagnostics come in
/// the order of a whole-table pass: header, then rows in file order, then saliences by issue.
class PlainParser {
 public:
  PlainParser(const CsvTable& t, Diagnostics& diag)
      : file_(t.file),
        header_line_(t.header_line),
        diag_(diag),
        errors_before_(diag.error_count()) {
    const std::string expected_columns =
        "expected the columns actor, capability (or power, influence, resources), position, "
        "salience and optionally issue";
    actor_col_ = t.column_index("actor");
    position_col_ = t.column_index("position");
    salience_col_ = t.column_index("salience");
    issue_col_ = t.column_index("issue");
    for (const char* name : {"capability", "power", "influence", "resources"}) {
      const int c = t.column_index(name);
      if (c < 0) continue;
      if (capability_col_ >= 0) {
        diag.error(t.file, t.header_line, t.header[static_cast<std::size_t>(c)].column,
                   std::string("a second capability column '") + name + "' (after '" +
                       capability_name_ +
                       "'), expected exactly one of capability, power, "
                       "influence, resources");
        continue;
      }
      capability_col_ = c;
      capability_name_ = name;
    }
    const std::pair<int, const char*> required[] = {{actor_col_, "actor"},
                                                    {capability_col_, "capability"},
                                                    {position_col_, "position"},
                                                    {salience_col_, "salience"}};
    for (const auto& [col, name] : required) {
      if (col < 0) {
        diag.error(t.file, t.header_line, 1,
                   std::string("missing column '") + name + "', " + expected_columns);
      }
    }
    header_ok_ = diag.error_count() == errors_before_;
  }

  /// Checks one data row and keeps it, as numbers, when whole. Rows after a bad header are
  /// ignored.
  void row(const CsvRow& row) {
    if (!header_ok_) return;
    ++rows_seen_;
    const std::uint32_t slot = issue_slot(row);
    bool ok = true;
    const std::int32_t actor = actor_of(row, slot, ok);
    const auto cap = number_cell(row, capability_col_, capability_name_, "a number >= 0");
    if (cap && *cap < 0.0) {
      diag_.error(
          file_, row.line, row.cell(capability_col_).column,
          capability_name_ + " is " + row.cell(capability_col_).text + ", expected a number >= 0");
    }
    const auto pos = number_cell(row, position_col_, "position", "a number");
    const auto sal = number_cell(row, salience_col_, "salience",
                                 "a number in 0-1 (or 0-100 for the whole table)");
    if (sal && *sal > 1.0) percent_ = true;
    if (!ok || !cap || !pos || !sal) {
      // Kept for the duplicate check only, should the issues turn out not to be contiguous.
      if (actor >= 0) unkept_.push_back({slot, actor, row.line});
      return;
    }
    // Out of range on either scale: below 0, or above 100 (a salience above 1 makes the table
    // 0-100, so 1-100 is fine). Reported once the scale of the whole table is known.
    if (*sal < 0.0 || *sal > 100.0) {
      const CsvCell c = row.cell(salience_col_);
      bad_.push_back({slot, {*sal, c.text, row.line, c.column}});
    }
    staged_.push_back({actor, row.line, *cap, *pos, *sal});
  }

  /// The issue of `row` (opened at its first row), which becomes the current one.
  std::uint32_t issue_slot(const CsvRow& row) {
    CsvCell spare{"1", 1};
    const CsvCell& c = issue_col_ >= 0 ? at(row, issue_col_, spare) : spare;
    if (issue_col_ >= 0 && c.text.empty()) {
      diag_.error(file_, row.line, c.column, "issue is empty, expected an issue name");
    }
    // A hash lookup, not a scan of the names seen so far: tables with thousands of issues
    // would otherwise cost O(issues^2) string comparisons. (A row with errors may open an
    // issue; the table is then rejected anyway.)
    if (!issues_.empty() && c.text == issues_[current_].name) return current_;
    const auto [it, added] =
        issue_index_.try_emplace(c.text, static_cast<std::uint32_t>(issues_.size()));
    if (added) {
      ForecastIssue issue;
      issue.name = c.text;
      issue.line = row.line;
      issue.column = c.column;
      issue.dim_names = {"position"};
      issues_.push_back(std::move(issue));
    }
    const std::uint32_t slot = it->second;
    flush();
    current_ = slot;
    // An issue whose rows come back after another issue's: from now on the duplicate check
    // needs the general table.
    if (!added && contiguous_) start_map();
    return slot;
  }

  /// The actor of `row` (numbered at its first row), or -1 for an empty name; `ok` turns false
  /// when the name is empty or the actor already has a row in issue `slot`.
  std::int32_t actor_of(const CsvRow& row, std::uint32_t slot, bool& ok) {
    CsvCell spare;
    const CsvCell& name = at(row, actor_col_, spare);
    if (name.text.empty()) {
      diag_.error(file_, row.line, name.column, "actor name is empty, expected a name");
      ok = false;
      return -1;
    }
    const auto [it, added] =
        actor_ids_.try_emplace(name.text, static_cast<std::int32_t>(actor_names_.size()));
    if (added) {
      actor_names_.push_back(name.text);
      mark_slot_.push_back(0);
      mark_line_.push_back(0);
    }
    const std::int32_t actor = it->second;
    const int first = first_line(slot, actor, row.line);
    if (first != 0) {
      diag_.error(file_, row.line, name.column,
                  "actor '" + name.text + "' appears again (first on line " +
                      std::to_string(first) + "), expected each actor once per issue");
      ok = false;
    }
    return actor;
  }

  /// The issues, in order of first appearance, or nullopt when there was any error.
  std::optional<ForecastTable> finish() {
    if (!header_ok_) return std::nullopt;
    if (rows_seen_ == 0) {
      diag_.error(file_, header_line_, 1, "no actor rows, expected at least one actor");
      return std::nullopt;
    }
    flush();
    ForecastTable out;
    out.file = file_;
    out.salience_percent = percent_;
    out.issues = std::move(issues_);
    for (ForecastIssue& issue : out.issues) {
      if (percent_) issue.input.salience /= 100.0;
      set_observed_scale(issue);
    }
    // Saliences out of range, by issue and then actor, as a pass over the issues finds them.
    std::stable_sort(bad_.begin(), bad_.end(),
                     [](const Bad& a, const Bad& b) { return a.slot < b.slot; });
    for (const Bad& b : bad_) {
      diag_.error(
          file_, b.salience.line, b.salience.column,
          "salience is " + b.salience.text + ", expected " +
              (percent_ ? "0-100 (the table uses 0-100 because a salience is above 1)" : "0-1"));
    }
    // Only on an otherwise sound table: a row skipped for its errors must not add this one.
    if (diag_.error_count() == errors_before_) check_someone_cares(out, diag_);
    if (diag_.error_count() > errors_before_) return std::nullopt;
    return out;
  }

 private:
  /// A whole row of the issue being read, as numbers.
  struct Staged {
    std::int32_t actor;  ///< index into actor_names_
    int line;
    double capability, position, salience;  ///< the salience as written (0-1 or 0-100)
  };
  /// A row that is not kept (a bad cell), for the duplicate check.
  struct Unkept {
    std::uint32_t slot;
    std::int32_t actor;
    int line;
  };
  /// A salience out of range on either scale, for its message.
  struct Bad {
    std::uint32_t slot;
    RawSalience salience;
  };

  /// Appends the staged rows to their issue (new issues get their arrays at once; an issue
  /// whose rows come back after another issue's grows).
  void flush() {
    if (staged_.empty()) return;
    ForecastIssue& issue = issues_[current_];
    const auto had = static_cast<Eigen::Index>(issue.actors.size());
    const auto n = had + static_cast<Eigen::Index>(staged_.size());
    issue.input.position.conservativeResize(n, 1);
    issue.input.salience.conservativeResize(n, 1);
    issue.input.capability.conservativeResize(n);
    issue.actors.reserve(static_cast<std::size_t>(n));
    issue.lines.reserve(static_cast<std::size_t>(n));
    Eigen::Index a = had;
    for (const Staged& r : staged_) {
      issue.actors.push_back(actor_names_[static_cast<std::size_t>(r.actor)]);
      issue.lines.push_back(r.line);
      issue.input.capability[a] = r.capability;
      issue.input.position(a, 0) = r.position;
      issue.input.salience(a, 0) = r.salience;
      ++a;
    }
    staged_.clear();
  }

  /// The line of `actor`'s first row in issue `slot` (0 if none), recording `line` if none.
  /// While every issue's rows are contiguous, the last issue each actor was seen in decides;
  /// once an issue comes back after another, every (issue, actor) pair goes into a table.
  int first_line(std::uint32_t slot, std::int32_t actor, int line) {
    if (!contiguous_)
      return pairs_.insert((std::uint64_t{slot} << 32) | static_cast<std::uint32_t>(actor), line);
    const auto a = static_cast<std::size_t>(actor);
    if (mark_slot_[a] == slot + 1) return mark_line_[a];
    mark_slot_[a] = slot + 1;
    mark_line_[a] = line;
    return 0;
  }

  /// Leaves the contiguous mode: every row seen so far goes into the pair table.
  void start_map() {
    contiguous_ = false;
    flush();
    const auto key = [](std::uint32_t slot, std::int32_t actor) {
      return (std::uint64_t{slot} << 32) | static_cast<std::uint32_t>(actor);
    };
    for (std::size_t k = 0; k < issues_.size(); ++k)
      for (std::size_t a = 0; a < issues_[k].actors.size(); ++a)
        (void)pairs_.insert(key(static_cast<std::uint32_t>(k), actor_ids_.at(issues_[k].actors[a])),
                            issues_[k].lines[a]);
    for (const Unkept& u : unkept_) (void)pairs_.insert(key(u.slot, u.actor), u.line);
  }

  /// The cell at `index`, without a copy; a short row's missing cell is made in `spare`.
  static const CsvCell& at(const CsvRow& row, int index, CsvCell& spare) {
    if (index >= 0 && static_cast<std::size_t>(index) < row.cells.size())
      return row.cells[static_cast<std::size_t>(index)];
    spare = row.cell(index);
    return spare;
  }

  std::optional<double> number_cell(const CsvRow& row, int index, const std::string& what,
                                    const std::string& expected) {
    CsvCell spare;
    const CsvCell& cell = at(row, index, spare);
    const auto value = parse_finite(cell.text);
    if (!value) {
      diag_.error(file_, row.line, cell.column,
                  what + " is " + shown(cell.text) + ", expected " + expected);
    }
    return value;
  }

  std::string file_;
  int header_line_ = 0;
  Diagnostics& diag_;
  int errors_before_ = 0;
  bool header_ok_ = false;
  int actor_col_ = -1, position_col_ = -1, salience_col_ = -1, issue_col_ = -1;
  int capability_col_ = -1;
  std::string capability_name_;
  std::size_t rows_seen_ = 0;
  bool percent_ = false;
  std::vector<ForecastIssue> issues_;                           // in order of first appearance
  std::unordered_map<std::string, std::uint32_t> issue_index_;  // name -> index in issues_
  std::uint32_t current_ = 0;                                   // the issue being read
  std::vector<Staged> staged_;                                  // its rows not yet flushed
  std::unordered_map<std::string, std::int32_t> actor_ids_;     // actor name -> index
  std::vector<std::string> actor_names_;
  // Duplicate check: per actor, 1 + the last issue it was seen in, and the line there.
  std::vector<std::uint32_t> mark_slot_;
  std::vector<int> mark_line_;
  bool contiguous_ = true;  // no issue has come back after another one so far
  FirstLines pairs_;        // the general case, after the first such issue
  std::vector<Unkept> unkept_;
  std::vector<Bad> bad_;
};

std::optional<ForecastTable> parse_plain(const CsvTable& t, Diagnostics& diag) {
  PlainParser parser(t, diag);
  for (const CsvRow& row : t.rows) parser.row(row);
  return parser.finish();
}

/// Joins back the cells of rows a stray comma split (e.g. an actor named "Smith, John" without
/// quotes), reporting each, before the rows are read: the columns after the comma would otherwise
/// report nonsense. KTAB's column header row (the first row) names the columns.
// The plain layout's columns as mend_split_cells() sees them: the numbers and the texts.
std::vector<CsvColumn> plain_forecast_columns(const CsvTable& t) {
  std::vector<CsvColumn> columns;
  for (const CsvCell& h : t.header) {
    const int c = t.column_index(h.text);
    const bool number = c == t.column_index("position") || c == t.column_index("salience") ||
                        c == t.column_index("capability") || c == t.column_index("power") ||
                        c == t.column_index("influence") || c == t.column_index("resources");
    columns.push_back({h.text, number ? CellKind::number : CellKind::text});
  }
  return columns;
}

void mend_forecast_table(CsvTable& t, Diagnostics& diag) {
  std::vector<CsvColumn> columns;
  if (looks_like_ktab(t)) {
    if (t.rows.empty()) return;
    const std::vector<CsvCell>& head = t.rows.front().cells;
    std::size_t named = head.size();
    while (named > 0 && head[named - 1].text.empty()) --named;
    for (std::size_t c = 0; c < named; ++c)
      columns.push_back({head[c].text, c < 2 ? CellKind::text : CellKind::number});
    (void)mend_split_cells(t, columns, diag, 1);
    return;
  }
  (void)mend_split_cells(t, plain_forecast_columns(t), diag);
}

}  // namespace

std::optional<ForecastTable> parse_forecast_table(const CsvTable& table, Diagnostics& diag) {
  return looks_like_ktab(table) ? parse_ktab(table, diag) : parse_plain(table, diag);
}

std::optional<ForecastTable> load_forecast_table(const std::string& path,
                                                 const std::string& display_name,
                                                 Diagnostics& diag) {
  // The rows stream from the file into the plain layout's parser, so no row is kept as text
  // (a 10,000-issue table no longer holds every cell as a string). KTAB tables are small and
  // need their rows together: they are collected and parsed whole. The parser's problems are
  // kept apart and listed after the reader's (a malformed line), as a read-then-parse would.
  const int errors_before = diag.error_count();
  Diagnostics parsed;
  std::optional<CsvTable> ktab;
  std::optional<PlainParser> plain;
  // The plain layout's header and column kinds, to mend a row split by a stray comma.
  std::optional<CsvTable> plain_header;
  std::vector<CsvColumn> plain_columns;
  const bool read = read_csv_rows(
      path, display_name, diag,
      [&](const CsvTable& header) {
        if (looks_like_ktab(header)) {
          ktab = header;
        } else {
          plain_header = header;
          plain_columns = plain_forecast_columns(header);
          plain.emplace(header, parsed);
        }
      },
      [&](const CsvRow& row) {
        if (ktab) {
          ktab->rows.push_back(row);
        } else if (row.cells.size() > plain_columns.size()) {
          // Only a row with surplus fields can hold a stray comma: mend it on its own.
          CsvTable one = *plain_header;
          one.rows.push_back(row);
          (void)mend_split_cells(one, plain_columns, parsed);
          plain->row(one.rows.front());
        } else {
          plain->row(row);
        }
      });
  if (!read) return std::nullopt;
  if (ktab) mend_forecast_table(*ktab, parsed);
  auto result = ktab ? parse_ktab(*ktab, parsed) : plain->finish();
  diag.append(parsed);
  // A malformed line (e.g. an unterminated quote) was reported by the reader and skipped: the
  // table is incomplete, so it must not be used.
  if (diag.error_count() > errors_before) return std::nullopt;
  return result;
}

}  // namespace parley

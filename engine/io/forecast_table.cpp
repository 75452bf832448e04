/// \file
/// Forecast tables: the plain actor table and KTAB's CSV layout.

#include "engine/io/forecast_table.hpp"

#include <algorithm>
#include <cstddef>
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
  if (diag.error_count() > errors_before) return std::nullopt;
  return out;
}

std::optional<ForecastTable> parse_plain(const CsvTable& t, Diagnostics& diag) {
  const int errors_before = diag.error_count();
  ForecastTable out;
  out.file = t.file;
  const std::string expected_columns =
      "expected the columns actor, capability (or power, influence, resources), position, "
      "salience and optionally issue";

  const int actor_col = t.column_index("actor");
  const int position_col = t.column_index("position");
  const int salience_col = t.column_index("salience");
  const int issue_col = t.column_index("issue");
  int capability_col = -1;
  std::string capability_name;
  for (const char* name : {"capability", "power", "influence", "resources"}) {
    const int c = t.column_index(name);
    if (c < 0) continue;
    if (capability_col >= 0) {
      diag.error(t.file, t.header_line, t.header[static_cast<std::size_t>(c)].column,
                 std::string("a second capability column '") + name + "' (after '" +
                     capability_name +
                     "'), expected exactly one of capability, power, "
                     "influence, resources");
      continue;
    }
    capability_col = c;
    capability_name = name;
  }
  const std::pair<int, const char*> required[] = {{actor_col, "actor"},
                                                  {capability_col, "capability"},
                                                  {position_col, "position"},
                                                  {salience_col, "salience"}};
  for (const auto& [col, name] : required) {
    if (col < 0) {
      diag.error(t.file, t.header_line, 1,
                 std::string("missing column '") + name + "', " + expected_columns);
    }
  }
  if (diag.error_count() > errors_before) return std::nullopt;
  if (t.rows.empty()) {
    diag.error(t.file, t.header_line, 1, "no actor rows, expected at least one actor");
    return std::nullopt;
  }

  // Group rows by issue, keeping the order of first appearance.
  struct Row {
    std::string actor;
    double capability, position;
    RawSalience salience;
    int line;
  };
  std::vector<std::string> issue_names;
  std::vector<std::vector<Row>> issue_rows;
  std::unordered_map<std::string, std::size_t> issue_index;        // name -> index in issue_names
  std::vector<std::unordered_map<std::string, int>> issue_actors;  // per issue: actor -> line
  std::vector<std::pair<int, int>> issue_where;  // per issue: line and column of its first cell
  bool percent = false;
  for (const CsvRow& row : t.rows) {
    std::string issue = "1";
    int issue_column = 1;
    if (issue_col >= 0) {
      const CsvCell c = row.cell(issue_col);
      if (c.text.empty()) {
        diag.error(t.file, row.line, c.column, "issue is empty, expected an issue name");
      }
      issue = c.text;
      issue_column = c.column;
    }
    // A hash lookup, not a scan of the names seen so far: tables with thousands of issues would
    // otherwise cost O(issues^2) string comparisons. (A row with errors may open an issue; the
    // table is then rejected anyway.)
    const auto [slot, added] = issue_index.try_emplace(issue, issue_names.size());
    if (added) {
      issue_names.push_back(issue);
      issue_rows.emplace_back();
      issue_actors.emplace_back();
      issue_where.emplace_back(row.line, issue_column);
    }
    const CsvCell name = row.cell(actor_col);
    bool ok = true;
    if (name.text.empty()) {
      diag.error(t.file, row.line, name.column, "actor name is empty, expected a name");
      ok = false;
    } else {
      ok = check_duplicate(t, row, name, issue_actors[slot->second], diag);
    }
    const auto cap = number_cell(t, row, capability_col, capability_name, "a number >= 0", diag);
    if (cap && *cap < 0.0) {
      diag.error(
          t.file, row.line, row.cell(capability_col).column,
          capability_name + " is " + row.cell(capability_col).text + ", expected a number >= 0");
    }
    const auto pos = number_cell(t, row, position_col, "position", "a number", diag);
    const auto sal = number_cell(t, row, salience_col, "salience",
                                 "a number in 0-1 (or 0-100 for the whole table)", diag);
    if (sal && *sal > 1.0) percent = true;
    if (!ok || !cap || !pos || !sal) continue;
    issue_rows[slot->second].push_back(
        {name.text,
         *cap,
         *pos,
         {*sal, row.cell(salience_col).text, row.line, row.cell(salience_col).column},
         row.line});
  }

  std::vector<std::vector<RawSalience>> raw;
  for (std::size_t k = 0; k < issue_names.size(); ++k) {
    ForecastIssue issue;
    issue.name = issue_names[k];
    issue.line = issue_where[k].first;
    issue.column = issue_where[k].second;
    issue.dim_names = {"position"};
    const auto& rows = issue_rows[k];
    const auto n = static_cast<Eigen::Index>(rows.size());
    issue.input.position.resize(n, 1);
    issue.input.salience.resize(n, 1);
    issue.input.capability.resize(n);
    raw.emplace_back();
    for (Eigen::Index a = 0; a < n; ++a) {
      const Row& r = rows[static_cast<std::size_t>(a)];
      issue.actors.push_back(r.actor);
      issue.lines.push_back(r.line);
      issue.input.capability[a] = r.capability;
      issue.input.position(a, 0) = r.position;
      raw.back().push_back(r.salience);
    }
    set_observed_scale(issue);
    out.issues.push_back(std::move(issue));
  }
  finish_saliences(out, raw, percent, diag);
  if (diag.error_count() > errors_before) return std::nullopt;
  return out;
}

/// Joins back the cells of rows a stray comma split (e.g. an actor named "Smith, John" without
/// quotes), reporting each, before the rows are read: the columns after the comma would otherwise
/// report nonsense. KTAB's column header row (the first row) names the columns.
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
  for (const CsvCell& h : t.header) {
    const int c = t.column_index(h.text);
    const bool number = c == t.column_index("position") || c == t.column_index("salience") ||
                        c == t.column_index("capability") || c == t.column_index("power") ||
                        c == t.column_index("influence") || c == t.column_index("resources");
    columns.push_back({h.text, number ? CellKind::number : CellKind::text});
  }
  (void)mend_split_cells(t, columns, diag);
}

}  // namespace

std::optional<ForecastTable> parse_forecast_table(const CsvTable& table, Diagnostics& diag) {
  return looks_like_ktab(table) ? parse_ktab(table, diag) : parse_plain(table, diag);
}

std::optional<ForecastTable> load_forecast_table(const std::string& path,
                                                 const std::string& display_name,
                                                 Diagnostics& diag) {
  const int errors_before = diag.error_count();
  std::optional<CsvTable> table = read_csv(path, display_name, diag);
  if (!table) return std::nullopt;
  if (table->header.empty()) {
    diag.error(display_name, 0, 0,
               "no header row, expected a CSV table with columns actor, capability, position, "
               "salience");
    return std::nullopt;
  }
  mend_forecast_table(*table, diag);
  auto result = parse_forecast_table(*table, diag);
  // A malformed line (e.g. an unterminated quote) was reported by read_csv and skipped: the table
  // is incomplete, so it must not be used.
  if (diag.error_count() > errors_before) return std::nullopt;
  return result;
}

}  // namespace parley

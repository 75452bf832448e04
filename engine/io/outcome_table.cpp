/// \file
/// Outcome tables: what was decided on each issue.

#include "engine/io/outcome_table.hpp"

#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/io/csv_table.hpp"

namespace parley {

std::optional<OutcomeTable> parse_outcome_table(const CsvTable& t, Diagnostics& diag) {
  const int errors_before = diag.error_count();
  const int issue_col = t.column_index("issue");
  const int outcome_col = t.column_index("outcome");
  for (const auto& [col, name] :
       {std::pair{issue_col, "issue"}, std::pair{outcome_col, "outcome"}}) {
    if (col < 0) {
      diag.error(t.file, t.header_line, 1,
                 std::string("missing column '") + name +
                     "', expected the columns issue and outcome (what was decided)");
    }
  }
  if (diag.error_count() > errors_before) return std::nullopt;
  if (t.rows.empty()) {
    diag.error(t.file, t.header_line, 1, "no outcome rows, expected one row per issue");
  }
  OutcomeTable out;
  out.file = t.file;
  std::unordered_map<std::string, int> seen;  // issue -> line
  for (const CsvRow& row : t.rows) {
    const CsvCell issue = row.cell(issue_col);
    const CsvCell value = row.cell(outcome_col);
    bool keep = true;
    if (issue.text.empty()) {
      diag.error(t.file, row.line, issue.column, "issue is empty, expected an issue name");
      keep = false;
    } else if (const auto [it, added] = seen.try_emplace(issue.text, row.line); !added) {
      diag.error(t.file, row.line, issue.column,
                 "issue '" + issue.text + "' appears again (first on line " +
                     std::to_string(it->second) + "), expected one outcome per issue");
      keep = false;
    }
    const auto number = parse_finite(value.text);
    if (!number) {
      diag.error(t.file, row.line, value.column,
                 "outcome is " +
                     (value.text.empty() ? std::string("an empty cell") : "'" + value.text + "'") +
                     ", expected a number on the issue's position scale");
    }
    if (keep)
      out.rows.push_back(
          {issue.text, number.value_or(0.0), number.has_value(), row.line, issue.column});
  }
  return out;
}

std::optional<OutcomeTable> load_outcome_table(const std::string& path,
                                               const std::string& display_name, Diagnostics& diag) {
  std::optional<CsvTable> table = read_csv(path, display_name, diag);
  if (!table) return std::nullopt;
  if (table->header.empty()) {
    diag.error(display_name, 0, 0,
               "no header row, expected a CSV table with columns issue, outcome");
    return std::nullopt;
  }
  // An issue named with an unquoted comma would shift the outcome into the wrong column: join
  // the cells back (and say so) so the outcome is still read and matched to its issue.
  std::vector<CsvColumn> columns;
  const int outcome_col = table->column_index("outcome");
  for (std::size_t c = 0; c < table->header.size(); ++c)
    columns.push_back({table->header[c].text,
                       static_cast<int>(c) == outcome_col ? CellKind::number : CellKind::text});
  (void)mend_split_cells(*table, columns, diag);
  // A line read_csv could not split was reported and skipped; the rows read are still returned
  // so that the issues they name can be checked, and the caller sees the error in `diag`.
  return parse_outcome_table(*table, diag);
}

std::optional<std::vector<double>> match_outcomes(const ForecastTable& table,
                                                  const OutcomeTable& outcomes, Diagnostics& diag) {
  const int errors_before = diag.error_count();
  std::unordered_map<std::string, std::size_t> by_issue;
  for (std::size_t r = 0; r < outcomes.rows.size(); ++r)
    by_issue.emplace(outcomes.rows[r].issue, r);
  std::unordered_map<std::string, bool> in_table;
  std::vector<std::string> names;
  std::vector<double> out;
  out.reserve(table.issues.size());
  for (const ForecastIssue& issue : table.issues) {
    in_table.emplace(issue.name, true);
    names.push_back(issue.name);
    if (issue.input.position.cols() != 1) {
      diag.error(table.file, issue.line, issue.column,
                 "issue '" + issue.name + "' has " + std::to_string(issue.input.position.cols()) +
                     " dimensions, expected one dimension per issue to compare with an outcome");
    }
    const auto it = by_issue.find(issue.name);
    if (it == by_issue.end()) {
      diag.error(table.file, issue.line, issue.column,
                 "issue '" + issue.name + "' has no outcome in " + outcomes.file +
                     ", expected a row '" + issue.name + ",<outcome>' there");
      continue;
    }
    out.push_back(outcomes.rows[it->second].outcome);
  }
  for (const OutcomeRow& row : outcomes.rows) {
    if (in_table.count(row.issue) != 0U) continue;
    diag.error(outcomes.file, row.line, row.column,
               "issue '" + row.issue + "' is not in " + table.file +
                   did_you_mean(row.issue, names) + ", expected only issues of the table");
  }
  if (diag.error_count() > errors_before) return std::nullopt;
  return out;
}

}  // namespace parley

#pragma once
/// \file
/// Loading what was decided on each issue (`parley forecast TABLE --outcomes FILE`): a CSV with
/// the columns `issue` and `outcome`, and matching it to the issues of a forecast table.
/// See docs/VALIDATION.md, "Evaluating forecasts".

#include <optional>
#include <string>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/io/csv_table.hpp"
#include "engine/io/forecast_table.hpp"

namespace parley {

/// One outcome as read.
struct OutcomeRow {
  std::string issue;     ///< the issue's name, as in the forecast table
  double outcome = 0.0;  ///< what was decided, on the issue's position scale (finite)
  bool valid = true;     ///< false when the outcome cell is not a number (reported)
  int line = 0;          ///< source line
  int column = 1;        ///< column of the issue cell
};

/// An outcome table.
struct OutcomeTable {
  std::string file;              ///< display name used in messages
  std::vector<OutcomeRow> rows;  ///< in file order, one per issue
};

/// Interprets a read CSV: header names `issue` and `outcome` (case-insensitive, other columns
/// ignored), one row per issue, outcomes finite numbers. Every problem (missing column, empty or
/// repeated issue, an outcome that is not a number) is recorded in `diag` as
/// file:line:column: what is wrong, what was expected. Returns nullopt only when a column is
/// missing; otherwise the rows read (a repeated issue's later rows and rows with an empty issue
/// left out, a row whose outcome is not a number kept with valid = false), so that
/// match_outcomes can still report the issues that are missing or unknown. The caller checks
/// diag.has_errors() before using any outcome.
[[nodiscard]] std::optional<OutcomeTable> parse_outcome_table(const CsvTable& table,
                                                              Diagnostics& diag);

/// Reads `path` (reported as `display_name`) and interprets it with parse_outcome_table; nullopt
/// when the file cannot be read or has no header or a column is missing.
[[nodiscard]] std::optional<OutcomeTable> load_outcome_table(const std::string& path,
                                                             const std::string& display_name,
                                                             Diagnostics& diag);

/// The outcome of each issue of `table`, in the table's order. Every problem is recorded: an
/// issue of the table without an outcome (reported at the issue's first row in the table), an
/// outcome for an issue the table does not have (reported at the outcome's row, with the nearest
/// issue name when one is close), an issue with more than one dimension (outcomes are one number
/// per issue). A row with valid = false counts as present (its own problem was reported when it
/// was read). Returns nullopt when any error was found here.
[[nodiscard]] std::optional<std::vector<double>> match_outcomes(const ForecastTable& table,
                                                                const OutcomeTable& outcomes,
                                                                Diagnostics& diag);

}  // namespace parley

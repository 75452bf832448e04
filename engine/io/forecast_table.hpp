#pragma once
/// \file
/// Loading the actor tables of `parley forecast`: the plain layout
/// (`actor,capability,position,salience[,issue]`) and KTAB's layout (row 1 `name, description,
/// actors, dimensions`, row 2 headers, then `actor, description, power, pos1, sal1, ...`).
/// See docs/BARGAINING.md, section "Forecast tables".

#include <optional>
#include <string>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/io/csv_table.hpp"
#include "engine/model/bargaining.hpp"

namespace parley {

/// Which layout a table was read as.
enum class ForecastLayout : unsigned char { plain, ktab };

/// One issue of a forecast table: its actors and their stances on one or more dims.
struct ForecastIssue {
  std::string name;                    ///< the `issue` cell, or "1" when there is no issue column
  std::vector<std::string> dim_names;  ///< one per dim ("position", or KTAB's position headers)
  std::vector<std::string> actors;     ///< actor names, in table order
  std::vector<int> lines;              ///< source line of each actor's row
  int line = 0;    ///< source line where the issue first appears (its first row)
  int column = 1;  ///< column of the issue cell on that line (1 when there is no issue column)
  /// Positions as written, saliences on 0-1 (divided by 100 when the table uses 0-100),
  /// capabilities >= 0, power empty. scale_lo/scale_hi: 0-100 for KTAB tables, else the range of
  /// the issue's positions (widened by 1 when all positions are equal).
  BargainingInput input;
};

/// A whole forecast table.
struct ForecastTable {
  std::string file;  ///< display name used in messages
  ForecastLayout layout = ForecastLayout::plain;
  bool salience_percent = false;      ///< true when saliences were read as 0-100
  std::vector<ForecastIssue> issues;  ///< in order of first appearance
};

/// Interprets an already read CSV table. Plain layout: header names matched case-insensitively;
/// `capability` may be called `power`, `influence` or `resources`; optional `issue` column
/// (each issue forecast on its own); saliences 0-1, or 0-100 when any value in the table is
/// above 1. KTAB layout (detected from row 1: no `actor` column, cells 3 and 4 whole numbers):
/// saliences 0-100, all dimensions. An issue (or KTAB dimension) whose saliences are all 0 is
/// an error: nobody cares, so bargaining would leave it where it stands, which the table does
/// not say (see hold_uncared_dims). Every problem is recorded in `diag` as
/// file:line:column: what is wrong, what was expected; returns nullopt when there was any error.
[[nodiscard]] std::optional<ForecastTable> parse_forecast_table(const CsvTable& table,
                                                                Diagnostics& diag);

/// Reads `path` (reported as `display_name`) and interprets it with parse_forecast_table.
[[nodiscard]] std::optional<ForecastTable> load_forecast_table(const std::string& path,
                                                               const std::string& display_name,
                                                               Diagnostics& diag);

}  // namespace parley

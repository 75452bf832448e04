#pragma once
/// \file
/// Reading CSV tables with exact source positions, so every problem can be reported as
/// file:line:column. Lines come from fast-cpp-csv-parser's LineReader; cells are split here
/// (RFC 4180 quoting) because the positions of cells are needed for messages.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/diagnostics.hpp"

namespace parley {

/// One cell: trimmed text and the 1-based column of its first character in the line.
struct CsvCell {
  std::string text;
  int column = 1;
};

/// One data row with its 1-based line number.
struct CsvRow {
  int line = 0;
  std::vector<CsvCell> cells;
  /// The cell at `index`, or an empty cell positioned after the last one when the row is short.
  [[nodiscard]] CsvCell cell(int index) const;
};

/// A table: the first non-comment, non-blank line is the header; the rest are rows.
/// Lines whose first non-blank character is '#' are comments. Trailing empty cells (as left
/// by spreadsheets) are dropped from the header.
struct CsvTable {
  std::string file;  ///< name used in messages
  int header_line = 0;
  std::vector<CsvCell> header;
  std::vector<CsvRow> rows;
  /// Index of the header column named `name` (case-insensitive, trimmed), or -1.
  [[nodiscard]] int column_index(std::string_view name) const;
};

/// Reads `path`. On a missing/unreadable file or a malformed line (unterminated quote) records an
/// error under `display_name` and returns nullopt or skips the line, respectively.
[[nodiscard]] std::optional<CsvTable> read_csv(const std::string& path,
                                               const std::string& display_name, Diagnostics& diag);

/// Reads `path` exactly as read_csv does (same files refused, same lines skipped, same errors),
/// but hands each data row to `on_row` as soon as it is read instead of keeping the table, so
/// memory stays that of one line however long the file. `on_header` is called once, before any
/// row, with `file`, `header_line` and `header` set and no rows. `row` is reused between calls:
/// copy what must outlive the call. Returns false (with the error recorded) when read_csv would
/// return nullopt; rows already passed on are then to be discarded.
[[nodiscard]] bool read_csv_rows(const std::string& path, const std::string& display_name,
                                 Diagnostics& diag,
                                 const std::function<void(const CsvTable& header)>& on_header,
                                 const std::function<void(const CsvRow& row)>& on_row);

/// Splits one line into cells with their columns. Returns false on an unterminated quote and
/// sets `bad_column` (1-based). Besides RFC 4180 quotes, a comma inside balanced parentheses of an
/// unquoted cell does not split it, so `U(1,2)` may be written without quotes.
[[nodiscard]] bool split_csv_line(std::string_view line, std::vector<CsvCell>& cells,
                                  int& bad_column);

/// The finite number a cell holds, written in full (an optional leading '+' allowed, no
/// spaces), or nullopt: what every result and forecast table reads its numbers with.
[[nodiscard]] std::optional<double> parse_finite(std::string_view text) noexcept;

}  // namespace parley

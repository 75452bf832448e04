#pragma once
/// \file
/// Reading CSV tables with exact source positions, so every problem can be reported as
/// file:line:column. Lines come from fast-cpp-csv-parser's LineReader; cells are split here
/// (RFC 4180 quoting) because the positions of cells are needed for messages.

#include <cstdint>
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
  int comma = 0;  ///< 1-based column of the comma that ends the cell; 0 for the line's last cell
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
  std::size_t header_width = 0;  ///< cells of the header line, trailing empty ones included
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
/// What a column holds: lets mend_split_cells() guess which cell a stray comma split.
enum class CellKind : std::uint8_t {
  text,       ///< free text (names, headlines, notes): anything, a comma only inside quotes
  word,       ///< one id or keyword (an actor id, "state", "yes")
  number,     ///< a number, or a distribution such as U(1,2)
  turns,      ///< a whole number, a range such as 2-4, or '*'
  condition,  ///< a condition with a comparison (issue.aid > 30 and turn >= 2)
  effects,    ///< effects 'PATH op VALUE' separated by ';'
  names,      ///< names separated by '|'
};

/// One column as mend_split_cells() sees it: its name (for messages) and what it holds.
struct CsvColumn {
  std::string name;
  CellKind kind = CellKind::text;
};

/// Finds the rows (from `first_row` on; the header is the row before it, or the table's header
/// when 0) with more fields than `columns` (empty cells at the end of a row do not count): the
/// mark of a comma that should have been quoted. Each such row gives one error at its first extra
/// comma, naming the column the comma most likely split (the one whose cells, joined, make every
/// cell of the row fit its column's kind best) and how to write it; the split cells are joined
/// back so that later checks see the row as meant instead of reporting its shifted cells. When
/// every row (two or more) has the same surplus, the header probably lacks a name: one error at
/// the header line says so and the rows are left as they are. Returns the lines mended.
[[nodiscard]] std::vector<int> mend_split_cells(CsvTable& table,
                                                const std::vector<CsvColumn>& columns,
                                                Diagnostics& diag, std::size_t first_row = 0);

/// Splits one line into cells with their columns. Returns false on an unterminated quote and
/// sets `bad_column` (1-based). Besides RFC 4180 quotes, a comma inside balanced parentheses of an
/// unquoted cell does not split it, so `U(1,2)` may be written without quotes.
[[nodiscard]] bool split_csv_line(std::string_view line, std::vector<CsvCell>& cells,
                                  int& bad_column);

/// The finite number a cell holds, written in full (an optional leading '+' allowed, no
/// spaces), or nullopt: what every result and forecast table reads its numbers with.
[[nodiscard]] std::optional<double> parse_finite(std::string_view text) noexcept;

}  // namespace parley

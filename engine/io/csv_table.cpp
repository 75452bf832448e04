#include "engine/io/csv_table.hpp"

#include <libfccp/csv.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <filesystem>
#include <system_error>

namespace parley {

namespace {

/// Files larger than this are refused: a scenario table is a few hundred rows, and a stray
/// multi-gigabyte file should give a message, not exhaust memory.
constexpr std::uintmax_t kMaxCsvBytes = std::uintmax_t{64} << 20;

[[nodiscard]] bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r';
}

[[nodiscard]] std::string lower_trimmed(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size() && is_blank(s[b])) ++b;
  std::size_t e = s.size();
  while (e > b && is_blank(s[e - 1])) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[nodiscard]] std::string_view trimmed(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

[[nodiscard]] bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

[[nodiscard]] bool is_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

[[nodiscard]] bool is_word(std::string_view s) noexcept {
  s = trimmed(s);
  if (s.empty() || is_digit(s.front()) || s.front() == '.' || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
  });
}

// A number or a distribution such as U(1,2), as typed; the loader checks the details.
// How many '(' are left open at the end of `s`.
[[nodiscard]] int unclosed(std::string_view s) noexcept {
  int depth = 0;
  for (const char c : s) {
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
  }
  return depth;
}

// A number or a distribution such as U(1,2), as typed; the loader checks the details.
[[nodiscard]] bool looks_number(std::string_view s) noexcept {
  s = trimmed(s);
  if (parse_finite(s)) return true;
  return s.size() >= 4 && std::isalpha(static_cast<unsigned char>(s.front())) != 0 && s[1] == '(' &&
         s.back() == ')';
}

[[nodiscard]] bool looks_turns(std::string_view s) noexcept {
  s = trimmed(s);
  if (s == "*") return true;
  const std::size_t dash = s.find('-');
  if (dash == std::string_view::npos) return is_digits(s);
  return is_digits(trimmed(s.substr(0, dash))) && is_digits(trimmed(s.substr(dash + 1)));
}

[[nodiscard]] bool has_comparison(std::string_view s) noexcept {
  return s.find_first_of("<>") != std::string_view::npos ||
         s.find("==") != std::string_view::npos || s.find("!=") != std::string_view::npos;
}

// Every piece holds an assignment: '=' that is not part of == != <= >=. Pieces are separated by
// ';', or (in cells a comma split) by a ',' outside parentheses, so U(5,15) stays whole.
[[nodiscard]] bool looks_effects(std::string_view s) noexcept {
  const auto assignment = [](std::string_view piece) {
    for (std::size_t i = 1; i < piece.size(); ++i) {
      if (piece[i] != '=') continue;
      const char before = piece[i - 1];
      const char after = i + 1 < piece.size() ? piece[i + 1] : ' ';
      if (before != '=' && before != '!' && before != '<' && before != '>' && after != '=')
        return true;
    }
    return false;
  };
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    const char c = i < s.size() ? s[i] : ';';
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c != ';' && (c != ',' || depth > 0)) continue;
    const std::string_view piece = trimmed(s.substr(start, i - start));
    if (!piece.empty() && !assignment(piece)) return false;
    start = i + 1;
  }
  return true;
}

// Names separated by '|' (or, in cells a comma split, by ',').
[[nodiscard]] bool looks_names(std::string_view s) noexcept {
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t bar = s.find_first_of("|,", start);
    if (!is_word(s.substr(start, bar == std::string_view::npos ? s.npos : bar - start)))
      return false;
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return true;
}

// "0,5": a number written with a decimal comma.
[[nodiscard]] bool decimal_comma(std::string_view s) noexcept {
  s = trimmed(s);
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  const std::size_t comma = s.find(',');
  return comma != std::string_view::npos && is_digits(s.substr(0, comma)) &&
         is_digits(s.substr(comma + 1));
}

// How well one cell's text fits a column: 2 when it has the column's form, 1 for free text (any
// text fits, so it tells nothing) and for an empty cell, 0 when it cannot belong there.
[[nodiscard]] int fit(CellKind kind, std::string_view text) noexcept {
  if (trimmed(text).empty()) return 1;
  // Free text fits anything, except what is plainly an effect ("issue.aid -= 10") or a piece of
  // a distribution ("U(10" of "U(10,30" without its ')'): a comma cut those out of their cells.
  if (kind == CellKind::text)
    return (looks_effects(text) && text.find(' ') != text.npos) || unclosed(text) > 0 ? 0 : 1;
  bool ok = false;
  switch (kind) {
    case CellKind::text:
      break;
    case CellKind::word:
      ok = is_word(text);
      break;
    case CellKind::number:
      ok = looks_number(text) || decimal_comma(text);
      break;
    case CellKind::turns:
      ok = looks_turns(text);
      break;
    case CellKind::condition:
      ok = has_comparison(text);
      break;
    case CellKind::effects:
      ok = looks_effects(text);
      break;
    case CellKind::names:
      ok = looks_names(text);
      break;
  }
  return ok ? 2 : 0;
}

// Which column to blame when several fit equally well: a list whose separator is easily typed
// as a comma (effects, names) first, then free text, then the rest.
[[nodiscard]] int blame_order(CellKind kind) noexcept {
  if (kind == CellKind::effects || kind == CellKind::names) return 0;
  return kind == CellKind::text ? 1 : 2;
}

// Cells [first, first + extra] as one text, `sep` between them; with `keep_spacing`, followed
// by the spaces the author typed after each comma, so the text reads as written.
[[nodiscard]] std::string join_cells(const std::vector<CsvCell>& cells, std::size_t first,
                                     std::size_t extra, std::string_view sep, bool keep_spacing) {
  std::string out = cells[first].text;
  for (std::size_t k = first + 1; k <= first + extra; ++k) {
    out += sep;
    const int gap = cells[k].column - cells[k - 1].comma - 1;
    if (keep_spacing && gap > 0) out.append(static_cast<std::size_t>(gap), ' ');
    out += cells[k].text;
  }
  return out;
}

// `text` as one CSV cell in double quotes (inner quotes doubled).
[[nodiscard]] std::string in_double_quotes(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// What to write instead of cells [first, first + extra], for a column of `kind`.
[[nodiscard]] std::string advice(CellKind kind, const std::vector<CsvCell>& cells,
                                 std::size_t first, std::size_t extra) {
  const auto join = [&](std::string_view sep, bool keep_spacing) {
    return join_cells(cells, first, extra, sep, keep_spacing);
  };
  const std::string as_typed = join(",", true);
  if (const int open = unclosed(as_typed); open > 0)
    return "missing ')': a comma ends the cell unless it is inside parentheses or quotes; "
           "expected " +
           as_typed + std::string(static_cast<std::size_t>(open), ')');
  switch (kind) {
    case CellKind::effects:
      return "expected effects separated by ';', not ',' (" + join("; ", false) + ")";
    case CellKind::names:
      return "expected the names separated by '|', not ',' (" + join("|", false) + ")";
    case CellKind::number:
      if (decimal_comma(join(",", false)))
        return "expected a decimal point, not a comma (" + join(".", false) + ")";
      break;
    case CellKind::text:
      return "expected a text with a comma in double quotes (" + in_double_quotes(as_typed) + ")";
    default:
      break;
  }
  return "expected a cell with a comma in double quotes (" + in_double_quotes(as_typed) + ")";
}

// Fields a row really has: empty cells past the `want` columns are what spreadsheets leave.
std::size_t text_fields(const CsvRow& row, std::size_t want) {
  std::size_t n = row.cells.size();
  while (n > want && row.cells[n - 1].text.empty()) --n;
  return n;
}

// Every row one field too many (or more), the same in all, and not just the empty cells a
// spreadsheet leaves: the header lacks a name rather than every row a pair of quotes. Reports
// it and returns true when so.
bool header_lacks_name(const CsvTable& table, std::size_t want, Diagnostics& diag,
                       std::size_t first_row) {
  const std::size_t rows = table.rows.size() - first_row;
  const std::size_t first_count = table.rows[first_row].cells.size();
  bool all_same = rows >= 2 && first_count > want;
  bool any_text_beyond = false;
  for (std::size_t r = first_row; r < table.rows.size() && all_same; ++r) {
    const CsvRow& row = table.rows[r];
    all_same = row.cells.size() == first_count;
    any_text_beyond = any_text_beyond || text_fields(row, want) > want;
  }
  if (!all_same || !any_text_beyond) return false;
  const int header_line = first_row == 0 ? table.header_line : table.rows[first_row - 1].line;
  diag.error(table.file, header_line, 1,
             "the header names " + std::to_string(want) + " columns but every row has " +
                 std::to_string(first_count) +
                 " fields; expected a name in the header for every column");
  return true;
}

// How well the row fits the columns with the comma in each column c: cells [c, c + extra]
// joined into column c, the others in their columns, shifted back (-1: not a candidate). With
// `padding` (only empty cells beyond the columns) only joins of non-empty cells count.
std::vector<int> join_scores(const CsvRow& row, const std::vector<CsvColumn>& columns,
                             std::size_t extra, bool padding) {
  const std::size_t want = columns.size();
  std::vector<int> scores(want, -1);
  for (std::size_t c = 0; c < want; ++c) {
    if (padding) {
      bool carries = !row.cells[c].text.empty();
      for (std::size_t k = c + 1; k <= c + extra; ++k)
        carries = carries && !row.cells[k].text.empty();
      if (!carries) continue;
    }
    scores[c] = 0;
    for (std::size_t k = 0; k < want; ++k) {
      const std::size_t cell = k <= c ? k : k + extra;
      if (k != c) {
        scores[c] += fit(columns[k].kind, row.cells[cell].text);
        continue;
      }
      // Joined, and for a typed column closed: "U(10" and "30" are "U(10,30" without its ')'
      // (which is what split it). Text with an open '(' stays a poor fit.
      std::string joined = join_cells(row.cells, c, extra, ",", false);
      if (columns[k].kind != CellKind::text)
        joined.append(static_cast<std::size_t>(unclosed(joined)), ')');
      scores[c] += fit(columns[k].kind, joined);
    }
    // Free text goes on after its comma in words ("Release aid, then talk"); a bare number
    // after it more likely belongs to the next column (the decimal comma in "Aid,0,5").
    if (columns[c].kind == CellKind::text)
      for (std::size_t k = c + 1; k <= c + extra; ++k)
        if (looks_number(row.cells[k].text)) {
          --scores[c];
          break;
        }
  }
  return scores;
}

// The columns with the best score, narrowed to those where commas come most naturally
// (blame_order), leftmost first.
std::vector<std::size_t> blamed_columns(const std::vector<int>& scores,
                                        const std::vector<CsvColumn>& columns) {
  const int top = *std::max_element(scores.begin(), scores.end());
  std::vector<std::size_t> tied;
  for (std::size_t c = 0; c < scores.size(); ++c)
    if (scores[c] == top) tied.push_back(c);
  int order = 2;
  for (const std::size_t c : tied) order = std::min(order, blame_order(columns[c].kind));
  tied.erase(std::remove_if(tied.begin(), tied.end(),
                            [&](std::size_t c) { return blame_order(columns[c].kind) != order; }),
             tied.end());
  return tied;
}

// Joins cells [best, best + extra] of `row` back into one, as the author meant them.
void join_split_cell(CsvRow& row, std::size_t best, std::size_t extra) {
  CsvCell joined = row.cells[best];
  joined.text = join_cells(row.cells, best, extra, ",", true);
  joined.comma = row.cells[best + extra].comma;
  std::vector<CsvCell> cells(row.cells.begin(), row.cells.begin() + static_cast<long>(best));
  cells.push_back(std::move(joined));
  cells.insert(cells.end(), row.cells.begin() + static_cast<long>(best + extra + 1),
               row.cells.end());
  row.cells = std::move(cells);
}

// One row with `n` fields for `columns`: when a join explains it, reports which comma split
// which cell and mends the row. True when mended.
bool mend_row(CsvRow& row, std::size_t n, std::size_t n_text, std::size_t width,
              const std::vector<CsvColumn>& columns, const std::string& file, Diagnostics& diag) {
  const std::size_t want = columns.size();
  const std::size_t extra = n - want;
  // Only empty cells beyond the columns: a spreadsheet's padding when the header has as many,
  // else a comma may have pushed an empty last cell out ("a|b" written "a,b" before an empty
  // notes cell): then only joins of non-empty cells count, and they must fit about as well.
  const bool padding = n_text <= want;
  if (padding && n <= width) return false;
  const std::vector<int> scores = join_scores(row, columns, extra, padding);
  if (padding) {
    int as_is = 0;
    for (std::size_t k = 0; k < want; ++k) as_is += fit(columns[k].kind, row.cells[k].text);
    // As is, the row still has a cell too many to explain: a join fitting one point worse
    // (an empty typed cell where a number was) explains the row better.
    if (*std::max_element(scores.begin(), scores.end()) < as_is - 1) return false;
  }
  // The best total fit wins; ties go to a column where commas come naturally, then to the
  // leftmost, and the others tied are named too.
  const std::vector<std::size_t> tied = blamed_columns(scores, columns);
  const std::size_t best = tied.front();
  std::string where = "'" + columns[best].name + "'";
  for (std::size_t t = 1; t < tied.size(); ++t)
    where += (t + 1 == tied.size() ? " or '" : ", '") + columns[tied[t]].name + "'";
  diag.error(file, row.line, row.cells[best].comma,
             "this line has " + std::to_string(n) + " fields, the header " + std::to_string(want) +
                 ": " +
                 (tied.size() == 1 ? "this comma seems to split " + where
                                   : "a comma seems to split " + where) +
                 "; " + advice(columns[best].kind, row.cells, best, extra));
  join_split_cell(row, best, extra);
  return true;
}

}  // namespace

std::vector<int> mend_split_cells(CsvTable& table, const std::vector<CsvColumn>& columns,
                                  Diagnostics& diag, std::size_t first_row) {
  std::vector<int> mended;
  const std::size_t want = columns.size();
  if (want == 0 || first_row >= table.rows.size()) return mended;
  if (header_lacks_name(table, want, diag, first_row)) return mended;
  const std::size_t width =
      first_row == 0 ? table.header_width : table.rows[first_row - 1].cells.size();
  for (std::size_t r = first_row; r < table.rows.size(); ++r) {
    CsvRow& row = table.rows[r];
    const std::size_t n_text = text_fields(row, want);
    // Fields counted up to the last non-empty one; only when there is none beyond the columns,
    // the empty ones too (a comma may have pushed an empty last cell out).
    const std::size_t n = n_text > want ? n_text : row.cells.size();
    if (n <= want) continue;
    if (mend_row(row, n, n_text, width, columns, table.file, diag)) mended.push_back(row.line);
  }
  return mended;
}

CsvCell CsvRow::cell(int index) const {
  if (index >= 0 && static_cast<std::size_t>(index) < cells.size())
    return cells[static_cast<std::size_t>(index)];
  CsvCell empty;
  if (!cells.empty()) {
    const CsvCell& last = cells.back();
    empty.column = last.column + static_cast<int>(last.text.size());
  }
  return empty;
}

int CsvTable::column_index(std::string_view name) const {
  const std::string want = lower_trimmed(name);
  for (std::size_t i = 0; i < header.size(); ++i)
    if (lower_trimmed(header[i].text) == want) return static_cast<int>(i);
  return -1;
}

bool split_csv_line(std::string_view line, std::vector<CsvCell>& cells, int& bad_column) {
  cells.clear();
  std::size_t i = 0;
  while (true) {
    CsvCell cell;
    while (i < line.size() && is_blank(line[i]) && line[i] != ',') ++i;
    cell.column = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      const std::size_t quote = i;
      ++i;
      cell.column = static_cast<int>(i) + 1;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cell.text += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        cell.text += line[i++];
      }
      if (!closed) {
        bad_column = static_cast<int>(quote) + 1;
        return false;
      }
      // RFC 4180 allows nothing between the closing quote and the comma; spreadsheets never
      // write anything there, so keep whatever a hand editor put there rather than fail.
      std::string rest;
      while (i < line.size() && line[i] != ',') rest += line[i++];
      while (!rest.empty() && is_blank(rest.back())) rest.pop_back();
      cell.text += rest;
    } else {
      // Distributions such as U(1,2) are typed unquoted by hand, so a comma inside balanced
      // parentheses does not end an unquoted cell. Unbalanced ones fall back to plain splitting
      // so that "U(1,2" still yields a cell the number parser can complain about.
      const std::size_t start = i;
      int depth = 0;
      while (i < line.size() && !(line[i] == ',' && depth == 0)) {
        if (line[i] == '(') ++depth;
        if (line[i] == ')' && depth > 0) --depth;
        ++i;
      }
      if (depth > 0) {
        i = start;
        while (i < line.size() && line[i] != ',') ++i;
      }
      std::size_t end = i;
      while (end > start && is_blank(line[end - 1])) --end;
      cell.text = std::string(line.substr(start, end - start));
    }
    cells.push_back(std::move(cell));
    if (i >= line.size()) break;
    cells.back().comma = static_cast<int>(i) + 1;
    ++i;  // the comma; a comma at the very end opens one more (empty) cell
    if (i == line.size()) {
      CsvCell last;
      last.column = static_cast<int>(i) + 1;
      cells.push_back(last);
      break;
    }
  }
  return true;
}

std::optional<CsvTable> read_csv(const std::string& path, const std::string& display_name,
                                 Diagnostics& diag) {
  CsvTable table;
  const bool ok = read_csv_rows(
      path, display_name, diag, [&](const CsvTable& header) { table = header; },
      [&](const CsvRow& row) { table.rows.push_back(row); });
  if (!ok) return std::nullopt;
  return table;
}

bool read_csv_rows(const std::string& path, const std::string& display_name, Diagnostics& diag,
                   const std::function<void(const CsvTable& header)>& on_header,
                   const std::function<void(const CsvRow& row)>& on_row) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
    diag.error(display_name, 0, 0, "not a regular file; expected a CSV file");
    return false;
  }
  if (!ec && fs::exists(status)) {
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > kMaxCsvBytes) {
      diag.error(display_name, 0, 0,
                 "file is too large (" + std::to_string(size) +
                     " bytes); expected a CSV table of at most 64 MiB");
      return false;
    }
  }

  CsvTable table;  // the header only: rows go to on_row
  table.file = display_name;
  try {
    io::LineReader reader(path);
    CsvRow row;
    std::vector<CsvCell>& cells = row.cells;
    bool have_header = false;
    while (char* raw = reader.next_line()) {
      const int line_no = static_cast<int>(reader.get_file_line());
      const std::string_view line(raw);
      std::size_t first = 0;
      while (first < line.size() && is_blank(line[first])) ++first;
      if (first == line.size() || line[first] == '#') continue;
      int bad_column = 0;
      if (!split_csv_line(line, cells, bad_column)) {
        diag.error(display_name, line_no, bad_column,
                   "unterminated quote; expected a closing '\"' before the end of the line "
                   "(cells cannot span lines)");
        continue;
      }
      bool all_empty = true;
      for (const auto& c : cells) all_empty = all_empty && c.text.empty();
      if (all_empty) continue;  // rows of bare commas, as spreadsheets leave below the data
      if (!have_header) {
        table.header_width = cells.size();
        while (!cells.empty() && cells.back().text.empty()) cells.pop_back();
        table.header = cells;
        table.header_line = line_no;
        have_header = true;
        on_header(table);
      } else {
        row.line = line_no;
        on_row(row);
      }
    }
    if (!have_header) {
      diag.error(display_name, 0, 0, "no header row; expected a first line naming the columns");
      return false;
    }
  } catch (const io::error::can_not_open_file& e) {
    (void)e;
    diag.error(
        display_name, 0, 0,
        "cannot open the file" +
            std::string(fs::exists(path, ec) ? " (permission denied?)" : " (it does not exist)") +
            "; expected a readable CSV file");
    return false;
  } catch (const io::error::line_length_limit_exceeded& e) {
    diag.error(display_name, e.file_line, 1,
               "line longer than 16 MiB; expected one table row per line");
    return false;
  } catch (const std::exception& e) {
    diag.error(
        display_name, 0, 0,
        std::string("cannot read the file (") + e.what() + "); expected a readable CSV file");
    return false;
  }
  return true;
}

std::optional<double> parse_finite(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

}  // namespace parley

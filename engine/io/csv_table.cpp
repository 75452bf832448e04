#include "engine/io/csv_table.hpp"

#include <libfccp/csv.h>
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

}  // namespace

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

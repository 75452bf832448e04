// Splitting CSV lines with cell positions, and reading tables from files.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/io/csv_table.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

std::vector<CsvCell> split_ok(std::string_view line) {
  std::vector<CsvCell> cells;
  int bad = 0;
  INFO("line: " << line);
  REQUIRE(split_csv_line(line, cells, bad));
  return cells;
}

fs::path temp_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("parley-csv-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

}  // namespace

TEST_CASE("cells are trimmed and keep the column of their first character", "[loader]") {
  const auto cells = split_ok("id, name ,  kind");
  REQUIRE(cells.size() == 3);
  CHECK(cells[0].text == "id");
  CHECK(cells[0].column == 1);
  CHECK(cells[1].text == "name");
  CHECK(cells[1].column == 5);
  CHECK(cells[2].text == "kind");
  CHECK(cells[2].column == 13);
}

TEST_CASE("quoted cells may hold commas and doubled quotes", "[loader]") {
  const auto cells = split_ok(R"(a,"large, rich","say ""hi""",  "x" ,)");
  REQUIRE(cells.size() == 5);
  CHECK(cells[1].text == "large, rich");
  CHECK(cells[1].column == 4);  // first character inside the quotes
  CHECK(cells[2].text == R"(say "hi")");
  CHECK(cells[3].text == "x");
  CHECK(cells[3].column == 33);
  CHECK(cells[4].text.empty());  // the trailing comma opens an empty cell
  CHECK(cells[4].column == 37);
  CHECK(split_ok("").size() == 1);
  CHECK(split_ok(",,").size() == 3);
}

TEST_CASE("an unterminated quote is reported at the opening quote", "[loader]") {
  std::vector<CsvCell> cells;
  int bad = 0;
  CHECK_FALSE(split_csv_line(R"(a,b,"open, never closed)", cells, bad));
  CHECK(bad == 5);
}

TEST_CASE("a short row yields empty cells positioned after its end", "[loader]") {
  CsvRow row{3, split_ok("ab,cd")};
  CHECK(row.cell(1).text == "cd");
  CHECK(row.cell(5).text.empty());
  CHECK(row.cell(5).column == 6);
}

TEST_CASE("read_csv skips comments and blank rows and numbers lines from 1", "[loader]") {
  const fs::path p = temp_file("t.csv",
                               "# comment\r\n"
                               "\r\n"
                               "Id,Name,,\r\n"
                               "  # indented comment\r\n"
                               "a,Alpha\r\n"
                               ",,,\r\n"
                               "b,\"Beta, the second\"");
  Diagnostics diag;
  const auto table = read_csv(p.string(), "x/t.csv", diag);
  REQUIRE(table.has_value());
  CHECK(diag.problems().empty());
  CHECK(table->header_line == 3);
  CHECK(table->header.size() == 2);  // trailing empty header cells dropped
  CHECK(table->column_index("name") == 1);
  CHECK(table->column_index(" ID ") == 0);
  CHECK(table->column_index("kind") == -1);
  REQUIRE(table->rows.size() == 2);
  CHECK(table->rows[0].line == 5);
  CHECK(table->rows[0].cells[1].text == "Alpha");  // no '\r' left over
  CHECK(table->rows[1].line == 7);
  CHECK(table->rows[1].cells[1].text == "Beta, the second");
}

TEST_CASE("read_csv reports a missing file and bad lines without throwing", "[loader]") {
  Diagnostics diag;
  CHECK_FALSE(read_csv("/nonexistent/parley/none.csv", "s/none.csv", diag).has_value());
  REQUIRE(diag.error_count() == 1);
  CHECK(diag.problems()[0].file == "s/none.csv");
  CHECK_THAT(diag.problems()[0].message, Catch::Contains("does not exist"));

  const fs::path p = temp_file("q.csv", "a,b\n1,\"2\n3,4\n");
  Diagnostics d2;
  const auto table = read_csv(p.string(), "q.csv", d2);
  REQUIRE(table.has_value());
  REQUIRE(d2.error_count() == 1);
  CHECK(d2.problems()[0].line == 2);
  CHECK(d2.problems()[0].column == 3);
  CHECK(table->rows.size() == 1);  // the bad line is skipped, the next one kept

  const fs::path empty = temp_file("e.csv", "# only a comment\n");
  Diagnostics d3;
  CHECK_FALSE(read_csv(empty.string(), "e.csv", d3).has_value());
  CHECK_THAT(d3.problems().at(0).message, Catch::Contains("no header row"));
}

TEST_CASE("commas inside parentheses do not split unquoted cells", "[loader]") {
  const auto cells = split_ok("a,U(1,2), T( 0 ,5,10) ,\"N(1,2)\",b");
  REQUIRE(cells.size() == 5);
  CHECK(cells[1].text == "U(1,2)");
  CHECK(cells[2].text == "T( 0 ,5,10)");
  CHECK(cells[2].column == 11);
  CHECK(cells[3].text == "N(1,2)");
  CHECK(cells[4].text == "b");
  // An unclosed parenthesis falls back to plain splitting.
  const auto open = split_ok("U(1,2,x");
  REQUIRE(open.size() == 3);
  CHECK(open[0].text == "U(1");
}

namespace {

/// A table read from `text`, with the lines as in a file.
CsvTable table_of(const std::string& name, const std::string& text) {
  Diagnostics diag;
  auto table = read_csv(temp_file(name, text).string(), name, diag);
  REQUIRE(table.has_value());
  REQUIRE(diag.problems().empty());
  return *table;
}

const std::vector<CsvColumn> kMoveColumns{
    {"id", CellKind::word},         {"actor", CellKind::word},
    {"name", CellKind::text},       {"cost", CellKind::number},
    {"cooldown", CellKind::turns},  {"requires", CellKind::condition},
    {"effects", CellKind::effects}, {"headline", CellKind::text}};

}  // namespace

TEST_CASE("a comma that split a text is blamed on its column, and the row is mended", "[loader]") {
  const std::string line = "aid,ALF,Release aid, then talk,2,1,turn > 2,issue.aid += 10,Aid flows";
  CsvTable t = table_of("m.csv", "id,actor,name,cost,cooldown,requires,effects,headline\n" + line);
  Diagnostics diag;
  const auto mended = mend_split_cells(t, kMoveColumns, diag);
  REQUIRE(diag.error_count() == 1);
  const Problem& p = diag.problems()[0];
  CHECK(p.line == 2);
  CHECK(p.column == static_cast<int>(line.find(", then")) + 1);  // the extra comma itself
  CHECK_THAT(p.message, Catch::StartsWith("this line has 9 fields, the header 8"));
  CHECK_THAT(p.message, Catch::Contains("'name'"));
  CHECK_THAT(p.message, Catch::Contains(R"(("Release aid, then talk"))"));
  CHECK(mended == std::vector<int>{2});
  // Joined back as typed: every later cell is in its own column again.
  const CsvRow& row = t.rows[0];
  REQUIRE(row.cells.size() == 8);
  CHECK(row.cells[2].text == "Release aid, then talk");
  CHECK(row.cells[3].text == "2");
  CHECK(row.cells[6].text == "issue.aid += 10");
  CHECK(row.cells[7].text == "Aid flows");
}

TEST_CASE("a stray comma is blamed on the column whose cells then fit best", "[loader]") {
  const auto [row, column, advice] = GENERATE(table<std::string, std::string, std::string>({
      // Effects written with commas: the advice is the list with ';'.
      {"aid,ALF,Aid,2,1,,issue.aid += 10, issue.access -= U(1,2),Aid flows", "'effects'",
       "expected effects separated by ';', not ',' (issue.aid += 10; issue.access -= U(1,2))"},
      // The same with an empty headline after them: the comma pushed the empty cell out.
      {"aid,ALF,Aid,2,1,,issue.aid += 10, issue.access -= 5,", "'effects'",
       "(issue.aid += 10; issue.access -= 5)"},
      // A comma in the headline, after the typed columns.
      {"aid,ALF,Aid,2,1,,issue.aid += 10,Aid flows, at last", "'headline'",
       R"(("Aid flows, at last"))"},
      // A decimal comma.
      {"aid,ALF,Aid,0,5,1,,issue.aid += 10,Aid", "'cost'",
       "expected a decimal point, not a comma (0.5)"},
  }));
  CsvTable t = table_of("m.csv", "id,actor,name,cost,cooldown,requires,effects,headline\n" + row);
  Diagnostics diag;
  (void)mend_split_cells(t, kMoveColumns, diag);
  INFO(row);
  REQUIRE(diag.error_count() == 1);
  CHECK_THAT(diag.problems()[0].message, Catch::Contains(column));
  CHECK_THAT(diag.problems()[0].message, Catch::Contains(advice));
  CHECK(t.rows[0].cells[6].text.find("issue.aid += 10") == 0);
}

TEST_CASE("names written with a comma are reported even before an empty last cell", "[loader]") {
  const std::vector<CsvColumn> columns{{"turn", CellKind::turns},
                                       {"move", CellKind::word},
                                       {"options", CellKind::names},
                                       {"notes", CellKind::text}};
  CsvTable t = table_of("t.csv", "turn,move,options,notes\n1,aid,,\n2,aid,engage,hardline,\n");
  Diagnostics diag;
  (void)mend_split_cells(t, columns, diag);
  REQUIRE(diag.error_count() == 1);
  CHECK(diag.problems()[0].line == 3);
  CHECK(diag.problems()[0].column == 13);
  CHECK_THAT(
      diag.problems()[0].message,
      Catch::Contains("'options'; expected the names separated by '|', not ',' (engage|hardline)"));
  CHECK(t.rows[1].cells[2].text == "engage,hardline");
  CHECK(t.rows[1].cells[3].text.empty());
}

TEST_CASE("spreadsheet padding is no stray comma; a header short of a name is one error",
          "[loader]") {
  const std::vector<CsvColumn> columns{{"id", CellKind::word}, {"value", CellKind::number}};
  CsvTable padded = table_of("p.csv", "id,value,,\na,1,,\nb,2,,\n");
  Diagnostics diag;
  CHECK(mend_split_cells(padded, columns, diag).empty());
  CHECK(diag.problems().empty());

  CsvTable short_header = table_of("s.csv", "id,value\na,1,first\nb,2,second\n");
  Diagnostics d2;
  CHECK(mend_split_cells(short_header, columns, d2).empty());
  REQUIRE(d2.error_count() == 1);
  CHECK(d2.problems()[0].line == 1);
  CHECK_THAT(d2.problems()[0].message,
             Catch::Contains("the header names 2 columns but every row has 3 fields"));
}

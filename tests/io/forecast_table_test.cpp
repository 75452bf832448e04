// Tests of the forecast table loader: plain and KTAB layouts, and the error messages.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/io/forecast_table.hpp"
#include "engine/io/outcome_table.hpp"

namespace {

std::string data(const std::string& name) {
  return std::string(PARLEY_TEST_DATA) + "/" + name;
}

/// True when some problem is at line:column and its message contains `text`.
bool has_problem(const parley::Diagnostics& diag, int line, int column, const std::string& text) {
  for (const auto& p : diag.problems()) {
    if (p.line == line && p.column == column && p.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("plain table: emission standards, saliences on 0-100", "[forecast]") {
  parley::Diagnostics diag;
  const auto t = parley::load_forecast_table(data("validation/emission-standards-1994.csv"),
                                             "emission.csv", diag);
  REQUIRE(t.has_value());
  CHECK_FALSE(diag.has_errors());
  CHECK(t->layout == parley::ForecastLayout::plain);
  CHECK(t->salience_percent);
  REQUIRE(t->issues.size() == 1);
  const auto& issue = t->issues[0];
  CHECK(issue.name == "1");
  REQUIRE(issue.actors.size() == 10);
  CHECK(issue.actors[0] == "Netherlands");
  CHECK(issue.lines[0] == 6);                        // after the comment lines and the header
  CHECK(issue.input.capability[6] == 0.16);          // UK
  CHECK(issue.input.salience(6, 0) == Approx(0.9));  // 90 on 0-100
  CHECK(issue.input.position(8, 0) == 4.0);          // Denmark
  CHECK(issue.input.scale_lo == 4.0);
  CHECK(issue.input.scale_hi == 10.0);
}

TEST_CASE("plain table: issue column, capability synonym, any header case", "[forecast]") {
  parley::Diagnostics diag;
  const auto t = parley::load_forecast_table(data("forecast/issues.csv"), "issues.csv", diag);
  REQUIRE(t.has_value());
  CHECK_FALSE(t->salience_percent);  // no salience above 1
  REQUIRE(t->issues.size() == 2);
  CHECK(t->issues[0].name == "trade");
  CHECK(t->issues[1].name == "aid");
  CHECK(t->issues[0].actors.size() == 2);
  REQUIRE(t->issues[1].actors.size() == 3);
  CHECK(t->issues[1].input.capability[2] == 0.0);  // capability 0 still counts as an actor
  CHECK(t->issues[1].input.salience(1, 0) == 0.5);
  CHECK(t->issues[0].input.capability[1] == 3.0);  // the "Power" column
}

TEST_CASE("KTAB layout: all dimensions, saliences / 100", "[forecast]") {
  parley::Diagnostics diag;
  const auto t = parley::load_forecast_table(data("forecast/ktab_small.csv"), "k.csv", diag);
  REQUIRE(t.has_value());
  CHECK(t->layout == parley::ForecastLayout::ktab);
  REQUIRE(t->issues.size() == 1);
  const auto& in = t->issues[0].input;
  REQUIRE(in.position.rows() == 2);
  REQUIRE(in.position.cols() == 2);
  CHECK(t->issues[0].actors[1] == "Y");
  CHECK(t->issues[0].dim_names[1] == "Pstn2");
  CHECK(in.capability[0] == 30.0);
  CHECK(in.position(0, 1) == 80.0);
  CHECK(in.salience(1, 0) == Approx(1.0));
  CHECK(in.salience(0, 1) == Approx(0.25));
  CHECK(in.scale_lo == 0.0);
  CHECK(in.scale_hi == 100.0);
}

TEST_CASE("KTAB's own example file is read as it is", "[forecast]") {
  parley::Diagnostics diag;
  const auto t =
      parley::load_forecast_table(data("validation/ktab/dummyData_3Dim.csv"), "d.csv", diag);
  REQUIRE(t.has_value());
  CHECK_FALSE(diag.has_errors());
  const auto& in = t->issues[0].input;
  CHECK(in.position.rows() == 7);
  CHECK(in.position.cols() == 3);
  CHECK(in.capability[0] == 102.543);
  CHECK(in.salience(0, 0) == Approx(0.4953));
  CHECK(in.position(6, 2) == 90.36);
}

TEST_CASE("bad tables list every problem with line and column", "[forecast]") {
  parley::Diagnostics diag;
  const auto t = parley::load_forecast_table(data("forecast/bad.csv"), "bad.csv", diag);
  CHECK_FALSE(t.has_value());
  CHECK(diag.error_count() == 6);
  // Line 3 "A,abc,10,0.5": the capability cell starts at column 3.
  CHECK(has_problem(diag, 3, 3, "capability is 'abc', expected a number >= 0"));
  CHECK(has_problem(diag, 4, 3, "expected a number >= 0"));
  CHECK(has_problem(diag, 5, 1, "actor 'A' appears again (first on line 3)"));
  CHECK(has_problem(diag, 6, 1, "actor name is empty"));
  CHECK(has_problem(diag, 7, 5, "position is an empty cell, expected a number"));
  CHECK(has_problem(diag, 8, 8, "salience is 150, expected 0-100"));
}

TEST_CASE("a missing column is named", "[forecast]") {
  parley::Diagnostics diag;
  const auto t = parley::load_forecast_table(data("forecast/missing_column.csv"), "m.csv", diag);
  CHECK_FALSE(t.has_value());
  REQUIRE(diag.error_count() == 1);
  // A problem of the header row points at its first column, so it reads file:line:column.
  CHECK(diag.problems()[0].line == 1);
  CHECK(diag.problems()[0].column == 1);
  CHECK(diag.problems()[0].message.find("missing column 'position'") != std::string::npos);
}

TEST_CASE("a missing file is an error, not a crash", "[forecast]") {
  parley::Diagnostics diag;
  const auto t = parley::load_forecast_table(data("forecast/no-such-file.csv"), "x.csv", diag);
  CHECK_FALSE(t.has_value());
  CHECK(diag.has_errors());
}

TEST_CASE("an issue nobody cares about is rejected, with where it starts", "[forecast]") {
  // Every salience of "idle" is 0: by the models' rule bargaining leaves such an issue where it
  // stands, and the table does not say where that is, so there is no forecast to give.
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("parley-nobody-cares-" + std::to_string(::getpid()) + ".csv"))
                               .string();
  std::ofstream(path) << "actor,issue,capability,position,salience\n"
                         "A,trade,1,0,0.5\n"
                         "B,trade,1,100,0\n"
                         "A,idle,1,0,0\n"
                         "B,idle,2,100,0\n";
  parley::Diagnostics diag;
  const auto t = parley::load_forecast_table(path, "t.csv", diag);
  std::filesystem::remove(path);
  CHECK_FALSE(t.has_value());
  CHECK(diag.error_count() == 1);
  CHECK(has_problem(diag, 4, 3, "every salience of issue 'idle' is 0, expected at least one"));
}

TEST_CASE("issues whose rows are interleaved: grouped in order, duplicates still found",
          "[forecast]") {
  // The rows of "trade" come back after "aid": the loader groups them in file order, and a
  // duplicate actor is found whether its first row came before or after the interleaving.
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("parley-interleaved-" + std::to_string(::getpid()) + ".csv"))
                               .string();
  const auto load = [&](const std::string& text, parley::Diagnostics& diag) {
    std::ofstream(path) << text;
    auto t = parley::load_forecast_table(path, "t.csv", diag);
    std::filesystem::remove(path);
    return t;
  };
  const std::string head = "issue,actor,capability,position,salience\n";
  parley::Diagnostics ok;
  const auto t = load(head +
                          "trade,A,1,10,0.5\n"
                          "aid,A,2,20,0.5\n"
                          "trade,B,3,30,0.5\n"
                          "aid,C,4,40,0.5\n",
                      ok);
  REQUIRE(t.has_value());
  REQUIRE(t->issues.size() == 2);
  CHECK(t->issues[0].name == "trade");
  CHECK(t->issues[0].actors == std::vector<std::string>{"A", "B"});
  CHECK(t->issues[0].lines == std::vector<int>{2, 4});
  CHECK(t->issues[0].input.position(1, 0) == 30.0);
  CHECK(t->issues[1].actors == std::vector<std::string>{"A", "C"});
  CHECK(t->issues[1].input.capability[1] == 4.0);

  parley::Diagnostics dup;
  CHECK_FALSE(load(head + "trade,A,1,10,0.5\n"
                          "trade,B,1,10,0.5\n"
                          "trade,B,1,10,0.5\n"  // before the interleaving
                          "aid,A,2,20,0.5\n"
                          "trade,A,3,30,0.5\n",  // after it
                   dup));
  CHECK(dup.error_count() == 2);
  CHECK(has_problem(dup, 4, 7, "actor 'B' appears again (first on line 3)"));
  CHECK(has_problem(dup, 6, 7, "actor 'A' appears again (first on line 2)"));
}

TEST_CASE("an actor or issue named with an unquoted comma is one error, the rest still read",
          "[forecast]") {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("parley-comma-" + std::to_string(getpid()) + ".csv"))
                               .string();
  {
    std::ofstream out(path);
    out << "actor,capability,position,salience\n"
           "Smith, John,10,50,0.5\n"
           "B,20,30,0.5\n";
  }
  parley::Diagnostics diag;
  const auto t = parley::load_forecast_table(path, "f.csv", diag);
  CHECK_FALSE(t.has_value());  // the table is wrong as written
  REQUIRE(diag.error_count() == 1);
  CHECK(has_problem(diag, 2, 6, "this line has 5 fields, the header 4"));
  CHECK(has_problem(diag, 2, 6, "'actor'; expected a text with a comma in double quotes"));

  {
    std::ofstream out(path);
    out << "issue,outcome\n"
           "reserves, released,80\n"
           "aid,20\n";
  }
  parley::Diagnostics d2;
  const auto outcomes = parley::load_outcome_table(path, "o.csv", d2);
  REQUIRE(outcomes.has_value());
  REQUIRE(d2.error_count() == 1);
  CHECK(has_problem(d2, 2, 9, "'issue'; expected a text with a comma in double quotes"));
  // Mended, the row keeps its outcome, so matching it to the table says nothing more.
  REQUIRE(outcomes->rows.size() == 2);
  CHECK(outcomes->rows[0].issue == "reserves, released");
  CHECK(outcomes->rows[0].outcome == 80.0);
  std::remove(path.c_str());
}

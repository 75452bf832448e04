// The one INI reader: sections and keys with their lines and columns in one pass, comments,
// a byte-order mark, and the lines it cannot take.
#include <catch2/catch.hpp>

#include "engine/io/ini_file.hpp"

using namespace parley;

TEST_CASE("read_ini gives every key its value, line and columns", "[io][ini]") {
  std::vector<IniProblem> problems;
  const IniFile ini = read_ini(
      "\xEF\xBB\xBF# a comment\n[scenario]\n  turns =  24 # trailing\n\t[ model ]\nx=\n", problems);
  CHECK(problems.empty());
  REQUIRE(ini.sections.size() == 2);
  CHECK(ini.sections[0].name == "scenario");
  CHECK(ini.sections[0].line == 2);
  CHECK(ini.sections[0].column == 2);
  CHECK(ini.sections[1].name == "model");
  CHECK(ini.sections[1].line == 4);
  CHECK(ini.sections[1].column == 4);  // the name, after the tab, '[' and a blank
  REQUIRE(ini.entries.size() == 2);
  const IniEntry& turns = ini.entries[0];
  CHECK(turns.section == "scenario");
  CHECK(turns.key == "turns");
  CHECK(turns.value == "24");
  CHECK(turns.line == 3);
  CHECK(turns.key_column == 3);
  CHECK(turns.value_column == 12);
  const IniEntry& x = ini.entries[1];
  CHECK(x.section == "model");
  CHECK(x.value.empty());
  CHECK(x.value_column == 3);
}

TEST_CASE("read_ini reports the lines it cannot take, in order, and skips them", "[io][ini]") {
  std::vector<IniProblem> problems;
  const IniFile ini =
      read_ini("before = 1\n[bad\nhidden = 2\n[]\n = 3\nno equals\n[run]\nseed = 4\n", problems);
  REQUIRE(problems.size() == 4);
  CHECK(problems[0].line == 2);
  CHECK(problems[0].message == "malformed section header '[bad'; expected '[name]'");
  CHECK(problems[1].line == 4);
  CHECK(problems[1].message.rfind("empty section name", 0) == 0);
  CHECK(problems[2].line == 5);
  CHECK(problems[2].column == 2);
  CHECK(problems[2].message == "missing key name before '='; expected 'key = value'");
  CHECK(problems[3].line == 6);
  CHECK(problems[3].message ==
        "cannot read 'no equals'; expected 'key = value' or a [section] header");
  // The keys under a malformed header are covered by its problem.
  REQUIRE(ini.entries.size() == 2);
  CHECK(ini.entries[0].section.empty());
  CHECK(ini.entries[0].key == "before");
  CHECK(ini.entries[1].section == "run");
  CHECK(ini.entries[1].value == "4");
}

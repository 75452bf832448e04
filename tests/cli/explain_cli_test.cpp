// End-to-end tests of `parley explain` and `parley validate --gains`.
#include <catch2/catch.hpp>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "engine/io/csv_table.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/explain.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/scenarios.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

namespace {

const std::string kDefault = quoted(fs::path(PARLEY_SOURCE_DIR) / "scenarios" / "afghanistan-2025");
const std::string kMini = quoted(fs::path(PARLEY_TEST_DATA) / "scenarios" / "mini");

// A CSV file as rows of cells by header name.
std::vector<std::map<std::string, std::string>> read_csv_rows(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::vector<parley::CsvCell> cells;
  int bad = 0;
  REQUIRE(std::getline(in, line));
  REQUIRE(parley::split_csv_line(line, cells, bad));
  std::vector<std::string> header;
  for (const auto& c : cells) header.push_back(c.text);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    REQUIRE(parley::split_csv_line(line, cells, bad));
    REQUIRE(cells.size() == header.size());
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < header.size(); ++k) row[header[k]] = cells[k].text;
    rows.push_back(std::move(row));
  }
  return rows;
}

double number(const std::string& text) {
  double v = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  REQUIRE(ec == std::errc());
  REQUIRE(end == text.data() + text.size());
  return v;
}

size_t longest_line(const std::string& text) {
  size_t longest = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) longest = std::max(longest, line.size());
  return longest;
}

}  // namespace

TEST_CASE("explain's choices are the moves parley run makes in the same run, for every option",
          "[cli][explain]") {
  TempDir dir;
  const CliResult batch = run_parley("run " + kDefault + " --runs 4 --trace 4 --option all " +
                                     "--threads 1 --quiet --out " + quoted(dir.path() / "out"));
  REQUIRE(batch.status == 0);
  // The US's and the TIA's choices in the first six turns of every option.
  const CliResult r = run_parley("explain " + kDefault + " --option all --run 3 --turns 1..6 " +
                                 "--actor US,TLB --csv " + quoted(dir.path() / "why.csv"));
  INFO(r.err);
  REQUIRE(r.status == 0);
  REQUIRE(longest_line(r.out) <= 100);
  REQUIRE(r.out.find("turn 6 of 24") != std::string::npos);

  // What the batch's AI made in run 3.
  std::set<std::tuple<std::string, std::string, std::string, std::string>> made;
  for (const auto& row : read_csv_rows(read_file(dir.path() / "out" / "events.csv")))
    if (row.at("run") == "3" && row.at("by") == "ai" && std::stoi(row.at("turn")) <= 6 &&
        (row.at("actor") == "US" || row.at("actor") == "TLB"))
      made.insert({row.at("option"), row.at("turn"), row.at("actor"), row.at("move")});

  const auto rows = read_csv_rows(read_file(dir.path() / "why.csv"));
  std::set<std::tuple<std::string, std::string, std::string, std::string>> chosen;
  std::map<std::tuple<std::string, std::string, std::string>, int> choices;  // per decision
  std::set<std::string> options;
  for (const auto& row : rows) {
    REQUIRE(row.at("run") == "3");
    REQUIRE(row.at("seed") == "2025");
    options.insert(row.at("option"));
    const auto decision = std::make_tuple(row.at("option"), row.at("turn"), row.at("actor"));
    if (row.at("chosen") == "yes") {
      ++choices[decision];
      if (row.at("move") != "(pass)")
        chosen.insert({row.at("option"), row.at("turn"), row.at("actor"), row.at("move")});
    }
    if (row.at("move") == "(pass)" || row.at("available") != "yes") {
      if (row.at("available") == "no") REQUIRE_FALSE(row.at("blocked").empty());
      continue;
    }
    // The parts add up to the score exactly, as the turn computed it.
    REQUIRE(number(row.at("score")) ==
            number(row.at("value")) - number(row.at("pass_value")) - number(row.at("cost")));
  }
  REQUIRE(options.size() == 5);
  REQUIRE(choices.size() == 5 * 6 * 2);  // one choice (a move or passing) per decision
  for (const auto& [decision, n] : choices) REQUIRE(n == 1);
  REQUIRE(chosen == made);
}

TEST_CASE("explain's CSV and JSON hold the library's numbers exactly", "[cli][explain]") {
  TempDir dir;
  const CliResult r =
      run_parley("explain " + kMini + " --run 2 --seed 9 --option engage --quiet --csv " +
                 quoted(dir.path() / "a.csv") + " --json " + quoted(dir.path() / "a.json"));
  REQUIRE(r.status == 0);
  REQUIRE(r.out.empty());
  parley::Diagnostics diag;
  const parley::Scenario sc = *parley::load_scenario(PARLEY_TEST_DATA "/scenarios/mini", diag);
  const parley::Rules rules = parley::compile(sc);
  parley::ExplainRequest req;
  req.option = sc.option_index("engage");
  req.seed = 9;
  req.run = 2;
  const parley::Explanation e = parley::explain_run(sc, rules, req);

  const auto rows = read_csv_rows(read_file(dir.path() / "a.csv"));
  const auto json = nlohmann::json::parse(read_file(dir.path() / "a.json"));
  REQUIRE(json.size() == 1);
  REQUIRE(json[0]["option"] == "engage");
  REQUIRE(json[0]["explained"].size() == e.turn.size());
  size_t k = 0, compared = 0;
  for (size_t t = 0; t < e.turn.size(); ++t) {
    const auto& jt = json[0]["explained"][t];
    REQUIRE(jt["turn"] == e.turn[t].turn);
    for (size_t c = 0; c < e.turn[t].choices.size(); ++c) {
      const parley::ExplainedChoice& ch = e.turn[t].choices[c];
      REQUIRE(rows[k++].at("move") == "(pass)");
      for (size_t m = 0; m < ch.moves.size(); ++m) {
        const auto& row = rows[k++];
        const auto& jm = jt["choices"][c]["moves"][m];
        REQUIRE(row.at("move") == ch.moves[m].move);
        REQUIRE(jm["move"] == ch.moves[m].move);
        if (!ch.moves[m].available) {
          REQUIRE(row.at("blocked") == ch.moves[m].blocked);
          REQUIRE(jm["blocked"] == ch.moves[m].blocked);
          continue;
        }
        REQUIRE(number(row.at("score")) == ch.moves[m].score);
        REQUIRE(number(row.at("value")) == ch.moves[m].value);
        REQUIRE(jm["score"].get<double>() == ch.moves[m].score);
        REQUIRE(jm["probability"].get<double>() == ch.moves[m].probability);
        ++compared;
      }
    }
  }
  REQUIRE(k == rows.size());
  REQUIRE(compared > 0);
  REQUIRE(json[0]["events"].size() == e.events.size());
}

TEST_CASE("explain lists every bad argument and writes nothing", "[cli][explain]") {
  TempDir dir;
  const std::string csv = quoted(dir.path() / "why.csv");
  const CliResult r = run_parley("explain " + kMini +
                                 " --actor NOPE,BET --turns 0..9 --run -1 --option nada --csv " +
                                 csv + " --json " + quoted(dir.path()));
  REQUIRE(r.status == 2);
  REQUIRE(r.out.empty());
  for (const char* want :
       {"--actor 'NOPE,BET': error: unknown actor 'NOPE'", "actor 'BET' is not AI-controlled",
        "--turns '0..9': error: expected turns within 1..6",
        "--run '-1': error:", "--option 'nada': error: unknown option 'nada'", "is a folder"})
    REQUIRE(r.err.find(want) != std::string::npos);
  REQUIRE_FALSE(fs::exists(dir.path() / "why.csv"));
  REQUIRE(fs::directory_iterator(dir.path()) == fs::directory_iterator());

  for (const char* turns : {"3..2", "x", "2..", "7"}) {
    const CliResult t = run_parley("explain " + kMini + " --turns " + turns);
    REQUIRE(t.status == 2);
    REQUIRE(t.err.find(std::string("--turns '") + turns + "': error:") != std::string::npos);
  }
  const CliResult big = run_parley("explain " + kMini + " --run 18446744073709551616");
  REQUIRE(big.status == 2);
  REQUIRE(big.err.find("--run '18446744073709551616': error:") != std::string::npos);
}

TEST_CASE("explain has its help and is in the command list", "[cli][explain]") {
  const CliResult help = run_parley("explain --help");
  REQUIRE(help.status == 0);
  for (const char* flag : {"--option", "--run", "--seed", "--turns", "--actor", "--csv", "--json"})
    REQUIRE(help.out.find(flag) != std::string::npos);
  REQUIRE(run_parley("--help").out.find("explain SCENARIO") != std::string::npos);
  // One turn of one actor, readable at 100 columns.
  const CliResult one = run_parley("explain " + kDefault + " --turns 3 --actor TLB");
  REQUIRE(one.status == 0);
  REQUIRE(one.out.find("turn 3 of 24") != std::string::npos);
  REQUIRE(one.out.find("turn 2 of 24") == std::string::npos);
  REQUIRE(one.out.find("    TLB: ") != std::string::npos);
  REQUIRE(one.out.find("    US: ") == std::string::npos);
  REQUIRE(longest_line(one.out) <= 100);
}

TEST_CASE("validate --gains lists every AI move's gain at turn 0, highest first per actor",
          "[cli][explain]") {
  const CliResult r = run_parley("validate " + kDefault + " --gains");
  REQUIRE(r.status == 0);
  REQUIRE(r.out.find("\nnet gain") != std::string::npos);
  REQUIRE(longest_line(r.out.substr(r.out.find("\nnet gain"))) <= 100);
  const parley::Scenario& sc = shipped("afghanistan-2025");
  const auto gains = parley::initial_gains(sc, parley::compile(sc));
  // The printed table is the library's, option by option and actor by actor.
  size_t at = 0;
  for (const parley::OptionGains& og : gains) {
    at = r.out.find("\noption " + og.option + "\n", at);
    REQUIRE(at != std::string::npos);
    for (const parley::ActorGains& ag : og.actors) {
      at = r.out.find("\n  " + ag.actor + " (passing is worth ", at);
      REQUIRE(at != std::string::npos);
      for (const parley::MoveGain& g : ag.moves) {
        char gain[32];
        std::snprintf(gain, sizeof gain, "%+.6f", g.gain == 0.0 ? 0.0 : g.gain);
        at = r.out.find("\n    " + g.move + " ", at);
        REQUIRE(at != std::string::npos);
        const size_t end = r.out.find('\n', at + 1);
        REQUIRE(r.out.substr(at, end - at).find(gain) != std::string::npos);
      }
    }
  }
  // Without --gains, no table.
  REQUIRE(run_parley("validate " + kDefault).out.find("net gain") == std::string::npos);
}

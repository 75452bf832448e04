// The documentation against the engine: the model defaults docs/MODEL.md and
// docs/SCENARIO_FORMAT.md state are the engine's, and the complete example scenario of
// SCENARIO_FORMAT.md loads and follows the page's own advice. A scenario author works from these
// pages alone, so a drift between them and the code is a bug.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/io/scenario_loader.hpp"
#include "engine/scenario/scenario.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

std::string read_doc(const std::string& name) {
  std::ifstream in(fs::path(PARLEY_SOURCE_DIR) / "docs" / name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string trimmed(std::string s) {
  const auto b = s.find_first_not_of(" `");
  const auto e = s.find_last_not_of(" `");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The rows `| KEY | ... | DEFAULT | ... |` of the first table after the heading `heading`, as
// key -> the text of column `column` (0 = the key), backquotes and spaces trimmed.
std::map<std::string, std::string> table_column(const std::string& doc, const std::string& heading,
                                                size_t column) {
  const std::vector<std::string> lines = lines_of(doc);
  size_t i = 0;
  while (i < lines.size() && lines[i] != heading) ++i;
  INFO("heading '" << heading << "'");
  REQUIRE(i < lines.size());
  while (i < lines.size() && lines[i].rfind('|', 0) != 0) ++i;
  std::map<std::string, std::string> out;
  for (i += 2; i < lines.size() && lines[i].rfind('|', 0) == 0; ++i) {  // past header and rule
    std::vector<std::string> cells;
    std::istringstream row(lines[i].substr(1));
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(trimmed(cell));
    if (cells.size() > column) out[cells[0]] = cells[column];
  }
  return out;
}

void check_defaults(const std::map<std::string, std::string>& documented) {
  const auto defaults = default_model_values();
  for (int k = 0; k < kModelKeys; ++k) {
    const std::string key(model_key_names()[static_cast<size_t>(k)]);
    INFO("model key " << key);
    REQUIRE(documented.count(key) == 1);
    const std::string& text = documented.at(key);
    size_t used = 0;
    double value = std::nan("");
    REQUIRE_NOTHROW(value = std::stod(text, &used));
    REQUIRE(used == text.size());
    CHECK(value == defaults[static_cast<size_t>(k)].a);
  }
  REQUIRE(documented.count("bargaining") == 1);
  CHECK(documented.at("bargaining") == bargaining_name(BargainingModel::compromise));
}

// The files of "A complete example": each "`NAME`:" line followed by a fenced block.
std::map<std::string, std::string> example_files(const std::string& doc) {
  const std::vector<std::string> lines = lines_of(doc);
  size_t i = 0;
  while (i < lines.size() && lines[i] != "## A complete example") ++i;
  REQUIRE(i < lines.size());
  std::map<std::string, std::string> files;
  std::string name;
  for (++i; i < lines.size() && lines[i].rfind("## ", 0) != 0; ++i) {
    const std::string& l = lines[i];
    if (l.size() > 3 && l.front() == '`' && l.substr(l.size() - 2) == "`:") {
      name = l.substr(1, l.size() - 3);
    } else if (l.rfind("```", 0) == 0 && !name.empty()) {
      std::string body;
      for (++i; i < lines.size() && lines[i].rfind("```", 0) != 0; ++i) body += lines[i] + "\n";
      files[name] = body;
      name.clear();
    }
  }
  return files;
}

}  // namespace

TEST_CASE("MODEL.md states the engine's model defaults", "[docs]") {
  check_defaults(table_column(read_doc("MODEL.md"),
                              "## Parameters (`[model]` in scenario.ini, or "
                              "`model.KEY` paths)",
                              2));
}

TEST_CASE("SCENARIO_FORMAT.md states the engine's model defaults", "[docs]") {
  check_defaults(table_column(read_doc("SCENARIO_FORMAT.md"), "### [model]", 2));
}

TEST_CASE("the complete example of SCENARIO_FORMAT.md loads and keeps its temperature low",
          "[docs]") {
  const std::string doc = read_doc("SCENARIO_FORMAT.md");
  const auto files = example_files(doc);
  REQUIRE(files.size() == kScenarioFiles.size());
  const fs::path dir =
      fs::temp_directory_path() / ("parley-docs-example-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [name, body] : files) std::ofstream(dir / name, std::ios::binary) << body;
  Diagnostics diag;
  const auto sc = load_scenario(dir.string(), diag);
  std::ostringstream problems;
  diag.print(problems);
  fs::remove_all(dir);
  INFO(problems.str());
  REQUIRE(sc);
  CHECK(diag.problems().empty());

  // The page's advice: gains are "typically 0.005 to 0.03" and the temperature should stay "well
  // below the typical gain". Read as: a move losing the smallest typical gain is taken less than
  // 1% as often as passing (softmax weight e^(-0.005 / temperature) against passing's 1).
  REQUIRE(doc.find("typically 0.005 to 0.03") != std::string::npos);
  const Number& t = sc->model.values[static_cast<size_t>(ModelKey::temperature)];
  REQUIRE_FALSE(t.is_random());
  CHECK(t.a > 0.0);
  CHECK(std::exp(-0.005 / t.a) < 0.01);
  // Costs are in the same units as gains: none of the example's costs dwarfs every gain.
  for (const Move& m : sc->moves) {
    INFO("move " << m.id);
    CHECK(m.cost.mean() <= 0.03);
  }
}

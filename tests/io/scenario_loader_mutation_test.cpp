// Mutation test of the scenario loader: seeded random damage to the files of the two shipped
// scenarios (dropped, inserted or swapped characters, lines and cells, stray quotes, numbers out
// of range) must always end in one of two ways: a scenario that compiles and runs to finite
// metrics, or a list of problems, each naming a file of the folder and saying what was expected.
// Never a throw, a crash or a half-loaded scenario.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/run.hpp"
#include "tests/support/cli.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

/// Text fragments that loaders trip over: syntax of the format, bad numbers, stray bytes.
constexpr std::array<const char*, 30> kFragments = {
    ",",      ".",    "(",    ")",   "\"",     "#",      "-",   "0",    "9",     "e",
    "\n",     " ",    "=",    "U(",  "N(",     "T(",     "nan", "inf",  "1e308", "-1e308",
    "1e-320", " and", " or ", "not", "issue.", "model.", "\r",  "\xff", "+=",    "done."};

/// One random edit of `lines`.
void mutate(std::vector<std::string>& lines, Rng& rng) {
  if (lines.empty()) lines.emplace_back();
  const auto i = static_cast<std::size_t>(rng.below(lines.size()));
  std::string& l = lines[i];
  const auto pos = [&](std::size_t n) { return static_cast<std::size_t>(rng.below(n + 1)); };
  switch (rng.below(7)) {
    case 0:
      if (!l.empty()) l.erase(pos(l.size() - 1), 1);
      break;
    case 1:
      l.insert(pos(l.size()), kFragments[rng.below(kFragments.size())]);
      break;
    case 2:
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    case 3:
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), l);
      break;
    case 4: {  // replace one comma-separated cell
      std::vector<std::string> cells;
      std::string cell;
      std::istringstream in(l);
      while (std::getline(in, cell, ',')) cells.push_back(cell);
      if (cells.empty()) break;
      cells[rng.below(cells.size())] = kFragments[rng.below(kFragments.size())];
      std::string joined;
      for (std::size_t k = 0; k < cells.size(); ++k) joined += (k ? "," : "") + cells[k];
      l = joined;
      break;
    }
    case 5:
      std::swap(l, lines[rng.below(lines.size())]);
      break;
    default:
      l.resize(pos(l.size()));
      break;
  }
}

}  // namespace

TEST_CASE("damaged scenario files load cleanly or are reported, never half-loaded",
          "[loader][mutation]") {
  const std::string scenario = GENERATE(as<std::string>{}, "afghanistan-2025", "arctic-fisheries");
  const fs::path source = fs::path(PARLEY_SOURCE_DIR) / "scenarios" / scenario;
  const test::TempDir tmp;
  const fs::path dir = tmp.path() / scenario;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(source))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() == 7);

  int loaded = 0, rejected = 0;
  constexpr int kCases = 200;
  for (int c = 0; c < kCases; ++c) {
    Rng rng(20261201, static_cast<std::uint64_t>(c));
    fs::remove_all(dir);
    fs::copy(source, dir);
    const std::string& name = names[rng.below(names.size())];
    std::vector<std::string> lines = split_lines(test::read_file(dir / name));
    const auto edits = 1 + rng.below(3);
    for (std::uint64_t k = 0; k < edits; ++k) mutate(lines, rng);
    std::ofstream(dir / name, std::ios::binary | std::ios::trunc) << join_lines(lines);

    INFO(scenario << ", case " << c << ", " << name << ":\n" << join_lines(lines));
    Diagnostics d;
    const std::optional<Scenario> sc = load_scenario(dir.string(), d);
    REQUIRE(sc.has_value() == !d.has_errors());
    if (!sc) {
      ++rejected;
      for (const Problem& p : d.problems()) {
        INFO(format_problem(p));
        // load_scenario turns any exception into a problem "cannot load the scenario: ..." of
        // the folder: a throw must show up here, since it can never reach a REQUIRE_NOTHROW.
        CHECK(p.message.rfind("cannot load the scenario", 0) != 0);
        // Every problem names a file of the folder (or the folder) and says what was expected.
        CHECK(p.file.rfind(dir.string(), 0) == 0);
        std::string lower = p.message;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        CHECK(lower.find("expect") != std::string::npos);
      }
      continue;
    }
    ++loaded;
    // A scenario that loads must also run: one run of the baseline gives finite metrics or a
    // recorded failure, never a crash.
    const Rules rules = compile(*sc);
    const MetricCatalog catalog = metric_catalog(*sc);
    const Params p = sample_params(rules, 0, 7, 0);
    RunOutput out;
    REQUIRE_NOTHROW(simulate(rules, catalog, p, 7, 0, true, out));
    if (out.ok) {
      CHECK(std::all_of(out.final.begin(), out.final.end(),
                        [](double v) { return std::isfinite(v); }));
    } else {
      CHECK_FALSE(out.failure.empty());
    }
  }
  // Both outcomes must occur, or the mutations are too weak (or too strong) to test anything.
  CHECK(loaded > kCases / 20);
  CHECK(rejected > kCases / 2);
}

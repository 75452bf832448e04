#pragma once
// Result folders of the small test scenario, made by the parley binary, for the tests of the
// result-folder loader and the report.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli.hpp"

namespace parley::test {

/// The mini test scenario's folder, quoted for the shell.
inline std::string mini_scenario() {
  return quoted(std::filesystem::path(PARLEY_TEST_DATA) / "scenarios" / "mini");
}

/// Runs `parley COMMAND mini ARGS --out DIR -q` and requires success.
inline std::filesystem::path make_results(const std::filesystem::path& dir,
                                          const std::string& command, const std::string& args) {
  const CliResult r =
      run_parley(command + " " + mini_scenario() + " " + args + " -q --out " + quoted(dir));
  INFO(r.all());
  REQUIRE(r.status == 0);
  return dir;
}

/// A run folder of every option of the mini scenario (120 runs, 40 traced).
inline std::filesystem::path make_run(const std::filesystem::path& dir) {
  return make_results(dir, "run", "--runs 120 --option all --trace 40 --threads 2");
}
/// A comparison of every option of the mini scenario (150 paired runs).
inline std::filesystem::path make_compare(const std::filesystem::path& dir) {
  return make_results(dir, "compare", "--runs 150 --threads 2");
}
/// A Sobol' sweep of the mini scenario over two inputs (N = 32, so 128 samples of 8 runs).
inline std::filesystem::path make_sweep(const std::filesystem::path& dir) {
  return make_results(dir, "sweep",
                      "--vary model.settle_rate=0.05..0.5 --vary position.ALF.aid=20..80 "
                      "--design sobol --samples 32 --runs-per-sample 8 --threads 2");
}

/// The rows of a CSV file without quoted cells, header first, split at commas.
inline std::vector<std::vector<std::string>> csv_rows(const std::filesystem::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_file(file));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string c; std::getline(row, c, ',');) cells.push_back(c);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(std::move(cells));
  }
  return rows;
}

/// Writes `text` to `file`, replacing it.
inline void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

/// Replaces the first occurrence of `from` in `file` by `to`; requires that it occurs.
inline void edit_file(const std::filesystem::path& file, const std::string& from,
                      const std::string& to) {
  std::string text = read_file(file);
  const size_t at = text.find(from);
  INFO("looking for '" << from << "' in " << file);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  write_file(file, text);
}

}  // namespace parley::test

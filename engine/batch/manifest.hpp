#pragma once
/// \file
/// manifest.json, the last file a batch writes into its output folder: the batch's settings and
/// what a reader of the results needs of the scenario. Read back by engine/io/result_folder.hpp.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/result_records.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley {

/// What manifest.json records about a batch.
struct Manifest {
  std::string command;  ///< "run", "compare" or "sweep": which files the folder holds
  std::string scenario_name;
  std::string scenario_folder;
  std::uint64_t content_hash = 0;
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;   ///< runs per option (compare: paired runs; sweep: runs per sample)
  std::uint64_t trace = 0;  ///< run: runs whose events events.csv holds (--trace); else unused
  int threads = 1;          ///< threads per rank
  int ranks = 1;            ///< MPI ranks; written only when > 1
  std::vector<std::string> options;
  std::vector<std::string> overrides;  ///< --set arguments as given
  /// run and compare: the --given condition as written (empty: none; then not written).
  std::string given;
  std::string command_line;
  std::uint64_t failed = 0;
  ManifestSweep sweep;  ///< written only when command is "sweep"
  /// compare: each reported metric's min effect (in its unit) that its verdicts used.
  std::vector<std::pair<std::string, double>> min_effects;
  /// run: the file holding the explanation of the first traced run of each option
  /// ("explain.json"); empty (not written) when no run was traced.
  std::string explain;
};

/// manifest.json text: the batch's settings, then under "scenario_info" what a reader of the
/// results needs to know of the scenario (title, turns, actors, issues with their units, moves,
/// every option with its description), so that `parley report` needs only the folder. The
/// command line comes last. Stable: the same batch gives the same bytes.
[[nodiscard]] std::string manifest_json(const Manifest& m, const Scenario& scenario);

}  // namespace parley

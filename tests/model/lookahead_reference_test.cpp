#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/core/rng.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/lookahead_reference.hpp"

using namespace parley;

namespace {

using parley::test::reference_value;

// Compares score_moves() with the reference for every AI actor's available moves at every turn
// of `runs` runs of every option; returns how many scores were compared.
int compare_with_reference(const std::string& folder, int runs) {
  Diagnostics diag;
  const auto sc = load_scenario(folder, diag);
  REQUIRE(sc.has_value());
  const Rules rules = compile(*sc);
  int compared = 0;
  std::vector<double> scores;
  for (int option = 0; option < static_cast<int>(rules.options.size()); ++option)
    for (int run = 0; run < runs; ++run) {
      const Params p = sample_params(rules, option, 7, static_cast<std::uint64_t>(run));
      State s = initial_state(rules, p);
      REQUIRE(s.model[static_cast<size_t>(ModelKey::lookahead)] >= 0.5);
      Rng rng(7, static_cast<std::uint64_t>(run));
      for (int turn = 0; turn < rules.turns; ++turn) {
        for (int i = 0; i < rules.actors; ++i) {
          if (rules.control[static_cast<size_t>(i)] != Control::ai) continue;
          std::vector<std::int32_t> candidates;
          for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(i)])
            if (available(rules, p.option, m, s)) candidates.push_back(m);
          if (candidates.empty()) continue;
          score_moves(rules, p, s, i, candidates, scores);
          const double pass = reference_value(rules, p, s, i, -1);
          for (size_t c = 0; c < candidates.size(); ++c) {
            const double want =
                reference_value(rules, p, s, i, candidates[c]) - pass - s.cost[candidates[c]];
            INFO("option " << option << " run " << run << " turn " << s.turn << " actor " << i
                           << " move " << candidates[c]);
            REQUIRE(scores[c] == Approx(want).margin(1e-12));
            ++compared;
          }
        }
        s = step(rules, p, std::move(s), rng);
      }
    }
  return compared;
}

}  // namespace

TEST_CASE("lookahead scores equal the reference definition on the default scenario",
          "[model][lookahead]") {
  REQUIRE(compare_with_reference(std::string(PARLEY_SOURCE_DIR) + "/scenarios/afghanistan-2025",
                                 3) > 1000);
}

TEST_CASE("lookahead scores equal the reference definition on the Arctic scenario",
          "[model][lookahead]") {
  REQUIRE(compare_with_reference(std::string(PARLEY_SOURCE_DIR) + "/scenarios/arctic-fisheries",
                                 3) > 500);
}

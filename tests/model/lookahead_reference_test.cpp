#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/core/rng.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"

using namespace parley;

namespace {

// Move scoring with lookahead, written the slow and obvious way on whole States, from the
// definition in docs/MODEL.md. score_moves() caches, shares and skips work in many ways; every
// one of them must give the scores this gives.

// `s` as seen from the next turn with `m` made in the current one.
void make(const Rules& rules, const Params& p, const State& now, std::int32_t m, State& s) {
  apply_effects(rules, p, m, s);
  s.last_turn[m] = now.turn;
  s.count[m] += 1;
}

// Actor k's best reply next turn in `next`: the first of its available moves with the highest
// gain above 0 (utility change minus cost); -1 = pass.
std::int32_t reference_reply(const Rules& rules, const Params& p, const State& now,
                             const State& next, int k) {
  const double u0 = utility(next, k);
  double best = 0.0;
  std::int32_t pick = -1;
  for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(k)]) {
    if (!available(rules, p.option, m, next)) continue;
    State after = next;
    make(rules, p, now, m, after);
    const double gain = utility(after, k) - u0 - next.cost[m];
    if (gain > best) {
      best = gain;
      pick = m;
    }
  }
  return pick;
}

// Value to actor i of making `move` now (-1 = pass): its utility after the move and the other
// AI actors' best replies to it, plus each timeline row of the next turn that the moves make
// true, weighted by its probability.
double reference_value(const Rules& rules, const Params& p, const State& now, int i,
                       std::int32_t move) {
  State base = now;
  base.turn += 1;
  State next = base;
  if (move >= 0) make(rules, p, now, move, next);
  std::vector<std::int32_t> replies;
  for (int k = 0; k < rules.actors; ++k)
    if (k != i && rules.control[static_cast<size_t>(k)] == Control::ai)
      replies.push_back(reference_reply(rules, p, now, next, k));
  for (const std::int32_t r : replies)
    if (r >= 0) make(rules, p, now, r, next);
  const double u = utility(next, i);
  double value = u;
  const OptionRules& opt = rules.options[static_cast<size_t>(p.option)];
  for (size_t r = 0; r < rules.timeline.size(); ++r) {
    const RuleTimeline& row = rules.timeline[r];
    if (!opt.timeline_active[r] || next.turn < row.first_turn || next.turn > row.last_turn)
      continue;
    if (!holds(row.when, next) || holds(row.when, base)) continue;
    if (!holds(rules.move_rules[static_cast<size_t>(row.move)].requirement, next)) continue;
    State after = next;
    make(rules, p, now, row.move, after);
    value += p.values[static_cast<size_t>(row.probability)] * (utility(after, i) - u);
  }
  return value;
}

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

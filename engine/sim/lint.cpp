#include "engine/sim/lint.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"

namespace parley {

namespace {

// True when some timeline row's condition reads a slot the move writes, or reads done/last of it:
// then under lookahead the move can pay off through the reply it triggers.
bool linked(const Rules& rules, std::int32_t m) {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
  for (const RuleTimeline& row : rules.timeline) {
    for (const Slot& read : row.when.reads()) {
      if ((read.kind == SlotKind::done || read.kind == SlotKind::last) && read.a == m) return true;
      for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e)
        if (rules.effects[static_cast<size_t>(e)].target == read) return true;
    }
  }
  return false;
}

std::string brief(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

void lint(const Scenario& sc, const Rules& rules, Diagnostics& diag) {
  // Every number at its mean: a typical run, free of any seed.
  Params p;
  p.option = 0;
  for (const Number& n : rules.numbers) p.values.push_back(n.mean());
  const State s = initial_state(rules, p);
  const std::string moves_file = sc.folder + "/moves.csv";

  for (std::int32_t m = 0; m < rules.moves; ++m) {
    const Move& mv = sc.moves[static_cast<size_t>(m)];
    const bool in_timeline = std::any_of(rules.timeline.begin(), rules.timeline.end(),
                                         [&](const RuleTimeline& r) { return r.move == m; });
    const Control control = rules.control[static_cast<size_t>(mv.actor)];
    if (control != Control::ai) {
      if (!in_timeline)
        diag.warning(moves_file, mv.source.line, 1,
                     "move '" + mv.id + "' belongs to a " +
                         (control == Control::script ? "script" : "human") +
                         "-controlled actor but no timeline row makes it, so it never happens in "
                         "a batch; add a timeline row or make the actor 'ai'");
      continue;
    }
    // Scripted moves of AI actors happen through the timeline whatever they are worth, and a
    // move that is not yet available cannot be judged at the initial state.
    if (in_timeline || !holds(rules.move_rules[static_cast<size_t>(m)].requirement, s)) continue;
    std::vector<double> score;
    score_moves(rules, p, s, mv.actor, {m}, score);
    if (score[0] <= 0.0 && !linked(rules, m)) {
      diag.warning(moves_file, mv.source.line, 1,
                   "no AI actor could gain from move '" + mv.id +
                       "': at the initial state its "
                       "net gain for " +
                       sc.actors[static_cast<size_t>(mv.actor)].id +
                       " (utility "
                       "gain minus cost " +
                       brief(s.cost[m]) + ") is " + brief(score[0]) +
                       " and no timeline condition reacts to it; lower its cost (gains are small: "
                       "10 points on one issue are worth about 0.1 x salience / sum of saliences) "
                       "or link it to a reply");
    }
  }
  const std::string timeline_file = sc.folder + "/timeline.csv";
  for (const TimelineRow& row : sc.timeline)
    if (row.first_turn > sc.turns)
      diag.warning(
          timeline_file, row.source.line, 1,
          "this row starts after the last turn (" + std::to_string(sc.turns) + ") and never fires");
}

}  // namespace parley

#pragma once
/// \file
/// The explanation of a run (engine/sim/explain.hpp) as text files: CSV, one row per (option,
/// turn, actor, candidate), and JSON, the whole explanation for pages to show. Numbers are
/// written in full (shortest text that reads back to the same double), so the files hold the
/// exact values that decided the run.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/scenario/scenario.hpp"
#include "engine/sim/explain.hpp"

namespace parley {

/// The header of explain's CSV (with a newline): option,run,seed,turn,actor,move,available,
/// blocked,utility,value,pass_value,cost,score,probability,chosen,replies,rows.
[[nodiscard]] std::string explanation_csv_header();

/// The CSV rows of `e` (no header): per turn and explained actor, one row for passing (move
/// "(pass)") then one per move of the actor in moves.csv order. Numbers of unavailable moves are
/// left empty. replies: "ACTOR:MOVE" (or "ACTOR:pass") space-separated; rows: "line N MOVE p=P
/// gain=G" joined by "; ".
[[nodiscard]] std::string explanation_csv_rows(const Explanation& e);

/// The JSON form of `explanations`: an array with, per explanation, scenario, option,
/// bargaining, seed, run, turns; "explained" with each explained turn's timeline, choices (pass
/// and every move) and bargaining; "events" (every move of the run: turn, actor, move and
/// "timeline"/"ai"); "final_status_quo" by issue id. `scenario` gives the ids (see
/// docs/EXPLAIN.md). Stable: the same explanations give the same bytes.
[[nodiscard]] std::string explanation_json(const Scenario& scenario,
                                           const std::vector<Explanation>& explanations);

/// One AI actor's choice as explanation_json writes it (an element of a turn's "choices"):
/// actor, temperature, lookahead, choice (null = passed), pass (utility, value, probability,
/// replies, rows) and moves (every move of the actor: available with its numbers, or blocked
/// with why); plus "seated": true when a person held the seat (the choice is then the AI's, not
/// played). For pages that show explain's table next to other data (the classroom debrief).
[[nodiscard]] nlohmann::ordered_json explained_choice_json(const ExplainedChoice& choice);

/// A choice of explain's JSON (explained_choice_json, or one read back from explain.json) as
/// pages carry it, lighter and with the same numbers: without the `utility` fields, and with a
/// move's `replies` only where they differ from the replies to passing (each other actor's reply
/// to passing is in `pass.replies`). The classroom debrief and the report carry this form.
[[nodiscard]] nlohmann::ordered_json page_choice_json(nlohmann::ordered_json choice);

/// The shortest text that reads back as `v` (locale-independent); "" for a non-finite value.
[[nodiscard]] std::string exact_number(double v);

}  // namespace parley

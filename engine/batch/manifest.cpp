#include "engine/batch/manifest.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/scenario/info.hpp"

namespace parley {

std::string manifest_json(const Manifest& m, const Scenario& sc) {
  char hash[20];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(m.content_hash));
  // Insertion order is the file's order, so the file reads top-down as the batch was set up.
  nlohmann::ordered_json j;
  j["parley_version"] = PARLEY_VERSION;
  j["command"] = m.command;
  j["scenario"] = m.scenario_name;
  j["scenario_folder"] = m.scenario_folder;
  j["scenario_hash"] = hash;
  j["seed"] = m.seed;
  j["runs"] = m.runs;
  if (m.command == "run") j["trace"] = std::min(m.trace, m.runs);
  j["threads"] = m.threads;
  if (m.ranks > 1) j["ranks"] = m.ranks;
  j["options"] = m.options;
  j["overrides"] = m.overrides;
  if (!m.given.empty()) j["given"] = m.given;
  if (m.command == "run" && !m.explain.empty()) j["explain"] = m.explain;
  j["failed_runs"] = m.failed;
  if (m.command == "compare" && !m.min_effects.empty()) {
    nlohmann::ordered_json me = nlohmann::ordered_json::object();
    for (const auto& [name, size] : m.min_effects) me[name] = size;
    j["min_effects"] = std::move(me);
  }
  if (m.command == "sweep") {
    nlohmann::ordered_json sw;
    sw["design"] = m.sweep.design;
    sw["samples"] = m.sweep.samples;
    if (m.sweep.base_rows > 0) sw["base_rows"] = m.sweep.base_rows;
    sw["vary"] = nlohmann::ordered_json::array();
    for (const ManifestVary& v : m.sweep.vary) {
      nlohmann::ordered_json e;
      e["path"] = v.path;
      e["low"] = v.lo;
      e["high"] = v.hi;
      if (v.steps > 0) e["steps"] = v.steps;
      sw["vary"].push_back(std::move(e));
    }
    sw["metrics"] = m.sweep.metrics;
    j["sweep"] = std::move(sw);
  }
  const ScenarioInfo si = describe(sc);
  nlohmann::ordered_json info;
  info["title"] = si.title;
  info["start"] = si.start;
  info["turn"] = si.turn_label;
  info["turns"] = si.turns;
  info["actors"] = nlohmann::ordered_json::array();
  for (const InfoActor& a : si.actors) info["actors"].push_back({{"id", a.id}, {"name", a.name}});
  info["issues"] = nlohmann::ordered_json::array();
  for (const InfoIssue& is : si.issues) {
    nlohmann::ordered_json e;
    e["id"] = is.id;
    e["name"] = is.name;
    e["low"] = is.low;
    e["high"] = is.high;
    if (!is.unit.empty()) {
      e["unit"] = is.unit;
      e["unit_low"] = is.unit_low;
      e["unit_high"] = is.unit_high;
    }
    info["issues"].push_back(std::move(e));
  }
  info["moves"] = nlohmann::ordered_json::array();
  for (const InfoMove& mv : si.moves)
    info["moves"].push_back(
        {{"id", mv.id}, {"actor", mv.actor}, {"name", mv.name}, {"headline", mv.headline}});
  info["options"] = nlohmann::ordered_json::array();
  for (const InfoOption& o : si.options) {
    nlohmann::ordered_json e{{"name", o.name}, {"description", o.description}};
    if (o.from > 0) e["from"] = o.from;  // written only for an option that starts later
    info["options"].push_back(std::move(e));
  }
  j["scenario_info"] = std::move(info);
  j["command_line"] = m.command_line;
  // Invalid UTF-8 in a scenario's text is replaced rather than failing the batch at its end.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace parley

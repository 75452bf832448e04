#include "engine/scenario/info.hpp"

#include <cstdio>

namespace parley {

namespace {

template <class T>
int index_of(const std::vector<T>& items, std::string_view id,
             const std::string T::*field) noexcept {
  for (size_t k = 0; k < items.size(); ++k)
    if (items[k].*field == id) return static_cast<int>(k);
  return -1;
}

}  // namespace

int ScenarioInfo::actor_index(std::string_view id) const noexcept {
  return index_of(actors, id, &InfoActor::id);
}
int ScenarioInfo::issue_index(std::string_view id) const noexcept {
  return index_of(issues, id, &InfoIssue::id);
}
int ScenarioInfo::move_index(std::string_view id) const noexcept {
  return index_of(moves, id, &InfoMove::id);
}
int ScenarioInfo::option_index(std::string_view name) const noexcept {
  return index_of(options, name, &InfoOption::name);
}

ScenarioInfo describe(const Scenario& sc) {
  ScenarioInfo info;
  info.title = sc.title;
  info.start = sc.start;
  info.turn_label = sc.turn_label;
  info.turns = sc.turns;
  for (const Actor& a : sc.actors) info.actors.push_back({a.id, a.name});
  for (const Issue& is : sc.issues) {
    InfoIssue e{is.id, is.name, is.low, is.high, is.unit, 0.0, 100.0};
    if (!is.unit.empty()) {
      e.unit_low = is.unit_low;
      e.unit_high = is.unit_high;
    }
    info.issues.push_back(std::move(e));
  }
  for (const Move& m : sc.moves)
    info.moves.push_back({m.id, sc.actors[static_cast<size_t>(m.actor)].id, m.name, m.headline});
  for (const Option& o : sc.options) info.options.push_back({o.name, o.description, o.from});
  return info;
}

std::vector<std::string> turn_labels(const ScenarioInfo& info) {
  std::vector<std::string> out;
  int year = 0, month = 0;
  const std::string& s = info.start;
  const bool monthly = info.turn_label == "month" && s.size() == 7 && s[4] == '-' &&
                       std::sscanf(s.c_str(), "%4d-%2d", &year, &month) == 2 && month >= 1 &&
                       month <= 12;
  for (int t = 0; t <= info.turns; ++t) {
    if (!monthly) {
      out.push_back(std::to_string(t));
      continue;
    }
    const int m = (month - 1 + t) % 12 + 1;
    const int y = year + (month - 1 + t) / 12;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    out.emplace_back(buf);
  }
  return out;
}

}  // namespace parley

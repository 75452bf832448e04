#include "engine/scenario/scenario.hpp"

#include <algorithm>

namespace parley {

namespace {

constexpr std::array<std::string_view, 7> kBargainingNames{"compromise", "median", "nbs",  "eum",
                                                           "smp",        "blend",  "split"};

}  // namespace

std::array<Number, kModelKeys> default_model_values() {
  std::array<Number, kModelKeys> v{};
  v[static_cast<int>(ModelKey::temperature)] = Number::constant(0.001);
  v[static_cast<int>(ModelKey::influence_rate)] = Number::constant(0.10);
  v[static_cast<int>(ModelKey::settle_rate)] = Number::constant(0.20);
  v[static_cast<int>(ModelKey::lookahead)] = Number::constant(1.0);
  v[static_cast<int>(ModelKey::rounds)] = Number::constant(10.0);
  v[static_cast<int>(ModelKey::eum_q)] = Number::constant(1.0);
  v[static_cast<int>(ModelKey::settle_tolerance)] = Number::constant(0.5);
  for (int k = 0; k < kModelKeys; ++k) {
    const Range r = model_key_range(static_cast<ModelKey>(k));
    v[static_cast<std::size_t>(k)].lo = r.lo;
    v[static_cast<std::size_t>(k)].hi = r.hi;
  }
  return v;
}

IdTables Scenario::ids() const {
  IdTables t;
  t.actors.reserve(actors.size());
  for (const auto& a : actors) t.actors.push_back(a.id);
  t.issues.reserve(issues.size());
  for (const auto& i : issues) t.issues.push_back(i.id);
  t.moves.reserve(moves.size());
  for (const auto& m : moves) t.moves.push_back(m.id);
  return t;
}

int Scenario::option_index(std::string_view option_name) const {
  const auto it = std::find_if(options.begin(), options.end(),
                               [&](const Option& o) { return o.name == option_name; });
  return it == options.end() ? -1 : static_cast<int>(it - options.begin());
}

std::string_view bargaining_name(BargainingModel m) noexcept {
  const auto i = static_cast<std::size_t>(m);
  return i < kBargainingNames.size() ? kBargainingNames[i] : std::string_view("?");
}

std::optional<BargainingModel> parse_bargaining(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kBargainingNames.size(); ++i)
    if (kBargainingNames[i] == name) return static_cast<BargainingModel>(i);
  return std::nullopt;
}

}  // namespace parley

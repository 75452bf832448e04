#include "engine/batch/option_stats.hpp"

#include <algorithm>
#include <cassert>

namespace parley {

OptionStats make_option_stats(const MetricCatalog& catalog, int turns) {
  OptionStats s;
  for (const MetricInfo& m : catalog.final) s.final.emplace_back(m.lo, m.hi, m.integer, 1000);
  s.per_turn.reserve(static_cast<size_t>(turns + 1) * catalog.per_turn.size());
  for (int t = 0; t <= turns; ++t)
    for (const MetricInfo& m : catalog.per_turn)
      s.per_turn.emplace_back(m.lo, m.hi, m.integer, 250);
  return s;
}

void merge_option_stats(OptionStats& into, const OptionStats& from) noexcept {
  for (size_t k = 0; k < into.final.size() && k < from.final.size(); ++k)
    into.final[k].merge(from.final[k]);
  for (size_t k = 0; k < into.per_turn.size() && k < from.per_turn.size(); ++k)
    into.per_turn[k].merge(from.per_turn[k]);
}

BlockValues::BlockValues(std::size_t finals, std::size_t per_turn, std::size_t capacity)
    : finals_(finals),
      width_(finals + per_turn),
      capacity_(std::max<std::size_t>(1, capacity)),
      values_(capacity_ * width_) {}

void BlockValues::push(const RunOutput& out) {
  assert(runs_ < capacity_);
  assert(out.final.size() == finals_);
  assert(static_cast<std::size_t>(out.trajectory.size()) == width_ - finals_);
  // Two contiguous copies: the trajectory is row-major, turn after turn, as per_turn is indexed.
  double* row = values_.data() + runs_ * width_;
  std::copy(out.final.begin(), out.final.end(), row);
  std::copy_n(out.trajectory.data(), width_ - finals_, row + finals_);
  ++runs_;
}

void BlockValues::add_to(OptionStats& into) {
  if (runs_ == 0) return;
  // Metric by metric down the rows: consecutive metrics share the cache lines of the rows, and
  // each histogram takes the whole block's values at once.
  const double* column = values_.data();
  for (MetricStats& m : into.final) m.add_values(column++, runs_, width_);
  for (MetricStats& m : into.per_turn) m.add_values(column++, runs_, width_);
  runs_ = 0;
}

}  // namespace parley

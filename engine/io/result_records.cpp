#include "engine/io/result_records.hpp"

#include <cmath>

namespace parley {

double default_min_effect(MetricKind kind, double unit_per_point) noexcept {
  switch (kind) {
    case MetricKind::issue:
      return 1.0;
    case MetricKind::issue_value:
      return std::abs(unit_per_point);
    case MetricKind::utility:
    case MetricKind::utility_mean:
      return 0.01;
    case MetricKind::recognized:
    case MetricKind::moves:
      return 0.1;
    case MetricKind::settled:
      return 1.0;
  }
  return 0.0;
}

}  // namespace parley

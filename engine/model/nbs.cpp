/// \file
/// Asymmetric Nash Bargaining Solution in one dimension, solved by bisection on the one-sided
/// derivatives of its (concave) log objective.

#include "engine/model/nbs.hpp"

#include <algorithm>
#include <cmath>

namespace parley {
namespace {

/// The problem after weights and disagreement points are fixed.
struct Problem {
  const Eigen::Ref<const Eigen::VectorXd>& x;
  const Eigen::Ref<const Eigen::VectorXd>& s;
  const Eigen::Ref<const Eigen::VectorXd>& w;
  double lo;
  double hi;
  std::optional<double> status_quo;
  bool unweighted;

  [[nodiscard]] double weight(Eigen::Index i) const { return unweighted ? 1.0 : w[i] * s[i]; }
  /// |d_i - x_i|: how far actor i's disagreement point is from its ideal.
  [[nodiscard]] double reach(Eigen::Index i) const {
    if (status_quo) return std::abs(*status_quo - x[i]);
    return std::max(x[i] - lo, hi - x[i]);
  }
};

/// Right (right = true) or left derivative of F(z) = sum a_i log(reach_i - |z - x_i|).
/// d/dz log(R - |z - x|) = sign(x - z) / (R - |z - x|); at z = x the right derivative uses
/// sign -1 and the left derivative +1. Returns +inf/-inf when a gain is 0 at z, which cannot be
/// the maximiser (the log is -inf there) and so always points the bisection inwards.
double one_sided_derivative(const Problem& p, double z, bool right) {
  double d = 0.0;
  for (Eigen::Index i = 0; i < p.x.size(); ++i) {
    const double a = p.weight(i);
    if (a <= 0.0) continue;
    const double gain = p.reach(i) - std::abs(z - p.x[i]);
    double dir;
    if (p.x[i] > z) {
      dir = 1.0;
    } else if (p.x[i] < z) {
      dir = -1.0;
    } else {
      dir = right ? -1.0 : 1.0;
    }
    if (gain <= 0.0) return dir > 0.0 ? HUGE_VAL : -HUGE_VAL;
    d += a * dir / gain;
  }
  return d;
}

}  // namespace

NbsResult nbs_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                 const Eigen::Ref<const Eigen::VectorXd>& s,
                 const Eigen::Ref<const Eigen::VectorXd>& w, double lo, double hi,
                 std::optional<double> status_quo) {
  NbsResult result;
  const Eigen::Index n = x.size();
  if (n == 0) {
    result.outcome = status_quo.value_or(0.5 * (lo + hi));
    return result;
  }
  bool any_weight = false;
  for (Eigen::Index i = 0; i < n; ++i) any_weight = any_weight || w[i] * s[i] > 0.0;
  result.unweighted_fallback = !any_weight;
  const Problem p{x, s, w, lo, hi, status_quo, !any_weight};

  // The set where every weighted actor gains: the intersection of the open intervals
  // (x_i - reach_i, x_i + reach_i), clipped to the scale.
  double a = lo;
  double b = hi;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (p.weight(i) <= 0.0) continue;
    a = std::max(a, x[i] - p.reach(i));
    b = std::min(b, x[i] + p.reach(i));
  }
  if (!(a < b)) {
    // Empty (or a single point): no agreement beats disagreement for everyone.
    result.outcome = status_quo.value_or(0.5 * (a + b));
    result.at_status_quo = status_quo.has_value();
    return result;
  }

  // F is concave on (a, b) (a sum of logs of positive concave functions), so its
  // superdifferential is monotone: move right while the right derivative is positive, left while
  // the left derivative is negative; a point where neither holds is the maximiser.
  const double tolerance = 1e-12 * (hi - lo);
  for (int iter = 0; iter < 200 && b - a > tolerance; ++iter) {
    const double mid = 0.5 * (a + b);
    if (one_sided_derivative(p, mid, true) > 0.0) {
      a = mid;
    } else if (one_sided_derivative(p, mid, false) < 0.0) {
      b = mid;
    } else {
      a = b = mid;  // 0 is in the superdifferential: mid is optimal (typically a kink)
    }
  }
  result.outcome = 0.5 * (a + b);
  return result;
}

}  // namespace parley

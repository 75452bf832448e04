#pragma once
/// \file
/// The asymmetric Nash Bargaining Solution (NBS) on one issue dimension. See docs/BARGAINING.md.

#include <Eigen/Core>
#include <optional>

namespace parley {

/// Result of one NBS problem.
struct NbsResult {
  double outcome = 0.0;  ///< the maximiser, on the input scale
  /// True when all weights w_i s_i were 0 and every actor got weight 1.
  bool unweighted_fallback = false;
  /// True when no point gives every weighted actor a positive gain over the status quo, so the
  /// solution is the status quo itself (only possible with `status_quo` given).
  bool at_status_quo = false;
};

/// Asymmetric NBS: the x in [lo, hi] that maximises sum_i a_i log(g_i(x)), a_i = w_i s_i, with
/// linear utility u_i(x) = -|x - x_i| and gain g_i(x) = u_i(x) - u_i(d_i) over the disagreement
/// point d_i.
///
/// - `status_quo` given: d_i = status_quo for every actor (the textbook NBS). When the actors with
///   a_i > 0 are not all on one side of it no point is better for all of them; the result is the
///   status quo (at_status_quo = true).
/// - `status_quo` empty: d_i is actor i's worst point of the scale (lo or hi, whichever is
///   farther), i.e. disagreement is the worst that can happen to it. Every interior point then
///   gives a positive gain to all, and the objective is strictly concave in x.
///
/// Actors with a_i = 0 do not enter the product. When all a_i are 0 every actor gets weight 1
/// (unweighted_fallback). Solver: bisection on the one-sided derivatives of the concave objective
/// (exact at kinks), 200 halvings or an interval below 1e-12 * (hi - lo): the result is within
/// 1e-9 of the true maximiser for any scale up to 1e3 wide. Preconditions: hi > lo, equal
/// sizes, finite values, positions in [lo, hi], w_i s_i >= 0. No allocation.
[[nodiscard]] NbsResult nbs_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                               const Eigen::Ref<const Eigen::VectorXd>& s,
                               const Eigen::Ref<const Eigen::VectorXd>& w, double lo, double hi,
                               std::optional<double> status_quo = std::nullopt);

}  // namespace parley

#pragma once
/// \file
/// Bargaining models: given actors' positions, saliences and weights on one or more issue
/// dimensions, forecast the outcome. Used by the turn's bargaining phase (one call per turn on
/// the negotiable issues) and by `parley forecast`. Pure functions: no I/O, no globals.

#include <Eigen/Core>
#include <string>
#include <vector>

#include "engine/scenario/scenario.hpp"

namespace parley {

/// The actor table of one bargaining problem. Rows are actors, columns are dimensions.
struct BargainingInput {
  Eigen::MatrixXd position;    ///< actors x dims, on [scale_lo, scale_hi]
  Eigen::MatrixXd salience;    ///< actors x dims, 0-1
  Eigen::VectorXd capability;  ///< actors, >= 0 (actor-level power/influence/resources)
  /// actors x dims multiplier of capability per dimension (>= 0). Empty means all 1.
  /// The weight of actor i on dim j is capability(i) * power(i, j).
  Eigen::MatrixXd power;
  double scale_lo = 0.0;    ///< lower end of the position scale
  double scale_hi = 100.0;  ///< upper end of the position scale (> scale_lo)
  /// dims: the status quo (the policy that stands if bargaining fails) on the input scale, one
  /// value per dimension; empty = none given. Used by nbs as every actor's disagreement point
  /// (see nbs_1d); the other models ignore it. When empty, nbs uses each actor's worst end of the
  /// scale instead.
  Eigen::VectorXd status_quo;
};

/// Settings of the iterative models; ignored by the one-shot ones.
struct BargainingSettings {
  /// >= 1: rounds of eum (and of blend's eum part); smp's maximum number of iterations (its
  /// stopping rule usually ends it earlier). Use default_rounds(model) for each model's own
  /// default; 10 truncates smp runs that KTAB would carry on (KTAB's maximum is 100).
  int rounds = 10;
  double eum_q = 1.0;           ///< EUM: probability Q that the status quo holds unchallenged (0-1)
  bool record_history = false;  ///< fill BargainingResult::history
};

/// The forecast of one bargaining problem.
struct BargainingResult {
  Eigen::VectorXd outcome;  ///< dims, on the input scale
  /// Per dim: true when all weights (capability x power x salience) were 0 and the model fell
  /// back to its unweighted form.
  std::vector<bool> unweighted_fallback;
  /// Round-by-round positions (actors x dims), [0] = input positions; empty unless
  /// settings.record_history.
  std::vector<Eigen::MatrixXd> history;
};

/// The number of rounds `model` runs by default (`parley forecast` without `--rounds`): 10 for
/// eum and blend (Bueno de Mesquita's and Scholz et al.'s horizon), 100 for smp (KTAB's maximum
/// iterations; KTAB's stopping rule ends its runs earlier, e.g. 27 on SOE-Pol-Comp), 1 for the
/// one-shot models (compromise, median, nbs, split), which ignore it.
[[nodiscard]] int default_rounds(BargainingModel model) noexcept;

/// Runs model `model` on `input`. Preconditions: matching shapes, finite values. A dim on
/// which nobody cares (see hold_uncared_dims) does not move, whatever the model.
[[nodiscard]] BargainingResult bargain(BargainingModel model, const BargainingInput& input,
                                       const BargainingSettings& settings);

/// True when no actor has a positive salience on dim `j` of `input`: nobody cares about it.
[[nodiscard]] bool nobody_cares(const BargainingInput& input, Eigen::Index j) noexcept;

/// The rule of every model (bargain() and each model's own entry point apply it): on a dim
/// where nobody cares nobody bargains, so the dim stays where it stands. Its outcome is set to
/// input.status_quo[j] when a status quo is given, else to NaN (no forecast: the input does not
/// say where the dim stands), and its unweighted_fallback entry to false. Other dims are left
/// as they are. The 1-D kernels (compromise_1d, median_1d, nbs_1d, eum_1d) do not apply it:
/// they fall back to their unweighted forms when all weights are 0.
void hold_uncared_dims(const BargainingInput& input, BargainingResult& result);

// One-dimensional kernels, also used directly by the turn's hot loop. Each takes one column.

/// sum_i w_i s_i x_i / sum_i w_i s_i; unweighted mean when the weights sum to 0.
[[nodiscard]] double compromise_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                                   const Eigen::Ref<const Eigen::VectorXd>& s,
                                   const Eigen::Ref<const Eigen::VectorXd>& w);

/// compromise_1d on one issue column of a State, with the weights w_i = capability_i x power_i
/// formed as it goes: positions x, saliences s, capabilities and issue powers of n >= 0 actors
/// (n values each). The same value as compromise_1d(x, s, capability .* power), bit for bit,
/// without building the weights.
[[nodiscard]] double compromise_1d(const double* x, const double* s, const double* capability,
                                   const double* power, Eigen::Index n);

/// sum_i a_i x_i / sum_i a_i with a_i = w_i^capability_exponent * s_i^salience_exponent (exponents
/// >= 0; 1 and 1 give compromise_1d, 0 and 0 the plain mean; 0^0 counts as 1). Unweighted mean
/// when the a_i sum to 0. Used by the cross-validated candidates of `parley forecast --cv`.
[[nodiscard]] double compromise_power_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                                         const Eigen::Ref<const Eigen::VectorXd>& s,
                                         const Eigen::Ref<const Eigen::VectorXd>& w,
                                         double capability_exponent, double salience_exponent);

/// Weighted median of x with weights w_i s_i (lower weighted median, documented in MODEL.md);
/// unweighted median when the weights sum to 0.
[[nodiscard]] double median_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                               const Eigen::Ref<const Eigen::VectorXd>& s,
                               const Eigen::Ref<const Eigen::VectorXd>& w);

}  // namespace parley

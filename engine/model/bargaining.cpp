/// \file
/// The bargaining dispatcher and the one-shot kernels (compromise, median). NBS, EUM and SMP live
/// in their own files. See docs/BARGAINING.md for the equations.

#include "engine/model/bargaining.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "engine/model/blend.hpp"
#include "engine/model/eum.hpp"
#include "engine/model/nbs.hpp"
#include "engine/model/smp.hpp"
#include "engine/model/split.hpp"

namespace parley {

namespace {

// sum_i w_i s_i x_i / sum_i w_i s_i with w_i = weight(i), in one pass and without temporaries
// (this runs once per issue per turn in the hot loop); the plain mean of x when the products
// sum to 0. `s` holds x.size() saliences.
template <class Weight>
double compromise_of(const Eigen::Ref<const Eigen::VectorXd>& x, const double* s, Weight weight) {
  const Eigen::Index n = x.size();
  if (n == 0) return 0.0;
  double num = 0.0;
  double den = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double ws = weight(i) * s[i];
    num += ws * x[i];
    den += ws;
  }
  if (den > 0.0) return num / den;
  // All weights 0: nobody pulls harder than anybody else, so every actor counts the same.
  return x.mean();
}

}  // namespace

double compromise_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                     const Eigen::Ref<const Eigen::VectorXd>& s,
                     const Eigen::Ref<const Eigen::VectorXd>& w) {
  return compromise_of(x, s.data(), [&w](Eigen::Index i) { return w[i]; });
}

double compromise_1d(const double* x, const double* s, const double* capability,
                     const double* power, Eigen::Index n) {
  return compromise_of(Eigen::Map<const Eigen::VectorXd>(x, n), s,
                       [capability, power](Eigen::Index i) { return capability[i] * power[i]; });
}

double compromise_power_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                           const Eigen::Ref<const Eigen::VectorXd>& s,
                           const Eigen::Ref<const Eigen::VectorXd>& w, double capability_exponent,
                           double salience_exponent) {
  const Eigen::Index n = x.size();
  if (n == 0) return 0.0;
  double num = 0.0;
  double den = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    // 0^0 = 1 in std::pow, so an exponent of 0 ignores that factor even where it is 0.
    const double weight = std::pow(w[i], capability_exponent) * std::pow(s[i], salience_exponent);
    num += weight * x[i];
    den += weight;
  }
  if (den > 0.0) return num / den;
  return x.mean();
}

namespace {

/// Lower weighted median of (value, weight) pairs, sorted in place by value. Weights >= 0 with a
/// positive sum. The lower median is the smallest value whose cumulative weight reaches half the
/// total: it is always one of the values (an actor's position), as in Black's median voter.
double lower_weighted_median(std::vector<std::pair<double, double>>& vw, double total) {
  std::sort(vw.begin(), vw.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const double half = 0.5 * total;
  double cum = 0.0;
  for (const auto& [value, weight] : vw) {
    cum += weight;
    if (cum >= half) return value;
  }
  return vw.back().first;  // only reachable through rounding of `cum`
}

}  // namespace

double median_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                 const Eigen::Ref<const Eigen::VectorXd>& s,
                 const Eigen::Ref<const Eigen::VectorXd>& w) {
  const Eigen::Index n = x.size();
  if (n == 0) return 0.0;
  // A per-thread scratch buffer: after the first call of a thread no call allocates, and runs on
  // several threads never share it.
  thread_local std::vector<std::pair<double, double>> scratch;
  scratch.resize(static_cast<std::size_t>(n));
  double total = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double weight = w[i] * s[i];
    scratch[static_cast<std::size_t>(i)] = {x[i], weight};
    total += weight;
  }
  if (!(total > 0.0)) {
    // All weights 0: the plain (lower) median of the positions.
    for (auto& p : scratch) p.second = 1.0;
    total = static_cast<double>(n);
  }
  return lower_weighted_median(scratch, total);
}

namespace {

/// Weights of dim j: capability x power (power empty = 1).
Eigen::VectorXd dim_weights(const BargainingInput& in, Eigen::Index j) {
  if (in.power.size() == 0) return in.capability;
  return in.capability.cwiseProduct(in.power.col(j));
}

/// True when no actor has a positive weight x salience on dim j.
bool all_weights_zero(const Eigen::VectorXd& w, const Eigen::Ref<const Eigen::VectorXd>& s) {
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    if (w[i] * s[i] > 0.0) return false;
  }
  return true;
}

}  // namespace

bool nobody_cares(const BargainingInput& input, Eigen::Index j) noexcept {
  for (Eigen::Index i = 0; i < input.salience.rows(); ++i)
    if (input.salience(i, j) > 0.0) return false;
  return true;
}

void hold_uncared_dims(const BargainingInput& input, BargainingResult& result) {
  for (Eigen::Index j = 0; j < input.salience.cols() && j < result.outcome.size(); ++j) {
    if (!nobody_cares(input, j)) continue;
    // No actor cares, so nobody bargains and the dim stays where it stands: the status quo.
    // Without one there is nothing to forecast (an unweighted mean would invent a move).
    result.outcome[j] = input.status_quo.size() > j ? input.status_quo[j]
                                                    : std::numeric_limits<double>::quiet_NaN();
    if (static_cast<std::size_t>(j) < result.unweighted_fallback.size())
      result.unweighted_fallback[static_cast<std::size_t>(j)] = false;
  }
}

int default_rounds(BargainingModel model) noexcept {
  switch (model) {
    case BargainingModel::smp:
      return 100;  // KTAB's maximum; its stopping rule ends runs earlier
    case BargainingModel::eum:
    case BargainingModel::blend:
      return 10;
    case BargainingModel::compromise:
    case BargainingModel::median:
    case BargainingModel::nbs:
    case BargainingModel::split:
      break;
  }
  return 1;
}

BargainingResult bargain(BargainingModel model, const BargainingInput& input,
                         const BargainingSettings& settings) {
  if (model == BargainingModel::smp) return smp_bargain(input, settings);
  if (model == BargainingModel::eum) return eum_bargain(input, settings);
  if (model == BargainingModel::blend) return blend_bargain(input, settings);
  if (model == BargainingModel::split) return split_bargain(input, settings);

  // The one-shot models: each dim on its own.
  const Eigen::Index dims = input.position.cols();
  BargainingResult result;
  result.outcome.resize(dims);
  result.unweighted_fallback.assign(static_cast<std::size_t>(dims), false);
  for (Eigen::Index j = 0; j < dims; ++j) {
    const Eigen::VectorXd w = dim_weights(input, j);
    const auto x = input.position.col(j);
    const auto s = input.salience.col(j);
    result.unweighted_fallback[static_cast<std::size_t>(j)] = all_weights_zero(w, s);
    if (nobody_cares(input, j)) continue;  // set by hold_uncared_dims below
    switch (model) {
      case BargainingModel::compromise:
        result.outcome[j] = compromise_1d(x, s, w);
        break;
      case BargainingModel::median:
        result.outcome[j] = median_1d(x, s, w);
        break;
      case BargainingModel::nbs: {
        // The status quo, when given, is every actor's disagreement point (the textbook NBS).
        const std::optional<double> q =
            input.status_quo.size() > 0 ? std::optional<double>(input.status_quo[j]) : std::nullopt;
        result.outcome[j] = nbs_1d(x, s, w, input.scale_lo, input.scale_hi, q).outcome;
        break;
      }
      case BargainingModel::eum:
      case BargainingModel::smp:
      case BargainingModel::blend:
      case BargainingModel::split:
        break;  // handled above
    }
  }
  hold_uncared_dims(input, result);
  if (settings.record_history) {
    // One-shot models have no rounds: round 0 only (the input).
    result.history.push_back(input.position);
  }
  return result;
}

}  // namespace parley

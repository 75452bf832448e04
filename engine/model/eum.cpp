/// \file
/// The Expected Utility Model of Bueno de Mesquita, following Scholz, Calbert & Smith (2011).
///
/// One round:
///  1. mu = weighted median of the current positions (the status quo of the U_b/U_w terms).
///  2. With every risk exponent r = 1: the probabilities P(i, j), the expected utilities
///     EU_j(j challenges a) and each actor's danger sum_j EU_j(j -> a); from them R_a and r_a.
///  3. With the new r: the probabilities again and, for each ordered pair, the receiver's view of
///     both expected utilities; offers; every actor takes one offer; all move at once.
/// Algorithmic notes (the why) are next to the code; the equations are in docs/BARGAINING.md.

#include "engine/model/eum.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <vector>

namespace parley {
namespace {

using Index = Eigen::Index;

/// b^r with the common r = 1 case free of a pow() call.
inline double power(double b, double r) {
  return r == 1.0 ? b : std::pow(b, r);
}

/// Lower weighted median (the smallest position whose cumulative weight reaches half the total).
double weighted_median(const Eigen::VectorXd& x, const Eigen::VectorXd& a,
                       const std::vector<Index>& order_buffer) {
  std::vector<Index> order = order_buffer;
  std::sort(order.begin(), order.end(), [&](Index i, Index j) { return x[i] < x[j]; });
  const double half = 0.5 * a.sum();
  double cum = 0.0;
  for (const Index i : order) {
    cum += a[i];
    if (cum >= half) return x[i];
  }
  return x[order.back()];
}

/// The state and scratch of one run on one dimension.
class EumRun {
 public:
  EumRun(const Eigen::Ref<const Eigen::VectorXd>& x, const Eigen::Ref<const Eigen::VectorXd>& s,
         const Eigen::VectorXd& a, double range, const EumSettings& settings)
      : n_(x.size()),
        x_(x),
        s_(s),
        a_(a),
        range_(range),
        settings_(settings),
        r_(Eigen::VectorXd::Ones(n_)),
        identity_(static_cast<std::size_t>(n_)),
        sorted_(static_cast<std::size_t>(n_)),
        dist_(static_cast<std::size_t>(n_ * n_)),
        prefix_(static_cast<std::size_t>(n_ * (n_ + 1))),
        prob_(static_cast<std::size_t>(n_ * n_)),
        chosen_(static_cast<std::size_t>(n_)) {
    std::iota(identity_.begin(), identity_.end(), Index{0});
  }

  [[nodiscard]] const Eigen::VectorXd& positions() const { return x_; }
  [[nodiscard]] double median() const { return weighted_median(x_, a_, identity_); }
  [[nodiscard]] double mean() const { return a_.dot(x_) / a_.sum(); }

  /// Actors that capitulated in the last round.
  [[nodiscard]] int capitulations() const { return capitulations_; }

  /// One round: risk exponents, then offers and moves.
  void round() {
    capitulations_ = 0;
    mu_ = median();
    update_risk();
    compute_probabilities();
    move();
  }

 private:
  /// Utility to an actor at distance `dist` (normalised) from the other side's position, in
  /// Scholz et al.'s form 2 - 4 (0.5 -/+ 0.5 dist)^r: success = the other moves to it, failure =
  /// it moves to the other.
  struct Utilities {
    double success;
    double failure;
  };
  [[nodiscard]] static Utilities basic(double dist, double r) {
    return {2.0 - 4.0 * power(0.5 - 0.5 * dist, r), 2.0 - 4.0 * power(0.5 + 0.5 * dist, r)};
  }

  /// Expected utility to `i` of challenging `j`, with risk exponent `r` (the viewer's), given the
  /// basic utilities of that pair. EU = s_j (P U_s + (1-P) U_f) + (1-s_j) U_s
  ///        - Q U_sq - (1-Q) (T U_b + (1-T) U_w).
  [[nodiscard]] double expected_utility(Index i, Index j, double r, const Utilities& u,
                                        double u_sq) const {
    const double p = prob_[static_cast<std::size_t>(i * n_ + j)];
    double eu = s_[j] * (p * u.success + (1.0 - p) * u.failure) + (1.0 - s_[j]) * u.success -
                settings_.q * u_sq;
    if (settings_.q < 1.0) {
      // The status quo may move without a challenge: better for i by half of its distance to the
      // median plus its distance to j, or worse by as much.
      const double shift = 0.25 * (std::abs(x_[i] - mu_) + std::abs(x_[i] - x_[j])) / range_;
      const double u_better = 2.0 - 4.0 * power(0.5 - shift, r);
      const double u_worse = 2.0 - 4.0 * power(0.5 + shift, r);
      eu -= (1.0 - settings_.q) * (settings_.t * u_better + (1.0 - settings_.t) * u_worse);
    }
    return eu;
  }

  /// P(i, j) for every ordered pair, with each voter's current risk exponent.
  ///
  /// Voter k gives position a over b the vote a_k ((|x_k - b|/range)^r_k - (|x_k - a|/range)^r_k).
  /// P(i, j) = (sum of the positive votes for x_i over x_j) / (sum over k and over all ordered
  /// pairs of actors (a, b) of |vote_k(a over b)|). The denominator over all pairs, not just
  /// (i, j), is Scholz et al.'s normalisation; it is what reproduces their Table 2 (the pairwise
  /// normalisation P(i,j) + P(j,i) = 1 leaves the emission case's median at 7.0 for 8 rounds).
  ///
  /// Cost O(n^2): everything is done in position order, where the voters on one side of a
  /// midpoint form a prefix and the midpoints of (i, j) move monotonically with j.
  void compute_probabilities() {
    sorted_ = identity_;
    std::sort(sorted_.begin(), sorted_.end(), [&](Index i, Index j) { return x_[i] < x_[j]; });
    sorted_x_.resize(static_cast<std::size_t>(n_));
    for (Index m = 0; m < n_; ++m) sorted_x_[static_cast<std::size_t>(m)] = x_[sorted_[m]];
    const auto n = static_cast<std::size_t>(n_);
    const double* sx = sorted_x_.data();

    // dist_[mk * n + mt] = (|x_k - x_t| / range)^r_k, voter k and target t in position order.
    // Whole rows at a time through Eigen's vectorised log/exp: b^r = exp(r log b), with
    // log 0 = -inf and exp(-inf) = 0 as needed at distance 0. This is the costliest step.
    const Eigen::Map<const Eigen::ArrayXd> sx_all(sx, n_);
    for (std::size_t mk = 0; mk < n; ++mk) {
      const double rk = r_[sorted_[static_cast<Index>(mk)]];
      Eigen::Map<Eigen::ArrayXd> row(&dist_[mk * n], n_);
      row = (sx_all - sx[mk]).abs() / range_;
      if (rk != 1.0) row = (rk * row.log()).exp();
    }

    // Denominator: for each voter, sum over ordered pairs (a, b) of |u_k(a) - u_k(b)|. Along
    // the row of voter k the values fall towards k from the left and rise away from it on the
    // right, so merging both sides outwards lists them in ascending order without a sort; then
    // sum_{a<b} (u_(b) - u_(a)) = sum_m u_(m) (2m - (n-1)).
    double total = 0.0;
    for (std::size_t mk = 0; mk < n; ++mk) {
      const double ak = a_[sorted_[static_cast<Index>(mk)]];
      if (ak <= 0.0) continue;
      const double* row = &dist_[mk * n];
      std::ptrdiff_t left = static_cast<std::ptrdiff_t>(mk) - 1;
      std::size_t right = mk;  // k itself, at distance 0, comes first
      double sum = 0.0;
      for (std::size_t m = 0; m < n; ++m) {
        double u;
        if (left < 0 || (right < n && row[right] <= row[left])) {
          u = row[right++];
        } else {
          u = row[left--];
        }
        sum += u * (2.0 * static_cast<double>(m) - static_cast<double>(n - 1));
      }
      total += ak * 2.0 * sum;  // ordered pairs: each unordered pair twice
    }

    // prefix_[mt * (n+1) + m] = sum over the first m voters (position order) of a_k u_k(t).
    const std::size_t stride = n + 1;
    for (std::size_t mt = 0; mt < n; ++mt) prefix_[mt * stride] = 0.0;
    for (std::size_t mk = 0; mk < n; ++mk) {
      const double ak = a_[sorted_[static_cast<Index>(mk)]];
      const double* row = &dist_[mk * n];
      for (std::size_t mt = 0; mt < n; ++mt) {
        prefix_[mt * stride + mk + 1] = prefix_[mt * stride + mk] + ak * row[mt];
      }
    }

    for (std::size_t mi = 0; mi < n; ++mi) {
      const Index i = sorted_[static_cast<Index>(mi)];
      const double* gi = &prefix_[mi * stride];
      // below: first voter at or above the midpoint; above: first voter strictly above it. Both
      // only move forward as j (and so the midpoint) moves right.
      std::size_t below = 0;
      std::size_t above = 0;
      for (std::size_t mj = 0; mj < n; ++mj) {
        const Index j = sorted_[static_cast<Index>(mj)];
        double p = 0.0;
        if (sx[mi] != sx[mj] && total > 0.0) {
          const double* gj = &prefix_[mj * stride];
          const double mid = 0.5 * (sx[mi] + sx[mj]);
          while (below < n && sx[below] < mid) ++below;
          while (above < n && sx[above] <= mid) ++above;
          // Voters strictly on i's side of the midpoint prefer x_i; those at it are indifferent.
          const double votes =
              sx[mi] < sx[mj] ? gj[below] - gi[below] : (gj[n] - gj[above]) - (gi[n] - gi[above]);
          p = std::max(0.0, votes) / total;
        }
        prob_[static_cast<std::size_t>(i * n_ + j)] = p;
      }
    }
  }

  /// Risk exponents from the security of each actor's position (Bueno de Mesquita 1985, as in
  /// Scholz et al.): with r = 1 for all, danger_a = sum_{j != a} EU_j(j challenges a);
  /// R_a = (2 danger_a - max - min) / (max - min) in [-1, 1]; r_a = (1 - R_a/3) / (1 + R_a/3) in
  /// [0.5, 2]. The actor whose position invites the most expected challenges gets r = 0.5, the
  /// safest r = 2; with equal dangers all keep r = 1.
  void update_risk() {
    r_.setOnes();
    compute_probabilities();
    danger_.assign(static_cast<std::size_t>(n_), 0.0);
    const double u_sq = 0.0;  // 2 - 4 * 0.5^1
    for (Index j = 0; j < n_; ++j) {
      for (Index target = 0; target < n_; ++target) {
        if (target == j) continue;
        const Utilities u = basic(std::abs(x_[j] - x_[target]) / range_, 1.0);
        danger_[static_cast<std::size_t>(target)] += expected_utility(j, target, 1.0, u, u_sq);
      }
    }
    const auto [lo_it, hi_it] = std::minmax_element(danger_.begin(), danger_.end());
    const double lo = *lo_it;
    const double hi = *hi_it;
    for (Index i = 0; i < n_; ++i) {
      const double big_r =
          hi > lo ? (2.0 * danger_[static_cast<std::size_t>(i)] - hi - lo) / (hi - lo) : 0.0;
      r_[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0);
    }
  }

  /// Offers and moves. Receiver i looks at every j with another position, through its own risk
  /// exponent r_i (the model's actors see the game through their own risk attitude):
  ///   e_ij = EU_i(i -> j), e_ji = EU_j(j -> i).
  /// j makes an offer to i when e_ji > 0 and
  ///   e_ij > 0, e_ji > e_ij:          confrontation i loses: i moves to x_j;
  ///   e_ij < 0, e_ji > |e_ij|:        compromise: i moves x_i + (x_j - x_i) |e_ij / e_ji|;
  ///   e_ij < 0, e_ji <= |e_ij|:       capitulation: i moves to x_j.
  /// (When e_ij >= e_ji > 0 i would win the confrontation; that is j's move, seen from j.)
  void move() {
    for (Index i = 0; i < n_; ++i) {
      const double ri = r_[i];
      const double u_sq = 2.0 - 4.0 * power(0.5, ri);
      // Best offer per kind: 0 confrontation, 1 compromise, 2 capitulation.
      double best_pos[3] = {0.0, 0.0, 0.0};
      double best_key[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL};
      // U_s and U_f of i against every j, seen with r_i, vectorised (see compute_probabilities).
      // The same values serve both directions of a pair: same distance, same viewer.
      const Eigen::ArrayXd half_gap = 0.5 * (x_.array() - x_[i]).abs() / range_;
      if (ri == 1.0) {
        success_ = 2.0 - 4.0 * (0.5 - half_gap);
        failure_ = 2.0 - 4.0 * (0.5 + half_gap);
      } else {
        success_ = 2.0 - 4.0 * (ri * (0.5 - half_gap).log()).exp();
        failure_ = 2.0 - 4.0 * (ri * (0.5 + half_gap).log()).exp();
      }
      for (Index j = 0; j < n_; ++j) {
        if (j == i || x_[j] == x_[i]) continue;
        const Utilities u{success_[j], failure_[j]};
        const double e_ji = expected_utility(j, i, ri, u, u_sq);
        if (!(e_ji > 0.0)) continue;
        const double e_ij = expected_utility(i, j, ri, u, u_sq);
        int kind;
        double pos;
        double key;
        if (e_ij > 0.0) {
          if (!(e_ji > e_ij)) continue;
          kind = 0;
          pos = x_[j];
          key = std::abs(pos - x_[i]);
        } else if (e_ji > -e_ij) {
          kind = 1;
          pos = x_[i] + (x_[j] - x_[i]) * std::abs(e_ij / e_ji);
          key = settings_.offer_rule == EumOfferRule::scholz
                    ? (std::abs(e_ij) * x_[i] + e_ji * x_[j]) / (std::abs(e_ij) + e_ji)
                    : std::abs(pos - x_[i]);
        } else {
          // A capitulation. Without capitulations (the replication's behaviour) the offer does
          // not exist and i may stay where it is.
          if (!settings_.capitulations) continue;
          kind = 2;
          pos = x_[j];
          key = std::abs(pos - x_[i]);
        }
        // Strict < keeps the first (lowest index) offer among equals: deterministic.
        if (key < best_key[kind]) {
          best_key[kind] = key;
          best_pos[kind] = pos;
        }
      }
      double next = x_[i];
      int taken = -1;
      if (settings_.offer_rule == EumOfferRule::scholz) {
        for (int kind = 0; kind < 3; ++kind) {
          if (best_key[kind] < HUGE_VAL) {
            next = best_pos[kind];
            taken = kind;
            break;
          }
        }
      } else {
        double least = HUGE_VAL;
        for (int kind = 0; kind < 3; ++kind) {
          if (best_key[kind] < least) {
            least = best_key[kind];
            next = best_pos[kind];
            taken = kind;
          }
        }
      }
      chosen_[static_cast<std::size_t>(i)] = next;
      capitulations_ += taken == 2 ? 1 : 0;
    }
    // All actors move at once: offers were made on the positions at the start of the round.
    for (Index i = 0; i < n_; ++i) x_[i] = chosen_[static_cast<std::size_t>(i)];
  }

  Index n_;
  Eigen::VectorXd x_;
  Eigen::VectorXd s_;
  Eigen::VectorXd a_;
  double range_;
  EumSettings settings_;
  Eigen::VectorXd r_;
  double mu_ = 0.0;
  int capitulations_ = 0;
  std::vector<Index> identity_;
  std::vector<Index> sorted_;
  std::vector<double> sorted_x_;
  std::vector<double> dist_;
  Eigen::ArrayXd success_;
  Eigen::ArrayXd failure_;
  std::vector<double> prefix_;
  std::vector<double> prob_;
  std::vector<double> danger_;
  std::vector<double> chosen_;
};

}  // namespace

EumResult1d eum_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                   const Eigen::Ref<const Eigen::VectorXd>& s,
                   const Eigen::Ref<const Eigen::VectorXd>& w, const EumSettings& settings) {
  EumResult1d result;
  const Index n = x.size();
  if (n == 0) return result;
  Eigen::VectorXd a = w.cwiseProduct(s);
  if (!(a.sum() > 0.0)) {
    // Nobody has weight: every actor votes and counts in the median with weight 1.
    a.setOnes();
    result.unweighted_fallback = true;
  }
  if (settings.record_history) result.history.emplace_back(x);
  const double range = x.maxCoeff() - x.minCoeff();
  if (!(range > 0.0)) {
    // Everyone already agrees: no offers are possible.
    result.outcome = x[0];
    for (int t = 0; t < settings.rounds; ++t) {
      result.round_median.push_back(x[0]);
      result.round_mean.push_back(x[0]);
      result.round_capitulations.push_back(0);
      if (settings.record_history) result.history.emplace_back(x);
    }
    return result;
  }
  EumRun run(x, s, a, range, settings);
  result.outcome = run.median();
  for (int t = 0; t < settings.rounds; ++t) {
    run.round();
    result.outcome = run.median();
    result.round_median.push_back(result.outcome);
    result.round_mean.push_back(run.mean());
    result.round_capitulations.push_back(run.capitulations());
    if (settings.record_history) result.history.push_back(run.positions());
  }
  return result;
}

BargainingResult eum_bargain(const BargainingInput& input, const BargainingSettings& settings) {
  const Index actors = input.position.rows();
  const Index dims = input.position.cols();
  EumSettings es;
  es.rounds = settings.rounds;
  es.q = settings.eum_q;
  es.record_history = settings.record_history;

  BargainingResult result;
  result.outcome.resize(dims);
  result.unweighted_fallback.assign(static_cast<std::size_t>(dims), false);
  if (settings.record_history) {
    result.history.assign(static_cast<std::size_t>(std::max(0, settings.rounds) + 1),
                          Eigen::MatrixXd(actors, dims));
  }
  for (Index j = 0; j < dims; ++j) {
    const Eigen::VectorXd w =
        input.power.size() == 0
            ? input.capability
            : Eigen::VectorXd(input.capability.cwiseProduct(input.power.col(j)));
    const EumResult1d r = eum_1d(input.position.col(j), input.salience.col(j), w, es);
    result.outcome[j] = r.outcome;
    result.unweighted_fallback[static_cast<std::size_t>(j)] = r.unweighted_fallback;
    for (std::size_t t = 0; t < r.history.size() && t < result.history.size(); ++t) {
      result.history[t].col(j) = r.history[t];
    }
  }
  hold_uncared_dims(input, result);
  return result;
}

}  // namespace parley

/// \file
/// KTAB's Spatial Model of Politics, replicated from KTAB's source (lsyaseen/KTAB, MIT licence:
/// examples/smp/libsrc/smp.cpp, smpbcn.cpp and KTAB/kmodel/libsrc/kmodel.cpp). The algorithm is
/// re-implemented here; see docs/SMP.md. Floating-point expressions follow KTAB's order of
/// operations where they feed a comparison (best target, most probable bargain, stopping rule), so
/// that near-ties resolve as in KTAB.

#include "engine/model/smp.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace parley {
namespace {

using Index = Eigen::Index;
/// Positions and saliences, one row per actor (row-major: each actor's vector is contiguous).
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// KTAB's constants (names follow KTAB's where it has one).
constexpr double kMinCoalition = 1e-8;            // Model::coalitions: minC
constexpr double kMinChallengeCoalition = 1e-10;  // SMPState::probEduChlg: minCltn
constexpr double kMinSignificantGain = 1e-5;      // SMPState::bestChallenge: minSigEDU
constexpr double kInterpolationMinWeight = 1e-6;  // SMPActor::interpBrgnSnPm: minW
constexpr double kBargainRounding = 10000.0;      // interpBrgnSnPm: round4, 4 decimals on [0,1]
constexpr double kPositionTolerance = 1e-3;       // SMPModel::posTol (0.1 on a 0-100 scale)
constexpr int kMinIterations = 2;                 // SMPModel::configExec: minIter
constexpr double kMinDeltaRatio = 0.02;           // configExec: minDeltaRatio
constexpr double kMinSignificantDelta = 1e-4;     // configExec: minSigDelta

/// The fixed attributes of the actors of one run.
struct Actors {
  RowMatrix salience;              ///< actors x dims, 0-1
  Eigen::VectorXd weight;          ///< actors: KTAB's sCap (capability), >= 0
  Eigen::VectorXd salience_total;  ///< actors: KTAB's sum(vSal)
  /// actors: true when all saliences are 0; KTAB rejects this (0/0 in bvDiff), parley then
  /// measures that actor's distances unweighted.
  std::vector<bool> unweighted_distance;
};

/// A proposed pair of positions: `init` adopts pos_init, `rcvr` adopts pos_rcvr. init == rcvr is
/// the status quo of that actor (KTAB's SQ bargain).
struct Bargain {
  Index init = 0;
  Index rcvr = 0;
  Eigen::VectorXd pos_init;
  Eigen::VectorXd pos_rcvr;
};

/// KTAB's Model::vote with VotingRule::Proportional: weight times utility difference.
[[nodiscard]] inline double vote(double weight, double u_first, double u_second) {
  return weight * (u_first - u_second);
}

/// KTAB's SMPModel::bsUtil: utility of a salience-weighted distance sd (0-1, rounding may push it
/// slightly above 1) for an actor of risk attitude r (-1 averse ... +1 accepting).
[[nodiscard]] inline double bs_util(double sd, double r) {
  if (sd <= 1.0) return (1.0 - sd) * (1.0 + sd * r);
  return (1.0 - sd) * (1.0 + r);
}

/// KTAB's SMPModel::bvDiff: salience-weighted RMS distance from `from` (actor a's ideal) to `to`.
[[nodiscard]] double bv_diff(const Actors& actors, Index a, const double* from, const double* to) {
  const Index dims = actors.salience.cols();
  double ds_sq = 0.0;
  double s_sq = 0.0;
  for (Index k = 0; k < dims; ++k) {
    const double s =
        actors.unweighted_distance[static_cast<std::size_t>(a)] ? 1.0 : actors.salience(a, k);
    const double ds = (from[k] - to[k]) * s;
    ds_sq = ds_sq + ds * ds;
    s_sq = s_sq + s * s;
  }
  return std::sqrt(ds_sq / s_sq);
}

/// KTAB's Model::coalitions + Model::vProb (Linear) + Model::condPCE (Conditional), i.e.
/// Model::scalarPCE with the Proportional voting rule.
/// `util(k, m)` is actor k's utility of option m; `weight(k)` actor k's voting weight.
/// Returns the probability of each option (sums to 1).
[[nodiscard]] Eigen::VectorXd conditional_pce(const Eigen::MatrixXd& util,
                                              const Eigen::VectorXd& weight) {
  const Index actors = util.rows();
  const Index options = util.cols();
  Eigen::MatrixXd victory(options, options);
  for (Index i = 0; i < options; ++i) {
    for (Index j = 0; j < i; ++j) {
      // Coalition strengths: every actor backs the option it prefers, in proportion to its
      // weight times the utility difference.
      double c_ij = kMinCoalition;
      double c_ji = kMinCoalition;
      for (Index k = 0; k < actors; ++k) {
        const double v = vote(weight(k), util(k, i), util(k, j));
        if (v > 0) c_ij = c_ij + v;
        if (v < 0) c_ji = c_ji - v;
      }
      victory(i, j) = c_ij / (c_ij + c_ji);
      victory(j, i) = c_ji / (c_ij + c_ji);
    }
    victory(i, i) = 0.5;
  }
  // Conditional PCE: the probability that option i beats every alternative, conditional on
  // some option doing so.
  Eigen::VectorXd p(options);
  for (Index i = 0; i < options; ++i) {
    double pi = 1.0;
    for (Index j = 0; j < options; ++j) pi = pi * victory(i, j);
    p(i) = pi;
  }
  double total = 0.0;
  for (Index i = 0; i < options; ++i) total = total + p(i);
  if (!(total > 0.0)) return Eigen::VectorXd::Constant(options, 1.0 / static_cast<double>(options));
  for (Index i = 0; i < options; ++i) p(i) = p(i) / total;
  return p;
}

/// KTAB's ndxMaxAbs on a probability vector: the first index of the largest value.
[[nodiscard]] Index first_max(const Eigen::VectorXd& p) {
  Index best = 0;
  double best_value = -1.0;
  for (Index i = 0; i < p.size(); ++i) {
    const double a = std::fabs(p(i));
    if (best_value < a) {
      best = i;
      best_value = a;
    }
  }
  return best;
}

/// The per-turn assessment of a state (KTAB's SMPState::setAllAUtil).
struct Assessment {
  Eigen::MatrixXd distance;  ///< (i, j): salience-weighted distance from i's ideal to j's position
  Eigen::VectorXd risk;      ///< actors: inferred risk attitude (KTAB's nra), -0.5 ... +1
};

/// Distances, then risk attitudes inferred from the risk-neutral probability of each actor's
/// position (Conditional PCE, capability-weighted Proportional votes, BigRRange Mid).
[[nodiscard]] Assessment assess(const Actors& actors, const RowMatrix& pos) {
  const Index n = pos.rows();
  Assessment a;
  a.distance.resize(n, n);
  // Ideals equal positions: KTAB's default accommodation matrix is the identity.
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j) a.distance(i, j) = bv_diff(actors, i, &pos(i, 0), &pos(j, 0));
  }
  Eigen::MatrixXd neutral(n, n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j) neutral(i, j) = bs_util(a.distance(i, j), 0.0);
  }
  const Eigen::VectorXd p = conditional_pce(neutral, actors.weight);
  double p_min = 1.0;
  double p_max = 0.0;
  for (Index i = 0; i < n; ++i) {
    p_min = (p(i) < p_min) ? p(i) : p_min;
    p_max = (p(i) > p_max) ? p(i) : p_max;
  }
  a.risk.resize(n);
  for (Index i = 0; i < n; ++i) {
    // BigRRange Mid maps [pMin, pMax] onto [-1/2, +1]: the most likely actor is the most
    // risk-accepting. With all probabilities equal KTAB divides 0 by 0; parley takes all actors
    // as risk-neutral then.
    a.risk(i) = (p_max > p_min) ? (3 * p(i) - (p_max + 2 * p_min)) / (2 * (p_max - p_min)) : 0.0;
  }
  return a;
}

/// Actor h's estimate of the utility matrix: util(i, j) = utility to i of j's position, with
/// i's risk attitude as h perceives it (BigRAdjust OneThird: (2 r_h + r_i) / 3).
void perceived_utility(const Assessment& a, Index h, Eigen::MatrixXd& util) {
  const Index n = a.distance.rows();
  util.resize(n, n);
  for (Index i = 0; i < n; ++i) {
    const double r_hi = ((2.0 * a.risk(h)) + a.risk(i)) / 3.0;
    for (Index j = 0; j < n; ++j) util(i, j) = bs_util(a.distance(i, j), r_hi);
  }
}

/// KTAB's SMPState::probEduChlg(h, k, i, j) for k == i, as bestChallenge uses it: h's estimate
/// (through `util`, h's perceived utility matrix) of the probability that i defeats j, and of i's
/// expected gain in utility from challenging j rather than leaving the status quo.
/// Third parties vote in little (i:j) contests with SemiCommit.
[[nodiscard]] std::pair<double, double> challenge(const Actors& actors, const Eigen::MatrixXd& util,
                                                  Index i, Index j) {
  const Index n = util.rows();
  const double u_ii = util(i, i);
  const double u_ij = util(i, j);
  const double u_ji = util(j, i);
  const double u_jj = util(j, j);
  const double eu_sq = util(i, i) + util(i, j);
  const double u_vict = util(i, i) + util(i, i);  // j adopts i's position
  const double u_loss = util(i, j) + util(i, j);  // i adopts j's position
  const double s_i = actors.salience_total(i);
  const double c_i = actors.weight(i);
  const double s_j = actors.salience_total(j);
  const double c_j = actors.weight(j);

  // The principals' own contributions to the (i:j) contest.
  const double contrib_i = vote(s_i * c_i, u_ii, u_ij);
  const double contrib_j = vote(s_j * c_j, u_ji, u_jj);
  double ch_ij = kMinChallengeCoalition;
  double ch_ji = kMinChallengeCoalition;
  if (contrib_i > 0.0) ch_ij = ch_ij + contrib_i;
  if (contrib_i < 0.0) ch_ji = ch_ji - contrib_i;
  if (contrib_j > 0.0) ch_ij = ch_ij + contrib_j;
  if (contrib_j < 0.0) ch_ji = ch_ji - contrib_j;
  const double base_ij = ch_ij;
  const double base_ji = ch_ji;

  for (Index m = 0; m < n; ++m) {
    if (m == i || m == j) continue;
    const double w_m = actors.salience_total(m) * actors.weight(m);
    const double u_mi = util(m, i);
    const double u_mj = util(m, j);
    const double u_mm = util(m, m);
    // Actor::vProbLittle: each third party looks afresh at the little contest of the principals
    // and itself, siding with whichever principal it prefers.
    const double v_little = vote(w_m, u_mi, u_mj);
    const double c_mi = (v_little > 0) ? base_ij + v_little : base_ij;
    const double c_mj = (v_little < 0) ? base_ji - v_little : base_ji;
    const double p_in = c_mi / (c_mi + c_mj);
    const double p_jn = 1.0 - p_in;
    // Actor::thirdPartyVoteSU with SemiCommit: joining the winner keeps its own position, joining
    // the loser costs it (sums of three position-utilities; constant terms cancel).
    const double u_ik_def_j = u_mi + u_mi + u_mm;
    const double u_j_def_ik = u_mj + u_mj + u_mj;
    const double u_i_def_jk = u_mi + u_mi + u_mi;
    const double u_jk_def_i = u_mj + u_mj + u_mm;
    const double u_ik_j = (p_in * u_ik_def_j) + (p_jn * u_j_def_ik);
    const double u_i_jk = (p_in * u_i_def_jk) + (p_jn * u_jk_def_i);
    const double v = vote(w_m, u_ik_j, u_i_jk);
    ch_ij = (v > 0) ? (ch_ij + v) : ch_ij;
    ch_ji = (v < 0) ? (ch_ji - v) : ch_ji;
  }
  const double p_ij = ch_ij / (ch_ij + ch_ji);
  const double p_ji = ch_ji / (ch_ij + ch_ji);
  const double eu_contest = p_ij * u_vict + p_ji * u_loss;
  // j, caring s_j about the issues, contests the challenge with probability s_j.
  const double eu_challenge = (1 - s_j) * u_vict + s_j * eu_contest;
  return {p_ij, eu_challenge - eu_sq};
}

/// KTAB's interpBrgnSnPm with n = m = 2 (S2P2) on one dimension: the positions i and j would
/// adopt, each a weighted mean of their current ones with weights salience^2 x probability^2,
/// rounded to 4 decimals. The minimum weight favours the actor's own position (intentional in
/// KTAB: it avoids 0/0 when neither cares).
[[nodiscard]] std::pair<double, double> interpolate_s2p2(double t_i, double s_i, double p_i,
                                                         double t_j, double s_j, double p_j) {
  const auto round4 = [](double x) {
    const int y = static_cast<int>(0.5 + (x * kBargainRounding));
    return static_cast<double>(y) / kBargainRounding;
  };
  const double w_i = std::pow(s_i, 2) * std::pow(p_i, 2);
  const double w_j = std::pow(s_j, 2) * std::pow(p_j, 2);
  const double min_w = kInterpolationMinWeight;
  const double b_i = round4(((w_i + min_w) * t_i + w_j * t_j) / (w_i + min_w + w_j));
  const double b_j = round4((w_i * t_i + (min_w + w_j) * t_j) / (w_i + min_w + w_j));
  return {b_i, b_j};
}

/// KTAB's brgnUtil: actor a's mean utility over all actors' positions after bargain b is
/// implemented (only its initiator and receiver move). `own(a, j)` = a's utility of j's current
/// position.
[[nodiscard]] double bargain_utility(const Actors& actors, const RowMatrix& pos, double risk_a,
                                     Index a, const Eigen::MatrixXd& own, const Bargain& b) {
  const Index n = pos.rows();
  double sum = 0.0;
  if (b.init == b.rcvr) {
    for (Index m = 0; m < n; ++m) sum = sum + own(a, m);
  } else {
    sum = sum + bs_util(bv_diff(actors, a, &pos(a, 0), b.pos_init.data()), risk_a);
    sum = sum + bs_util(bv_diff(actors, a, &pos(a, 0), b.pos_rcvr.data()), risk_a);
    for (Index m = 0; m < n; ++m) {
      if (m != b.init && m != b.rcvr) sum = sum + own(a, m);
    }
  }
  return sum / static_cast<double>(n);
}

/// One step of KTAB's SMPState::doBCN: every actor picks its most advantageous target and
/// proposes a bargain (InitOnlyInterp: the initiator's interpolation); every actor then adopts
/// the most probable (Deterministic) of the bargains involving it, its status quo included.
[[nodiscard]] RowMatrix step(const Actors& actors, const RowMatrix& pos, const Assessment& a) {
  const Index n = pos.rows();
  const Index dims = pos.cols();
  std::vector<Bargain> bargains;
  // Per actor, the bargains involving it: its status quo first, then the proposals in the order
  // of their initiators (KTAB orders them by creation, which its thread pool makes arbitrary; the
  // order only matters for exact ties).
  std::vector<std::vector<std::size_t>> involving(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    Bargain sq{i, i, pos.row(i).transpose(), pos.row(i).transpose()};
    involving[static_cast<std::size_t>(i)].push_back(bargains.size());
    bargains.push_back(std::move(sq));
  }

  Eigen::MatrixXd util;
  for (Index i = 0; i < n; ++i) {
    // bestChallenge: i's own view of every challenge it could make; the first strictly best
    // significant gain wins.
    perceived_utility(a, i, util);
    Index best_j = -1;
    double best_p = 0.0;
    double best_gain = -1.0;
    for (Index j = 0; j < n; ++j) {
      if (j == i) continue;
      const auto [p_ij, gain] = challenge(actors, util, i, j);
      if ((kMinSignificantGain < gain) && (best_gain < gain)) {
        best_j = j;
        best_p = p_ij;
        best_gain = gain;
      }
    }
    if (best_j < 0) continue;
    Bargain b{i, best_j, Eigen::VectorXd(dims), Eigen::VectorXd(dims)};
    for (Index k = 0; k < dims; ++k) {
      const auto [b_i, b_j] =
          interpolate_s2p2(pos(i, k), actors.salience(i, k), best_p, pos(best_j, k),
                           actors.salience(best_j, k), 1 - best_p);
      b.pos_init(k) = b_i;
      b.pos_rcvr(k) = b_j;
    }
    involving[static_cast<std::size_t>(i)].push_back(bargains.size());
    involving[static_cast<std::size_t>(best_j)].push_back(bargains.size());
    bargains.push_back(std::move(b));
  }
  // Keep KTAB's order within each list: the status quo, then by initiator. The proposals were
  // appended in initiator order already.

  // Each actor's utilities of the current positions: KTAB's aUtil[i](i, j), i.e. with i's risk
  // attitude as i perceives it, (2 r_i + r_i) / 3 (an ulp away from r_i at most; KTAB mixes both).
  Eigen::MatrixXd own(n, n);
  for (Index i = 0; i < n; ++i) {
    const double r_ii = ((2.0 * a.risk(i)) + a.risk(i)) / 3.0;
    for (Index j = 0; j < n; ++j) own(i, j) = bs_util(a.distance(i, j), r_ii);
  }

  RowMatrix next = pos;
  Eigen::MatrixXd u;
  for (Index k = 0; k < n; ++k) {
    const auto& list = involving[static_cast<std::size_t>(k)];
    const auto options = static_cast<Index>(list.size());
    if (options == 1) continue;  // only the status quo
    u.resize(n, options);
    for (Index m = 0; m < options; ++m) {
      const Bargain& b = bargains[list[static_cast<std::size_t>(m)]];
      for (Index voter = 0; voter < n; ++voter) {
        u(voter, m) = bargain_utility(actors, pos, a.risk(voter), voter, own, b);
      }
    }
    const Eigen::VectorXd p = conditional_pce(u, actors.weight);
    const Bargain& chosen = bargains[list[static_cast<std::size_t>(first_max(p))]];
    if (chosen.init == chosen.rcvr) continue;
    next.row(k) = (chosen.init == k) ? chosen.pos_init.transpose() : chosen.pos_rcvr.transpose();
  }
  return next;
}

/// KTAB's SMPModel::stateDist: sum over actors of the Euclidean distance between their positions.
[[nodiscard]] double state_distance(const RowMatrix& s1, const RowMatrix& s2) {
  double total = 0.0;
  for (Index i = 0; i < s1.rows(); ++i) {
    double sq = 0.0;
    for (Index k = 0; k < s1.cols(); ++k) {
      const double d = s1(i, k) - s2(i, k);
      sq = sq + d * d;
    }
    total = total + std::sqrt(sq);
  }
  return total;
}

/// KTAB's pDist(-1) on the final state: the probability of each distinct position (positions
/// within posTol are one), each actor judging by its own utilities. Returns the index of the
/// actor holding the most probable position.
[[nodiscard]] Index most_probable_actor(const Actors& actors, const RowMatrix& pos) {
  const Index n = pos.rows();
  const Assessment a = assess(actors, pos);
  std::vector<Index> unique;
  for (Index i = 0; i < n; ++i) {
    bool is_new = true;
    for (const Index u : unique) {
      if ((pos.row(i) - pos.row(u)).norm() < kPositionTolerance) {
        is_new = false;
        break;
      }
    }
    if (is_new) unique.push_back(i);
  }
  Eigen::MatrixXd util(n, static_cast<Index>(unique.size()));
  for (Index i = 0; i < n; ++i) {
    const double r_ii = ((2.0 * a.risk(i)) + a.risk(i)) / 3.0;  // KTAB's aUtil[i](i, j)
    for (std::size_t m = 0; m < unique.size(); ++m) {
      util(i, static_cast<Index>(m)) = bs_util(a.distance(i, unique[m]), r_ii);
    }
  }
  const Eigen::VectorXd p = conditional_pce(util, actors.weight);
  return unique[static_cast<std::size_t>(first_max(p))];
}

/// Result of one SMP run on [0,1] positions.
struct Run {
  std::vector<RowMatrix> history;  ///< [0] = input
  Index winner = 0;                ///< actor holding the most probable final position
};

/// Runs SMP on [0,1] positions until KTAB's stopping rule or `max_iterations`.
[[nodiscard]] Run run_smp(const Actors& actors, RowMatrix pos, int max_iterations) {
  Run run;
  run.history.push_back(pos);
  for (int iter = 1; iter <= max_iterations; ++iter) {
    const Assessment a = assess(actors, run.history.back());
    run.history.push_back(step(actors, run.history.back(), a));
    // smpStopFn: stop once the last move is under 2% of the first (after at least 2 steps).
    const double first = state_distance(run.history[0], run.history[1]) + kMinSignificantDelta;
    const double last = state_distance(run.history[static_cast<std::size_t>(iter)],
                                       run.history[static_cast<std::size_t>(iter - 1)]);
    if (iter >= kMinIterations && last / first < kMinDeltaRatio) break;
  }
  run.winner = most_probable_actor(actors, run.history.back());
  return run;
}

[[nodiscard]] Actors make_actors(const Eigen::MatrixXd& salience, const Eigen::VectorXd& weight) {
  Actors actors;
  const Index n = salience.rows();
  actors.salience = salience;
  actors.weight = weight;
  actors.salience_total.resize(n);
  actors.unweighted_distance.assign(static_cast<std::size_t>(n), false);
  for (Index i = 0; i < n; ++i) {
    double s = 0.0;
    double sq = 0.0;
    for (Index k = 0; k < salience.cols(); ++k) {
      s = s + salience(i, k);
      sq = sq + salience(i, k) * salience(i, k);
    }
    actors.salience_total(i) = s;
    actors.unweighted_distance[static_cast<std::size_t>(i)] = !(sq > 0.0);
  }
  return actors;
}

// The groups of dimensions that run together. Per-dimension weights are capability x
// power(i, k): when they differ between dimensions, the dimensions are independent problems and
// run separately; otherwise jointly, as KTAB does.
std::vector<std::vector<Index>> dim_groups(const BargainingInput& input) {
  const Index n = input.position.rows();
  const Index dims = input.position.cols();
  bool separate = false;
  if (input.power.size() != 0) {
    for (Index i = 0; i < n && !separate; ++i) {
      for (Index k = 1; k < dims; ++k) {
        if (input.power(i, k) != input.power(i, 0)) {
          separate = true;
          break;
        }
      }
    }
  }
  std::vector<std::vector<Index>> groups;
  if (separate) {
    for (Index k = 0; k < dims; ++k) groups.push_back({k});
  } else {
    std::vector<Index> all(static_cast<std::size_t>(dims));
    for (Index k = 0; k < dims; ++k) all[static_cast<std::size_t>(k)] = k;
    groups.push_back(std::move(all));
  }
  return groups;
}

// Each actor's weight on dimension k: capability x power(i, k), or capability without powers.
Eigen::VectorXd weights_for(const BargainingInput& input, Index k) {
  const Index n = input.position.rows();
  const bool has_power = input.power.size() != 0;
  Eigen::VectorXd w(n);
  for (Index i = 0; i < n; ++i) {
    w(i) = has_power ? input.capability(i) * input.power(i, k) : input.capability(i);
  }
  return w;
}

// The history of the whole problem (on the input's scale) from each group's, `turns` long:
// groups that stopped earlier keep their final positions in later turns.
void merge_histories(const BargainingInput& input, const std::vector<std::vector<Index>>& groups,
                     const std::vector<std::vector<RowMatrix>>& histories, std::size_t turns,
                     BargainingResult& result) {
  const double lo = input.scale_lo;
  const double span = input.scale_hi - input.scale_lo;
  result.history.reserve(turns);
  result.history.push_back(input.position);
  for (std::size_t t = 1; t < turns; ++t) {
    Eigen::MatrixXd m(input.position.rows(), input.position.cols());
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
      const auto& h = histories[gi];
      const RowMatrix& s = h[std::min(t, h.size() - 1)];
      for (std::size_t c = 0; c < groups[gi].size(); ++c) {
        m.col(groups[gi][c]) = (s.col(static_cast<Index>(c)).array() * span + lo).matrix();
      }
    }
    result.history.push_back(std::move(m));
  }
}

}  // namespace

BargainingResult smp_bargain(const BargainingInput& input, const BargainingSettings& settings) {
  const Index n = input.position.rows();
  const Index dims = input.position.cols();
  const double lo = input.scale_lo;
  const double span = input.scale_hi - input.scale_lo;
  const int max_iterations = settings.rounds < 1 ? 1 : settings.rounds;

  BargainingResult result;
  result.outcome = Eigen::VectorXd::Zero(dims);
  result.unweighted_fallback.assign(static_cast<std::size_t>(dims), false);
  if (n == 0 || dims == 0) {
    hold_uncared_dims(input, result);
    if (settings.record_history) result.history.push_back(input.position);
    return result;
  }

  // KTAB's /100 on its 0-100 scale.
  RowMatrix unit(n, dims);
  for (Index i = 0; i < n; ++i) {
    for (Index k = 0; k < dims; ++k) unit(i, k) = (input.position(i, k) - lo) / span;
  }

  const std::vector<std::vector<Index>> groups = dim_groups(input);
  std::vector<std::vector<RowMatrix>> histories;  // per group of dims run together

  std::size_t turns = 0;
  for (const auto& group : groups) {
    const auto g = static_cast<Index>(group.size());
    Eigen::MatrixXd sal(n, g);
    RowMatrix pos(n, g);
    for (Index c = 0; c < g; ++c) {
      sal.col(c) = input.salience.col(group[static_cast<std::size_t>(c)]);
      pos.col(c) = unit.col(group[static_cast<std::size_t>(c)]);
    }
    const Eigen::VectorXd w = weights_for(input, group[0]);
    // All weights zero (capability x power x salience): nobody can move anybody; report the
    // unweighted mean.
    bool any_weight = false;
    for (Index i = 0; i < n; ++i) {
      if (w(i) * sal.row(i).sum() > 0.0) any_weight = true;
    }
    const Run run = run_smp(make_actors(sal, w), pos, max_iterations);
    for (Index c = 0; c < g; ++c) {
      const Index k = group[static_cast<std::size_t>(c)];
      result.unweighted_fallback[static_cast<std::size_t>(k)] = !any_weight;
      const RowMatrix& last = run.history.back();
      result.outcome(k) =
          any_weight ? lo + last(run.winner, c) * span : lo + last.col(c).mean() * span;
    }
    turns = std::max(turns, run.history.size());
    histories.push_back(run.history);
  }

  if (settings.record_history) merge_histories(input, groups, histories, turns, result);
  hold_uncared_dims(input, result);
  return result;
}

}  // namespace parley

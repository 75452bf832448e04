#pragma once
/// \file
/// Bueno de Mesquita's Expected Utility Model (EUM) as specified and replicated by Scholz, Calbert
/// & Smith (2011), "Unravelling Bueno de Mesquita's group decision model", Journal of Theoretical
/// Politics 23(4). Each dimension is bargained on its own. See docs/BARGAINING.md for the
/// equations and docs/VALIDATION.md for the replication of their Table 2.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "engine/model/bargaining.hpp"

namespace parley {

/// Which offer a challenged actor accepts when it has several.
enum class EumOfferRule : std::uint8_t {
  /// Scholz et al.'s replication: a lost confrontation beats a compromise, which beats a
  /// capitulation; among confrontations and capitulations the one that moves the actor least,
  /// among compromises the one with the lowest EU-weighted position. Reproduces their Table 2.
  scholz,
  /// The rule as stated in the text of Scholz et al. and Bueno de Mesquita: whatever its kind,
  /// the offer that moves the actor least.
  least_move,
};

/// Parameters of the EUM.
struct EumSettings {
  int rounds = 10;  ///< >= 0: rounds of offers
  /// 0-1: probability Q that, when i does not challenge j, nothing changes (the status quo
  /// holds). 1 - Q is the chance that the status quo moves.
  double q = 1.0;
  /// 0-1: probability T that such a move of the status quo is toward i (matters only when q < 1).
  double t = 1.0;
  EumOfferRule offer_rule = EumOfferRule::scholz;
  /// true (the published model): an actor whose only offers are capitulations (e_ij < 0 < e_ji
  /// <= |e_ij|) moves to the challenger. false: such offers are ignored and the actor stays, which
  /// is what the public Python replication of Scholz et al. does (its capitulation test compares
  /// e_ji with its own absolute value and so never holds); kept for validation against it
  /// (docs/VALIDATION.md, "EUM against the Python replication").
  bool capitulations = true;
  bool record_history = false;  ///< fill EumResult1d::history
};

/// The run of the EUM on one dimension.
struct EumResult1d {
  double outcome = 0.0;  ///< the weighted median after the last round (= the round-0 median if 0)
  std::vector<double> round_median;  ///< [r] = weighted median after round r+1
  std::vector<double> round_mean;    ///< [r] = weighted mean after round r+1
  /// [r] = number of actors (0..n) that capitulated (took a capitulation offer) in round r+1.
  std::vector<int> round_capitulations;
  /// [0] = input positions, [r] = positions after round r; empty unless record_history.
  std::vector<Eigen::VectorXd> history;
  /// True when all weights w_i s_i were 0 and every actor got vote/median weight 1.
  bool unweighted_fallback = false;
};

/// Runs the EUM on one dimension. `x` positions (any scale), `s` saliences 0-1 (the probability
/// that the actor resists a challenge), `w` capabilities >= 0. Votes and the median use weights
/// w_i s_i. Distances are normalised by the range of the input positions, which is fixed for the
/// run. Deterministic; O(n^2 log n) time and O(n^2) memory per round (n = actors), e.g. about
/// 24 MB for 1,000 actors. Preconditions: equal sizes, finite values, s in [0, 1], w >= 0.
[[nodiscard]] EumResult1d eum_1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                                 const Eigen::Ref<const Eigen::VectorXd>& s,
                                 const Eigen::Ref<const Eigen::VectorXd>& w,
                                 const EumSettings& settings);

/// Runs the EUM on every dim of `input` (weights capability x power), with rounds and Q from
/// `settings` and the other EumSettings at their defaults. History matrices are actors x dims.
[[nodiscard]] BargainingResult eum_bargain(const BargainingInput& input,
                                           const BargainingSettings& settings);

}  // namespace parley

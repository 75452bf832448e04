// Tests of blend (inverse-MSE combination of compromise and EUM) on cases solved by hand.
#include <catch2/catch.hpp>

#include "engine/model/bargaining.hpp"
#include "engine/model/blend.hpp"

namespace {

using parley::BargainingInput;
using parley::BargainingModel;
using parley::BargainingSettings;

BargainingInput two_actors(double x0, double x1, double w0, double w1) {
  BargainingInput in;
  in.position.resize(2, 1);
  in.salience.resize(2, 1);
  in.capability.resize(2);
  in.position << x0, x1;
  in.salience << 1.0, 1.0;
  in.capability << w0, w1;
  return in;
}

}  // namespace

TEST_CASE("blend: the EUM weight follows from the published errors 23 and 28", "[bargaining]") {
  // Bates & Granger weights with independent errors: 23^2 / (23^2 + 28^2) = 529 / 1313.
  CHECK(parley::blend_eum_weight() == Approx(529.0 / 1313.0));
  CHECK(parley::blend_eum_weight() == Approx(0.4029).margin(1e-4));
}

TEST_CASE("blend: two equal actors at the ends", "[bargaining]") {
  // A at 0 and B at 100, weight 1, salience 1. Compromise: 50. EUM by hand: every voter's vote
  // is +-1 for one ordering of the pair, so P(A,B) = P(B,A) = 1/4 (1 over the 4 = 2 voters x 2
  // ordered pairs of |vote|); with r = 1, U_s = 2, U_f = -2, U_sq = 0, so
  // EU_A(A -> B) = EU_B(B -> A) = 1/4 * 2 + 3/4 * (-2) = -1. Equal dangers keep r = 1; no
  // expected utility is positive, so nobody makes an offer and nobody moves. The EUM forecast
  // is the lower weighted median, 0. blend = (1 - w) 50 + w 0 = 50 * 784 / 1313.
  const BargainingInput in = two_actors(0.0, 100.0, 1.0, 1.0);
  const auto r = parley::bargain(BargainingModel::blend, in, BargainingSettings{});
  REQUIRE(r.outcome.size() == 1);
  CHECK(r.outcome[0] == Approx(50.0 * 784.0 / 1313.0));
  CHECK_FALSE(r.unweighted_fallback[0]);
}

TEST_CASE("blend: agreement stays agreement; all-zero weights fall back", "[bargaining]") {
  BargainingInput in = two_actors(40.0, 40.0, 1.0, 5.0);
  CHECK(parley::bargain(BargainingModel::blend, in, BargainingSettings{}).outcome[0] ==
        Approx(40.0));

  // Nobody has weight (capability 0, salience 1): both parts use their unweighted forms.
  // Compromise: the plain mean 50; EUM: with s = 1 everyone resists every challenge, so
  // neither actor expects to gain from one: no move, lower median 0.
  in = two_actors(0.0, 100.0, 0.0, 0.0);
  const auto r = parley::bargain(BargainingModel::blend, in, BargainingSettings{});
  CHECK(r.unweighted_fallback[0]);
  CHECK(r.outcome[0] == Approx(50.0 * 784.0 / 1313.0));

  // Nobody cares (every salience 0): nobody bargains, the issue stays at its status quo.
  in.salience.setZero();
  in.status_quo = Eigen::VectorXd::Constant(1, 30.0);
  const auto held = parley::bargain(BargainingModel::blend, in, BargainingSettings{});
  CHECK_FALSE(held.unweighted_fallback[0]);
  CHECK(held.outcome[0] == 30.0);
}

TEST_CASE("blend: combines the two models run on their own, per dim", "[bargaining]") {
  BargainingInput in;
  in.position.resize(3, 2);
  in.salience.resize(3, 2);
  in.capability.resize(3);
  in.position << 0.0, 90.0, 40.0, 10.0, 100.0, 50.0;
  in.salience << 0.9, 0.2, 0.5, 0.7, 0.8, 0.6;
  in.capability << 3.0, 2.0, 1.0;
  BargainingSettings st;
  st.rounds = 4;
  const auto b = parley::bargain(BargainingModel::blend, in, st);
  const auto c = parley::bargain(BargainingModel::compromise, in, st);
  const auto e = parley::bargain(BargainingModel::eum, in, st);
  const double w = parley::blend_eum_weight();
  for (int j = 0; j < 2; ++j) {
    CHECK(b.outcome[j] == Approx((1.0 - w) * c.outcome[j] + w * e.outcome[j]));
  }
}

TEST_CASE("blend: the lighter actor capitulates in the EUM", "[bargaining]") {
  // A at 0 (weight 1), B at 100 (weight 3), saliences 1. Compromise: 75. EUM by hand:
  // P(B,A) = 3/8, P(A,B) = 1/8 (denominator 2 x (3 + 1) = 8), so with r = 1
  // EU_B(B -> A) = 3/8 * 2 - 5/8 * 2 = -0.5 and EU_A(A -> B) = 1/8 * 2 - 7/8 * 2 = -1.5.
  // A is the more endangered: R_A = 1, r_A = 0.5; R_B = -1, r_B = 2. Seen by A (U_sq = 2 - 4
  // sqrt(0.5) = -0.828): e_BA = -0.5 + 0.828 = 0.328 > 0 and e_AB = -1.5 + 0.828 = -0.672 < 0
  // with 0.328 <= 0.672: A capitulates to 100. Seen by B (U_sq = 1) nothing is positive.
  // The EUM ends at 100; blend = (784 * 75 + 529 * 100) / 1313 = 85.072.
  const auto r = parley::bargain(BargainingModel::blend, two_actors(0.0, 100.0, 1.0, 3.0),
                                 BargainingSettings{});
  CHECK(r.outcome[0] == Approx(111700.0 / 1313.0));
}

TEST_CASE("blend is selectable by name", "[bargaining]") {
  CHECK(parley::parse_bargaining("blend") == BargainingModel::blend);
  CHECK(parley::bargaining_name(BargainingModel::blend) == "blend");
  CHECK(parley::parse_bargaining("smp") == BargainingModel::smp);  // the others keep their names
}

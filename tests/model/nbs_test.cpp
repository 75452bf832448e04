// Tests of the asymmetric Nash Bargaining Solution against cases solved by hand.
#include <catch2/catch.hpp>

#include "engine/model/bargaining.hpp"
#include "engine/model/nbs.hpp"

TEST_CASE("NBS: two actors at the ends, weights 1 and 3", "[bargaining][nbs]") {
  // Disagreement = each actor's worst end of [0, 100]: gains 100 - x and x.
  // max (100 - x) x^3  =>  -1/(100 - x) + 3/x = 0  =>  x = 75.
  Eigen::VectorXd x(2), s(2), w(2);
  x << 0.0, 100.0;
  s << 1.0, 1.0;
  w << 1.0, 3.0;
  const auto r = parley::nbs_1d(x, s, w, 0.0, 100.0);
  CHECK(r.outcome == Approx(75.0).margin(1e-6));
  CHECK_FALSE(r.unweighted_fallback);

  SECTION("all weights 0: unweighted, the midpoint") {
    s.setZero();
    const auto u = parley::nbs_1d(x, s, w, 0.0, 100.0);
    CHECK(u.outcome == Approx(50.0).margin(1e-6));
    CHECK(u.unweighted_fallback);
  }
}

TEST_CASE("NBS: interior actors, solution between the kinks", "[bargaining][nbs]") {
  // A at 20 (worst end 100, reach 80), B at 60 (worst end 0, reach 60). On [20, 60]:
  // gains 80 - (x - 20) = 100 - x and 60 - (60 - x) = x  =>  max (100 - x) x  =>  x = 50.
  Eigen::VectorXd x(2), s(2), w(2);
  x << 20.0, 60.0;
  s << 0.5, 0.5;
  w << 2.0, 2.0;
  CHECK(parley::nbs_1d(x, s, w, 0.0, 100.0).outcome == Approx(50.0).margin(1e-6));
}

TEST_CASE("NBS: a lone actor gets its own position (a kink)", "[bargaining][nbs]") {
  Eigen::VectorXd x(1), s(1), w(1);
  x << 30.0;
  s << 1.0;
  w << 1.0;
  CHECK(parley::nbs_1d(x, s, w, 0.0, 100.0).outcome == Approx(30.0).margin(1e-6));
}

TEST_CASE("NBS with a status quo", "[bargaining][nbs]") {
  Eigen::VectorXd x(2), s(2), w(2);
  s << 1.0, 1.0;
  SECTION("both actors on one side: asymmetric split") {
    // q = 60, A at 20 (weight 2), B at 40 (weight 1). On [20, 40]: gains 40 - (x - 20) = 60 - x
    // and 20 - (40 - x) = x - 20  =>  -2/(60 - x) + 1/(x - 20) = 0  =>  x = 100/3.
    x << 20.0, 40.0;
    w << 2.0, 1.0;
    const auto r = parley::nbs_1d(x, s, w, 0.0, 100.0, 60.0);
    CHECK(r.outcome == Approx(100.0 / 3.0).margin(1e-6));
    CHECK_FALSE(r.at_status_quo);
  }
  SECTION("actors on both sides: nothing beats the status quo") {
    x << 20.0, 80.0;
    w << 1.0, 1.0;
    const auto r = parley::nbs_1d(x, s, w, 0.0, 100.0, 50.0);
    CHECK(r.outcome == 50.0);
    CHECK(r.at_status_quo);
  }
}

TEST_CASE("bargain dispatches nbs per dim", "[bargaining][nbs]") {
  parley::BargainingInput in;
  in.position.resize(2, 2);
  in.salience = Eigen::MatrixXd::Ones(2, 2);
  in.capability.resize(2);
  in.position << 0.0, 20.0, 100.0, 60.0;
  in.capability << 1.0, 3.0;
  const auto r = parley::bargain(parley::BargainingModel::nbs, in, parley::BargainingSettings{});
  CHECK(r.outcome[0] == Approx(75.0).margin(1e-6));  // first case above
  // Second dim: A at 20 (weight 1, reach 80), B at 60 (weight 3, reach 60). On [20, 60] the
  // gains are 100 - x and x, F' = -1/(100 - x) + 3/x > 0 (zero only at 75); beyond 60 B's gain
  // is 120 - x and F' = -1/(100 - x) - 3/(120 - x) < 0. So the maximiser is the kink x = 60.
  CHECK(r.outcome[1] == Approx(60.0).margin(1e-6));
}

// Tests of the bargaining dispatcher and the one-shot kernels (compromise, median).
// Expected figures come from the published sources (shared validation README) or by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "engine/core/diagnostics.hpp"
#include "engine/io/forecast_table.hpp"
#include "engine/model/bargaining.hpp"
#include "engine/model/blend.hpp"
#include "engine/model/eum.hpp"
#include "engine/model/smp.hpp"
#include "engine/model/split.hpp"

namespace {

using parley::BargainingInput;
using parley::BargainingModel;
using parley::BargainingSettings;

/// The emission-standards case (Bueno de Mesquita 1994), read from tests/data.
BargainingInput emission_case() {
  parley::Diagnostics diag;
  const std::string path =
      std::string(PARLEY_TEST_DATA) + "/validation/emission-standards-1994.csv";
  const auto table = parley::load_forecast_table(path, path, diag);
  REQUIRE(table.has_value());
  REQUIRE(table->issues.size() == 1);
  return table->issues.front().input;
}

}  // namespace

TEST_CASE("compromise on the emission-standards case is the published 7.39", "[bargaining]") {
  const BargainingInput in = emission_case();
  // Published: the capability x salience weighted mean is 7.39 (validation/README.md).
  const double c = parley::compromise_1d(in.position.col(0), in.salience.col(0), in.capability);
  CHECK(c == Approx(7.39).margin(0.01));
  const auto r = parley::bargain(BargainingModel::compromise, in, BargainingSettings{});
  CHECK(r.outcome[0] == Approx(c));
  CHECK_FALSE(r.unweighted_fallback[0]);
}

TEST_CASE("median on the emission-standards case is the published 7.0", "[bargaining]") {
  const BargainingInput in = emission_case();
  const auto r = parley::bargain(BargainingModel::median, in, BargainingSettings{});
  CHECK(r.outcome[0] == 7.0);
}

TEST_CASE("compromise_1d by hand", "[bargaining]") {
  Eigen::VectorXd x(3), s(3), w(3);
  x << 0.0, 50.0, 100.0;
  s << 1.0, 0.5, 0.0;  // the third actor does not care: no pull
  w << 1.0, 2.0, 5.0;
  // (1*1*0 + 2*0.5*50 + 0) / (1 + 1 + 0) = 25
  CHECK(parley::compromise_1d(x, s, w) == Approx(25.0));

  SECTION("all weights 0 falls back to the plain mean") {
    s.setZero();
    CHECK(parley::compromise_1d(x, s, w) == Approx(50.0));
  }
}

TEST_CASE("compromise_1d on a state's columns equals it with the weights built", "[bargaining]") {
  // Values whose products and sums round, so another order of operations would show; the last
  // case has all weights 0 (the plain mean of 7 values, also rounded).
  Eigen::VectorXd x(7), s(7), c(7), p(7);
  x << 0.1, 33.3, 70.7, 12.9, 99.99, 41.3, 3.7;
  s << 0.3, 0.7, 0.11, 0.9, 0.13, 1.0, 0.37;
  c << 1.1, 0.3, 2.7, 0.9, 1.3, 0.7, 3.3;
  p << 1.5, 0.7, 1.1, 2.0, 0.3, 1.0, 0.9;
  for (int zero = 0; zero < 2; ++zero) {
    if (zero == 1) c.setZero();
    const Eigen::VectorXd w = c.cwiseProduct(p);
    const double built = parley::compromise_1d(x, s, w);
    CHECK(parley::compromise_1d(x.data(), s.data(), c.data(), p.data(), x.size()) == built);
  }
  CHECK(parley::compromise_1d(x.data(), s.data(), c.data(), p.data(), 0) == 0.0);
}

TEST_CASE("median_1d is the lower weighted median", "[bargaining]") {
  Eigen::VectorXd x(4), s(4), w(4);
  x << 30.0, 10.0, 20.0, 40.0;  // unsorted on purpose
  s << 1.0, 1.0, 1.0, 1.0;
  w << 1.0, 1.0, 1.0, 1.0;
  // Cumulative weight reaches half (2 of 4) at 20: the lower median, never an average.
  CHECK(parley::median_1d(x, s, w) == 20.0);

  SECTION("a heavy actor is the median") {
    w << 1.0, 1.0, 1.0, 4.0;  // 40 alone holds 4 of 7
    CHECK(parley::median_1d(x, s, w) == 40.0);
  }
  SECTION("salience scales the weight") {
    w << 1.0, 1.0, 1.0, 4.0;
    s << 1.0, 1.0, 1.0, 0.25;  // 40 now weighs 1: back to equal weights
    CHECK(parley::median_1d(x, s, w) == 20.0);
  }
  SECTION("all weights 0 falls back to the plain lower median") {
    s.setZero();
    CHECK(parley::median_1d(x, s, w) == 20.0);
  }
  SECTION("ties in position pool their weight") {
    x << 10.0, 10.0, 50.0, 60.0;
    w << 1.0, 1.0, 1.5, 0.5;  // 10 holds 2 of 4
    CHECK(parley::median_1d(x, s, w) == 10.0);
  }
}

TEST_CASE("bargain works per dim and flags all-zero weights", "[bargaining]") {
  BargainingInput in;
  in.position.resize(2, 2);
  in.salience.resize(2, 2);
  in.capability.resize(2);
  in.position << 0.0, 10.0, 100.0, 30.0;
  in.salience << 1.0, 0.5, 1.0, 0.5;
  in.capability << 3.0, 1.0;
  in.power.resize(2, 2);
  in.power << 1.0, 0.0, 1.0, 0.0;  // dim 1: both care, nobody has power there

  const auto r = parley::bargain(BargainingModel::compromise, in, BargainingSettings{});
  REQUIRE(r.outcome.size() == 2);
  CHECK(r.outcome[0] == Approx(25.0));  // (3*0 + 1*100) / 4
  CHECK(r.outcome[1] == Approx(20.0));  // unweighted mean of 10 and 30
  CHECK_FALSE(r.unweighted_fallback[0]);
  CHECK(r.unweighted_fallback[1]);

  SECTION("issue power multiplies capability per dim") {
    in.power.resize(2, 2);
    in.power << 1.0, 1.0, 3.0, 1.0;  // actor 1 weighs 3 on dim 0
    const auto p = parley::bargain(BargainingModel::compromise, in, BargainingSettings{});
    CHECK(p.outcome[0] == Approx(50.0));  // (3*0 + 3*100) / 6
  }
  SECTION("history holds round 0 only for one-shot models") {
    BargainingSettings st;
    st.record_history = true;
    const auto h = parley::bargain(BargainingModel::median, in, st);
    REQUIRE(h.history.size() == 1);
    CHECK(h.history[0] == in.position);
  }
}

TEST_CASE("nobody cares: no model moves the dim", "[bargaining]") {
  // Dim 1: every salience 0. Nobody bargains, so it stays at its status quo (70) in every
  // model, and has no forecast (NaN) without one; dim 0 is bargained over as usual.
  BargainingInput in;
  in.position.resize(3, 2);
  in.salience.resize(3, 2);
  in.capability.resize(3);
  in.position << 0.0, 10.0, 60.0, 30.0, 100.0, 90.0;
  in.salience << 1.0, 0.0, 0.5, 0.0, 0.8, 0.0;
  in.capability << 1.0, 2.0, 3.0;
  BargainingInput one_dim = in;  // dim 0 alone
  one_dim.position = in.position.leftCols(1);
  one_dim.salience = in.salience.leftCols(1);
  for (const BargainingModel m : parley::kBargainingModels) {
    INFO(parley::bargaining_name(m));
    BargainingSettings st;
    st.rounds = parley::default_rounds(m);
    in.status_quo.resize(0);
    const auto none = parley::bargain(m, in, st);
    CHECK(std::isnan(none.outcome[1]));
    CHECK_FALSE(none.unweighted_fallback[1]);
    in.status_quo = Eigen::Vector2d(40.0, 70.0);
    const auto held = parley::bargain(m, in, st);
    CHECK(held.outcome[1] == 70.0);
    CHECK_FALSE(held.unweighted_fallback[1]);
    // Dim 0 as if it were alone (smp weighs the dims together, but a dim with salience 0
    // adds nothing to any distance).
    one_dim.status_quo = Eigen::VectorXd::Constant(1, 40.0);
    CHECK(held.outcome[0] == Approx(parley::bargain(m, one_dim, st).outcome[0]));
  }
  // The models' own entry points keep the rule too.
  in.status_quo = Eigen::Vector2d(40.0, 70.0);
  const BargainingSettings st;
  CHECK(parley::eum_bargain(in, st).outcome[1] == 70.0);
  CHECK(parley::smp_bargain(in, st).outcome[1] == 70.0);
  CHECK(parley::blend_bargain(in, st).outcome[1] == 70.0);
  CHECK(parley::split_bargain(in, st).outcome[1] == 70.0);
}

TEST_CASE("default_rounds: 100 for smp (KTAB's maximum), 10 for eum and blend", "[bargaining]") {
  CHECK(parley::default_rounds(BargainingModel::smp) == 100);
  CHECK(parley::default_rounds(BargainingModel::eum) == 10);
  CHECK(parley::default_rounds(BargainingModel::blend) == 10);
  CHECK(parley::default_rounds(BargainingModel::compromise) == 1);
  CHECK(parley::default_rounds(BargainingModel::median) == 1);
  CHECK(parley::default_rounds(BargainingModel::nbs) == 1);
}

TEST_CASE("bargain: nbs uses the input's status quo as the disagreement point", "[bargaining]") {
  // A at 60 (weight 1), B at 100 (weight 2), scale 0-200.
  BargainingInput in;
  in.position.resize(2, 1);
  in.salience.resize(2, 1);
  in.capability.resize(2);
  in.position << 60.0, 100.0;
  in.salience << 1.0, 1.0;
  in.capability << 1.0, 2.0;
  in.scale_lo = 0.0;
  in.scale_hi = 200.0;

  SECTION("no status quo: each actor's worst end of the scale") {
    // Reaches 140 (A, worst end 200) and 100 (B, worst end 0). On [60, 100] the gains are
    // 200 - x and x; max (200 - x) x^2 would be x = 133, past B's kink at 100, so x = 100.
    const auto r = parley::bargain(BargainingModel::nbs, in, BargainingSettings{});
    CHECK(r.outcome[0] == Approx(100.0).margin(1e-6));
  }
  SECTION("status quo 0: both gain only towards their positions") {
    in.status_quo.resize(1);
    in.status_quo << 0.0;
    // Gains 60 - |x - 60| = 120 - x and 100 - |x - 100| = x on [60, 100]:
    // max (120 - x) x^2  =>  -1/(120 - x) + 2/x = 0  =>  x = 80.
    const auto r = parley::bargain(BargainingModel::nbs, in, BargainingSettings{});
    CHECK(r.outcome[0] == Approx(80.0).margin(1e-6));
  }
  SECTION("status quo between the actors: no point is better for both") {
    in.status_quo.resize(1);
    in.status_quo << 70.0;
    const auto r = parley::bargain(BargainingModel::nbs, in, BargainingSettings{});
    CHECK(r.outcome[0] == 70.0);
  }
  SECTION("the other models ignore it") {
    in.status_quo.resize(1);
    in.status_quo << 0.0;
    const auto r = parley::bargain(BargainingModel::compromise, in, BargainingSettings{});
    CHECK(r.outcome[0] == Approx((60.0 + 200.0) / 3.0));
  }
}

// Tests of the split model: the weighted median for two camps, the NBS otherwise.
#include <catch2/catch.hpp>

#include "engine/model/bargaining.hpp"
#include "engine/model/nbs.hpp"
#include "engine/model/split.hpp"

using parley::BargainingInput;
using parley::BargainingModel;
using parley::BargainingSettings;

namespace {

BargainingInput one_dim(std::initializer_list<double> x, std::initializer_list<double> s,
                        std::initializer_list<double> w) {
  BargainingInput in;
  const auto n = static_cast<Eigen::Index>(x.size());
  in.position.resize(n, 1);
  in.salience.resize(n, 1);
  in.capability.resize(n);
  Eigen::Index i = 0;
  for (const double v : x) in.position(i++, 0) = v;
  i = 0;
  for (const double v : s) in.salience(i++, 0) = v;
  i = 0;
  for (const double v : w) in.capability[i++] = v;
  in.scale_lo = 0.0;
  in.scale_hi = 100.0;
  return in;
}

}  // namespace

TEST_CASE("camp_count counts distinct positions of actors with weight", "[bargaining][split]") {
  const BargainingInput in = one_dim({0, 100, 100, 40}, {1, 1, 0.5, 0}, {1, 2, 1, 5});
  // The actor at 40 has salience 0: no weight, no camp.
  CHECK(parley::camp_count(in.position.col(0), in.salience.col(0), in.capability) == 2);
  Eigen::VectorXd s = in.salience.col(0);
  s[3] = 0.1;
  CHECK(parley::camp_count(in.position.col(0), s, in.capability) == 3);
  // Nobody has weight: every actor counts.
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(4);
  CHECK(parley::camp_count(in.position.col(0), zero, in.capability) == 3);
}

TEST_CASE("split: two camps give the weighted median", "[bargaining][split]") {
  // A at 0 (weight 1), B at 100 (weight 3): the median is 100, the NBS on [0, 100] 75
  // (nbs_test.cpp), the compromise 75.
  const BargainingInput in = one_dim({0, 100}, {1, 1}, {1, 3});
  const auto r = parley::bargain(BargainingModel::split, in, BargainingSettings{});
  CHECK(r.outcome[0] == 100.0);
  CHECK(parley::bargain(BargainingModel::nbs, in, BargainingSettings{}).outcome[0] ==
        Approx(75.0).margin(1e-6));
  CHECK(parley::default_rounds(BargainingModel::split) == 1);
}

TEST_CASE("split: three camps give the NBS, status quo included", "[bargaining][split]") {
  // Three positions: split is the NBS, whatever the median says.
  BargainingInput in = one_dim({0, 40, 100}, {0.5, 1, 1}, {1, 1, 2});
  const auto nbs = parley::bargain(BargainingModel::nbs, in, BargainingSettings{});
  const auto split = parley::bargain(BargainingModel::split, in, BargainingSettings{});
  CHECK(split.outcome[0] == nbs.outcome[0]);
  CHECK(split.outcome[0] !=
        parley::median_1d(in.position.col(0), in.salience.col(0), in.capability));
  // With a status quo the NBS part uses it as the disagreement point, as nbs does.
  in.status_quo = Eigen::VectorXd::Constant(1, 0.0);
  const auto nbs_sq = parley::bargain(BargainingModel::nbs, in, BargainingSettings{});
  const auto split_sq = parley::bargain(BargainingModel::split, in, BargainingSettings{});
  CHECK(split_sq.outcome[0] == nbs_sq.outcome[0]);
  CHECK(split_sq.outcome[0] != split.outcome[0]);
}

TEST_CASE("split: per dim, fallback flag, history and name", "[bargaining][split]") {
  BargainingInput in;
  in.position.resize(3, 2);
  in.salience.resize(3, 2);
  in.capability = Eigen::Vector3d(1, 1, 2);
  in.position << 0, 0, 100, 40, 100, 100;  // dim 0: two camps, dim 1: three
  in.salience << 1, 1, 1, 1, 1, 1;
  in.power.resize(3, 2);
  in.power << 1, 0, 1, 0, 1, 0;  // dim 1: nobody has weight
  BargainingSettings st;
  st.record_history = true;
  const auto r = parley::bargain(BargainingModel::split, in, st);
  CHECK(r.outcome[0] == 100.0);  // weights 1, 1, 2 at 0, 100, 100
  CHECK_FALSE(r.unweighted_fallback[0]);
  CHECK(r.unweighted_fallback[1]);
  REQUIRE(r.history.size() == 1);
  CHECK(r.history[0] == in.position);
  CHECK(parley::parse_bargaining("split") == BargainingModel::split);
  CHECK(parley::bargaining_name(BargainingModel::split) == "split");
}

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "engine/batch/stats.hpp"
#include "engine/core/rng.hpp"

using parley::MetricStats;

TEST_CASE("mean and sd match a direct computation", "[stats]") {
  MetricStats s(0, 100, false, 1000);
  const std::vector<double> v = {12.5, 40.0, 99.0, 0.0, 63.25, 50.0};
  double sum = 0.0;
  for (const double x : v) {
    s.add(x);
    sum += x;
  }
  const double mean = sum / v.size();
  double ss = 0.0;
  for (const double x : v) ss += (x - mean) * (x - mean);
  REQUIRE(s.count() == v.size());
  REQUIRE(s.mean() == Approx(mean).epsilon(1e-9));
  REQUIRE(s.sd() == Approx(std::sqrt(ss / (v.size() - 1))).epsilon(1e-9));
}

TEST_CASE("quantiles of uniform data are within one bin", "[stats]") {
  MetricStats s(0, 100, false, 1000);
  parley::Rng r(1, 1);
  for (int k = 0; k < 100000; ++k) s.add(r.uniform(0, 100));
  REQUIRE(s.quantile(0.05) == Approx(5.0).margin(0.3));
  REQUIRE(s.quantile(0.5) == Approx(50.0).margin(0.5));
  REQUIRE(s.quantile(0.95) == Approx(95.0).margin(0.3));
}

TEST_CASE("integer metrics give exact quantiles", "[stats]") {
  MetricStats s(-1, 10, true, 0);
  for (int k = 0; k < 90; ++k) s.add(3);
  for (int k = 0; k < 10; ++k) s.add(-1);
  REQUIRE(s.quantile(0.05) == -1.0);
  REQUIRE(s.quantile(0.5) == 3.0);
  REQUIRE(s.quantile(0.95) == 3.0);
}

TEST_CASE("merging in any order gives identical statistics", "[stats]") {
  parley::Rng r(2, 2);
  std::vector<double> v;
  for (int k = 0; k < 3000; ++k) v.push_back(r.uniform(0, 1));
  MetricStats one(0, 1, false, 100), a(0, 1, false, 100), b(0, 1, false, 100);
  for (size_t k = 0; k < v.size(); ++k) {
    one.add(v[k]);
    (k % 3 == 0 ? a : b).add(v[k]);
  }
  MetricStats ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  REQUIRE(ab.mean() == one.mean());
  REQUIRE(ba.mean() == one.mean());
  REQUIRE(ab.sd() == one.sd());
  REQUIRE(ba.quantile(0.3) == one.quantile(0.3));
}

TEST_CASE("quantiles stay within the observed values", "[stats]") {
  MetricStats constant(0, 100, false, 250);
  for (int k = 0; k < 50; ++k) constant.add(0.0);
  REQUIRE(constant.quantile(0.05) == 0.0);
  REQUIRE(constant.quantile(0.5) == 0.0);
  MetricStats two(0, 100, false, 250);
  two.add(37.0);
  two.add(37.1);
  REQUIRE(two.quantile(0.01) >= 37.0);
  REQUIRE(two.quantile(0.99) <= 37.1);
}

// Tests of the designs (Sobol' sequence, Latin hypercube, grid, Saltelli) and of the Sobol'
// index estimators on functions whose indices are known in closed form.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <vector>

#include "engine/batch/sensitivity.hpp"
#include "engine/core/rng.hpp"

using namespace parley;

namespace {

constexpr double kPi = 3.14159265358979323846;

// The Ishigami function and its exact indices (Ishigami and Homma 1990; Sobol' and Levitan 1999).
double ishigami(double x1, double x2, double x3, double a, double b) {
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}

struct Exact {
  double s1[3];
  double st[3];
};

Exact ishigami_exact(double a, double b) {
  const double pi4 = std::pow(kPi, 4), pi8 = std::pow(kPi, 8);
  const double v1 = 0.5 * std::pow(1.0 + b * pi4 / 5.0, 2);
  const double v2 = a * a / 8.0;
  const double v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
  const double v = v1 + v2 + v13;
  return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

// Feeds a Saltelli design scaled to [-pi, pi]^3 to Ishigami.
Eigen::MatrixXd ishigami_outputs(int n, double a, double b) {
  const Eigen::MatrixXd u = saltelli_design(n, 3);
  Eigen::MatrixXd y(u.rows(), 1);
  for (Eigen::Index r = 0; r < u.rows(); ++r) {
    const auto x = [&](int j) { return -kPi + 2.0 * kPi * u(r, j); };
    y(r, 0) = ishigami(x(0), x(1), x(2), a, b);
  }
  return y;
}

}  // namespace

TEST_CASE("the Sobol' sequence starts as Joe and Kuo's", "[sensitivity]") {
  const SobolSequence seq(3);
  // Points 0..7 of Joe and Kuo's generator (equal to scipy's unscrambled Sobol).
  const double expected[8][3] = {{0, 0, 0},
                                 {0.5, 0.5, 0.5},
                                 {0.75, 0.25, 0.25},
                                 {0.25, 0.75, 0.75},
                                 {0.375, 0.375, 0.625},
                                 {0.875, 0.875, 0.125},
                                 {0.625, 0.125, 0.875},
                                 {0.125, 0.625, 0.375}};
  double p[3];
  for (int i = 0; i < 8; ++i) {
    seq.point(static_cast<std::uint64_t>(i), p);
    for (int j = 0; j < 3; ++j) CHECK(p[j] == expected[i][j]);
  }
}

TEST_CASE("every 2-D projection of 2^m Sobol' points is stratified", "[sensitivity]") {
  // The net property in its simplest forms: among the first 2^m points, every dimension puts
  // exactly one point in each interval [k/2^m, (k+1)/2^m) (a wrong direction number breaks this
  // at once), and dimensions 1 and 2 (a (0, m, 2)-net) put one point in each 2^-5 x 2^-5 cell.
  const SobolSequence seq(SobolSequence::kMaxDims);
  const int m = 10, count = 1 << m;
  std::vector<std::vector<double>> pts(count, std::vector<double>(SobolSequence::kMaxDims));
  for (int i = 0; i < count; ++i) seq.point(static_cast<std::uint64_t>(i), pts[i].data());
  for (int j = 0; j < SobolSequence::kMaxDims; ++j) {
    std::set<int> cells;
    for (int i = 0; i < count; ++i) cells.insert(static_cast<int>(pts[i][j] * count));
    CHECK(cells.size() == static_cast<size_t>(count));
  }
  std::set<int> cells;
  for (int i = 0; i < count; ++i)
    cells.insert(static_cast<int>(pts[i][0] * 32) * 32 + static_cast<int>(pts[i][1] * 32));
  CHECK(cells.size() == static_cast<size_t>(count));
}

TEST_CASE("a Latin hypercube puts one point in every stratum of every column", "[sensitivity]") {
  Rng rng(5, 1);
  const Eigen::MatrixXd x = latin_hypercube(50, 4, rng);
  REQUIRE(x.rows() == 50);
  REQUIRE(x.cols() == 4);
  for (int j = 0; j < 4; ++j) {
    std::set<int> strata;
    for (int k = 0; k < 50; ++k) {
      CHECK(x(k, j) >= 0.0);
      CHECK(x(k, j) < 1.0);
      strata.insert(static_cast<int>(x(k, j) * 50));
    }
    CHECK(strata.size() == 50);
  }
  Rng again(5, 1);
  CHECK(latin_hypercube(50, 4, again) == x);
}

TEST_CASE("a grid holds every combination of levels, ends included", "[sensitivity]") {
  const Eigen::MatrixXd g = grid_design({3, 2});
  REQUIRE(g.rows() == 6);
  const double expected[6][2] = {{0, 0}, {0, 1}, {0.5, 0}, {0.5, 1}, {1, 0}, {1, 1}};
  for (int r = 0; r < 6; ++r)
    for (int j = 0; j < 2; ++j) CHECK(g(r, j) == expected[r][j]);
}

TEST_CASE("Saltelli's AB_i takes column i from B and the rest from A", "[sensitivity]") {
  const int n = 16, d = 3;
  const Eigen::MatrixXd x = saltelli_design(n, d);
  REQUIRE(x.rows() == n * (d + 2));
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < d; ++k) CHECK(x((2 + i) * n + j, k) == (k == i ? x(n + j, k) : x(j, k)));
  CHECK(saltelli_block(0, n) == "A");
  CHECK(saltelli_block(n, n) == "B");
  CHECK(saltelli_block(2 * n + 3, n) == "AB1");
  CHECK(saltelli_block(4 * n + 15, n) == "AB3");
}

TEST_CASE("Sobol' indices of the Ishigami function match the exact values", "[sensitivity]") {
  const double a = 7.0, b = 0.1;
  const Exact exact = ishigami_exact(a, b);
  // Known values for a = 7, b = 0.1.
  REQUIRE(exact.s1[0] == Approx(0.3139).margin(1e-4));
  REQUIRE(exact.s1[1] == Approx(0.4424).margin(1e-4));
  REQUIRE(exact.st[0] == Approx(0.5576).margin(1e-4));
  REQUIRE(exact.st[2] == Approx(0.2437).margin(1e-4));

  const int n = 4096;
  const auto idx = sobol_indices(ishigami_outputs(n, a, b), n, 3, 500, 11);
  REQUIRE(idx.size() == 1);
  REQUIRE(idx[0].size() == 3);
  for (int i = 0; i < 3; ++i) {
    const SobolIndex& s = idx[0][static_cast<size_t>(i)];
    INFO("input " << i + 1 << ": S1 " << s.s1 << " +- " << s.s1_ci << ", ST " << s.st << " +- "
                  << s.st_ci);
    // Within the 95% interval (with a small floor for intervals near zero width), and the
    // intervals are informative, not merely wide.
    CHECK(std::abs(s.s1 - exact.s1[i]) <= s.s1_ci + 0.01);
    CHECK(std::abs(s.st - exact.st[i]) <= s.st_ci + 0.01);
    CHECK(s.s1_ci > 0.0);
    CHECK(s.s1_ci < 0.06);
    CHECK(s.st_ci > 0.0);
    CHECK(s.st_ci < 0.06);
  }
}

TEST_CASE("an additive function's indices equal its variance shares", "[sensitivity]") {
  // f = 2 x1 + x2 on uniform inputs: V1 = 4/12, V2 = 1/12, so S1 = ST = (0.8, 0.2), and an input
  // the function ignores gets 0 exactly (its AB column equals A's output).
  const int n = 1024;
  const Eigen::MatrixXd u = saltelli_design(n, 3);
  Eigen::MatrixXd y(u.rows(), 2);
  for (Eigen::Index r = 0; r < u.rows(); ++r) {
    y(r, 0) = 100.0 + 2.0 * u(r, 0) + u(r, 1);  // a large mean: the centring keeps this exact
    y(r, 1) = 3.0;                              // a constant output has no indices
  }
  const auto idx = sobol_indices(y, n, 3, 200, 3);
  CHECK(idx[0][0].s1 == Approx(0.8).margin(0.01));
  CHECK(idx[0][1].s1 == Approx(0.2).margin(0.01));
  CHECK(idx[0][0].st == Approx(0.8).margin(0.01));
  CHECK(idx[0][1].st == Approx(0.2).margin(0.01));
  CHECK(idx[0][2].s1 == 0.0);
  CHECK(idx[0][2].st == 0.0);
  CHECK(std::isnan(idx[1][0].s1));
  CHECK(std::isnan(idx[1][2].st_ci));
}

TEST_CASE("the estimates and intervals are reproducible bit for bit", "[sensitivity]") {
  const Eigen::MatrixXd y = ishigami_outputs(512, 7.0, 0.1);
  const auto one = sobol_indices(y, 512, 3, 100, 9);
  const auto two = sobol_indices(y, 512, 3, 100, 9);
  const auto other = sobol_indices(y, 512, 3, 100, 10);
  for (int i = 0; i < 3; ++i) {
    CHECK(one[0][i].s1 == two[0][i].s1);
    CHECK(one[0][i].st_ci == two[0][i].st_ci);
    CHECK(one[0][i].s1 == other[0][i].s1);  // the point estimate does not depend on the seed
  }
  CHECK(one[0][0].s1_ci != other[0][0].s1_ci);
}

TEST_CASE("the spread of an output is taken over the A and B rows, in its unit", "[sensitivity]") {
  // n = 10 base rows, d = 1: A and B hold 1..20, AB1 a value far away that must not count.
  const int n = 10;
  Eigen::MatrixXd y(3 * n, 2);
  for (int i = 0; i < 2 * n; ++i) y(i, 0) = 20 - i;  // order does not matter
  for (int i = 2 * n; i < 3 * n; ++i) y(i, 0) = 1000.0;
  y.col(1).setConstant(7.5);
  const std::vector<OutputSpread> s = sobol_spread(y, n);
  REQUIRE(s.size() == 2);
  // Values 1..20: mean 10.5, population variance (20^2 - 1) / 12.
  CHECK(s[0].sd == Approx(std::sqrt(399.0 / 12.0)));
  CHECK(s[0].p05 == Approx(1.0 + 0.05 * 19.0));  // 1.95, between the 1st and 2nd value
  CHECK(s[0].p95 == Approx(1.0 + 0.95 * 19.0));  // 19.05
  CHECK(s[1].sd == 0.0);
  CHECK(s[1].p05 == 7.5);
  CHECK(s[1].p95 == 7.5);
  y(3, 1) = std::nan("");
  CHECK(std::isnan(sobol_spread(y, n)[1].sd));
}

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/batch/bytes.hpp"
#include "engine/batch/stats.hpp"
#include "engine/core/rng.hpp"

using parley::MetricStats;

namespace {

// The accumulator's whole state, as a checkpoint saves it.
std::string saved(const MetricStats& m) {
  std::string out;
  parley::ByteWriter w(out);
  m.save(w);
  return out;
}

}  // namespace

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

TEST_CASE("round_half_away rounds exactly as llround", "[stats]") {
  using parley::round_half_away;
  std::vector<double> v = {0.0,          0.5,          1.0,          1.5,    2.5,
                           4294967296.0, 4294967295.5, 0x1p52 - 0.5, 0x1p52, 0x1p52 + 1.0,
                           -0.0,         -0.5,         -1.5,         -3.2,   1e30};
  // Just below, at and just above every half from 0 to 64, and near the ends of the range.
  for (int k = 0; k <= 128; ++k) {
    const double h = 0.5 * k;
    v.push_back(h);
    v.push_back(std::nextafter(h, 0.0));
    v.push_back(std::nextafter(h, 1e9));
  }
  parley::Rng r(3, 3);
  for (int k = 0; k < 200000; ++k) {
    v.push_back(r.uniform() * 4294967296.0);  // MetricStats' fixed-point values
    v.push_back(r.uniform() * 100.0);         // integer metrics' offsets
    v.push_back(std::ldexp(r.uniform(), static_cast<int>(r.below(60))));
  }
  for (const double x : v) {
    INFO("x = " << x);
    REQUIRE(round_half_away(x) == std::llround(x));
  }
}

TEST_CASE("add keeps the exact fixed-point sums and bins", "[stats]") {
  // A reference kept the plain way (llround'ed fixed-point sums, bin counts), then read out
  // with the formulas of mean(), sd() and quantile(): the results must be the same doubles.
  constexpr double lo = -5.0, hi = 20.0, scale = 4294967296.0;
  constexpr int nb = 250;
  parley::Rng r(4, 4);
  MetricStats s(lo, hi, false, nb);
  parley::Int128 sum = 0, sumsq = 0;
  std::vector<std::uint64_t> bins(nb, 0);
  double mn = hi, mx = lo;
  const int n = 50000;
  for (int k = 0; k < n; ++k) {
    const double v = k % 100 == 0 ? lo + 0.25 * (k % 7) : r.uniform(lo - 1.0, hi + 1.0);
    s.add(v);
    const double c = std::clamp(v, lo, hi);
    const double x = (c - lo) / (hi - lo);
    const auto fx = static_cast<std::int64_t>(std::llround(x * scale));
    sum += fx;
    sumsq += static_cast<parley::Int128>(fx) * fx;
    bins[static_cast<size_t>(
        std::clamp<std::int64_t>(static_cast<std::int64_t>(x * nb), 0, nb - 1))]++;
    mn = std::min(mn, c);
    mx = std::max(mx, c);
  }
  const auto ln = static_cast<long double>(n);
  const long double m = static_cast<long double>(sum) / ln / scale;
  REQUIRE(s.mean() == static_cast<double>(lo + (hi - lo) * m));
  const long double ls = static_cast<long double>(sum);
  const long double var = (static_cast<long double>(sumsq) - ls * ls / ln) / (ln - 1.0L);
  REQUIRE(s.sd() == static_cast<double>((hi - lo) * std::sqrt(std::max(0.0L, var)) / scale));
  for (const double p : {0.05, 0.5, 0.95}) {
    const double target = p * n;
    double before = 0.0, q = mx;
    for (int b = 0; b < nb; ++b) {
      const double c = static_cast<double>(bins[static_cast<size_t>(b)]);
      if (c > 0.0 && before + c >= target) {
        const double width = (hi - lo) / nb;
        q = std::clamp(lo + width * (b + (target - before) / c), mn, mx);
        break;
      }
      before += c;
    }
    REQUIRE(s.quantile(p) == q);
  }
}

TEST_CASE("add_values leaves the state add leaves, bit for bit", "[stats][batch]") {
  // Continuous and integer metrics; values outside the range, non-finite ones, both signed
  // zeros at the bottom of the range (min keeps the first one seen, as add() does), and a stride.
  parley::Rng r(5, 5);
  const double inf = std::numeric_limits<double>::infinity();
  for (const bool integer : {false, true}) {
    MetricStats one(0, 30, integer, 250), burst(0, 30, integer, 250);
    std::vector<double> v;
    for (int k = 0; k < 4000; ++k) {
      const int kind = k % 50;
      double x = integer ? std::round(r.uniform(-3, 33)) : r.uniform(-3, 33);
      if (kind == 1) x = -0.0;
      if (kind == 2) x = 0.0;
      if (kind == 3) x = std::nan("");
      if (kind == 4) x = -inf;
      v.push_back(x);
      v.push_back(12345.0);  // the other column of a two-column table: never read
    }
    for (size_t k = 0; k < v.size(); k += 2) one.add(v[k]);
    // Bursts of 32 rows, as a batch block, and a shorter last one.
    for (size_t row = 0; row < v.size() / 2; row += 32)
      burst.add_values(&v[2 * row], std::min<size_t>(32, v.size() / 2 - row), 2);
    REQUIRE(burst.count() == one.count());
    REQUIRE(saved(one) == saved(burst));
  }
}

TEST_CASE("add_values of nothing changes nothing; the first burst sets min and max",
          "[stats][batch]") {
  MetricStats s(-1, 1, false, 10), t(-1, 1, false, 10);
  s.add_values(nullptr, 0, 1);
  REQUIRE(saved(s) == saved(t));
  const double v[] = {0.5, -0.25, 0.75};
  s.add_values(v, 3, 1);
  REQUIRE(s.count() == 3);
  REQUIRE(s.quantile(0.0) == -0.25);
  REQUIRE(s.quantile(1.0) == 0.75);
}

TEST_CASE("a saved accumulator loads bit for bit, any 128-bit sums included", "[stats][batch]") {
  // Sums no batch reaches (negative, beyond 2^64): the encoding carries whatever they hold.
  const parley::Int128 two64 = static_cast<parley::Int128>(1) << 64;
  std::string bytes;
  parley::ByteWriter w(bytes);
  w.f64(0.0);
  w.f64(10.0);
  w.u64(0);  // continuous
  w.u64(3);
  w.f64(1.0);
  w.f64(9.0);
  w.i128(-two64 - 5);
  w.i128((two64 << 62) + 3);
  w.u64(4);
  w.u64s(std::vector<std::uint64_t>{1, 1, 0, 1});
  MetricStats s;
  parley::ByteReader r(bytes);
  REQUIRE(s.load(r));
  REQUIRE(r.done());
  REQUIRE(s.count() == 3);
  REQUIRE(s.bins().size() == 4);
  REQUIRE(saved(s) == bytes);
  REQUIRE(s.same_shape(MetricStats(0, 10, false, 4)));
  REQUIRE_FALSE(s.same_shape(MetricStats(0, 10, false, 5)));
  REQUIRE_FALSE(s.same_shape(MetricStats(0, 10, true, 4)));
  // Cut anywhere: refused, and the accumulator is left as it was.
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    MetricStats u(0, 1, false, 2);
    parley::ByteReader part(std::string_view(bytes).substr(0, cut));
    REQUIRE_FALSE(u.load(part));
    REQUIRE(saved(u) == saved(MetricStats(0, 1, false, 2)));
  }
  // No bins, or more bins than the input holds.
  for (const std::uint64_t bins : {std::uint64_t{0}, std::uint64_t{5}}) {
    std::string bad = bytes;
    bad[80] = static_cast<char>(bins);  // the low byte of the bin count
    MetricStats u;
    parley::ByteReader part(bad);
    INFO(bins << " bins");
    REQUIRE_FALSE(u.load(part));
  }
}

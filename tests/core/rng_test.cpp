#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "engine/core/rng.hpp"

using parley::Rng;

TEST_CASE("the same seed and stream give the same numbers", "[rng]") {
  Rng a(42, 7), b(42, 7);
  for (int k = 0; k < 100; ++k) REQUIRE(a.next_u64() == b.next_u64());
}

TEST_CASE("different streams and seeds give different numbers", "[rng]") {
  std::set<std::uint64_t> firsts;
  for (std::uint64_t seed = 0; seed < 20; ++seed)
    for (std::uint64_t stream = 0; stream < 20; ++stream)
      firsts.insert(Rng(seed, stream).next_u64());
  REQUIRE(firsts.size() == 400);
}

TEST_CASE("split does not advance the parent and children differ", "[rng]") {
  Rng parent(1, 2);
  const Rng copy = parent;
  const Rng c1 = parent.split(1), c2 = parent.split(2);
  Rng p1 = parent, p2 = copy;
  REQUIRE(p1.next_u64() == p2.next_u64());
  Rng d1 = c1, d2 = c2;
  REQUIRE(d1.next_u64() != d2.next_u64());
}

TEST_CASE("uniform draws lie in 0..1 (1 excluded) with the right mean", "[rng]") {
  Rng r(3, 4);
  double sum = 0.0;
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
  }
  REQUIRE(sum / n == Approx(0.5).margin(0.005));
}

TEST_CASE("normal draws have mean 0 and sd 1", "[rng]") {
  Rng r(5, 6);
  double sum = 0.0, sumsq = 0.0;
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    const double z = r.normal();
    sum += z;
    sumsq += z * z;
  }
  const double mean = sum / n;
  REQUIRE(mean == Approx(0.0).margin(0.01));
  REQUIRE(std::sqrt(sumsq / n - mean * mean) == Approx(1.0).margin(0.01));
}

TEST_CASE("below(n) covers 0..n-1 evenly", "[rng]") {
  Rng r(9, 9);
  int counts[5] = {0, 0, 0, 0, 0};
  for (int k = 0; k < 50000; ++k) ++counts[r.below(5)];
  for (const int c : counts) REQUIRE(c == Approx(10000).margin(400));
}

TEST_CASE("RngChildren gives split's streams and their first uniform bit for bit", "[rng]") {
  using parley::RngChildren;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    Rng parent(seed, 11);
    parent.next_u64();  // a parent that has drawn: its children come from its current state
    const RngChildren children(parent);
    for (std::uint64_t key = 0; key < 40; ++key) {
      Rng expected = parent.split(key), got = children.split(key);
      for (int k = 0; k < 5; ++k) REQUIRE(expected.next_u64() == got.next_u64());
      const double u = parent.split(key).uniform();
      REQUIRE(children.first_uniform(key) == u);
      REQUIRE(Rng::first_uniform(seed, key) == Rng(seed, key).uniform());
    }
  }
  // Later draws from the parent do not change children taken before them.
  Rng parent(7, 8);
  const RngChildren before(parent);
  const Rng child = parent.split(3);
  parent.next_u64();
  Rng a = before.split(3), b = child;
  REQUIRE(a.next_u64() == b.next_u64());
}

TEST_CASE("mix64_key equals mix64 for small and large keys", "[rng]") {
  for (std::uint64_t key = 0; key < 200; ++key)
    REQUIRE(parley::mix64_key(key) == parley::mix64(key));
  REQUIRE(parley::mix64_key(~std::uint64_t{0}) == parley::mix64(~std::uint64_t{0}));
}

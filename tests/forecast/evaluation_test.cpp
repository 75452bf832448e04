// Tests of the evaluation arithmetic: error summaries, clusters, the cluster bootstrap and the
// cross-validated choice, on cases worked out by hand.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "engine/forecast/evaluation.hpp"

using parley::BootstrapSettings;

TEST_CASE("summarize_errors: mean, median, share within by hand", "[forecast]") {
  const std::vector<double> e{5.0, 20.0, 10.0, 0.0};
  const auto s = parley::summarize_errors(e, 10.0);
  CHECK(s.issues == 4);
  CHECK(s.mean_abs == Approx(35.0 / 4.0));
  CHECK(s.median_abs == Approx(7.5));     // mean of the middle values 5 and 10
  CHECK(s.share_within == Approx(0.75));  // 10 itself counts
  const auto odd = parley::summarize_errors(std::vector<double>{9.0, 1.0, 4.0}, 3.0);
  CHECK(odd.median_abs == 4.0);
  CHECK(odd.share_within == Approx(1.0 / 3.0));
  CHECK(parley::summarize_errors(std::vector<double>{}, 10.0).issues == 0);
}

TEST_CASE("clusters_by_prefix numbers proposals in order of appearance", "[forecast]") {
  const std::vector<std::string> ids{"d00032i1", "d00032i2", "n98092i1", "d00032i3", "x"};
  CHECK(parley::clusters_by_prefix(ids, 6) == std::vector<int>{0, 0, 1, 0, 2});
  CHECK(parley::clusters_by_prefix(ids, 0) == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(parley::clusters_by_prefix({"ab", "ab"}, 0) == std::vector<int>{0, 1});
}

TEST_CASE("cluster bootstrap: the interval of two clusters by hand", "[forecast]") {
  // Cluster 0 holds errors 5 and 8.5 (sum 13.5), cluster 1 holds 10. A draw of two clusters
  // gives (0,0): 27/4 = 6.75 with probability 1/4, (0,1) or (1,0): 23.5/3 with 1/2, (1,1): 10
  // with 1/4. The 2.5% and 97.5% quantiles are therefore 6.75 and 10.
  const std::vector<double> v{5.0, 8.5, 10.0};
  const std::vector<int> c{0, 0, 1};
  BootstrapSettings st;
  const auto in = parley::cluster_bootstrap_mean(v, c, st);
  CHECK(in.estimate == Approx(23.5 / 3.0));
  CHECK(in.lo == Approx(6.75));
  CHECK(in.hi == Approx(10.0));
  // Cluster numbers that hold nothing are skipped: 0 and 2 behave like 0 and 1.
  const auto gap = parley::cluster_bootstrap_mean(v, std::vector<int>{0, 0, 2}, st);
  CHECK(gap.lo == in.lo);
  CHECK(gap.hi == in.hi);
  // Resampling issues one by one instead (each its own cluster) reaches 5 at the bottom.
  const auto single = parley::cluster_bootstrap_mean(v, std::vector<int>{0, 1, 2}, st);
  CHECK(single.lo < 6.75);
}

TEST_CASE("cluster bootstrap is a fixed function of its seed", "[forecast]") {
  std::vector<double> v;
  std::vector<int> c;
  for (int i = 0; i < 60; ++i) {
    v.push_back(static_cast<double>((i * 37) % 23));
    c.push_back(i / 3);
  }
  BootstrapSettings st;
  const auto a = parley::cluster_bootstrap_mean(v, c, st);
  const auto b = parley::cluster_bootstrap_mean(v, c, st);
  CHECK(a.lo == b.lo);
  CHECK(a.hi == b.hi);
  CHECK(a.lo < a.estimate);
  CHECK(a.hi > a.estimate);
  st.seed = 15;
  const auto other = parley::cluster_bootstrap_mean(v, c, st);
  CHECK((other.lo != a.lo || other.hi != a.hi));
  // A wider level gives a wider interval from the same draws.
  st.seed = 14;
  st.level = 0.5;
  const auto narrow = parley::cluster_bootstrap_mean(v, c, st);
  CHECK(narrow.lo >= a.lo);
  CHECK(narrow.hi <= a.hi);
}

TEST_CASE("cross_validate_choice leaves each cluster out in turn", "[forecast]") {
  // Three clusters of one issue each, outcomes 0, 0, 10. Candidate 0 always says 0, candidate 1
  // always 4. Errors: candidate 0: 0, 0, 10 (total 10); candidate 1: 4, 4, 6 (total 14).
  // Leaving out cluster 0 or 1: 10 against 10 -> tie, the lower index (0) wins. Leaving out
  // cluster 2: 0 against 8 -> candidate 0. So every fold picks 0 and the held-out errors are
  // candidate 0's.
  const std::vector<std::vector<double>> cand{{0.0, 0.0, 0.0}, {4.0, 4.0, 4.0}};
  const std::vector<double> out{0.0, 0.0, 10.0};
  const std::vector<int> clusters{0, 1, 2};
  auto r = parley::cross_validate_choice(cand, out, clusters);
  CHECK(r.full_choice == 0);
  CHECK(r.fold_choice == std::vector<int>{0, 0, 0});
  CHECK(r.held_out_error == std::vector<double>{0.0, 0.0, 10.0});

  // With outcomes 4, 4, 0 candidate 1 fits the first two and candidate 0 the third: errors
  // c0 = 4, 4, 0 (total 8), c1 = 0, 0, 4 (total 4). Leaving out cluster 0: c0 4, c1 4 -> tie,
  // c0; cluster 1 likewise c0; cluster 2: c0 8, c1 0 -> c1. Held out: c0 on issue 0 (4), c0 on
  // issue 1 (4), c1 on issue 2 (4): a mean of 4, worse than the 4/3 of the full choice c1.
  const std::vector<double> out2{4.0, 4.0, 0.0};
  r = parley::cross_validate_choice(cand, out2, clusters);
  CHECK(r.full_choice == 1);
  CHECK(r.fold_choice == std::vector<int>{0, 0, 1});
  CHECK(r.held_out_error == std::vector<double>{4.0, 4.0, 4.0});

  // Two issues in one cluster leave together: the fold without cluster 0 sees only issue 2.
  r = parley::cross_validate_choice(cand, out2, std::vector<int>{0, 0, 1});
  CHECK(r.fold_choice == std::vector<int>{0, 1});
  CHECK(r.held_out_error == std::vector<double>{4.0, 4.0, 4.0});
}

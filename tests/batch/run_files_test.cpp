// histograms.csv: the options' distributions over shared bins, from the batch statistics.
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/batch/run_files.hpp"

using namespace parley;

namespace {

struct Bin {
  double low = 0, high = 0;
  std::uint64_t count = 0;
};

// option -> metric -> bins, parsed from the text.
std::map<std::string, std::map<std::string, std::vector<Bin>>> parse(const std::string& text) {
  std::map<std::string, std::map<std::string, std::vector<Bin>>> out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "option,metric,low,high,count");
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string c; std::getline(row, c, ',');) cells.push_back(c);
    REQUIRE(cells.size() == 5);
    out[cells[0]][cells[1]].push_back(
        {std::stod(cells[2]), std::stod(cells[3]), std::stoull(cells[4])});
  }
  return out;
}

// The bin of `bins` holding v: [low, high), the last one closed.
std::size_t bin_of(const std::vector<Bin>& bins, double v) {
  for (std::size_t k = 0; k < bins.size(); ++k)
    if (v >= bins[k].low && (v < bins[k].high || k + 1 == bins.size())) return k;
  FAIL("value " << v << " lies outside every bin");
  return 0;
}

}  // namespace

TEST_CASE("histograms.csv puts every option over the same bins and counts every value",
          "[batch][histograms]") {
  MetricCatalog catalog;
  catalog.final.push_back({"issue.x", MetricKind::issue, 0, 0, 1, 0, 100, false});
  catalog.final.push_back({"moves.m", MetricKind::moves, 0, 0, 1, 0, 24, true});
  catalog.final.push_back({"issue.never", MetricKind::issue, 1, 0, 1, 0, 100, false});
  BatchResult result;
  result.options = {make_option_stats(catalog, 0), make_option_stats(catalog, 0)};
  // Option a between 10 and 20, option b between 30 and 60: away from the bin edges (0.1 fine,
  // 1.0 once merged) so that the expected bin is not a matter of rounding.
  std::vector<std::vector<double>> values(2);
  for (int k = 0; k < 40; ++k) values[0].push_back(10.03 + 0.25 * k);
  for (int k = 0; k < 90; ++k) values[1].push_back(30.07 + 0.333 * k);
  const std::vector<std::vector<int>> counts = {{0, 3, 3, 7}, {12, 12}};
  for (std::size_t o = 0; o < 2; ++o) {
    for (const double v : values[o]) result.options[o].final[0].add(v);
    for (const int c : counts[o]) result.options[o].final[1].add(c);
  }
  const auto h = parse(histograms_csv(catalog, {"a", "b"}, result));
  REQUIRE(h.size() == 2);

  for (const char* metric : {"issue.x", "moves.m", "issue.never"}) {
    const auto& a = h.at("a").at(metric);
    const auto& b = h.at("b").at(metric);
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() <= static_cast<std::size_t>(kHistogramBins));
    for (std::size_t k = 0; k < a.size(); ++k) {
      REQUIRE(a[k].low == b[k].low);
      REQUIRE(a[k].high == b[k].high);
      REQUIRE(a[k].high > a[k].low);
      if (k > 0) REQUIRE(a[k].low == Approx(a[k - 1].high));  // contiguous
    }
  }

  // Every value lands in its own bin, and nothing else is counted.
  for (std::size_t o = 0; o < 2; ++o) {
    const auto& bins = h.at(o == 0 ? "a" : "b").at("issue.x");
    std::vector<std::uint64_t> expected(bins.size(), 0);
    for (const double v : values[o]) ++expected[bin_of(bins, v)];
    for (std::size_t k = 0; k < bins.size(); ++k) REQUIRE(bins[k].count == expected[k]);
  }
  // The bins span the values of both options: from about 10 to about 60.
  const auto& x = h.at("a").at("issue.x");
  REQUIRE(x.front().low <= 10.03);
  REQUIRE(x.front().low > 9.0);
  REQUIRE(x.back().high >= 59.7);
  REQUIRE(x.back().high < 61.5);

  // Integer metrics: the value v is counted in [v - 0.5, v + 0.5).
  const auto& m = h.at("a").at("moves.m");
  REQUIRE(m.front().low == -0.5);
  REQUIRE(m.back().high == 12.5);
  for (std::size_t o = 0; o < 2; ++o) {
    const auto& bins = h.at(o == 0 ? "a" : "b").at("moves.m");
    REQUIRE(bins.size() == 13);
    std::vector<std::uint64_t> expected(bins.size(), 0);
    for (const int c : counts[o]) ++expected[bin_of(bins, c)];
    for (std::size_t k = 0; k < bins.size(); ++k) REQUIRE(bins[k].count == expected[k]);
  }

  // A metric no run reached still gets one (empty) bin per option, so every option is listed.
  REQUIRE(h.at("a").at("issue.never").size() == 1);
  REQUIRE(h.at("a").at("issue.never")[0].count == 0);
}

TEST_CASE("histograms.csv merges fine bins into at most 50, all of one width",
          "[batch][histograms]") {
  MetricCatalog catalog;
  catalog.final.push_back({"utility.A", MetricKind::utility, 0, 0, 1, 0, 1, false});
  BatchResult result;
  result.options = {make_option_stats(catalog, 0)};
  // 1000 fine bins over 0-1: values over the whole range need 20 fine bins per merged bin.
  for (int k = 0; k < 1000; ++k) result.options[0].final[0].add((k + 0.5) / 1000.0);
  const auto h = parse(histograms_csv(catalog, {"a"}, result));
  const auto& bins = h.at("a").at("utility.A");
  REQUIRE(bins.size() == 50);
  std::uint64_t total = 0;
  for (const Bin& b : bins) {
    REQUIRE(b.high - b.low == Approx(0.02));
    REQUIRE(b.count == 20);
    total += b.count;
  }
  REQUIRE(total == 1000);
  REQUIRE(bins.front().low == 0.0);
  REQUIRE(bins.back().high == 1.0);
}

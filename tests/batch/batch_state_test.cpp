// The state of a batch between blocks (engine/batch/batch_state): exact round trips, sums beyond
// 64 bits, and every kind of damage refused.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/batch/batch_state.hpp"
#include "engine/batch/bytes.hpp"

using namespace parley;

namespace {

// Two options of one continuous and one integer final metric and two per-turn values.
std::vector<OptionStats> shape() {
  OptionStats o;
  o.final = {MetricStats(0, 10, false, 20), MetricStats(-1, 6, true, 0)};
  o.per_turn = {MetricStats(0, 1, false, 5), MetricStats(0, 1, false, 5)};
  return {o, o};
}

// Statistics of the shape with values at both ends of each range, then doubled `doublings`
// times (the sums of 2^doublings batches).
std::vector<OptionStats> filled(int doublings) {
  std::vector<OptionStats> st = shape();
  for (OptionStats& o : st) {
    for (MetricStats& m : o.final)
      for (const double v : {m.lo(), m.hi(), 3.0, m.hi()}) m.add(v);
    for (MetricStats& m : o.per_turn) m.add(0.25);
  }
  for (int k = 0; k < doublings; ++k) {
    const std::vector<OptionStats> copy = st;
    merge_stats(st, copy);
  }
  return st;
}

std::string saved(const std::vector<OptionStats>& st) {
  std::string out;
  ByteWriter w(out);
  for (const OptionStats& o : st) {
    for (const MetricStats& m : o.final) m.save(w);
    for (const MetricStats& m : o.per_turn) m.save(w);
  }
  return out;
}

BatchState example() {
  BatchState st;
  st.failed = 12;
  // 4 x 2^61 values, most at the top of [0, 10]: a count of 2^63, a sum near 2^95 and a sum of
  // squares near 2^127.
  st.stats = filled(61);
  st.observers = {std::string("first\0state", 11), std::string()};
  return st;
}

}  // namespace

TEST_CASE("a batch state round-trips exactly, sums beyond 64 bits included", "[batch][resume]") {
  const BatchState st = example();
  REQUIRE(st.stats[0].final[0].count() == (std::uint64_t{4} << 61));
  const std::string bytes = encode_state(st);
  const BatchState back = decode_state(bytes, shape());
  REQUIRE(back.failed == st.failed);
  REQUIRE(back.observers == st.observers);
  REQUIRE(saved(back.stats) == saved(st.stats));
  REQUIRE(back.stats[0].final[0].mean() == st.stats[0].final[0].mean());
  // Merged into an empty batch's statistics: the same totals.
  std::vector<OptionStats> empty = shape();
  merge_stats(empty, back.stats);
  REQUIRE(saved(empty) == saved(st.stats));
  REQUIRE(encode_state(back) == bytes);
}

TEST_CASE("a damaged batch state is refused, whatever the damage", "[batch][resume]") {
  const std::string bytes = encode_state(example());
  const auto refused = [](const std::string& b, const std::vector<OptionStats>& s) {
    try {
      (void)decode_state(b, s);
    } catch (const std::runtime_error& e) {
      return std::string(e.what()) == kUnfitState;
    }
    return false;
  };
  REQUIRE_FALSE(refused(bytes, shape()));
  // Another magic word (another kind or version of state).
  std::string magic = bytes;
  magic[6] = '1';  // "PSTATS1"
  CHECK(refused(magic, shape()));
  // Cut anywhere, or followed by a stray byte.
  for (size_t cut = 0; cut < bytes.size(); cut += 7) {
    INFO("cut at " << cut);
    REQUIRE(refused(bytes.substr(0, cut), shape()));
  }
  CHECK(refused(bytes.substr(0, bytes.size() - 1), shape()));
  CHECK(refused(bytes + '\0', shape()));
  // Another number of options, of metrics, or metrics of another range or bin count.
  std::vector<OptionStats> one = shape();
  one.pop_back();
  CHECK(refused(bytes, one));
  std::vector<OptionStats> fewer = shape();
  fewer[1].per_turn.pop_back();
  CHECK(refused(bytes, fewer));
  std::vector<OptionStats> range = shape();
  range[1].final[0] = MetricStats(0, 11, false, 20);
  CHECK(refused(bytes, range));
  std::vector<OptionStats> bins = shape();
  bins[0].per_turn[1] = MetricStats(0, 1, false, 6);
  CHECK(refused(bytes, bins));
}

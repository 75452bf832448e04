// What a sweep saves (engine/batch/sweep_state): the per-sample sums of a chunk and the sweep's
// checkpoint state round-trip exactly and refuse any damage, and a sweep resumed from any of its
// checkpoints equals an uninterrupted one.
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/batch/batch_state.hpp"
#include "engine/batch/compare.hpp"
#include "engine/batch/sweep_state.hpp"
#include "tests/support/mini.hpp"

using namespace parley;
using parley::test::mini_scenario;
using parley::test::two_metric_output;
using parley::test::two_metrics;

namespace {

// Sums of three samples over a few runs on two workers; sample 2 always fails.
SweepSums observed(const MetricCatalog& c) {
  SweepSums sums(c, 3, 2);
  for (std::uint64_t run = 0; run < 6; ++run)
    sums.observe(
        static_cast<int>(run % 2), run,
        {two_metric_output(10.0, 6.0), two_metric_output(0.1 * static_cast<double>(run), -1.0),
         two_metric_output(5.0, 2.0, false)});
  return sums;
}

// The means and ok counts of `sums` (3 samples of two_metrics()).
std::vector<std::uint64_t> means_bits(const SweepSums& sums) {
  Eigen::MatrixXd means(3, 2);
  std::vector<std::uint64_t> ok(3, 0), out;
  sums.write_means(means, ok, 0);
  for (Eigen::Index s = 0; s < 3; ++s) {
    out.push_back(ok[static_cast<size_t>(s)]);
    for (Eigen::Index k = 0; k < 2; ++k) out.push_back(std::bit_cast<std::uint64_t>(means(s, k)));
  }
  return out;
}

// The message of the std::runtime_error `fn` throws ("" if none).
template <class Fn>
std::string thrown(Fn fn) {
  try {
    fn();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return {};
}

// A sweep's result shaped for `samples` x 2 metrics, every mean 7 and every count 0.
SweepResult blank_result(Eigen::Index samples) {
  SweepResult r;
  r.means = Eigen::MatrixXd::Constant(samples, 2, 7.0);
  r.ok.assign(static_cast<size_t>(samples), 0);
  return r;
}

}  // namespace

TEST_CASE("sweep sums round-trip exactly, negative sums and sums beyond 64 bits included",
          "[sweep][resume]") {
  const MetricCatalog c = two_metrics();
  SweepSums sums = observed(c);
  // 2^50 copies of the runs: sums near 2^85.
  for (int k = 0; k < 50; ++k) REQUIRE(sums.merge_saved(sums.save()));
  SweepSums empty(c, 3, 1);
  REQUIRE(empty.merge_saved(sums.save()));
  CHECK(empty.save() == sums.save());
  CHECK(means_bits(empty) == means_bits(sums));
  CHECK(means_bits(sums)[0] == std::uint64_t{6} << 50);  // sample 0's runs

  // A state by hand after the header of a real one (magic word, 1 sample, 2 metrics): sums no
  // batch reaches.
  const Int128 two64 = static_cast<Int128>(1) << 64;
  std::string state = SweepSums(c, 1, 1).save().substr(0, 24);
  ByteWriter w(state);
  w.u64(2);
  w.i128(-3 * two64);
  w.i128((two64 << 40) + 1);
  SweepSums one(c, 1, 1);
  REQUIRE(one.merge_saved(state));
  CHECK(one.save() == state);
  Eigen::MatrixXd means(1, 2);
  std::vector<std::uint64_t> ok(1, 0);
  one.write_means(means, ok, 0);
  CHECK(ok[0] == 2);
  CHECK(means(0, 0) == Approx(-1.5 * 10.0 * std::pow(2.0, 32)));
}

TEST_CASE("a sweep sums state of another kind, shape or length adds nothing", "[sweep][resume]") {
  const MetricCatalog c = two_metrics();
  const std::string state = observed(c).save();
  const std::string empty_state = SweepSums(c, 3, 1).save();
  const auto refused = [&](const std::string& bad) {
    SweepSums o(c, 3, 1);
    const bool merged = o.merge_saved(bad);
    return !merged && !o.ok() && o.save() == empty_state;
  };
  std::string magic = state;
  magic[6] = '1';  // "PSWSUM1"
  CHECK(refused(magic));
  for (size_t cut = 0; cut < state.size(); ++cut) {
    INFO("cut at " << cut);
    REQUIRE(refused(state.substr(0, cut)));
  }
  CHECK(refused(state + '\0'));
  CHECK(refused(PairedAccumulator(c, 3).save()));                    // another kind of state
  CHECK(refused("parley-sweep-sums 1 3 2\n6 1 2\n6 3 4\n0 0 0\n"));  // the old text
  SweepSums fewer(c, 2, 1);
  CHECK_FALSE(fewer.merge_saved(state));
}

TEST_CASE("a sweep's checkpoint state round-trips exactly", "[sweep][resume]") {
  // 70 samples: chunks of 32, 32 and 6.
  SweepResult result = blank_result(70);
  for (Eigen::Index s = 0; s < 70; ++s) {
    result.ok[static_cast<size_t>(s)] = static_cast<std::uint64_t>(s * 3);
    result.means(s, 0) = std::ldexp(1.0 + static_cast<double>(s), -1070);  // subnormal
    result.means(s, 1) = s % 3 == 0   ? std::numeric_limits<double>::quiet_NaN()
                         : s % 3 == 1 ? -0.0
                                      : 1.0 / 3.0 * static_cast<double>(s);
  }
  for (const bool unfinished : {true, false}) {
    INFO("unfinished chunk " << unfinished);
    SweepState state;
    state.done = {true, false, true};
    if (unfinished) {
      state.current = 1;
      state.current_runs = 64;
      state.current_state = std::string("\0binary\xff", 8);
    }
    const std::string bytes = encode_sweep_state(state, result, 100);
    SweepState back;
    back.done.assign(3, false);
    SweepResult read = blank_result(70);
    decode_sweep_state(bytes, 100, back, read);
    CHECK(back.done == state.done);
    CHECK(back.current == state.current);
    CHECK(back.current_runs == state.current_runs);
    CHECK(back.current_state == state.current_state);
    for (Eigen::Index s = 0; s < 70; ++s) {
      const bool done = s < 32 || s >= 64;
      INFO("sample " << s);
      CHECK(read.ok[static_cast<size_t>(s)] == (done ? result.ok[static_cast<size_t>(s)] : 0));
      for (Eigen::Index k = 0; k < 2; ++k)
        CHECK(std::bit_cast<std::uint64_t>(read.means(s, k)) ==
              std::bit_cast<std::uint64_t>(done ? result.means(s, k) : 7.0));
    }
  }
}

TEST_CASE("a sweep's checkpoint state of another kind, shape or length is refused",
          "[sweep][resume]") {
  SweepResult result = blank_result(70);
  SweepState state;
  state.done = {true, false, false};
  state.current = 2;
  state.current_runs = 32;
  state.current_state = "batch state";
  const std::string bytes = encode_sweep_state(state, result, 100);
  const auto message = [](const std::string& b, std::uint64_t runs, Eigen::Index samples) {
    return thrown([&] {
      SweepState back;
      back.done.assign(static_cast<size_t>((samples + kSweepChunk - 1) / kSweepChunk), false);
      SweepResult read = blank_result(samples);
      decode_sweep_state(b, runs, back, read);
    });
  };
  const std::string unfit = "the sweep checkpoint does not fit this sweep";
  const std::string damaged = "the sweep checkpoint is damaged";
  REQUIRE(message(bytes, 100, 70).empty());
  std::string magic = bytes;
  magic[6] = '1';  // "PSWEEP1"
  CHECK(message(magic, 100, 70) == unfit);
  CHECK(message(bytes, 99, 70) == unfit);
  CHECK(message(bytes, 100, 71) == unfit);
  CHECK(message("parley-sweep-state 1 70 2 100\nend\n", 100, 70) == unfit);  // the old text
  // A finished or an unfinished chunk the sweep does not have (it has chunks 0 to 2).
  SweepState none;
  none.done.assign(3, false);
  const std::string header = encode_sweep_state(none, result, 100).substr(0, 32);
  std::string finished = header;
  ByteWriter(finished).u64s(std::vector<std::uint64_t>{1, 3});
  CHECK(message(finished, 100, 70) == unfit);
  std::string unfinished = header;
  ByteWriter(unfinished).u64s(std::vector<std::uint64_t>{0, 1, 5, 0});
  CHECK(message(unfinished, 100, 70) == unfit);
  // Cut short or followed by a stray byte, past the header.
  for (size_t cut = 32; cut < bytes.size(); ++cut) {
    INFO("cut at " << cut);
    REQUIRE(message(bytes.substr(0, cut), 100, 70) == damaged);
  }
  CHECK(message(bytes + '\0', 100, 70) == damaged);
}

namespace {

// Keeps every checkpoint of a sweep, in order.
struct SweepSaves final : BatchCheckpointer {
  std::vector<std::string> states;
  void save(std::uint64_t, std::string_view state) override { states.emplace_back(state); }
};

// Bit patterns of a sweep's means, its ok counts and failures.
std::vector<std::uint64_t> result_bits(const SweepResult& r) {
  std::vector<std::uint64_t> out(r.ok);
  out.push_back(r.failed);
  for (Eigen::Index k = 0; k < r.means.size(); ++k)
    out.push_back(std::bit_cast<std::uint64_t>(r.means.data()[k]));
  return out;
}

}  // namespace

TEST_CASE("a sweep resumed from any checkpoint equals an uninterrupted one", "[sweep][resume]") {
  const Scenario sc = mini_scenario();
  const MetricCatalog catalog = metric_catalog(sc);
  ParseError err;
  const auto range = parse_vary("model.settle_rate=0.05..0.5", sc.ids(), err);
  REQUIRE(range);
  // Two chunks (32 samples and 1), each of more blocks than the writer's window, so that
  // checkpoints fall inside a chunk too.
  const SweepPlan plan = make_sweep_plan(Design::lhs, {*range}, 33, 3);
  SweepSpec spec;
  spec.runs_per_sample = 66 * kBatchBlock + 5;
  spec.seed = 4;
  spec.threads = 2;
  const std::vector<std::uint64_t> whole = result_bits(run_sweep(sc, catalog, plan, spec));
  SweepSaves saves;
  SweepSpec checked = spec;
  checked.checkpointer = &saves;
  checked.checkpoint_seconds = 0.0;
  REQUIRE(result_bits(run_sweep(sc, catalog, plan, checked)) == whole);
  REQUIRE(saves.states.size() >= 3);

  const size_t n = saves.states.size();
  int inside_a_chunk = 0;
  for (const size_t pick : {size_t{0}, n / 2, n - 2, n - 1}) {
    INFO("checkpoint " << pick << " of " << n);
    SweepState state;
    state.done.assign(2, false);
    SweepResult rows;
    rows.means.resize(33, static_cast<Eigen::Index>(catalog.final.size()));
    rows.ok.assign(33, 0);
    decode_sweep_state(saves.states[pick], spec.runs_per_sample, state, rows);
    inside_a_chunk += state.current >= 0 ? 1 : 0;
    SweepSpec resumed = spec;
    resumed.threads = 1;  // another thread count: the result must not care
    resumed.resume_state = saves.states[pick];
    REQUIRE(result_bits(run_sweep(sc, catalog, plan, resumed)) == whole);
    if (state.current < 0) continue;
    // The unfinished chunk's sums with another magic word: refused, the sweep stopped.
    BatchState batch = decode_state(state.current_state, {});
    REQUIRE(batch.observers.size() == 1);
    batch.observers[0][0] ^= 0x01;
    state.current_state = encode_state(batch);
    resumed.resume_state = encode_sweep_state(state, rows, spec.runs_per_sample);
    REQUIRE_THROWS_WITH(run_sweep(sc, catalog, plan, resumed), kUnfitState);
  }
  REQUIRE(inside_a_chunk >= 1);
}

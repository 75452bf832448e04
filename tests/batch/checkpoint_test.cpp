// Checkpoints and resuming inside the engine: exact state round trips, checkpoint files, and a
// batch resumed from each of its checkpoints giving exactly the rows and statistics of an
// uninterrupted batch.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/batch/bytes.hpp"
#include "engine/batch/checkpoint.hpp"
#include "engine/batch/runner.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/cli.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

struct Capture final : BatchSink {
  std::string runs, events, failures;
  void runs_rows(std::string_view t) override { runs += t; }
  void events_rows(std::string_view t) override { events += t; }
  void failures_rows(std::string_view t) override { failures += t; }
};

// Records every checkpoint with the length of the rows written by then.
struct Recorder final : BatchCheckpointer {
  const Capture* sink = nullptr;
  struct Saved {
    std::uint64_t runs_done;
    std::string state;
    size_t runs_len, events_len;
  };
  std::vector<Saved> saves;
  void save(std::uint64_t runs_done, std::string_view state) override {
    saves.push_back({runs_done, std::string(state), sink->runs.size(), sink->events.size()});
  }
};

// Counts runs and sums run indices per worker; state = the two totals.
struct CountObserver final : RunObserver {
  explicit CountObserver(int threads) : count(threads, 0), sum(threads, 0) {}
  std::vector<std::uint64_t> count, sum;
  std::uint64_t merged_count = 0, merged_sum = 0;
  void observe(int worker, std::uint64_t run, const std::vector<RunOutput>&) override {
    ++count[static_cast<size_t>(worker)];
    sum[static_cast<size_t>(worker)] += run;
  }
  [[nodiscard]] std::uint64_t total_count() const {
    std::uint64_t c = merged_count;
    for (auto v : count) c += v;
    return c;
  }
  [[nodiscard]] std::uint64_t total_sum() const {
    std::uint64_t s = merged_sum;
    for (auto v : sum) s += v;
    return s;
  }
  static constexpr std::uint64_t kMagic = magic_word("TCOUNT1");
  [[nodiscard]] std::string save() const override {
    std::string out;
    ByteWriter w(out);
    w.u64(kMagic);
    w.u64(total_count());
    w.u64(total_sum());
    return out;
  }
  [[nodiscard]] bool merge_saved(std::string_view state) override {
    ByteReader r(state);
    r.expect(kMagic);
    const std::uint64_t c = r.u64();
    const std::uint64_t s = r.u64();
    if (!r.done()) return false;
    merged_count += c;
    merged_sum += s;
    return true;
  }
};

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

struct Mini {
  Scenario scenario;
  Rules rules;
  MetricCatalog catalog;
};

Mini load_mini() {
  Diagnostics diag;
  auto sc = load_scenario(std::string(PARLEY_TEST_DATA) + "/scenarios/mini", diag);
  REQUIRE(sc.has_value());
  Mini m{*sc, compile(*sc), metric_catalog(*sc)};
  return m;
}

void require_same_stats(const BatchResult& a, const BatchResult& b) {
  REQUIRE(a.failed == b.failed);
  REQUIRE(a.options.size() == b.options.size());
  for (size_t o = 0; o < a.options.size(); ++o) {
    for (size_t k = 0; k < a.options[o].final.size(); ++k) {
      const MetricStats& x = a.options[o].final[k];
      const MetricStats& y = b.options[o].final[k];
      REQUIRE(x.count() == y.count());
      REQUIRE(x.mean() == y.mean());
      REQUIRE(x.sd() == y.sd());
      REQUIRE(x.quantile(0.05) == y.quantile(0.05));
      REQUIRE(x.quantile(0.95) == y.quantile(0.95));
    }
    for (size_t k = 0; k < a.options[o].per_turn.size(); ++k) {
      REQUIRE(a.options[o].per_turn[k].mean() == b.options[o].per_turn[k].mean());
      REQUIRE(a.options[o].per_turn[k].quantile(0.5) == b.options[o].per_turn[k].quantile(0.5));
    }
  }
}

}  // namespace

TEST_CASE("MetricStats save and load are exact", "[batch][resume]") {
  MetricStats s(0, 100, false, 50), t(0, 100, false, 50);
  for (int k = 0; k < 1000; ++k) s.add(k * 0.137);
  std::string bytes;
  ByteWriter w(bytes);
  s.save(w);
  ByteReader in(bytes);
  REQUIRE(t.load(in));
  REQUIRE(in.done());
  REQUIRE(t.count() == s.count());
  REQUIRE(t.mean() == s.mean());
  REQUIRE(t.sd() == s.sd());
  REQUIRE(t.quantile(0.3) == s.quantile(0.3));
  // A truncated state is refused and leaves the accumulator as it was.
  ByteReader cut(std::string_view(bytes).substr(0, bytes.size() - 3));
  MetricStats u;
  REQUIRE_FALSE(u.load(cut));
  REQUIRE(u.count() == 0);
}

TEST_CASE("checkpoint files round-trip and damage is detected", "[batch][resume]") {
  Checkpoint c;
  c.fingerprint = "seed: 1\n";
  c.runs_done = 64;
  c.files = {{"runs.csv", 1234}, {"events.csv", 5}};
  c.state = std::string("\0\1binary\xff", 10);
  const std::string bytes = encode_checkpoint(c);
  const auto d = decode_checkpoint(bytes);
  REQUIRE(d.has_value());
  REQUIRE(d->fingerprint == c.fingerprint);
  REQUIRE(d->runs_done == 64);
  REQUIRE(d->files == c.files);
  REQUIRE(d->state == c.state);
  std::string damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x20;
  REQUIRE_FALSE(decode_checkpoint(damaged).has_value());
  REQUIRE_FALSE(decode_checkpoint(bytes.substr(0, bytes.size() - 1)).has_value());
  REQUIRE_FALSE(decode_checkpoint("").has_value());
}

TEST_CASE("a checkpoint of another format is refused on resume with its own message",
          "[batch][resume]") {
  Checkpoint c;
  c.fingerprint = "seed: 1\n";
  c.runs_done = 32;
  c.files = {{"a.csv", 0}};
  c.state = "STATE";
  const std::string current = encode_checkpoint(c);
  REQUIRE(current.rfind("parley checkpoint 2\n", 0) == 0);
  REQUIRE_FALSE(is_other_checkpoint_format(current));
  // What an earlier parley wrote: the same container under format 1, its states in text.
  std::string earlier = current;
  earlier[18] = '1';
  REQUIRE(is_other_checkpoint_format(earlier));
  REQUIRE_FALSE(decode_checkpoint(earlier).has_value());
  REQUIRE_FALSE(is_other_checkpoint_format("stale checkpoint"));
  REQUIRE_FALSE(is_other_checkpoint_format("parley checkpoint 1 with no end of line"));

  BatchFingerprint fp;
  fp.add("seed", "1");
  for (const bool damaged : {false, true}) {
    test::TempDir dir;
    write_text(dir.path() / ".checkpoint", damaged ? current.substr(0, 30) : earlier);
    ResumableOutput out(dir.str(), {"a.csv"}, fp);
    std::string error;
    REQUIRE(out.open(true, error) == 2);
    CHECK((error.find("written by another version of parley") != std::string::npos) == !damaged);
    CHECK((error.find("is damaged") != std::string::npos) == damaged);
    CHECK(error.find("run without --resume") != std::string::npos);
  }
  // Without --resume it is discarded like any leftover of an unfinished batch.
  test::TempDir dir;
  write_text(dir.path() / ".checkpoint", earlier);
  ResumableOutput fresh(dir.str(), {"a.csv"}, fp);
  std::string error;
  REQUIRE(fresh.open(false, error) == 0);
  REQUIRE_FALSE(fs::exists(dir.path() / ".checkpoint"));
}

TEST_CASE("a fingerprint lists what differs", "[batch][resume]") {
  BatchFingerprint a, b;
  a.add("seed", "1");
  a.add("runs", "100");
  b.add("seed", "1");
  b.add("runs", "200");
  REQUIRE(a.differences(a.text()).empty());
  REQUIRE(a.differences(b.text()) == "  runs: was 200, now 100\n");
}

TEST_CASE("a batch resumed from any checkpoint equals an uninterrupted batch", "[batch][resume]") {
  const Mini m = load_mini();
  const RowFormat format(m.scenario, m.rules, m.catalog);
  BatchSpec spec;
  spec.runs = 4000 + 17;  // not a multiple of the block: the last block is short
  spec.seed = 5;
  spec.threads = 3;
  spec.options = {0, 1, 2};
  spec.trace = 40;

  Capture whole;
  CountObserver whole_obs(spec.threads);
  BatchSpec plain = spec;
  plain.observer = &whole_obs;
  const BatchResult expected = run_batch(m.rules, m.catalog, format, plain, whole);
  REQUIRE(whole_obs.total_count() == spec.runs);

  // The same batch with checkpoints as often as possible.
  Capture first;
  Recorder rec;
  rec.sink = &first;
  CountObserver first_obs(spec.threads);
  BatchSpec with = spec;
  with.checkpointer = &rec;
  with.checkpoint_seconds = 0;  // after every block
  with.observer = &first_obs;
  const BatchResult checked = run_batch(m.rules, m.catalog, format, with, first);
  REQUIRE(first.runs == whole.runs);
  require_same_stats(checked, expected);
  // A checkpoint goes at the first block no worker has claimed yet, at most a window (64
  // blocks) plus one block per thread ahead of the writer: 126 blocks leave room for two.
  REQUIRE(rec.saves.size() >= 3);
  REQUIRE(rec.saves.back().runs_done == spec.runs);  // the final one

  // Resume from the first, a middle, the last intermediate and the final checkpoint.
  const size_t n = rec.saves.size();
  for (const size_t pick : {size_t{0}, n / 2, n - 2, n - 1}) {
    const auto& saved = rec.saves[pick];
    CAPTURE(saved.runs_done);
    REQUIRE((saved.runs_done % kBatchBlock == 0 || saved.runs_done == spec.runs));
    Capture rest;
    CountObserver obs(2);
    BatchSpec resume = spec;
    resume.threads = 2;  // another thread count: the result must not care
    resume.resume_runs = saved.runs_done;
    resume.resume_state = saved.state;
    resume.observer = &obs;
    const BatchResult resumed = run_batch(m.rules, m.catalog, format, resume, rest);
    REQUIRE(first.runs.substr(0, saved.runs_len) + rest.runs == whole.runs);
    REQUIRE(first.events.substr(0, saved.events_len) + rest.events == whole.events);
    require_same_stats(resumed, expected);
    REQUIRE(obs.total_count() == whole_obs.total_count());
    REQUIRE(obs.total_sum() == whole_obs.total_sum());
  }

  // A state from another batch shape is refused.
  BatchSpec wrong = spec;
  wrong.options = {0};
  wrong.resume_runs = rec.saves.front().runs_done;
  wrong.resume_state = rec.saves.front().state;
  Capture none;
  REQUIRE_THROWS_AS(run_batch(m.rules, m.catalog, format, wrong, none), std::runtime_error);
}

TEST_CASE("ResumableOutput resumes its files at the checkpoint and refuses another batch",
          "[batch][resume]") {
  test::TempDir dir;
  BatchFingerprint fp;
  fp.add("seed", "1");
  {
    ResumableOutput out(dir.str(), {"a.csv", "b.csv"}, fp);
    std::string error;
    REQUIRE(out.open(true, error) == 0);  // no checkpoint yet: a fresh start
    REQUIRE_FALSE(out.resumed());
    // A second batch cannot write into the folder meanwhile.
    ResumableOutput other(dir.str(), {"a.csv"}, fp);
    REQUIRE(other.open(false, error) == 1);
    REQUIRE(error.find("another parley batch") != std::string::npos);
    out.file(0).write("header\nrow1\n");
    out.file(1).write("x");
    out.save(32, "STATE");
    REQUIRE(out.ok());
    out.file(0).write("row2 written after the checkpoint\n");
    // Killed here: nothing committed, nothing finished.
  }
  REQUIRE(fs::exists(dir.path() / ".checkpoint"));
  {
    BatchFingerprint changed;
    changed.add("seed", "2");
    ResumableOutput out(dir.str(), {"a.csv", "b.csv"}, changed);
    std::string error;
    REQUIRE(out.open(true, error) == 2);
    REQUIRE(error.find("seed: was 1, now 2") != std::string::npos);
  }
  {
    ResumableOutput out(dir.str(), {"a.csv", "b.csv"}, fp);
    std::string error;
    REQUIRE(out.open(true, error) == 0);
    REQUIRE(out.resumed());
    REQUIRE(out.resume_runs() == 32);
    REQUIRE(out.resume_state() == "STATE");
    out.file(0).write("row2\n");
    out.save(64, "STATE2");
    // Killed after committing one file but before the end: that file is taken back.
    REQUIRE(out.file(0).commit());
  }
  REQUIRE(test::read_file(dir.path() / "a.csv") == "header\nrow1\nrow2\n");
  {
    ResumableOutput out(dir.str(), {"a.csv", "b.csv"}, fp);
    std::string error;
    REQUIRE(out.open(true, error) == 0);
    REQUIRE(out.resume_runs() == 64);
    REQUIRE(out.file(0).size() == 17);
    REQUIRE(out.file(0).commit());
    REQUIRE(out.file(1).commit());
    out.finish();
  }
  REQUIRE(test::read_file(dir.path() / "a.csv") == "header\nrow1\nrow2\n");
  REQUIRE(test::read_file(dir.path() / "b.csv") == "x");
  REQUIRE_FALSE(fs::exists(dir.path() / ".checkpoint"));
  {
    // Without --resume, leftovers are discarded and the files start empty.
    write_text(dir.path() / ".a.csv.partial", "stale rows\n");
    write_text(dir.path() / ".checkpoint", "stale checkpoint");
    ResumableOutput out(dir.str(), {"a.csv"}, fp);
    std::string error;
    REQUIRE(out.open(false, error) == 0);
    REQUIRE_FALSE(out.resumed());
    REQUIRE_FALSE(fs::exists(dir.path() / ".checkpoint"));
    REQUIRE(out.file(0).size() == 0);
    REQUIRE(fs::file_size(dir.path() / ".a.csv.partial") == 0);
  }
}

TEST_CASE("a fresh batch never discards another command's unfinished batch", "[batch][resume]") {
  test::TempDir dir;
  BatchFingerprint compare;
  compare.add("command", "compare");
  compare.add("seed", "1");
  {
    ResumableOutput out(dir.str(), {"comparison.csv"}, compare);
    std::string error;
    REQUIRE(out.open(false, error) == 0);
    out.save(32, "STATE");
  }
  const std::string saved = test::read_file(dir.path() / ".checkpoint");
  BatchFingerprint sweep;
  sweep.add("command", "sweep");
  sweep.add("seed", "1");
  for (const bool resume : {false, true}) {
    ResumableOutput out(dir.str(), {"sweep.csv"}, sweep);
    std::string error;
    REQUIRE(out.open(resume, error) == 2);
    REQUIRE(error.find("unfinished `parley compare` batch") != std::string::npos);
    REQUIRE(test::read_file(dir.path() / ".checkpoint") == saved);
    REQUIRE_FALSE(fs::exists(dir.path() / ".sweep.csv.partial"));
  }
  // The same command with other settings may start afresh: that is what a rerun means.
  BatchFingerprint rerun;
  rerun.add("command", "compare");
  rerun.add("seed", "2");
  ResumableOutput out(dir.str(), {"comparison.csv"}, rerun);
  std::string error;
  REQUIRE(out.open(false, error) == 0);
  REQUIRE_FALSE(fs::exists(dir.path() / ".checkpoint"));
  REQUIRE(BatchFingerprint::field(compare.text(), "command") == "compare");
  REQUIRE(BatchFingerprint::field(compare.text(), "threads").empty());
}

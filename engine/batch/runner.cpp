#include "engine/batch/runner.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engine/batch/bytes.hpp"
#include "engine/batch/mpi.hpp"

#include "engine/scenario/path.hpp"
#include "engine/sim/compile.hpp"

namespace parley {

namespace {

// 10^m for m = 0..9, exact in a double.
constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
// kDecade[m] <= |v| picks the scale 10^m that brings |v| into [1e5, 1e6). The doubles nearest
// 1e-1..1e-4 lie just above the powers of ten, so |v| >= kDecade[m] still means |v| * 10^m >= 1e5.
constexpr double kDecade[] = {1e5, 1e4, 1e3, 1e2, 1e1, 1e0, 1e-1, 1e-2, 1e-3, 1e-4};

// Writes printf("%.6g", v) to `out` when that can be decided cheaply and exactly: v a whole
// number below 10^6 in magnitude, or 1e-4 <= |v| < 1e6 away from a rounding tie. Returns the end
// of the text, or nullptr to leave v to std::to_chars. `out` holds at least 16 chars.
char* format_g6_fast(char* out, double v) noexcept {
  const double a = std::fabs(v);
  if (!(a < 1e6)) return nullptr;  // also NaN and infinities
  char* p = out;
  if (v < 0.0) *p++ = '-';
  const auto whole = static_cast<std::int64_t>(a);
  if (static_cast<double>(whole) == a) {  // 0 and whole numbers print as integers, as %g does
    return std::to_chars(p, out + 16, whole).ptr;
  }
  if (!(a >= kDecade[9])) return nullptr;  // %g would use an exponent (or a subnormal)
  int m = 0;
  while (a < kDecade[m]) ++m;
  // y is a * 10^m rounded once: below 2^20, so within 2^-34 of the exact product. A fraction
  // more than 1e-6 from one half therefore rounds the exact product the same way; nearer ties
  // go to to_chars, which rounds them exactly.
  const double y = a * kPow10[m];
  const auto t = static_cast<std::int64_t>(y);
  const double f = y - static_cast<double>(t);  // exact
  if (std::fabs(f - 0.5) < 1e-6) return nullptr;
  std::int64_t r = t + (f > 0.5 ? 1 : 0);  // the 6 significant digits
  int x = 5 - m;                           // decimal exponent of the rounded value
  if (r == 1000000) {                      // rounding carried into a new digit: 9.999996 -> 10
    r = 100000;
    ++x;
  }
  if (r < 100000 || r > 999999 || x >= 6) return nullptr;
  char d[6];
  for (int k = 5; k >= 0; --k) {
    d[k] = static_cast<char>('0' + r % 10);
    r /= 10;
  }
  int last = 5;  // %g drops trailing zeros of the fraction (the first digit is never 0)
  while (last > 0 && last > x && d[last] == '0') --last;
  if (x >= 0) {
    for (int k = 0; k <= x; ++k) *p++ = d[k];
    if (last > x) {
      *p++ = '.';
      for (int k = x + 1; k <= last; ++k) *p++ = d[k];
    }
  } else {
    *p++ = '0';
    *p++ = '.';
    for (int k = x + 1; k < 0; ++k) *p++ = '0';
    for (int k = 0; k <= last; ++k) *p++ = d[k];
  }
  return p;
}

}  // namespace

void append_number(std::string& text, double v) {
  char buf[32];
  if (v == 0.0) v = 0.0;  // prints -0 as 0
  // Rows of runs.csv hold about a hundred numbers each; the common cases skip to_chars' exact
  // but slower precision path, with the same result.
  char* end = format_g6_fast(buf, v);
  if (end == nullptr)
    end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6).ptr;
  text.append(buf, end);
}

void append_csv_cell(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

RowFormat::RowFormat(const Scenario& scenario, const Rules& rules, const MetricCatalog& catalog)
    : rules_(rules), params_(random_numbers(rules)) {
  runs_header_ = "run,option";
  for (const NumberId id : params_) {
    runs_header_ += ",param.";
    runs_header_ += rules.number_labels[static_cast<size_t>(id)];
  }
  for (const MetricInfo& m : catalog.final) {
    runs_header_ += ',';
    runs_header_ += m.name;
  }
  runs_header_ += '\n';
  for (const auto& o : rules.options) option_names_.push_back(o.name);
  for (const auto& a : scenario.actors) actor_ids_.push_back(a.id);
  for (const auto& m : scenario.moves) {
    move_ids_.push_back(m.id);
    std::string h;
    append_csv_cell(h, m.headline.empty() ? m.name : m.headline);
    headlines_.push_back(std::move(h));
  }
}

void RowFormat::run_row(std::uint64_t run, const Params& p, const RunOutput& out,
                        std::string& text) const {
  append_number(text, static_cast<double>(run));
  text += ',';
  text += option_names_[static_cast<size_t>(p.option)];
  for (const NumberId id : params_) {
    text += ',';
    const std::int32_t owner = rules_.number_option[static_cast<size_t>(id)];
    if (owner < 0 || owner == p.option) append_number(text, p.values[static_cast<size_t>(id)]);
  }
  for (const double v : out.final) {
    text += ',';
    if (out.ok) append_number(text, v);
  }
  text += '\n';
}

void RowFormat::event_rows(std::uint64_t run, int option, const RunOutput& out,
                           std::string& text) const {
  for (const Event& e : out.events) {
    const auto m = static_cast<size_t>(e.move);
    text += std::to_string(run);
    text += ',';
    text += option_names_[static_cast<size_t>(option)];
    text += ',';
    text += std::to_string(e.turn);
    text += ',';
    text += actor_ids_[static_cast<size_t>(rules_.move_rules[m].actor)];
    text += ',';
    text += move_ids_[m];
    text += ',';
    text += headlines_[m];
    text += e.by_timeline ? ",timeline\n" : ",ai\n";
  }
}

void RowFormat::failure_row(std::uint64_t run, int option, const RunOutput& out,
                            std::string& text) const {
  text += std::to_string(run);
  text += ',';
  text += option_names_[static_cast<size_t>(option)];
  text += ',';
  append_csv_cell(text, out.failure);
  text += '\n';
}

namespace {

constexpr std::uint64_t kWindow = 64;  // blocks buffered ahead of the writer, per rank
// Several ranks: blocks in the first segment, and at most in any (see RankBatch).
constexpr std::uint64_t kFirstSegment = 64;
constexpr std::uint64_t kMaxSegment = std::uint64_t{1} << 22;

struct RingSlot {
  std::uint64_t block = ~0ULL;  // which block the text belongs to
  bool ready = false;
  std::string runs, events, failures;
};

// The rows of one block, as the writer takes them.
struct BlockText {
  std::string runs, events, failures;
};

constexpr std::uint64_t kStateMagic = 0x31'5354'4154'5350ULL;  // "PSTATS1" + version

// Batch state: failure count, every option's statistics, and observer states (one per rank
// whose observer contributed; kept apart because an observer only knows how to merge saves).
struct BatchState {
  std::uint64_t failed = 0;
  std::vector<OptionStats> stats;
  std::vector<std::string> observers;
};

void merge_stats(std::vector<OptionStats>& into, const std::vector<OptionStats>& from) {
  for (size_t o = 0; o < into.size() && o < from.size(); ++o) merge_option_stats(into[o], from[o]);
}

std::string encode_state(const BatchState& st) {
  std::string out;
  ByteWriter w(out);
  w.u64(kStateMagic);
  w.u64(st.failed);
  w.u64(st.stats.size());
  for (const OptionStats& o : st.stats) {
    w.u64(o.final.size());
    w.u64(o.per_turn.size());
    for (const MetricStats& m : o.final) m.save(out);
    for (const MetricStats& m : o.per_turn) m.save(out);
  }
  w.u64(st.observers.size());
  for (const std::string& b : st.observers) w.bytes(b);
  return out;
}

// Decodes a state whose statistics must have the shape of `shape`. Throws on any mismatch: a
// state comes from a checkpoint of the same batch (checked by fingerprint) or from another rank.
BatchState decode_state(std::string_view in, const std::vector<OptionStats>& shape) {
  const auto bad = [] { return std::runtime_error("saved batch state does not fit this batch"); };
  BatchState st;
  ByteReader r(in);
  if (r.u64() != kStateMagic) throw bad();
  st.failed = r.u64();
  if (r.u64() != shape.size() || !r.ok()) throw bad();
  in.remove_prefix(3 * 8);
  for (const OptionStats& want : shape) {
    ByteReader h(in);
    if (h.u64() != want.final.size() || h.u64() != want.per_turn.size() || !h.ok()) throw bad();
    in.remove_prefix(2 * 8);
    OptionStats o;
    o.final.resize(want.final.size());
    o.per_turn.resize(want.per_turn.size());
    for (MetricStats& m : o.final)
      if (!m.load(in)) throw bad();
    for (MetricStats& m : o.per_turn)
      if (!m.load(in)) throw bad();
    st.stats.push_back(std::move(o));
  }
  ByteReader t(in);
  const std::uint64_t n = t.u64();
  for (std::uint64_t k = 0; k < n && t.ok(); ++k) st.observers.emplace_back(t.bytes());
  if (!t.ok() || !t.at_end()) throw bad();
  return st;
}

// One rank's share of a batch: worker threads compute this rank's blocks into a reorder ring;
// the calling thread consumes them in order (rank 0: writes them, and the other ranks' blocks,
// to the sink; other ranks: sends them to rank 0).
//
// Checkpoints need the statistics of exactly the blocks written so far, but workers run ahead
// of the writer. So the writer sets a claim limit L: workers take no block >= L, the writer
// drains every block < L, and then the per-worker statistics are those of blocks [0, L) exactly.
// Single process: L is chosen when a checkpoint is due (the next unclaimed block). Several
// ranks: the batch goes in segments; at the end L of each, every rank drains, sends rank 0 its
// state (rank 0 merges them into the checkpoint) and waits for rank 0 to tell it where the next
// segment ends, sized from the measured rate to last about checkpoint_seconds.
class RankBatch {
 public:
  RankBatch(const Rules& rules, const MetricCatalog& catalog, const RowFormat& format,
            const BatchSpec& spec, BatchSink& sink)
      : rules_(rules),
        catalog_(catalog),
        format_(format),
        spec_(spec),
        sink_(sink),
        options_(spec.options.empty() ? std::vector<int>{0} : spec.options),
        threads_(std::max(1, spec.threads)),
        rank_(std::clamp(spec.rank, 0, std::max(1, spec.ranks) - 1)),
        ranks_(static_cast<std::uint64_t>(std::max(1, spec.ranks))),
        blocks_((spec.runs + kBatchBlock - 1) / kBatchBlock),
        ring_(kWindow) {
    if (spec.resume_runs >= spec.runs) {
      start_ = blocks_;
    } else if (spec.resume_runs % kBatchBlock != 0) {
      throw std::runtime_error("resume point is not at a block boundary");
    } else {
      start_ = spec.resume_runs / kBatchBlock;
    }
    // Blocks go to ranks in turn for the first two segments (the first is too short to measure
    // speeds on); rank 0 then shares each segment by the speeds measured in the one before.
    for (std::uint64_t r = 0; r < ranks_; ++r) pattern_.push_back(static_cast<std::uint32_t>(r));
    next_claim_ = owned_from(start_);
    claim_limit_ = start_;  // nothing is claimed until the first segment opens
    worker_stats_.resize(static_cast<size_t>(threads_));
    if (spec.collect_stats)
      for (auto& ws : worker_stats_)
        for (size_t o = 0; o < options_.size(); ++o)
          ws.push_back(make_option_stats(catalog, rules.turns));
    worker_failed_.assign(static_cast<size_t>(threads_), 0);
    if (rank_ == 0 && spec.resume_runs > 0) {
      BatchState st = decode_state(spec.resume_state, worker_stats_[0]);
      merge_stats(worker_stats_[0], st.stats);
      worker_failed_[0] += st.failed;
      if (spec.observer != nullptr)
        for (const std::string& b : st.observers) spec.observer->merge_saved(b);
    }
  }

  BatchResult run() {
    std::vector<std::thread> pool;
    // An exception on any thread (a sink or checkpoint that cannot write, an observer, memory)
    // stops every thread and is rethrown here, on the caller's thread: an exception leaving a
    // std::thread, or a joinable thread destroyed while this one unwinds, would end the process
    // through std::terminate. What was written up to the last checkpoint stays resumable.
    std::exception_ptr failure;
    try {
      for (int w = 0; w < threads_; ++w) pool.emplace_back([this, w] { worker(w); });
      if (rank_ == 0) {
        write_loop();
      } else {
        send_loop();
      }
    } catch (...) {
      failure = std::current_exception();
      stop();
    }
    for (auto& t : pool) t.join();
    if (failure == nullptr) failure = worker_error_;  // set only while stopping; threads joined
    if (failure != nullptr) std::rethrow_exception(failure);

    BatchState total = snapshot();
    BatchResult result;
    if (rank_ != 0) {
      mpi::send(0, mpi::Tag::state, encode_state(total));
    } else {
      for (int r = 1; r < static_cast<int>(ranks_); ++r) {
        std::string bytes;
        mpi::receive(r, mpi::Tag::state, bytes);
        BatchState part = decode_state(bytes, total.stats);
        merge_stats(total.stats, part.stats);
        total.failed += part.failed;
        // Other ranks' observers go into this one, so the caller sees the whole batch.
        if (spec_.observer != nullptr)
          for (const std::string& b : part.observers) spec_.observer->merge_saved(b);
      }
      if (spec_.checkpointer != nullptr) {
        total.observers.clear();
        if (spec_.observer != nullptr) total.observers.push_back(spec_.observer->save());
        spec_.checkpointer->save(spec_.runs, encode_state(total));
      }
    }
    result.options = std::move(total.stats);
    result.failed = total.failed;
    return result;
  }

 private:
  // Which rank computes `block`: the segment's pattern, repeated from the segment's first block.
  // The choice never changes the outputs (run k depends only on the seed and k), only who waits.
  [[nodiscard]] std::uint64_t owner(std::uint64_t block) const noexcept {
    if (ranks_ == 1) return 0;
    return pattern_[static_cast<size_t>((block - pattern_start_) % pattern_.size())];
  }
  // This rank's first block >= `block` (blocks_ when none is left).
  [[nodiscard]] std::uint64_t owned_from(std::uint64_t block) const noexcept {
    while (block < blocks_ && owner(block) != static_cast<std::uint64_t>(rank_)) ++block;
    return std::min(block, blocks_);
  }
  // The first segment (several ranks): short, so the first checkpoint comes soon; later ones
  // are sized by rank 0 from the measured rate to last about checkpoint_seconds.
  [[nodiscard]] std::uint64_t first_segment_end() const noexcept {
    if (ranks_ == 1) return blocks_;  // one process places its checkpoints on the fly
    return std::min(blocks_, start_ + kFirstSegment);
  }

  // Opens the segment [start, end) with `pattern` (see owner()). Every block < start is
  // consumed and none >= start claimed when this is called.
  void open_segment(std::uint64_t start, std::uint64_t end, std::vector<std::uint32_t> pattern) {
    const std::lock_guard lock(mutex_);
    if (ranks_ > 1) {
      pattern_ = std::move(pattern);
      pattern_start_ = start;
      next_claim_ = owned_from(start);
    }
    claim_limit_ = end;
    segment_blocks_ = 0;
    segment_seconds_ = 0.0;
    claimable_.notify_all();
  }

  // This rank's speed in the segment so far: blocks per second of a whole rank's worker time.
  [[nodiscard]] double segment_rate() {
    const std::lock_guard lock(mutex_);
    return static_cast<double>(segment_blocks_) * threads_ / std::max(segment_seconds_, 1e-9);
  }

  // Makes every waiting thread give up: workers return, take() rethrows a worker's exception.
  void stop() noexcept {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    claimable_.notify_all();
    slot_freed_.notify_all();
    slot_filled_.notify_all();
  }

  // Stops claims at the next unclaimed block and returns it: the checkpoint goes there.
  std::uint64_t pause_claims() {
    const std::lock_guard lock(mutex_);
    claim_limit_ = next_claim_;
    return next_claim_;
  }

  // One worker thread: its loop, with an exception kept for the caller's thread (see run()).
  void worker(int w) noexcept {
    try {
      work(w);
    } catch (...) {
      {
        const std::lock_guard lock(mutex_);
        if (worker_error_ == nullptr) worker_error_ = std::current_exception();
      }
      stop();
    }
  }

  void work(int w) {
    Params params;
    std::vector<RunOutput> outs(options_.size());
    std::string runs, events, failures;
    auto& stats = worker_stats_[static_cast<size_t>(w)];
    std::vector<BlockValues> pending;
    if (spec_.collect_stats)
      pending.assign(options_.size(),
                     BlockValues(catalog_.final.size(),
                                 static_cast<size_t>(rules_.turns + 1) * catalog_.per_turn.size(),
                                 kBatchBlock));
    for (;;) {
      std::uint64_t block = 0, seq = 0;
      {
        std::unique_lock lock(mutex_);
        claimable_.wait(lock, [&] {
          return stopping_ || next_claim_ >= blocks_ || next_claim_ < claim_limit_;
        });
        if (stopping_ || next_claim_ >= blocks_) return;
        block = next_claim_;
        seq = claimed_++;
        next_claim_ = owned_from(block + 1);
      }
      const auto began = std::chrono::steady_clock::now();
      runs.clear();
      events.clear();
      failures.clear();
      const std::uint64_t end = std::min(spec_.runs, (block + 1) * kBatchBlock);
      for (std::uint64_t run = block * kBatchBlock; run < end; ++run) {
        const bool trace = run < spec_.trace;
        for (size_t o = 0; o < options_.size(); ++o) {
          RunOutput& out = outs[o];
          sample_params_into(rules_, options_[o], spec_.seed, run, params);
          simulate(rules_, catalog_, params, spec_.seed, run, trace, out);
          if (spec_.write_rows) {
            format_.run_row(run, params, out, runs);
            if (trace) format_.event_rows(run, options_[o], out, events);
            if (!out.ok) format_.failure_row(run, options_[o], out, failures);
          }
          if (!out.ok) {
            ++worker_failed_[static_cast<size_t>(w)];
            continue;
          }
          if (spec_.collect_stats) pending[o].push(out);
        }
        if (spec_.observer != nullptr) spec_.observer->observe(w, run, outs);
      }
      // The block's statistics go in before it is handed over: a checkpoint taken once the
      // writer has every block < L must see exactly those blocks' runs.
      if (spec_.collect_stats)
        for (size_t o = 0; o < options_.size(); ++o) pending[o].add_to(stats[o]);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
      std::unique_lock lock(mutex_);
      ++segment_blocks_;
      segment_seconds_ += seconds;
      // Stay within the window so memory is bounded however many runs there are.
      slot_freed_.wait(lock, [&] { return stopping_ || seq < consumed_ + kWindow; });
      if (stopping_) return;
      RingSlot& slot = ring_[seq % kWindow];
      slot.block = block;
      slot.ready = true;
      std::swap(slot.runs, runs);
      std::swap(slot.events, events);
      std::swap(slot.failures, failures);
      slot_filled_.notify_all();
    }
  }

  // Takes this rank's block `block` (its next one) from the ring once a worker has finished it.
  void take(std::uint64_t block, BlockText& text) {
    std::unique_lock lock(mutex_);
    RingSlot& slot = ring_[consumed_ % kWindow];
    slot_filled_.wait(lock, [&] { return stopping_ || (slot.ready && slot.block == block); });
    if (stopping_) {
      // A worker failed (its block will never come): its exception stops the batch.
      if (worker_error_ != nullptr) std::rethrow_exception(worker_error_);
      throw std::runtime_error("the batch was stopped");
    }
    std::swap(slot.runs, text.runs);
    std::swap(slot.events, text.events);
    std::swap(slot.failures, text.failures);
    slot.ready = false;
    ++consumed_;
    slot_freed_.notify_all();
  }

  // This rank's state after the blocks consumed so far. Only valid while no worker holds a
  // claimed block (at a claim limit, or after the workers have joined).
  [[nodiscard]] BatchState snapshot() const {
    BatchState st;
    st.stats = worker_stats_[0];
    for (size_t w = 1; w < worker_stats_.size(); ++w) merge_stats(st.stats, worker_stats_[w]);
    for (const auto f : worker_failed_) st.failed += f;
    if (spec_.observer != nullptr) st.observers.push_back(spec_.observer->save());
    return st;
  }

  void write_loop() {
    BlockText text;
    std::string message;
    const auto now = [] { return std::chrono::steady_clock::now(); };
    const auto interval = std::chrono::duration<double>(std::max(0.0, spec_.checkpoint_seconds));
    auto last_progress = now();
    auto last_checkpoint = now();
    std::uint64_t b = start_;
    if (b >= blocks_) sink_.progress(spec_.runs, spec_.runs);
    std::uint64_t end = first_segment_end();
    std::vector<std::uint32_t> pattern = pattern_;
    while (b < blocks_) {
      open_segment(b, end, pattern);
      const std::uint64_t segment_start = b;
      while (b < end) {
        if (owner(b) == 0) {
          take(b, text);
        } else {
          mpi::receive(static_cast<int>(owner(b)), mpi::Tag::block, message);
          ByteReader r(message);
          if (r.u64() != b) throw std::runtime_error("MPI block out of order");
          text.runs = r.bytes();
          text.events = r.bytes();
          text.failures = r.bytes();
        }
        if (!text.runs.empty()) sink_.runs_rows(text.runs);
        if (!text.events.empty()) sink_.events_rows(text.events);
        if (!text.failures.empty()) sink_.failures_rows(text.failures);
        ++b;
        const auto t = now();
        if (t - last_progress > std::chrono::milliseconds(200) || b == blocks_) {
          last_progress = t;
          sink_.progress(std::min(spec_.runs, b * kBatchBlock), spec_.runs);
        }
        if (ranks_ == 1 && spec_.checkpointer != nullptr && end == blocks_ && b < blocks_ &&
            t - last_checkpoint >= interval)
          end = pause_claims();
      }
      if (b >= blocks_) break;
      // A segment boundary: every block < b is written and no block >= b is claimed anywhere.
      BatchState st = snapshot();
      std::vector<double> rates{segment_rate()};
      for (int r = 1; r < static_cast<int>(ranks_); ++r) {
        mpi::receive(r, mpi::Tag::control, message);
        ByteReader rate(message);
        rates.push_back(rate.f64());
        if (!rate.ok()) throw std::runtime_error("bad MPI rate");
        mpi::receive(r, mpi::Tag::state, message);
        BatchState part = decode_state(message, st.stats);
        merge_stats(st.stats, part.stats);
        st.failed += part.failed;
        for (auto& o : part.observers) st.observers.push_back(std::move(o));
      }
      if (spec_.checkpointer != nullptr)
        spec_.checkpointer->save(b * kBatchBlock, encode_state(st));
      const auto t = now();
      if (ranks_ == 1) {
        end = blocks_;
      } else {
        // Size the next segment to last about one checkpoint interval at the rate just seen.
        const double seconds = std::chrono::duration<double>(t - last_checkpoint).count();
        const double rate = static_cast<double>(b - segment_start) / std::max(seconds, 1e-6);
        const auto length = static_cast<std::uint64_t>(
            std::clamp(rate * interval.count(), 1.0, static_cast<double>(kMaxSegment)));
        end = std::min(blocks_, b + length);
        // The first segment is too short to measure speeds on (a rank slowed for a moment would
        // be given too little for seconds); later ones last about a checkpoint interval.
        if (b > first_segment_end()) pattern = weighted_pattern(rates);
        std::string next;
        ByteWriter out(next);
        out.u64(end);
        out.u64(pattern.size());
        for (const std::uint32_t r : pattern) out.u64(r);
        for (int r = 1; r < static_cast<int>(ranks_); ++r) mpi::send(r, mpi::Tag::control, next);
      }
      last_checkpoint = t;
    }
  }

  void send_loop() {
    BlockText text;
    std::string message;
    std::uint64_t b = start_;
    std::uint64_t end = first_segment_end();
    std::vector<std::uint32_t> pattern = pattern_;
    while (b < blocks_) {
      open_segment(b, end, pattern);
      for (; b < end; ++b) {
        if (owner(b) != static_cast<std::uint64_t>(rank_)) continue;
        take(b, text);
        message.clear();
        ByteWriter w(message);
        w.u64(b);
        w.bytes(text.runs);
        w.bytes(text.events);
        w.bytes(text.failures);
        mpi::send(0, mpi::Tag::block, message);
      }
      if (b >= blocks_) break;
      std::string rate;
      ByteWriter(rate).f64(segment_rate());
      mpi::send(0, mpi::Tag::control, rate);
      mpi::send(0, mpi::Tag::state, encode_state(snapshot()));
      mpi::receive(0, mpi::Tag::control,
                   message);  // where the next segment ends, and who does what
      ByteReader r(message);
      end = r.u64();
      const std::uint64_t size = r.u64();
      pattern.assign(r.ok() ? std::min<std::uint64_t>(size, 1u << 16) : 0, 0);
      for (auto& owner_of : pattern) {
        const std::uint64_t o = r.u64();
        owner_of = static_cast<std::uint32_t>(o);
        if (o >= ranks_) throw std::runtime_error("bad MPI segment");
      }
      if (!r.ok() || end <= b || pattern.empty()) throw std::runtime_error("bad MPI segment");
    }
  }

  const Rules& rules_;
  const MetricCatalog& catalog_;
  const RowFormat& format_;
  const BatchSpec& spec_;
  BatchSink& sink_;
  const std::vector<int> options_;
  const int threads_;
  const int rank_;
  const std::uint64_t ranks_;
  const std::uint64_t blocks_;
  std::uint64_t start_ = 0;  // first block of the batch still to run (after a resume)

  std::mutex mutex_;  // guards everything below
  std::condition_variable claimable_, slot_freed_, slot_filled_;
  std::uint64_t next_claim_ = 0;   // next block of this rank a worker will take
  std::uint64_t claim_limit_ = 0;  // workers take only blocks < claim_limit_
  std::uint64_t claimed_ = 0;      // this rank's blocks claimed so far (their sequence numbers)
  std::uint64_t consumed_ = 0;     // this rank's blocks taken by the consumer so far
  std::vector<std::uint32_t> pattern_;  // see owner()
  std::uint64_t pattern_start_ = 0;
  std::uint64_t segment_blocks_ = 0;  // blocks computed in the current segment
  double segment_seconds_ = 0.0;      // worker time they took, summed over workers
  std::vector<RingSlot> ring_;
  bool stopping_ = false;            // a thread failed: every other one gives up
  std::exception_ptr worker_error_;  // the first exception of a worker thread

  // Per worker, so the hot loop shares nothing; merged (order-independently) at the end.
  std::vector<std::vector<OptionStats>> worker_stats_;
  std::vector<std::uint64_t> worker_failed_;
};

}  // namespace

std::vector<std::uint32_t> weighted_pattern(const std::vector<double>& rates) {
  const size_t k = rates.size();
  double total = 0.0;
  for (const double r : rates) total += std::isfinite(r) && r > 0.0 ? r : 0.0;
  std::vector<std::int64_t> weight(k, 1);
  if (total > 0.0)
    for (size_t i = 0; i < k; ++i)
      if (std::isfinite(rates[i]) && rates[i] > 0.0)
        weight[i] = std::max<std::int64_t>(
            1, std::llround(16.0 * static_cast<double>(k) * rates[i] / total));
  // Equal weights: plain turns, as the first segment has.
  if (std::all_of(weight.begin(), weight.end(), [&](std::int64_t w) { return w == weight[0]; }))
    std::fill(weight.begin(), weight.end(), 1);
  std::int64_t sum = 0;
  for (const std::int64_t w : weight) sum += w;
  std::vector<std::int64_t> current(k, 0);
  std::vector<std::uint32_t> pattern;
  for (std::int64_t p = 0; p < sum; ++p) {
    size_t pick = 0;
    for (size_t i = 0; i < k; ++i) {
      current[i] += weight[i];
      if (current[i] > current[pick]) pick = i;
    }
    current[pick] -= sum;
    pattern.push_back(static_cast<std::uint32_t>(pick));
  }
  return pattern;
}

BatchResult run_batch(const Rules& rules, const MetricCatalog& catalog, const RowFormat& format,
                      const BatchSpec& spec, BatchSink& sink) {
  RankBatch batch(rules, catalog, format, spec, sink);
  return batch.run();
}

}  // namespace parley

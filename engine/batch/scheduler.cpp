#include "engine/batch/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "engine/batch/bytes.hpp"
#include "engine/batch/mpi.hpp"

namespace parley {

namespace {

constexpr std::uint64_t kWindow = 64;  // blocks buffered ahead of the writer, per rank
// Several ranks: blocks in the first segment, and at most in any.
constexpr std::uint64_t kFirstSegment = 64;
constexpr std::uint64_t kMaxSegment = std::uint64_t{1} << 22;

using Clock = std::chrono::steady_clock;

}  // namespace

RankScheduler::RankScheduler(BlockJob& job, const BatchSpec& spec, BatchSink& sink)
    : job_(job),
      spec_(spec),
      sink_(sink),
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
}

void RankScheduler::run() {
  std::vector<std::thread> pool;
  // An exception leaving a std::thread, or a joinable thread destroyed while this one unwinds,
  // would end the process through std::terminate: every thread is stopped and joined first.
  // What was written up to the last checkpoint stays resumable.
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
}

// Which rank computes `block`: the segment's pattern, repeated from the segment's first block.
// The choice never changes the outputs (run k depends only on the seed and k), only who waits.
std::uint64_t RankScheduler::owner(std::uint64_t block) const noexcept {
  if (ranks_ == 1) return 0;
  return pattern_[static_cast<size_t>((block - pattern_start_) % pattern_.size())];
}

// This rank's first block >= `block` (blocks_ when none is left).
std::uint64_t RankScheduler::owned_from(std::uint64_t block) const noexcept {
  while (block < blocks_ && owner(block) != static_cast<std::uint64_t>(rank_)) ++block;
  return std::min(block, blocks_);
}

// The first segment (several ranks): short, so the first checkpoint comes soon; later ones are
// sized by rank 0 from the measured rate to last about checkpoint_seconds.
std::uint64_t RankScheduler::first_segment_end() const noexcept {
  if (ranks_ == 1) return blocks_;  // one process places its checkpoints on the fly
  return std::min(blocks_, start_ + kFirstSegment);
}

// Opens the segment [start, end) with `pattern` (see owner()). Every block < start is consumed
// and none >= start claimed when this is called.
void RankScheduler::open_segment(std::uint64_t start, std::uint64_t end,
                                 std::vector<std::uint32_t> pattern) {
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
double RankScheduler::segment_rate() {
  const std::lock_guard lock(mutex_);
  return static_cast<double>(segment_blocks_) * threads_ / std::max(segment_seconds_, 1e-9);
}

// Makes every waiting thread give up: workers return, take() rethrows a worker's exception.
void RankScheduler::stop() noexcept {
  const std::lock_guard lock(mutex_);
  stopping_ = true;
  claimable_.notify_all();
  slot_freed_.notify_all();
  slot_filled_.notify_all();
}

// Stops claims at the next unclaimed block and returns it: the checkpoint goes there.
std::uint64_t RankScheduler::pause_claims() {
  const std::lock_guard lock(mutex_);
  claim_limit_ = next_claim_;
  return next_claim_;
}

// One worker thread: its loop, with an exception kept for the caller's thread (see run()).
void RankScheduler::worker(int w) noexcept {
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

void RankScheduler::work(int w) {
  BlockText text;
  std::uint64_t block = 0, seq = 0;
  while (claim(block, seq)) {
    const auto began = Clock::now();
    job_.compute(w, block, text);
    hand_over(block, seq, std::chrono::duration<double>(Clock::now() - began).count(), text);
  }
}

// Waits for a claimable block; false when there is none left or the batch stops.
bool RankScheduler::claim(std::uint64_t& block, std::uint64_t& seq) {
  std::unique_lock lock(mutex_);
  claimable_.wait(
      lock, [&] { return stopping_ || next_claim_ >= blocks_ || next_claim_ < claim_limit_; });
  if (stopping_ || next_claim_ >= blocks_) return false;
  block = next_claim_;
  seq = claimed_++;
  next_claim_ = owned_from(block + 1);
  return true;
}

// Puts a computed block into the ring (swapping `text` with the slot's old buffers).
void RankScheduler::hand_over(std::uint64_t block, std::uint64_t seq, double seconds,
                              BlockText& text) {
  std::unique_lock lock(mutex_);
  ++segment_blocks_;
  segment_seconds_ += seconds;
  // Stay within the window so memory is bounded however many runs there are.
  slot_freed_.wait(lock, [&] { return stopping_ || seq < consumed_ + kWindow; });
  if (stopping_) return;
  RingSlot& slot = ring_[seq % kWindow];
  slot.block = block;
  slot.ready = true;
  std::swap(slot.text, text);
  slot_filled_.notify_all();
}

// Takes this rank's block `block` (its next one) from the ring once a worker has finished it.
void RankScheduler::take(std::uint64_t block, BlockText& text) {
  std::unique_lock lock(mutex_);
  RingSlot& slot = ring_[consumed_ % kWindow];
  slot_filled_.wait(lock, [&] { return stopping_ || (slot.ready && slot.block == block); });
  if (stopping_) {
    // A worker failed (its block will never come): its exception stops the batch.
    if (worker_error_ != nullptr) std::rethrow_exception(worker_error_);
    throw std::runtime_error("the batch was stopped");
  }
  std::swap(slot.text, text);
  slot.ready = false;
  ++consumed_;
  slot_freed_.notify_all();
}

void RankScheduler::commit(const BlockText& text) {
  if (!text.runs.empty()) sink_.runs_rows(text.runs);
  if (!text.events.empty()) sink_.events_rows(text.events);
  if (!text.failures.empty()) sink_.failures_rows(text.failures);
}

void RankScheduler::write_loop() {
  BlockText text;
  std::string message;
  const auto interval = std::chrono::duration<double>(std::max(0.0, spec_.checkpoint_seconds));
  auto last_progress = Clock::now();
  auto last_checkpoint = Clock::now();
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
      commit(text);
      ++b;
      const auto t = Clock::now();
      if (t - last_progress > std::chrono::milliseconds(200) || b == blocks_) {
        last_progress = t;
        sink_.progress(std::min(spec_.runs, b * kBatchBlock), spec_.runs);
      }
      if (ranks_ == 1 && spec_.checkpointer != nullptr && end == blocks_ && b < blocks_ &&
          t - last_checkpoint >= interval)
        end = pause_claims();
    }
    if (b >= blocks_) break;
    const auto t = Clock::now();
    end = close_segment(b, segment_start,
                        std::chrono::duration<double>(t - last_checkpoint).count(), pattern);
    last_checkpoint = t;
  }
}

// A segment boundary on rank 0: every block < b is written and no block >= b is claimed
// anywhere. Gathers the ranks' states into a checkpoint, then (several ranks) sizes the next
// segment from the rate just seen and tells the ranks. Returns where the next segment ends.
std::uint64_t RankScheduler::close_segment(std::uint64_t b, std::uint64_t segment_start,
                                           double seconds, std::vector<std::uint32_t>& pattern) {
  std::string message;
  std::vector<double> rates{segment_rate()};
  std::vector<std::string> parts;
  for (int r = 1; r < static_cast<int>(ranks_); ++r) {
    mpi::receive(r, mpi::Tag::control, message);
    ByteReader rate(message);
    rates.push_back(rate.f64());
    if (!rate.ok()) throw std::runtime_error("bad MPI rate");
    mpi::receive(r, mpi::Tag::state, message);
    parts.push_back(message);
  }
  const std::string state = job_.merged_state(job_.state(), parts);
  if (spec_.checkpointer != nullptr) spec_.checkpointer->save(b * kBatchBlock, state);
  if (ranks_ == 1) return blocks_;
  // Size the next segment to last about one checkpoint interval at the rate just seen.
  const double rate = static_cast<double>(b - segment_start) / std::max(seconds, 1e-6);
  const auto length = static_cast<std::uint64_t>(std::clamp(
      rate * std::max(0.0, spec_.checkpoint_seconds), 1.0, static_cast<double>(kMaxSegment)));
  const std::uint64_t end = std::min(blocks_, b + length);
  // The first segment is too short to measure speeds on (a rank slowed for a moment would be
  // given too little for seconds); later ones last about a checkpoint interval.
  if (b > first_segment_end()) pattern = weighted_pattern(rates);
  std::string next;
  ByteWriter out(next);
  out.u64(end);
  out.u64(pattern.size());
  for (const std::uint32_t r : pattern) out.u64(r);
  for (int r = 1; r < static_cast<int>(ranks_); ++r) mpi::send(r, mpi::Tag::control, next);
  return end;
}

void RankScheduler::send_loop() {
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
    mpi::send(0, mpi::Tag::state, job_.state());
    receive_segment(b, end, pattern);
  }
}

// Another rank at a segment boundary: where the next segment ends, and who does what.
void RankScheduler::receive_segment(std::uint64_t b, std::uint64_t& end,
                                    std::vector<std::uint32_t>& pattern) {
  std::string message;
  mpi::receive(0, mpi::Tag::control, message);
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

}  // namespace parley

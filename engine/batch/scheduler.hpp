#pragma once
/// \file
/// The scheduler of a batch on one rank: worker threads claim blocks and compute them into a
/// reorder ring; the calling thread commits them in block order (rank 0: to the sink, with the
/// other ranks' blocks; other ranks: sends them to rank 0) and places the checkpoints.
///
/// Checkpoints need the state of exactly the blocks written so far, but workers run ahead of
/// the writer. So the writer sets a claim limit L: workers take no block >= L, the writer drains
/// every block < L, and then the workers' state is that of blocks [0, L) exactly. Single
/// process: L is chosen when a checkpoint is due (the next unclaimed block). Several ranks: the
/// batch goes in segments; at the end L of each, every rank drains, sends rank 0 its state
/// (rank 0 merges them into the checkpoint) and waits for rank 0 to tell it where the next
/// segment ends, sized from the measured rate to last about checkpoint_seconds.

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "engine/batch/block_work.hpp"
#include "engine/batch/runner.hpp"

namespace parley {

/// What the scheduler runs: blocks, and the encoded state between them.
class BlockJob {
 public:
  virtual ~BlockJob() = default;
  /// Computes block `block` on worker thread `worker` (0 <= worker < threads) into `text`.
  /// Called concurrently for different workers.
  virtual void compute(int worker, std::uint64_t block, BlockText& text) = 0;
  /// This rank's state after the blocks computed so far, encoded. Called only while no block is
  /// being computed.
  [[nodiscard]] virtual std::string state() const = 0;
  /// Rank 0: `own` (a state()) merged with the other ranks' states, encoded: what a checkpoint
  /// saves. Throws std::runtime_error if a part does not fit the batch.
  [[nodiscard]] virtual std::string merged_state(const std::string& own,
                                                 const std::vector<std::string>& parts) const = 0;
};

/// One rank's run of a batch's blocks [spec.resume_runs / kBatchBlock, blocks). Uses
/// spec.runs, threads, rank, ranks, checkpointer and checkpoint_seconds.
class RankScheduler {
 public:
  /// Throws std::runtime_error if spec.resume_runs is not at a block boundary.
  RankScheduler(BlockJob& job, const BatchSpec& spec, BatchSink& sink);

  /// Runs every block of this rank and commits them in order; blocks until done. An exception
  /// on any thread (a sink or checkpoint that cannot write, an observer, memory) stops every
  /// thread and is rethrown here, on the caller's thread.
  void run();

 private:
  [[nodiscard]] std::uint64_t owner(std::uint64_t block) const noexcept;
  [[nodiscard]] std::uint64_t owned_from(std::uint64_t block) const noexcept;
  [[nodiscard]] std::uint64_t first_segment_end() const noexcept;
  void open_segment(std::uint64_t start, std::uint64_t end, std::vector<std::uint32_t> pattern);
  [[nodiscard]] double segment_rate();
  void stop() noexcept;
  std::uint64_t pause_claims();
  void worker(int w) noexcept;
  void work(int w);
  [[nodiscard]] bool claim(std::uint64_t& block, std::uint64_t& seq);
  void hand_over(std::uint64_t block, std::uint64_t seq, double seconds, BlockText& text);
  void take(std::uint64_t block, BlockText& text);
  void commit(const BlockText& text);
  void write_loop();
  std::uint64_t close_segment(std::uint64_t b, std::uint64_t segment_start, double seconds,
                              std::vector<std::uint32_t>& pattern);
  void send_loop();
  void receive_segment(std::uint64_t b, std::uint64_t& end, std::vector<std::uint32_t>& pattern);

  // A slot of the reorder ring.
  struct RingSlot {
    std::uint64_t block = ~0ULL;  // which block the text belongs to
    bool ready = false;
    BlockText text;
  };

  BlockJob& job_;
  const BatchSpec& spec_;
  BatchSink& sink_;
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
};

}  // namespace parley

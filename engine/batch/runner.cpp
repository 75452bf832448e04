#include "engine/batch/runner.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/batch/batch_state.hpp"
#include "engine/batch/block_work.hpp"
#include "engine/batch/mpi.hpp"
#include "engine/batch/scheduler.hpp"

namespace parley {

namespace {

// Adds saved observer states to `observer` (if any); a state it refuses stops the batch, since
// going on would checkpoint and report sums without that state's runs.
void merge_observers(RunObserver* observer, const std::vector<std::string>& states) {
  if (observer == nullptr) return;
  for (const std::string& b : states)
    if (!observer->merge_saved(b)) throw std::runtime_error(kUnfitState);
}

// One rank's batch: its workers, what a resumed batch brings in, and the state they make
// together. The scheduler decides who computes which block when.
class RankJob final : public BlockJob {
 public:
  RankJob(const Rules& rules, const MetricCatalog& catalog, const RowFormat& format,
          const BatchSpec& spec)
      : spec_(spec), options_(spec.options.empty() ? std::vector<int>{0} : spec.options) {
    const int threads = std::max(1, spec.threads);
    workers_.reserve(static_cast<size_t>(threads));
    for (int w = 0; w < threads; ++w)
      workers_.emplace_back(rules, catalog, format, spec, options_, w);
    if (spec.rank == 0 && spec.resume_runs > 0) {
      // The earlier process's state goes to worker 0: sums are exact, so where it goes does
      // not matter.
      BlockWorker& first = workers_.front();
      BatchState st = decode_state(spec.resume_state, first.stats());
      merge_stats(first.stats(), st.stats);
      first.add_failed(st.failed);
      merge_observers(spec.observer, st.observers);
    }
  }

  void compute(int worker, std::uint64_t block, BlockText& text) override {
    workers_[static_cast<size_t>(worker)].compute(block, text);
  }

  [[nodiscard]] std::string state() const override { return encode_state(snapshot()); }

  [[nodiscard]] std::string merged_state(const std::string& own,
                                         const std::vector<std::string>& parts) const override {
    BatchState st = decode_state(own, workers_.front().stats());
    for (const std::string& bytes : parts) {
      BatchState part = decode_state(bytes, st.stats);
      merge_stats(st.stats, part.stats);
      st.failed += part.failed;
      for (auto& o : part.observers) st.observers.push_back(std::move(o));
    }
    return encode_state(st);
  }

  // This rank's state: the workers' statistics merged in worker order (exact sums, so any
  // order gives the same bytes), failures, and the observer's save.
  [[nodiscard]] BatchState snapshot() const {
    BatchState st;
    st.stats = workers_.front().stats();
    for (size_t w = 1; w < workers_.size(); ++w) merge_stats(st.stats, workers_[w].stats());
    for (const BlockWorker& w : workers_) st.failed += w.failed();
    if (spec_.observer != nullptr) st.observers.push_back(spec_.observer->save());
    return st;
  }

 private:
  const BatchSpec& spec_;
  const std::vector<int> options_;
  std::vector<BlockWorker> workers_;
};

// After the blocks: rank 0 gathers the other ranks' states (their observers into this one, so
// the caller sees the whole batch) and saves the final checkpoint; other ranks send theirs.
BatchResult gather(const RankJob& job, const BatchSpec& spec) {
  BatchState total = job.snapshot();
  const int ranks = std::max(1, spec.ranks);
  if (spec.rank != 0) {
    mpi::send(0, mpi::Tag::state, encode_state(total));
  } else {
    for (int r = 1; r < ranks; ++r) {
      std::string bytes;
      mpi::receive(r, mpi::Tag::state, bytes);
      BatchState part = decode_state(bytes, total.stats);
      merge_stats(total.stats, part.stats);
      total.failed += part.failed;
      merge_observers(spec.observer, part.observers);
    }
    if (spec.checkpointer != nullptr) {
      total.observers.clear();
      if (spec.observer != nullptr) total.observers.push_back(spec.observer->save());
      spec.checkpointer->save(spec.runs, encode_state(total));
    }
  }
  BatchResult result;
  result.options = std::move(total.stats);
  result.failed = total.failed;
  return result;
}

}  // namespace

BatchResult run_batch(const Rules& rules, const MetricCatalog& catalog, const RowFormat& format,
                      const BatchSpec& spec, BatchSink& sink) {
  BatchSpec clamped = spec;
  clamped.rank = std::clamp(spec.rank, 0, std::max(1, spec.ranks) - 1);
  RankJob job(rules, catalog, format, clamped);
  RankScheduler scheduler(job, clamped, sink);
  scheduler.run();
  return gather(job, clamped);
}

}  // namespace parley

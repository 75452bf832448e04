#include "engine/batch/block_work.hpp"

#include <algorithm>

#include "engine/sim/compile.hpp"

namespace parley {

BlockWorker::BlockWorker(const Rules& rules, const MetricCatalog& catalog, const RowFormat& format,
                         const BatchSpec& spec, const std::vector<int>& options, int worker)
    : rules_(rules),
      catalog_(catalog),
      format_(format),
      spec_(spec),
      options_(options),
      worker_(worker),
      outs_(options.size()) {
  if (!spec.collect_stats) return;
  const size_t per_turn = static_cast<size_t>(rules.turns + 1) * catalog.per_turn.size();
  pending_.assign(options.size(), BlockValues(catalog.final.size(), per_turn, kBatchBlock));
  for (size_t o = 0; o < options.size(); ++o)
    stats_.push_back(make_option_stats(catalog, rules.turns));
}

void BlockWorker::compute(std::uint64_t block, BlockText& text) {
  text.runs.clear();
  text.events.clear();
  text.failures.clear();
  const std::uint64_t end = std::min(spec_.runs, (block + 1) * kBatchBlock);
  for (std::uint64_t run = block * kBatchBlock; run < end; ++run) {
    const bool trace = run < spec_.trace;
    for (size_t o = 0; o < options_.size(); ++o) run_option(run, o, trace, text);
    if (spec_.observer != nullptr) spec_.observer->observe(worker_, run, outs_);
  }
  // The block's statistics go in before it is handed over: a checkpoint taken once the writer
  // has every block < L must see exactly those blocks' runs.
  for (size_t o = 0; o < pending_.size(); ++o) pending_[o].add_to(stats_[o]);
}

void BlockWorker::run_option(std::uint64_t run, size_t o, bool trace, BlockText& text) {
  RunOutput& out = outs_[o];
  const int option = options_[o];
  sample_params_into(rules_, option, spec_.seed, run, params_);
  simulate(rules_, catalog_, params_, spec_.seed, run, trace, out);
  if (spec_.write_rows) {
    format_.run_row(run, params_, out, text.runs);
    if (trace) format_.event_rows(run, option, out, text.events);
    if (!out.ok) format_.failure_row(run, option, out, text.failures);
  }
  if (!out.ok) {
    ++failed_;
    return;
  }
  if (spec_.collect_stats) pending_[o].push(out);
}

}  // namespace parley

#include "engine/batch/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engine/batch/mpi.hpp"
#include "engine/batch/runner.hpp"
#include "engine/batch/sweep_state.hpp"
#include "engine/core/rng.hpp"
#include "engine/io/csv_write.hpp"
#include "engine/sim/compile.hpp"

namespace parley {

namespace {

// Stream key of the Latin hypercube's draws ("lhs" in ASCII), apart from the run streams.
constexpr std::uint64_t kLhsStream = 0x6C6873;

std::string_view trim(std::string_view s, int& lead) {
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  size_t e = s.size();
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  lead = static_cast<int>(b);
  return s.substr(b, e - b);
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// Forwards one chunk's progress, offset by the simulations of the chunks before it.
class ChunkSink final : public BatchSink {
 public:
  ChunkSink(const std::function<void(std::uint64_t, std::uint64_t)>* fn, std::uint64_t before,
            std::uint64_t per_run, std::uint64_t total)
      : fn_(fn), before_(before), per_run_(per_run), total_(total) {}
  void runs_rows(std::string_view) override {}
  void events_rows(std::string_view) override {}
  void failures_rows(std::string_view) override {}
  void progress(std::uint64_t done, std::uint64_t) override {
    if (fn_ != nullptr && *fn_) (*fn_)(before_ + done * per_run_, total_);
  }

 private:
  const std::function<void(std::uint64_t, std::uint64_t)>* fn_;
  std::uint64_t before_, per_run_, total_;
};

// A copy of the scenario whose options after the original ones are samples [first, first + n)
// of the plan: the base option with the varied paths appended as constants that always hold
// (Option::set_always: they win over the base option's own overrides, and hold from the start
// even when the base option starts later).
Scenario chunk_scenario(const Scenario& sc, const SweepPlan& plan, int base, Eigen::Index first,
                        Eigen::Index n) {
  Scenario c = sc;
  const int first_new = static_cast<int>(c.options.size());
  const Option& base_option = sc.options[static_cast<size_t>(base)];
  for (Eigen::Index s = 0; s < n; ++s) {
    Option o = base_option;
    o.name = "sample." + std::to_string(first + s);
    for (size_t j = 0; j < plan.vary.size(); ++j) {
      const VaryRange& v = plan.vary[j];
      Number value = Number::constant(plan.values(first + s, static_cast<Eigen::Index>(j)));
      const Range r = writable_range(v.slot);
      value.lo = r.lo;
      value.hi = r.hi;
      o.set_always.push_back(Override{v.slot, value});
    }
    c.options.push_back(std::move(o));
  }
  // Timeline rows limited to some options must treat a sample like its base option.
  for (TimelineRow& row : c.timeline) {
    if (row.options.empty()) continue;
    if (std::find(row.options.begin(), row.options.end(), base) == row.options.end()) continue;
    for (Eigen::Index s = 0; s < n; ++s) row.options.push_back(first_new + static_cast<int>(s));
  }
  return c;
}

}  // namespace

Range writable_range(const Slot& slot) noexcept {
  return slot.kind == SlotKind::model ? model_key_range(static_cast<ModelKey>(slot.a))
                                      : slot_range(slot.kind);
}

namespace {

// The PATH of PATH=LO..HI (`text` up to '=' at `eq`): a path that can be set and holds a number.
std::optional<Slot> vary_slot(std::string_view text, size_t eq, const IdTables& ids,
                              ParseError& error) {
  int lead = 0;
  const std::string_view path = trim(text.substr(0, eq), lead);
  if (path == "model.bargaining") {
    error = {lead,
             "model.bargaining names a model, not a number, so it cannot be swept; expected a "
             "numeric path (compare bargaining models with options and `parley compare`)"};
    return std::nullopt;
  }
  ParseError pe;
  const auto slot = parse_path(text.substr(0, eq), ids, pe);
  if (!slot) {
    error = {pe.offset, std::move(pe.message)};
    return std::nullopt;
  }
  if (is_read_only(slot->kind)) {
    error = {lead,
             quoted(path_text(*slot, ids)) + " is read-only; expected a path that can be set"};
    return std::nullopt;
  }
  return slot;
}

// The :STEPS of a grid range (`text` after the colon, which starts at `offset` of the
// argument): a whole number of levels from 2 to kMaxSteps.
std::optional<int> vary_steps(std::string_view text, int offset, ParseError& error) {
  int lead = 0;
  const std::string_view steps_text = trim(text, lead);
  const auto steps = parse_double(steps_text);
  if (!steps || *steps != std::floor(*steps) || *steps < 2 || *steps > kMaxSteps) {
    error = {offset + lead, "expected STEPS, a whole number of grid levels from 2 to " +
                                std::to_string(kMaxSteps) + ", got " + quoted(steps_text)};
    return std::nullopt;
  }
  return static_cast<int>(*steps);
}

// LO..HI[:STEPS] (`rest`, which starts at `value_start` of the argument) into `out`, whose slot
// and path are set: LO < HI, both within the path's range.
bool vary_values(std::string_view rest, int value_start, VaryRange& out, ParseError& error) {
  const size_t dots = rest.find("..");
  const Range r = writable_range(out.slot);
  if (dots == std::string_view::npos) {
    const std::string example = std::isfinite(r.lo) && std::isfinite(r.hi)
                                    ? format_double(r.lo) + ".." + format_double(r.hi)
                                    : std::string("0..1");
    error = {value_start, "expected a range LO..HI after '=' (e.g. " + out.path + "=" + example +
                              "), got " + quoted(rest)};
    return false;
  }
  const size_t colon = rest.find(':', dots + 2);
  const std::string_view lo_raw = rest.substr(0, dots);
  const std::string_view hi_raw = rest.substr(
      dots + 2, colon == std::string_view::npos ? std::string_view::npos : colon - dots - 2);
  int lo_lead = 0, hi_lead = 0;
  const std::string_view lo_text = trim(lo_raw, lo_lead);
  const std::string_view hi_text = trim(hi_raw, hi_lead);
  const int lo_offset = value_start + lo_lead;
  const int hi_offset = value_start + static_cast<int>(dots) + 2 + hi_lead;
  const auto lo = parse_double(lo_text);
  if (!lo) {
    error = {lo_offset, "expected a number for LO, got " + quoted(lo_text)};
    return false;
  }
  const auto hi = parse_double(hi_text);
  if (!hi) {
    error = {hi_offset, "expected a number for HI, got " + quoted(hi_text)};
    return false;
  }
  if (!(*lo < *hi)) {
    error = {lo_offset, "expected LO < HI, got " + format_double(*lo) + ".." + format_double(*hi)};
    return false;
  }
  if (*lo < r.lo || *hi > r.hi) {
    error = {*lo < r.lo ? lo_offset : hi_offset,
             out.path + ": " + format_double(*lo) + ".." + format_double(*hi) +
                 " reaches outside the path's range; expected LO and HI within " +
                 range_text(r.lo, r.hi)};
    return false;
  }
  out.lo = *lo;
  out.hi = *hi;
  if (colon == std::string_view::npos) return true;
  const auto steps =
      vary_steps(rest.substr(colon + 1), value_start + static_cast<int>(colon) + 1, error);
  if (steps) out.steps = *steps;
  return steps.has_value();
}

}  // namespace

std::optional<VaryRange> parse_vary(std::string_view text, const IdTables& ids, ParseError& error) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    error = {0, "expected PATH=LO..HI (e.g. model.settle_rate=0.1..0.3), got " + quoted(text)};
    return std::nullopt;
  }
  const auto slot = vary_slot(text, eq, ids, error);
  if (!slot) return std::nullopt;
  VaryRange out;
  out.slot = *slot;
  out.path = path_text(*slot, ids);
  if (!vary_values(text.substr(eq + 1), static_cast<int>(eq) + 1, out, error)) return std::nullopt;
  return out;
}

std::optional<Design> parse_design(std::string_view text) noexcept {
  if (text == "lhs") return Design::lhs;
  if (text == "grid") return Design::grid;
  if (text == "sobol") return Design::sobol;
  return std::nullopt;
}

std::string_view design_name(Design d) noexcept {
  switch (d) {
    case Design::lhs:
      return "lhs";
    case Design::grid:
      return "grid";
    case Design::sobol:
      break;
  }
  return "sobol";
}

std::int64_t planned_samples(Design design, const std::vector<VaryRange>& vary,
                             std::int64_t samples) noexcept {
  constexpr std::int64_t cap = kMaxSamples + 1;
  switch (design) {
    case Design::lhs:
      return std::min(samples, cap);
    case Design::grid: {
      std::int64_t n = 1;
      for (const VaryRange& v : vary) n = std::min(cap, n * std::max(v.steps, 1));
      return n;
    }
    case Design::sobol:
      break;
  }
  const auto per = static_cast<std::int64_t>(vary.size()) + 2;
  return samples > cap / per ? cap : samples * per;
}

SweepPlan make_sweep_plan(Design design, std::vector<VaryRange> vary, int samples,
                          std::uint64_t seed) {
  SweepPlan plan;
  plan.design = design;
  plan.vary = std::move(vary);
  const int d = static_cast<int>(plan.vary.size());
  Eigen::MatrixXd unit;
  switch (design) {
    case Design::lhs: {
      Rng rng(seed, kLhsStream);
      unit = latin_hypercube(samples, d, rng);
      break;
    }
    case Design::grid: {
      std::vector<int> steps;
      for (const VaryRange& v : plan.vary) steps.push_back(v.steps);
      unit = grid_design(steps);
      break;
    }
    case Design::sobol:
      plan.base_rows = std::max(samples, 2);
      unit = saltelli_design(plan.base_rows, d);
      break;
  }
  plan.values.resize(unit.rows(), d);
  for (int j = 0; j < d; ++j) {
    const VaryRange& v = plan.vary[static_cast<size_t>(j)];
    for (Eigen::Index r = 0; r < unit.rows(); ++r) {
      // The grid's top level is exactly HI, not lo + 1.0 * (hi - lo) rounded.
      const double u = unit(r, j);
      plan.values(r, j) = u >= 1.0 ? v.hi : v.lo + u * (v.hi - v.lo);
    }
  }
  return plan;
}

namespace {

// Forwards one chunk's batch checkpoints into the sweep's (sequential chunks only).
class ChunkCheckpointer final : public BatchCheckpointer {
 public:
  ChunkCheckpointer(SweepState& state, Eigen::Index chunk, std::uint64_t runs,
                    std::function<void()> save)
      : state_(state), chunk_(chunk), runs_(runs), save_(std::move(save)) {}
  void save(std::uint64_t runs_done, std::string_view batch_state) override {
    if (runs_done >= runs_) return;  // the chunk's end is saved as a finished chunk
    state_.current = chunk_;
    state_.current_runs = runs_done;
    state_.current_state = std::string(batch_state);
    save_();
  }

 private:
  SweepState& state_;
  Eigen::Index chunk_;
  std::uint64_t runs_;
  std::function<void()> save_;
};

// One call of run_sweep: the samples cut into chunks of kSweepChunk, each chunk one batch whose
// options are its samples, run either one after the other (each spread over the threads and
// ranks by run blocks) or in parallel (one chunk per thread). Either way each sample's sums are
// exact, so the split does not change a bit of the result.
class SweepRun {
 public:
  SweepRun(const Scenario& scenario, const MetricCatalog& catalog, const SweepPlan& plan,
           const SweepSpec& spec)
      : scenario_(scenario),
        catalog_(catalog),
        plan_(plan),
        spec_(spec),
        samples_(plan.samples()),
        threads_(std::max(1, spec.threads)),
        runs_(std::max<std::uint64_t>(1, spec.runs_per_sample)),
        root_(spec.rank == 0),
        ranks_(std::max(1, spec.ranks)),
        chunks_((samples_ + kSweepChunk - 1) / kSweepChunk),
        total_(static_cast<std::uint64_t>(samples_) * runs_) {
    result_.means.resize(samples_, static_cast<Eigen::Index>(catalog.final.size()));
    result_.ok.assign(static_cast<size_t>(samples_), 0);
    // What is done already (rank 0 only: the other ranks learn it chunk by chunk).
    state_.done.assign(static_cast<size_t>(chunks_), false);
    if (root_ && !spec.resume_state.empty())
      decode_sweep_state(spec.resume_state, runs_, state_, result_);
    resumed_ = state_;
  }

  // Runs every chunk not done yet; the result counts the failed runs.
  SweepResult run() {
    // Parallel over chunks when there are enough of them to keep every thread busy (one
    // process only); otherwise the chunks go one after the other.
    const bool over_chunks = ranks_ == 1 && threads_ > 1 && (chunks_ >= 2 * threads_ || runs_ < 64);
    if (over_chunks)
      run_in_parallel();
    else
      run_in_sequence();
    for (const std::uint64_t ok : result_.ok) result_.failed += runs_ - ok;
    return std::move(result_);
  }

 private:
  [[nodiscard]] Eigen::Index chunk_size(Eigen::Index c) const {
    return std::min(kSweepChunk, samples_ - c * kSweepChunk);
  }

  // Saves a checkpoint (rank 0) of every finished chunk and the batch state of the one under
  // way, when the last is old enough or `force`. The caller holds state_mutex_ when chunks run
  // in parallel.
  void save_locked(bool force) {
    if (spec_.checkpointer == nullptr) return;
    const auto now = std::chrono::steady_clock::now();
    const double gap = std::max(spec_.checkpoint_seconds, kSaveShare * save_cost_);
    if (!force && std::chrono::duration<double>(now - last_save_).count() < gap) return;
    std::uint64_t sims = 0;
    for (Eigen::Index c = 0; c < chunks_; ++c) {
      if (state_.done[static_cast<size_t>(c)])
        sims += static_cast<std::uint64_t>(chunk_size(c)) * runs_;
      else if (c == state_.current)
        sims += static_cast<std::uint64_t>(chunk_size(c)) * state_.current_runs;
    }
    spec_.checkpointer->save(sims, encode_sweep_state(state_, result_, runs_));
    last_save_ = std::chrono::steady_clock::now();
    save_cost_ = std::chrono::duration<double>(last_save_ - now).count();
  }

  // One chunk: compile its copy of the scenario and run all its samples as options of one
  // batch, from `resume_runs` on.
  void run_chunk(Eigen::Index chunk, int inner_threads, BatchSink& sink, std::uint64_t resume_runs,
                 const std::string& resume_state, BatchCheckpointer* checkpointer) {
    const Eigen::Index first = chunk * kSweepChunk;
    const Eigen::Index n = chunk_size(chunk);
    const Scenario sc = chunk_scenario(scenario_, plan_, spec_.base_option, first, n);
    const Rules rules = compile(sc);
    const RowFormat format(sc, rules, catalog_);
    SweepSums observer(catalog_, n, inner_threads);
    BatchSpec batch;
    batch.runs = runs_;
    batch.seed = spec_.seed;
    batch.threads = inner_threads;
    const int first_new = static_cast<int>(scenario_.options.size());
    for (Eigen::Index s = 0; s < n; ++s) batch.options.push_back(first_new + static_cast<int>(s));
    batch.observer = &observer;
    batch.write_rows = false;
    batch.collect_stats = false;
    batch.checkpointer = checkpointer;
    batch.checkpoint_seconds = spec_.checkpoint_seconds;
    batch.resume_runs = resume_runs;
    batch.resume_state = resume_state;
    batch.rank = spec_.rank;
    batch.ranks = ranks_;
    (void)run_batch(rules, catalog_, format, batch, sink);
    observer.write_means(result_.means, result_.ok, first);
  }

  // The chunks one after the other, each over every thread and rank; a chunk under way at the
  // checkpoint continues from its batch state.
  void run_in_sequence() {
    constexpr std::uint64_t kSkip = std::numeric_limits<std::uint64_t>::max();
    for (Eigen::Index c = 0; c < chunks_; ++c) {
      std::uint64_t from = 0;
      if (root_)
        from = resumed_.done[static_cast<size_t>(c)] ? kSkip
               : c == resumed_.current               ? resumed_.current_runs
                                                     : 0;
      if (ranks_ > 1) from = mpi::broadcast(from);
      if (from == kSkip) continue;
      const std::uint64_t before = static_cast<std::uint64_t>(c * kSweepChunk) * runs_;
      const auto per_run = static_cast<std::uint64_t>(chunk_size(c));
      ChunkSink sink(&spec_.progress, before, per_run, total_);
      ChunkCheckpointer forward(state_, c, runs_, [&] { save_locked(false); });
      run_chunk(c, threads_, sink, from,
                root_ && c == resumed_.current ? resumed_.current_state : kNoState,
                spec_.checkpointer != nullptr ? &forward : nullptr);
      if (root_) {
        state_.done[static_cast<size_t>(c)] = true;
        state_.current = -1;
        state_.current_state.clear();
        save_locked(false);
      }
    }
  }

  // One worker thread of run_in_parallel: takes chunks until none is left or one failed.
  void work() {
    try {
      ChunkSink quiet(nullptr, 0, 0, 0);
      for (Eigen::Index c = next_.fetch_add(1); c < chunks_; c = next_.fetch_add(1)) {
        if (!resumed_.done[static_cast<size_t>(c)]) {
          const bool part = c == resumed_.current;
          run_chunk(c, 1, quiet, part ? resumed_.current_runs : 0,
                    part ? resumed_.current_state : kNoState, nullptr);
          const std::lock_guard lock(state_mutex_);
          state_.done[static_cast<size_t>(c)] = true;
          if (part) {
            state_.current = -1;
            state_.current_state.clear();
          }
          save_locked(false);
        }
        done_ += static_cast<std::uint64_t>(chunk_size(c)) * runs_;
      }
    } catch (...) {
      fail(std::current_exception());
    }
    const std::lock_guard lock(mutex_);
    --running_;
    finished_.notify_all();
  }

  // Keeps the first exception of any thread: the others stop taking chunks (those under way
  // run to their end), and run_in_parallel rethrows it once all have joined. An exception
  // leaving a std::thread would end the process through std::terminate.
  void fail(std::exception_ptr e) {
    next_.store(chunks_);
    const std::lock_guard lock(mutex_);
    if (failure_ == nullptr) failure_ = std::move(e);
  }

  // One chunk per thread, single-threaded each, while this thread reports the progress.
  void run_in_parallel() {
    std::vector<std::thread> pool;
    try {
      for (int t = 0; t < threads_; ++t) {
        {
          const std::lock_guard lock(mutex_);
          ++running_;
        }
        try {
          pool.emplace_back([this] { work(); });
        } catch (...) {
          const std::lock_guard lock(mutex_);
          --running_;
          throw;
        }
      }
      // Progress is reported from this thread only, a few times a second.
      std::unique_lock lock(mutex_);
      while (
          !finished_.wait_for(lock, std::chrono::milliseconds(200), [&] { return running_ == 0; }))
        if (spec_.progress && failure_ == nullptr) {
          lock.unlock();
          spec_.progress(done_.load(), total_);
          lock.lock();
        }
    } catch (...) {
      fail(std::current_exception());
    }
    for (std::thread& t : pool) t.join();
    if (failure_ != nullptr) std::rethrow_exception(failure_);
    if (spec_.progress) spec_.progress(total_, total_);
  }

  // A big design's checkpoint holds every finished sample's means (hundreds of MB for 10^5
  // samples), and writing it can take seconds: the gap between saves grows with the cost of
  // the last one so that saving takes at most about 1/kSaveShare of the time.
  static constexpr double kSaveShare = 20.0;
  inline static const std::string kNoState;

  const Scenario& scenario_;
  const MetricCatalog& catalog_;
  const SweepPlan& plan_;
  const SweepSpec& spec_;
  const Eigen::Index samples_;
  const int threads_;
  const std::uint64_t runs_;
  const bool root_;
  const int ranks_;
  const Eigen::Index chunks_;
  const std::uint64_t total_;
  SweepResult result_;
  SweepState state_;    // what the checkpoints record; guarded by state_mutex_ in parallel
  SweepState resumed_;  // what the resumed checkpoint held
  std::mutex state_mutex_;
  std::chrono::steady_clock::time_point last_save_ = std::chrono::steady_clock::now();
  double save_cost_ = 0.0;
  // run_in_parallel's shared counters.
  std::atomic<Eigen::Index> next_{0};
  std::atomic<std::uint64_t> done_{0};
  std::mutex mutex_;
  std::condition_variable finished_;
  int running_ = 0;
  std::exception_ptr failure_;
};

}  // namespace

SweepResult run_sweep(const Scenario& scenario, const MetricCatalog& catalog, const SweepPlan& plan,
                      const SweepSpec& spec) {
  return SweepRun(scenario, catalog, plan, spec).run();
}

std::vector<std::vector<SobolIndex>> sweep_sensitivity(const SweepPlan& plan,
                                                       const Eigen::MatrixXd& outputs,
                                                       int bootstrap, std::uint64_t seed) {
  if (plan.design != Design::sobol) return {};
  return sobol_indices(outputs, plan.base_rows, static_cast<int>(plan.vary.size()), bootstrap,
                       seed);
}

bool negligible_spread(const OutputSpread& spread, double min_effect) noexcept {
  return std::isfinite(spread.p05) && std::isfinite(spread.p95) &&
         spread.p95 - spread.p05 < min_effect;
}

std::string sweep_csv(const SweepPlan& plan, const MetricCatalog& catalog,
                      const SweepResult& result, const std::vector<std::size_t>& metrics) {
  const bool blocks = plan.design == Design::sobol;
  std::string text = blocks ? "sample,block" : "sample";
  for (const VaryRange& v : plan.vary) {
    text += ',';
    append_csv_cell(text, v.path);
  }
  for (const size_t k : metrics) {
    text += ',';
    append_csv_cell(text, catalog.final[k].name);
  }
  text += '\n';
  for (Eigen::Index s = 0; s < plan.samples(); ++s) {
    text += std::to_string(s);
    if (blocks) text += ',' + saltelli_block(s, plan.base_rows);
    for (Eigen::Index j = 0; j < plan.values.cols(); ++j)
      text += ',' + format_double(plan.values(s, j));
    for (const size_t k : metrics) {
      text += ',';
      const double v = result.means(s, static_cast<Eigen::Index>(k));
      if (std::isfinite(v)) append_number(text, v);
    }
    text += '\n';
  }
  return text;
}

std::string sensitivity_csv(const SweepPlan& plan, const MetricCatalog& catalog,
                            const std::vector<std::size_t>& metrics,
                            const std::vector<std::vector<SobolIndex>>& indices,
                            const std::vector<OutputSpread>& spread) {
  std::string text = "metric,path,S1,S1_ci,ST,ST_ci,sd,p05,p95\n";
  for (size_t m = 0; m < metrics.size() && m < indices.size(); ++m) {
    for (size_t j = 0; j < plan.vary.size() && j < indices[m].size(); ++j) {
      append_csv_cell(text, catalog.final[metrics[m]].name);
      text += ',';
      append_csv_cell(text, plan.vary[j].path);
      const SobolIndex& x = indices[m][j];
      for (const double v : {x.s1, x.s1_ci, x.st, x.st_ci}) {
        text += ',';
        if (std::isfinite(v)) append_number(text, v);
      }
      const OutputSpread sp = m < spread.size() ? spread[m] : OutputSpread{NAN, NAN, NAN};
      for (const double v : {sp.sd, sp.p05, sp.p95}) {
        text += ',';
        if (std::isfinite(v)) append_number(text, v);
      }
      text += '\n';
    }
  }
  return text;
}

}  // namespace parley

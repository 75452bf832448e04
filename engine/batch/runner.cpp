#include "engine/batch/runner.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/scenario/path.hpp"
#include "engine/sim/compile.hpp"

namespace parley {

void append_number(std::string& text, double v) {
  char buf[32];
  if (v == 0.0) v = 0.0;  // prints -0 as 0
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  text.append(buf, res.ptr);
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
    text += '\n';
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

OptionStats make_option_stats(const MetricCatalog& catalog, int turns) {
  OptionStats s;
  for (const MetricInfo& m : catalog.final) s.final.emplace_back(m.lo, m.hi, m.integer, 1000);
  s.per_turn.reserve(static_cast<size_t>(turns + 1) * catalog.per_turn.size());
  for (int t = 0; t <= turns; ++t)
    for (const MetricInfo& m : catalog.per_turn) s.per_turn.emplace_back(m.lo, m.hi, m.integer, 250);
  return s;
}

namespace {

constexpr std::uint64_t kBlock = 32;       // runs per unit of work
constexpr std::uint64_t kWindow = 64;      // blocks buffered ahead of the writer

struct RingSlot {
  std::uint64_t block = ~0ULL;  // which block the text belongs to
  bool ready = false;
  std::string runs, events, failures;
};

}  // namespace

BatchResult run_batch(const Rules& rules, const MetricCatalog& catalog, const RowFormat& format,
                      const BatchSpec& spec, BatchSink& sink) {
  std::vector<int> options = spec.options.empty() ? std::vector<int>{0} : spec.options;
  const int threads = std::max(1, spec.threads);
  const std::uint64_t blocks = (spec.runs + kBlock - 1) / kBlock;

  std::vector<RingSlot> ring(kWindow);
  std::mutex mutex;
  std::condition_variable slot_freed, slot_filled;
  std::uint64_t next_to_write = 0;  // block index the writer waits for
  std::atomic<std::uint64_t> next_block{0};

  std::vector<std::vector<OptionStats>> worker_stats(static_cast<size_t>(threads));
  if (spec.collect_stats)
    for (auto& ws : worker_stats)
      for (size_t o = 0; o < options.size(); ++o)
        ws.push_back(make_option_stats(catalog, rules.turns));
  std::vector<std::uint64_t> worker_failed(static_cast<size_t>(threads), 0);

  auto worker = [&](int w) {
    Params params;
    std::vector<RunOutput> outs(options.size());
    std::string runs, events, failures;
    auto& stats = worker_stats[static_cast<size_t>(w)];
    const size_t per_turn = catalog.per_turn.size();
    for (;;) {
      const std::uint64_t block = next_block.fetch_add(1);
      if (block >= blocks) return;
      runs.clear();
      events.clear();
      failures.clear();
      const std::uint64_t end = std::min(spec.runs, (block + 1) * kBlock);
      for (std::uint64_t run = block * kBlock; run < end; ++run) {
        const bool trace = run < spec.trace;
        for (size_t o = 0; o < options.size(); ++o) {
          RunOutput& out = outs[o];
          sample_params_into(rules, options[o], spec.seed, run, params);
          simulate(rules, catalog, params, spec.seed, run, trace, out);
          if (spec.write_rows) {
            format.run_row(run, params, out, runs);
            if (trace) format.event_rows(run, options[o], out, events);
            if (!out.ok) format.failure_row(run, options[o], out, failures);
          }
          if (!out.ok) {
            ++worker_failed[static_cast<size_t>(w)];
            continue;
          }
          if (!spec.collect_stats) continue;
          OptionStats& st = stats[o];
          for (size_t k = 0; k < out.final.size(); ++k) st.final[k].add(out.final[k]);
          for (Eigen::Index t = 0; t < out.trajectory.rows(); ++t)
            for (size_t k = 0; k < per_turn; ++k)
              st.per_turn[static_cast<size_t>(t) * per_turn + k].add(
                  out.trajectory(t, static_cast<Eigen::Index>(k)));
        }
        if (spec.observer != nullptr) spec.observer->observe(w, run, outs);
      }
      std::unique_lock lock(mutex);
      // Stay within the window so memory is bounded however many runs there are.
      slot_freed.wait(lock, [&] { return block < next_to_write + kWindow; });
      RingSlot& slot = ring[block % kWindow];
      slot.block = block;
      slot.ready = true;
      std::swap(slot.runs, runs);
      std::swap(slot.events, events);
      std::swap(slot.failures, failures);
      slot_filled.notify_all();
    }
  };

  std::vector<std::thread> pool;
  for (int w = 0; w < threads; ++w) pool.emplace_back(worker, w);

  std::string runs, events, failures;
  const auto start = std::chrono::steady_clock::now();
  auto last_progress = start;
  for (std::uint64_t b = 0; b < blocks; ++b) {
    {
      std::unique_lock lock(mutex);
      RingSlot& slot = ring[b % kWindow];
      slot_filled.wait(lock, [&] { return slot.ready && slot.block == b; });
      std::swap(slot.runs, runs);
      std::swap(slot.events, events);
      std::swap(slot.failures, failures);
      slot.ready = false;
      next_to_write = b + 1;
      slot_freed.notify_all();
    }
    if (!runs.empty()) sink.runs_rows(runs);
    if (!events.empty()) sink.events_rows(events);
    if (!failures.empty()) sink.failures_rows(failures);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress > std::chrono::milliseconds(200) || b + 1 == blocks) {
      last_progress = now;
      sink.progress(std::min(spec.runs, (b + 1) * kBlock), spec.runs);
    }
  }
  for (auto& t : pool) t.join();

  // Integer counts and fixed-point sums: merging in any order gives the same totals.
  BatchResult result;
  result.options = std::move(worker_stats[0]);
  for (size_t w = 1; w < worker_stats.size() && spec.collect_stats; ++w)
    for (size_t o = 0; o < options.size(); ++o) {
      for (size_t k = 0; k < result.options[o].final.size(); ++k)
        result.options[o].final[k].merge(worker_stats[w][o].final[k]);
      for (size_t k = 0; k < result.options[o].per_turn.size(); ++k)
        result.options[o].per_turn[k].merge(worker_stats[w][o].per_turn[k]);
    }
  for (const auto f : worker_failed) result.failed += f;
  return result;
}

}  // namespace parley

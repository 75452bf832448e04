#include "engine/batch/compare.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "engine/batch/bytes.hpp"
#include "engine/io/csv_write.hpp"

namespace parley {

namespace {

constexpr double kScale = 4294967296.0;  // 2^32 fixed-point units per metric range (or per 1)

// t(0.975, df) for df = 1..30.
constexpr std::array<double, 30> kT975{
    12.7062047, 4.3026527, 3.1824463, 2.7764451, 2.5705818, 2.4469119, 2.3646243, 2.3060041,
    2.2621572,  2.2281389, 2.2009852, 2.1788128, 2.1603687, 2.1447867, 2.1314495, 2.1199053,
    2.1098156,  2.1009220, 2.0930241, 2.0859634, 2.0796138, 2.0738731, 2.0686576, 2.0638986,
    2.0595386,  2.0555294, 2.0518305, 2.0484071, 2.0452296, 2.0422725};

constexpr std::uint64_t kPairedMagic = magic_word("PPAIRS2");
constexpr std::uint64_t kBothMagic = magic_word("PBOTH2");

// Forwards the batch's progress; a comparison keeps no rows.
class ProgressSink final : public BatchSink {
 public:
  explicit ProgressSink(const std::function<void(std::uint64_t, std::uint64_t)>& fn) : fn_(fn) {}
  void runs_rows(std::string_view) override {}
  void events_rows(std::string_view) override {}
  void failures_rows(std::string_view) override {}
  void progress(std::uint64_t done, std::uint64_t total) override {
    if (fn_) fn_(done, total);
  }

 private:
  const std::function<void(std::uint64_t, std::uint64_t)>& fn_;
};

// Two observers as one: each sees every run, and a saved state holds both states.
class BothObservers final : public RunObserver {
 public:
  BothObservers(RunObserver& first, RunObserver& second) : first_(first), second_(second) {}
  void observe(int worker, std::uint64_t run, const std::vector<RunOutput>& outputs) override {
    first_.observe(worker, run, outputs);
    second_.observe(worker, run, outputs);
  }
  [[nodiscard]] std::string save() const override {
    std::string out;
    ByteWriter w(out);
    w.u64(kBothMagic);
    w.bytes(first_.save());
    w.bytes(second_.save());
    return out;
  }
  // The envelope is checked whole before either observer merges. Should the second refuse its
  // part after the first took its own, run_batch stops the batch: neither is used again.
  [[nodiscard]] bool merge_saved(std::string_view state) override {
    ByteReader r(state);
    r.expect(kBothMagic);
    const std::string_view a = r.bytes();
    const std::string_view b = r.bytes();
    return r.done() && first_.merge_saved(a) && second_.merge_saved(b);
  }

 private:
  RunObserver& first_;
  RunObserver& second_;
};

}  // namespace

double fixed_step(const MetricInfo& m) noexcept {
  if (m.integer) return 1.0 / kScale;
  return (m.hi > m.lo ? m.hi - m.lo : 1.0) / kScale;
}

double student_t_975(std::uint64_t df) noexcept {
  if (df <= kT975.size()) return kT975[std::max<std::uint64_t>(df, 1) - 1];
  // Cornish-Fisher expansion of t in powers of 1/df around the normal quantile (Abramowitz and
  // Stegun 26.7.5); four terms are accurate to ~1e-6 at df = 31 and better beyond.
  const double z = 1.959963984540054;
  const double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
  const double g1 = (z3 + z) / 4.0;
  const double g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
  const double g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
  const double g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;
  const double v = 1.0 / static_cast<double>(df);
  return z + v * (g1 + v * (g2 + v * (g3 + v * g4)));
}

namespace {

// `v` as comparison.csv writes it: 6 significant digits.
double as_written(double v) noexcept {
  if (!std::isfinite(v)) return v;
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  double out = v;
  std::from_chars(buf, res.ptr, out);
  return out;
}

}  // namespace

Verdict verdict(const PairedSummary& s, double min_effect) noexcept {
  if (s.n < 2) return Verdict::unclear;
  const double m = std::max(0.0, min_effect);
  const double diff = as_written(s.diff_mean);
  const double low = as_written(s.ci_low);
  const double high = as_written(s.ci_high);
  // Statistically clear and practically large on average: a better or worse option.
  if (low > 0.0 && diff >= m) return Verdict::better;
  if (high < 0.0 && diff <= -m) return Verdict::worse;
  // Every difference the data allow is too small to matter, whatever its sign.
  if (low >= -m && high <= m) return Verdict::negligible;
  return Verdict::unclear;
}

std::string_view verdict_text(Verdict v, bool higher_is_better) noexcept {
  switch (v) {
    case Verdict::better:
      return higher_is_better ? "better" : "higher";
    case Verdict::worse:
      return higher_is_better ? "worse" : "lower";
    case Verdict::negligible:
      return "no practical difference";
    case Verdict::unclear:
      break;
  }
  return "no clear difference";
}

bool higher_is_better(MetricKind kind) noexcept {
  return kind == MetricKind::utility || kind == MetricKind::utility_mean;
}

double default_min_effect(const MetricInfo& m) noexcept {
  return default_min_effect(m.kind, m.b);
}

std::vector<double> min_effects(const MetricCatalog& catalog, const std::vector<std::string>& specs,
                                Diagnostics& diag) {
  std::vector<double> out;
  for (const MetricInfo& m : catalog.final) out.push_back(default_min_effect(m));
  for (const std::string& spec : specs) {
    const size_t eq = spec.rfind('=');
    std::string_view glob = std::string_view(spec).substr(0, eq == std::string::npos ? 0 : eq);
    while (!glob.empty() && glob.back() == ' ') glob.remove_suffix(1);
    while (!glob.empty() && glob.front() == ' ') glob.remove_prefix(1);
    std::string_view text =
        eq == std::string::npos ? std::string_view(spec) : std::string_view(spec).substr(eq + 1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool number = !text.empty() && ec == std::errc() && end == text.data() + text.size() &&
                        std::isfinite(value) && value >= 0.0;
    if (eq == std::string::npos || glob.empty() || !number) {
      diag.error("--min-effect '" + spec + "'", 0, 0,
                 "not GLOB=SIZE; expected a metric glob and a number >= 0 in the metrics' unit, "
                 "e.g. 'utility.*=0.02' or 'issue.aid=5'");
      continue;
    }
    bool hit = false;
    for (size_t k = 0; k < catalog.final.size(); ++k)
      if (glob_match(glob, catalog.final[k].name)) {
        out[k] = value;
        hit = true;
      }
    if (!hit)
      diag.error("--min-effect '" + spec + "'", 0, 0,
                 "'" + std::string(glob) +
                     "' matches no metric; expected a glob over the metric names of runs.csv, "
                     "e.g. 'utility.*' or 'issue.*.value'");
  }
  return out;
}

int difference_decimals(const PairedSummary& s, int at_least) noexcept {
  constexpr int kMost = 10;
  int d = std::clamp(at_least, 0, kMost);
  const double width = s.ci_high - s.ci_low;
  // One significant digit of the width, up to two decimals more than asked: beyond that the
  // difference is too small to read anyway, unless the interval excludes 0 (below).
  if (std::isfinite(width) && width > 0.0)
    d = std::max(d, std::min({kMost, d + 2, static_cast<int>(-std::floor(std::log10(width)))}));
  // An interval that excludes 0 must not print a bound (and so the mean) as 0.
  const double nearest = s.ci_low > 0.0 ? s.ci_low : s.ci_high < 0.0 ? -s.ci_high : 0.0;
  while (nearest > 0.0 && d < kMost && std::round(nearest * std::pow(10.0, d)) == 0.0) ++d;
  return d;
}

PairedAccumulator::PairedAccumulator(const MetricCatalog& catalog, std::size_t options)
    : options_(options) {
  for (const MetricInfo& m : catalog.final) {
    lo_.push_back(m.lo);
    hi_.push_back(m.hi > m.lo ? m.hi : m.lo + 1.0);
    step_.push_back(fixed_step(m));
  }
  sums_.assign(options_ * lo_.size(), PairedSums{});
}

void PairedAccumulator::add(std::size_t slot, const RunOutput& baseline,
                            const RunOutput& option) noexcept {
  if (!baseline.ok || !option.ok || slot >= options_) return;
  const size_t metrics = std::min({lo_.size(), baseline.final.size(), option.final.size()});
  PairedSums* row = &sums_[slot * lo_.size()];
  for (size_t k = 0; k < metrics; ++k) {
    // Fixed point over the metric's range, clamped as MetricStats does; the difference of two
    // fixed-point values is exact, so the sums do not depend on the order pairs arrive in.
    const auto fixed = [&](double v) {
      return static_cast<std::int64_t>(
          std::llround((std::clamp(v, lo_[k], hi_[k]) - lo_[k]) / step_[k]));
    };
    const std::int64_t b = fixed(baseline.final[k]);
    const std::int64_t o = fixed(option.final[k]);
    const Int128 d = static_cast<Int128>(o) - b;
    PairedSums& s = row[k];
    ++s.n;
    // Differences below the fixed-point resolution count as ties, so floating-point noise in a
    // metric an option does not touch cannot tip the probability.
    s.greater += d > 0 ? 1 : 0;
    s.ties += d == 0 ? 1 : 0;
    s.base += b;
    s.option += o;
    s.diff_sq += d * d;
  }
}

void PairedAccumulator::merge(const PairedAccumulator& other) noexcept {
  if (other.sums_.size() != sums_.size()) return;
  for (size_t k = 0; k < sums_.size(); ++k) {
    PairedSums& s = sums_[k];
    const PairedSums& o = other.sums_[k];
    s.n += o.n;
    s.greater += o.greater;
    s.ties += o.ties;
    s.base += o.base;
    s.option += o.option;
    s.diff_sq += o.diff_sq;
  }
}

PairedSummary PairedAccumulator::summary(std::size_t slot, std::size_t metric) const noexcept {
  PairedSummary out;
  const PairedSums& s = sums(slot, metric);
  out.n = s.n;
  const double lo = lo_[metric];
  const long double step = step_[metric];
  if (s.n == 0) {
    out.baseline_mean = out.option_mean = lo;
    return out;
  }
  const long double n = static_cast<long double>(s.n);
  out.baseline_mean = static_cast<double>(lo + step * (static_cast<long double>(s.base) / n));
  out.option_mean = static_cast<double>(lo + step * (static_cast<long double>(s.option) / n));
  // The mean difference from the exact integer difference of the sums, not from two rounded
  // means, so a metric the option never changes reports exactly 0.
  const Int128 dsum = s.option - s.base;
  out.diff_mean = static_cast<double>(step * (static_cast<long double>(dsum) / n));
  if (s.n >= 2) {
    const long double ds = static_cast<long double>(dsum);
    const long double var = (static_cast<long double>(s.diff_sq) - ds * ds / n) / (n - 1.0L);
    out.diff_sd = static_cast<double>(step * std::sqrt(std::max(0.0L, var)));
  }
  const double half = student_t_975(s.n - 1) * out.diff_sd / std::sqrt(static_cast<double>(s.n));
  out.ci_low = out.diff_mean - half;
  out.ci_high = out.diff_mean + half;
  out.p_greater = (static_cast<double>(s.greater) + 0.5 * static_cast<double>(s.ties)) /
                  static_cast<double>(s.n);
  return out;
}

std::string PairedAccumulator::save() const {
  std::string out;
  ByteWriter w(out);
  w.u64(kPairedMagic);
  w.u64(options_);
  w.u64(lo_.size());
  for (const PairedSums& s : sums_) {
    w.u64(s.n);
    w.u64(s.greater);
    w.u64(s.ties);
    w.i128(s.base);
    w.i128(s.option);
    w.i128(s.diff_sq);
  }
  return out;
}

bool PairedAccumulator::merge_saved(std::string_view state) {
  ByteReader r(state);
  r.expect(kPairedMagic);
  r.expect(options_);
  r.expect(lo_.size());
  // Read everything first so a malformed state adds nothing.
  std::vector<PairedSums> parsed(r.ok() ? sums_.size() : 0);
  for (PairedSums& s : parsed) {
    s.n = r.u64();
    s.greater = r.u64();
    s.ties = r.u64();
    s.base = r.i128();
    s.option = r.i128();
    s.diff_sq = r.i128();
  }
  if (!r.done()) return false;
  for (size_t k = 0; k < sums_.size(); ++k) {
    PairedSums& s = sums_[k];
    s.n += parsed[k].n;
    s.greater += parsed[k].greater;
    s.ties += parsed[k].ties;
    s.base += parsed[k].base;
    s.option += parsed[k].option;
    s.diff_sq += parsed[k].diff_sq;
  }
  return true;
}

CompareObserver::CompareObserver(const MetricCatalog& catalog, std::size_t options, int threads)
    : workers_(static_cast<size_t>(std::max(threads, 1)), PairedAccumulator(catalog, options)),
      saved_(catalog, options) {}

void CompareObserver::observe(int worker, std::uint64_t /*run*/,
                              const std::vector<RunOutput>& outputs) {
  PairedAccumulator& acc = workers_[static_cast<size_t>(worker)];
  for (size_t k = 1; k < outputs.size(); ++k) acc.add(k - 1, outputs[0], outputs[k]);
}

std::string CompareObserver::save() const {
  return total().save();
}

bool CompareObserver::merge_saved(std::string_view state) {
  const bool merged = saved_.merge_saved(state);
  if (!merged) ok_ = false;
  return merged;
}

PairedAccumulator CompareObserver::total() const {
  PairedAccumulator sum = saved_;
  for (const PairedAccumulator& w : workers_) sum.merge(w);
  return sum;
}

CompareResult run_compare(const Scenario& scenario, const Rules& rules,
                          const MetricCatalog& catalog, const CompareSpec& spec) {
  CompareResult result{{}, PairedAccumulator(catalog, 0), spec.runs, 0};
  for (const int o : spec.options)
    if (o > 0 && std::find(result.options.begin(), result.options.end(), o) == result.options.end())
      result.options.push_back(o);

  CompareObserver observer(catalog, result.options.size(), spec.threads);
  BatchSpec batch;
  batch.runs = spec.runs;
  batch.seed = spec.seed;
  batch.threads = std::max(1, spec.threads);
  batch.options = {0};
  batch.options.insert(batch.options.end(), result.options.begin(), result.options.end());
  BothObservers both(observer, spec.also != nullptr ? *spec.also : observer);
  batch.observer = spec.also != nullptr ? static_cast<RunObserver*>(&both) : &observer;
  batch.checkpointer = spec.checkpointer;
  batch.checkpoint_seconds = spec.checkpoint_seconds;
  batch.resume_runs = spec.resume_runs;
  batch.resume_state = spec.resume_state;
  batch.rank = spec.rank;
  batch.ranks = spec.ranks;
  // Only the paired sums are needed: no rows to format and no histograms to fill.
  batch.write_rows = false;
  batch.collect_stats = false;
  const RowFormat format(scenario, rules, catalog);
  ProgressSink sink(spec.progress);
  const BatchResult batch_result = run_batch(rules, catalog, format, batch, sink);
  result.failed = batch_result.failed;
  result.sums = observer.total();
  return result;
}

std::string comparison_csv(const Scenario& scenario, const MetricCatalog& catalog,
                           const CompareResult& result, const std::vector<std::size_t>& metrics) {
  std::string text =
      "option,metric,baseline_mean,option_mean,diff_mean,diff_ci_low,diff_ci_high,p_greater\n";
  for (size_t slot = 0; slot < result.options.size(); ++slot) {
    const std::string& name = scenario.options[static_cast<size_t>(result.options[slot])].name;
    for (const size_t k : metrics) {
      const PairedSummary s = result.sums.summary(slot, k);
      append_csv_cell(text, name);
      text += ',';
      append_csv_cell(text, catalog.final[k].name);
      for (const double v :
           {s.baseline_mean, s.option_mean, s.diff_mean, s.ci_low, s.ci_high, s.p_greater}) {
        text += ',';
        if (s.n > 0) append_number(text, v);  // no pairs: empty cells, not made-up numbers
      }
      text += '\n';
    }
  }
  return text;
}

std::vector<RankedOption> rank_by_mean(double baseline_mean,
                                       const std::vector<double>& option_means) {
  std::vector<RankedOption> rows;
  rows.push_back({-1, baseline_mean});
  for (size_t k = 0; k < option_means.size(); ++k)
    rows.push_back({static_cast<int>(k), option_means[k]});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const RankedOption& a, const RankedOption& b) { return a.mean > b.mean; });
  return rows;
}

bool glob_match(std::string_view pattern, std::string_view name) noexcept {
  // Iterative matcher with one backtrack point for the last '*': linear in practice.
  size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::size_t> select_metrics(const MetricCatalog& catalog, std::string_view patterns,
                                        std::vector<std::string>& unmatched) {
  std::vector<bool> chosen(catalog.final.size(), false);
  bool any_pattern = false;
  size_t start = 0;
  while (start <= patterns.size()) {
    const size_t comma = patterns.find(',', start);
    std::string_view p = patterns.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
    while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
    if (!p.empty()) {
      any_pattern = true;
      bool hit = false;
      for (size_t k = 0; k < catalog.final.size(); ++k)
        if (glob_match(p, catalog.final[k].name)) chosen[k] = hit = true;
      if (!hit) unmatched.emplace_back(p);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::vector<std::size_t> out;
  for (size_t k = 0; k < chosen.size(); ++k)
    if (chosen[k] || !any_pattern) out.push_back(k);
  return out;
}

}  // namespace parley

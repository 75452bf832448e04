#include "engine/batch/given.hpp"

#include <algorithm>
#include <cmath>

#include "engine/batch/bytes.hpp"
#include "engine/io/csv_write.hpp"
#include "engine/model/view.hpp"

namespace parley {

namespace {

// Version 2: the paired sums nested in it are binary (PairedAccumulator::save).
constexpr std::uint64_t kGivenMagic = magic_word("PGIVEN2");

void add_outcomes(OptionStats& st, const RunOutput& out) {
  for (size_t k = 0; k < out.final.size() && k < st.final.size(); ++k)
    st.final[k].add(out.final[k]);
}

}  // namespace

Share wilson_share(std::uint64_t held, std::uint64_t runs) noexcept {
  Share s;
  s.runs = runs;
  s.held = std::min(held, runs);
  if (runs == 0) return s;
  const double z = 1.959963984540054;
  const double n = static_cast<double>(runs);
  const double p = static_cast<double>(s.held) / n;
  const double z2n = z * z / n;
  const double centre = (p + z2n / 2.0) / (1.0 + z2n);
  const double half = z / (1.0 + z2n) * std::sqrt(p * (1.0 - p) / n + z2n / (4.0 * n));
  s.share = p;
  // The interval holds p exactly at 0 and 1; rounding must not push an end past it.
  s.low = s.held == 0 ? 0.0 : std::clamp(centre - half, 0.0, p);
  s.high = s.held == runs ? 1.0 : std::clamp(centre + half, p, 1.0);
  return s;
}

GivenObserver::GivenObserver(Condition condition, const MetricCatalog& catalog, int turns,
                             std::size_t arms, int threads, bool paired)
    : condition_(std::move(condition)),
      catalog_(catalog),
      turns_(turns),
      arms_(arms),
      paired_(paired),
      saved_(empty_part()) {
  workers_.assign(static_cast<size_t>(std::max(threads, 1)), saved_);
}

GivenObserver::Part GivenObserver::empty_part() const {
  const size_t compared = paired_ && arms_ > 0 ? arms_ - 1 : 0;
  Part p{std::vector<std::uint64_t>(arms_, 0),
         std::vector<std::uint64_t>(arms_, 0),
         std::vector<std::uint64_t>(compared, 0),
         {},
         PairedAccumulator(catalog_, compared)};
  if (!paired_) {
    // Only the final metrics are summarised; per-turn statistics are left empty.
    OptionStats shape;
    for (const MetricInfo& m : catalog_.final)
      shape.final.emplace_back(m.lo, m.hi, m.integer, 1000);
    p.outcomes.assign(arms_, shape);
  }
  return p;
}

void GivenObserver::merge(Part& into, const Part& from) {
  for (size_t a = 0; a < into.runs.size() && a < from.runs.size(); ++a) {
    into.runs[a] += from.runs[a];
    into.held[a] += from.held[a];
  }
  for (size_t k = 0; k < into.both.size() && k < from.both.size(); ++k)
    into.both[k] += from.both[k];
  for (size_t a = 0; a < into.outcomes.size() && a < from.outcomes.size(); ++a)
    for (size_t k = 0; k < into.outcomes[a].final.size(); ++k)
      into.outcomes[a].final[k].merge(from.outcomes[a].final[k]);
  into.paired.merge(from.paired);
}

void GivenObserver::observe(int worker, std::uint64_t /*run*/,
                            const std::vector<RunOutput>& outputs) {
  Part& part = workers_[static_cast<size_t>(worker)];
  const size_t arms = std::min(arms_, outputs.size());
  // Whether the condition held in each arm; failed runs count nowhere.
  thread_local std::vector<std::uint8_t> held;
  held.assign(arms, 0);
  for (size_t a = 0; a < arms; ++a) {
    const RunOutput& out = outputs[a];
    if (!out.ok) continue;
    ++part.runs[a];
    if (!holds(condition_, out.state)) continue;
    held[a] = 1;
    ++part.held[a];
    if (!paired_) add_outcomes(part.outcomes[a], out);
  }
  if (!paired_) return;
  for (size_t a = 1; a < arms; ++a)
    if (held[0] && held[a]) {
      ++part.both[a - 1];
      part.paired.add(a - 1, outputs[0], outputs[a]);
    }
}

GivenObserver::Part GivenObserver::total() const {
  Part sum = saved_;
  for (const Part& w : workers_) merge(sum, w);
  return sum;
}

std::string GivenObserver::save() const {
  const Part t = total();
  std::string out;
  ByteWriter w(out);
  w.u64(kGivenMagic);
  w.u64(arms_);
  for (size_t a = 0; a < arms_; ++a) {
    w.u64(t.runs[a]);
    w.u64(t.held[a]);
  }
  w.u64(t.both.size());
  w.u64s(t.both);
  w.u64(t.outcomes.size());
  for (const OptionStats& o : t.outcomes) {
    w.u64(o.final.size());
    for (const MetricStats& m : o.final) m.save(w);
  }
  w.bytes(paired_ ? t.paired.save() : std::string());
  return out;
}

bool GivenObserver::merge_saved(std::string_view state) {
  // Read everything into a fresh part first, so a malformed state adds nothing.
  Part p = empty_part();
  ByteReader r(state);
  r.expect(kGivenMagic);
  r.expect(arms_);
  for (size_t a = 0; a < arms_ && r.ok(); ++a) {
    p.runs[a] = r.u64();
    p.held[a] = r.u64();
  }
  if (r.expect(p.both.size())) r.u64s(p.both);
  r.expect(p.outcomes.size());
  for (size_t o = 0; o < p.outcomes.size() && r.ok(); ++o) {
    std::vector<MetricStats>& stats = p.outcomes[o].final;
    r.expect(stats.size());
    for (size_t k = 0; k < stats.size() && r.ok(); ++k) {
      MetricStats m;
      if (!m.load(r) || !m.same_shape(stats[k]))
        r.reject();
      else
        stats[k] = std::move(m);
    }
  }
  // The paired sums are a state of their own, nested; without pairs it is empty.
  const std::string_view paired = r.bytes();
  const bool good = r.done() && (paired_ ? p.paired.merge_saved(paired) : paired.empty());
  if (!good) {
    ok_ = false;
    return false;
  }
  merge(saved_, p);
  return true;
}

GivenRunTotals GivenObserver::run_totals() const {
  Part t = total();
  GivenRunTotals out;
  for (size_t a = 0; a < arms_; ++a) out.shares.push_back(wilson_share(t.held[a], t.runs[a]));
  out.outcomes = std::move(t.outcomes);
  return out;
}

GivenCompareTotals GivenObserver::compare_totals() const {
  Part t = total();
  GivenCompareTotals out{{}, std::move(t.both), std::move(t.paired)};
  for (size_t a = 0; a < arms_; ++a) out.shares.push_back(wilson_share(t.held[a], t.runs[a]));
  return out;
}

namespace {

void share_cells(std::string& text, const Share& s) {
  text += ',' + std::to_string(s.runs) + ',' + std::to_string(s.held);
  for (const double v : {s.share, s.low, s.high}) {
    text += ',';
    if (s.runs > 0) append_number(text, v);  // no runs: no share to report
  }
}

}  // namespace

std::string given_run_csv(const std::vector<std::string>& option_names,
                          const GivenRunTotals& totals) {
  std::string text = "option,runs,held,share,share_low,share_high\n";
  for (size_t o = 0; o < totals.shares.size() && o < option_names.size(); ++o) {
    append_csv_cell(text, option_names[o]);
    share_cells(text, totals.shares[o]);
    text += '\n';
  }
  return text;
}

std::string summary_given_csv(const MetricCatalog& catalog,
                              const std::vector<std::string>& option_names,
                              const GivenRunTotals& totals) {
  std::string out = "option,metric,mean,sd,p05,p50,p95\n";
  for (size_t o = 0; o < totals.outcomes.size() && o < option_names.size(); ++o)
    for (size_t k = 0; k < catalog.final.size(); ++k) {
      const MetricStats& s = totals.outcomes[o].final[k];
      append_csv_cell(out, option_names[o]);
      out += ',';
      append_csv_cell(out, catalog.final[k].name);
      for (const double v :
           {s.mean(), s.sd(), s.quantile(0.05), s.quantile(0.5), s.quantile(0.95)}) {
        out += ',';
        if (s.count() > 0) append_number(out, v);  // never held: empty, not made-up numbers
      }
      out += '\n';
    }
  return out;
}

std::string given_compare_csv(const std::vector<std::string>& arm_names,
                              const GivenCompareTotals& totals) {
  std::string text = "option,runs,held,share,share_low,share_high,both\n";
  for (size_t a = 0; a < totals.shares.size() && a < arm_names.size(); ++a) {
    append_csv_cell(text, arm_names[a]);
    share_cells(text, totals.shares[a]);
    const std::uint64_t both =
        a == 0 ? totals.shares[0].held
               : (a - 1 < totals.both.size() ? totals.both[a - 1] : std::uint64_t{0});
    text += ',' + std::to_string(both) + '\n';
  }
  return text;
}

}  // namespace parley

#include "engine/batch/sweep_state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/batch/compare.hpp"

namespace parley {

namespace {

// Version 2 of both: the text records of version 1 became the encoding of bytes.hpp.
constexpr std::uint64_t kSumsMagic = magic_word("PSWSUM2");
constexpr std::uint64_t kSweepMagic = magic_word("PSWEEP2");

// The samples of chunk `c` of a sweep of `samples`: [first, end).
Eigen::Index chunk_end(Eigen::Index c, Eigen::Index samples) {
  return std::min((c + 1) * kSweepChunk, samples);
}

}  // namespace

void SweepSums::Sums::reset(std::size_t samples, std::size_t metrics) {
  ok.assign(samples, 0);
  sum.assign(samples * metrics, 0);
}

void SweepSums::Sums::add(const Sums& o) {
  for (size_t k = 0; k < ok.size(); ++k) ok[k] += o.ok[k];
  for (size_t k = 0; k < sum.size(); ++k) sum[k] += o.sum[k];
}

SweepSums::SweepSums(const MetricCatalog& catalog, Eigen::Index samples, int threads)
    : samples_(static_cast<size_t>(std::max<Eigen::Index>(samples, 0))),
      metrics_(catalog.final.size()) {
  for (const MetricInfo& m : catalog.final) {
    lo_.push_back(m.lo);
    hi_.push_back(m.hi > m.lo ? m.hi : m.lo + 1.0);
    step_.push_back(fixed_step(m));
  }
  workers_.resize(static_cast<size_t>(std::max(threads, 1)));
  for (Sums& w : workers_) w.reset(samples_, metrics_);
  saved_.reset(samples_, metrics_);
}

void SweepSums::observe(int worker, std::uint64_t /*run*/, const std::vector<RunOutput>& outputs) {
  Sums& w = workers_[static_cast<size_t>(worker)];
  for (size_t s = 0; s < outputs.size() && s < samples_; ++s) {
    const RunOutput& out = outputs[s];
    if (!out.ok) continue;
    ++w.ok[s];
    Int128* row = &w.sum[s * metrics_];
    for (size_t k = 0; k < metrics_ && k < out.final.size(); ++k) {
      const double x = (std::clamp(out.final[k], lo_[k], hi_[k]) - lo_[k]) / step_[k];
      row[k] += static_cast<std::int64_t>(std::llround(x));
    }
  }
}

std::string SweepSums::save() const {
  const Sums t = total();
  std::string out;
  ByteWriter w(out);
  w.u64(kSumsMagic);
  w.u64(samples_);
  w.u64(metrics_);
  for (size_t s = 0; s < samples_; ++s) {
    w.u64(t.ok[s]);
    for (size_t k = 0; k < metrics_; ++k) w.i128(t.sum[s * metrics_ + k]);
  }
  return out;
}

bool SweepSums::merge_saved(std::string_view state) {
  ByteReader r(state);
  r.expect(kSumsMagic);
  r.expect(samples_);
  r.expect(metrics_);
  // Read everything first so a malformed state adds nothing.
  Sums parsed;
  parsed.reset(r.ok() ? samples_ : 0, metrics_);
  for (size_t s = 0; s < parsed.ok.size(); ++s) {
    parsed.ok[s] = r.u64();
    for (size_t k = 0; k < metrics_; ++k) parsed.sum[s * metrics_ + k] = r.i128();
  }
  if (!r.done()) {
    ok_ = false;
    return false;
  }
  saved_.add(parsed);
  return true;
}

void SweepSums::write_means(Eigen::MatrixXd& means, std::vector<std::uint64_t>& ok,
                            Eigen::Index first) const {
  const Sums t = total();
  for (size_t s = 0; s < samples_; ++s) {
    const auto row = first + static_cast<Eigen::Index>(s);
    ok[static_cast<size_t>(row)] = t.ok[s];
    for (size_t k = 0; k < metrics_; ++k) {
      double v = std::numeric_limits<double>::quiet_NaN();
      if (t.ok[s] > 0) {
        const long double m =
            static_cast<long double>(t.sum[s * metrics_ + k]) / static_cast<long double>(t.ok[s]);
        v = static_cast<double>(lo_[k] + static_cast<long double>(step_[k]) * m);
      }
      means(row, static_cast<Eigen::Index>(k)) = v;
    }
  }
}

SweepSums::Sums SweepSums::total() const {
  Sums t = saved_;
  for (const Sums& w : workers_) t.add(w);
  return t;
}

std::string encode_sweep_state(const SweepState& state, const SweepResult& result,
                               std::uint64_t runs) {
  const Eigen::Index samples = result.means.rows(), metrics = result.means.cols();
  std::string out;
  ByteWriter w(out);
  w.u64(kSweepMagic);
  w.u64(static_cast<std::uint64_t>(samples));
  w.u64(static_cast<std::uint64_t>(metrics));
  w.u64(runs);
  w.u64(static_cast<std::uint64_t>(std::count(state.done.begin(), state.done.end(), true)));
  for (size_t c = 0; c < state.done.size(); ++c) {
    if (!state.done[c]) continue;
    w.u64(c);
    const auto chunk = static_cast<Eigen::Index>(c);
    for (Eigen::Index s = chunk * kSweepChunk; s < chunk_end(chunk, samples); ++s) {
      w.u64(result.ok[static_cast<size_t>(s)]);
      for (Eigen::Index k = 0; k < metrics; ++k) w.f64(result.means(s, k));
    }
  }
  w.u64(state.current >= 0 ? 1 : 0);
  if (state.current >= 0) {
    w.u64(static_cast<std::uint64_t>(state.current));
    w.u64(state.current_runs);
    w.bytes(state.current_state);
  }
  return out;
}

void decode_sweep_state(std::string_view bytes, std::uint64_t runs, SweepState& state,
                        SweepResult& result) {
  const Eigen::Index samples = result.means.rows(), metrics = result.means.cols();
  const auto unfit = [] {
    return std::runtime_error("the sweep checkpoint does not fit this sweep");
  };
  const auto damaged = [] { return std::runtime_error("the sweep checkpoint is damaged"); };
  ByteReader r(bytes);
  if (!r.expect(kSweepMagic) || !r.expect(static_cast<std::uint64_t>(samples)) ||
      !r.expect(static_cast<std::uint64_t>(metrics)) || !r.expect(runs))
    throw unfit();
  const std::uint64_t finished = r.count(8);  // each finished chunk takes its index at least
  for (std::uint64_t n = 0; n < finished && r.ok(); ++n) {
    const std::uint64_t c = r.u64();
    if (r.ok() && c >= state.done.size()) throw unfit();
    if (!r.ok()) break;
    state.done[c] = true;
    const auto chunk = static_cast<Eigen::Index>(c);
    for (Eigen::Index s = chunk * kSweepChunk; s < chunk_end(chunk, samples); ++s) {
      result.ok[static_cast<size_t>(s)] = r.u64();
      for (Eigen::Index k = 0; k < metrics; ++k) result.means(s, k) = r.f64();
    }
  }
  const std::uint64_t unfinished = r.u64();  // 0 or 1
  if (unfinished > 1) r.reject();
  if (unfinished == 1 && r.ok()) {
    const std::uint64_t c = r.u64();
    if (r.ok() && c >= state.done.size()) throw unfit();
    state.current = static_cast<Eigen::Index>(c);
    state.current_runs = r.u64();
    state.current_state = std::string(r.bytes());
  }
  if (!r.done()) throw damaged();
}

}  // namespace parley

#include "engine/batch/stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace parley {

MetricStats::MetricStats(double lo, double hi, bool integer, int bins)
    : lo_(lo), hi_(hi > lo ? hi : lo + 1.0), span_(hi_ - lo_), integer_(integer) {
  const int count = integer ? static_cast<int>(std::llround(hi_ - lo_)) + 1 : std::max(1, bins);
  bins_.assign(static_cast<size_t>(count), 0);
}

void MetricStats::merge(const MetricStats& other) noexcept {
  if (other.n_ == 0) return;
  min_ = n_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = n_ == 0 ? other.max_ : std::max(max_, other.max_);
  n_ += other.n_;
  sum_ += other.sum_;
  sumsq_ += other.sumsq_;
  for (size_t b = 0; b < bins_.size() && b < other.bins_.size(); ++b) bins_[b] += other.bins_[b];
}

void MetricStats::add_values(const double* first, std::size_t count, std::size_t stride) noexcept {
  if (integer_) {
    add_burst<true>(first, count, stride);
  } else {
    add_burst<false>(first, count, stride);
  }
}

template <bool Integer>
void MetricStats::add_burst(const double* first, std::size_t count, std::size_t stride) noexcept {
  // What add() does value by value, with the members in registers and the sums added to the
  // 128-bit totals once. x is in [0, 1], so the fixed-point value fx is in [0, 2^32]: a burst
  // of fewer than 2^31 values sums to less than 2^63, and each square fits 128 bits.
  const double lo_bound = lo_, hi_bound = hi_, span = span_;
  const std::int64_t last = static_cast<std::int64_t>(bins_.size()) - 1;
  const double nb = static_cast<double>(last + 1);
  std::uint64_t* const bins = bins_.data();
  // Extremes start from the values already held, or from infinities that the first value
  // replaces: std::min and std::max then keep the first of equal values (the sign of a zero)
  // exactly as add() does.
  constexpr double inf = std::numeric_limits<double>::infinity();
  double lo = n_ == 0 ? inf : min_;
  double hi = n_ == 0 ? -inf : max_;
  while (count > 0) {
    const std::size_t chunk = std::min<std::size_t>(count, std::size_t{1} << 30);
    std::uint64_t n = 0, sum = 0;
    UInt128 sumsq = 0;
    for (std::size_t k = 0; k < chunk; ++k, first += stride) {
      const double v = *first;
      if (!std::isfinite(v)) continue;
      const double c = std::clamp(v, lo_bound, hi_bound);
      const double x = (c - lo_bound) / span;
      // round_half_away for 0 <= y < 2^52: always the case here.
      const double y = x * kScale;
      const auto t = static_cast<std::int64_t>(y);  // signed: one instruction each way
      const auto fx = static_cast<std::uint64_t>(t + (y - static_cast<double>(t) >= 0.5 ? 1 : 0));
      lo = std::min(lo, c);
      hi = std::max(hi, c);
      ++n;
      sum += fx;
      sumsq += static_cast<UInt128>(fx) * fx;
      // c >= lo_bound, so the bin is never negative; only the top needs the clamp.
      const std::int64_t b =
          Integer ? round_half_away(c - lo_bound) : static_cast<std::int64_t>(x * nb);
      bins[std::min(b, last)] += 1;
    }
    count -= chunk;
    n_ += n;
    sum_ += static_cast<Int128>(sum);
    sumsq_ += static_cast<Int128>(sumsq);
  }
  if (n_ > 0) {
    min_ = lo;
    max_ = hi;
  }
}

void MetricStats::save(ByteWriter& w) const {
  w.f64(lo_);
  w.f64(hi_);
  w.u64(integer_ ? 1 : 0);
  w.u64(n_);
  w.f64(min_);
  w.f64(max_);
  w.i128(sum_);
  w.i128(sumsq_);
  w.u64(bins_.size());
  w.u64s(bins_);
}

bool MetricStats::load(ByteReader& r) {
  MetricStats s;
  s.lo_ = r.f64();
  s.hi_ = r.f64();
  s.span_ = s.hi_ - s.lo_;
  s.integer_ = r.u64() != 0;
  s.n_ = r.u64();
  s.min_ = r.f64();
  s.max_ = r.f64();
  s.sum_ = r.i128();
  s.sumsq_ = r.i128();
  const std::uint64_t nb = r.count(8);
  if (nb == 0) r.reject();  // every accumulator has at least one bin
  if (!r.ok()) return false;
  s.bins_.assign(nb, 0);
  r.u64s(s.bins_);
  if (!r.ok()) return false;
  *this = std::move(s);
  return true;
}

bool MetricStats::same_shape(const MetricStats& other) const noexcept {
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  return bits(lo_) == bits(other.lo_) && bits(hi_) == bits(other.hi_) &&
         integer_ == other.integer_ && bins_.size() == other.bins_.size();
}

double MetricStats::mean() const noexcept {
  if (n_ == 0) return 0.0;
  const long double m = static_cast<long double>(sum_) / static_cast<long double>(n_) / kScale;
  return static_cast<double>(lo_ + (hi_ - lo_) * m);
}

double MetricStats::sd() const noexcept {
  if (n_ < 2) return 0.0;
  const long double n = static_cast<long double>(n_);
  const long double s = static_cast<long double>(sum_);
  const long double var = (static_cast<long double>(sumsq_) - s * s / n) / (n - 1.0L);
  return static_cast<double>((hi_ - lo_) * std::sqrt(std::max(0.0L, var)) / kScale);
}

double MetricStats::quantile(double p) const noexcept {
  if (n_ == 0) return 0.0;
  const double target = std::clamp(p, 0.0, 1.0) * static_cast<double>(n_);
  double before = 0.0;
  const size_t nb = bins_.size();
  for (size_t b = 0; b < nb; ++b) {
    const double c = static_cast<double>(bins_[b]);
    if (c > 0.0 && before + c >= target) {
      if (integer_) return lo_ + static_cast<double>(b);
      const double width = (hi_ - lo_) / static_cast<double>(nb);
      return std::clamp(lo_ + width * (static_cast<double>(b) + (target - before) / c), min_, max_);
    }
    before += c;
  }
  return max_;
}

double MetricStats::fraction_below(double v) const noexcept {
  if (n_ == 0) return 0.0;
  const double c = std::clamp(v, lo_, hi_);
  const double nb = static_cast<double>(bins_.size());
  const double pos = integer_ ? c - lo_ : (c - lo_) / span_ * nb;  // in bins
  const auto whole = static_cast<size_t>(std::clamp(std::floor(pos), 0.0, nb - 1.0));
  double below = 0.0;
  for (size_t b = 0; b < whole; ++b) below += static_cast<double>(bins_[b]);
  // Within its bin: half of an integer's equal values, a linear share of a continuous bin.
  const double inside = integer_ ? 0.5 : std::clamp(pos - static_cast<double>(whole), 0.0, 1.0);
  below += inside * static_cast<double>(bins_[whole]);
  if (v < min_) return 0.0;
  if (v > max_) return 1.0;
  return below / static_cast<double>(n_);
}

}  // namespace parley

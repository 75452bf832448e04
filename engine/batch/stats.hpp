#pragma once
/// \file
/// Batch statistics that do not depend on the order runs are added in, so a batch gives
/// byte-identical summaries for any thread count: sums are kept in exact fixed point and
/// quantiles come from fixed-bin histograms over each metric's known range.
/// Resolution: a continuous metric's quantiles are exact to (hi - lo) / bins, and never leave
/// the observed [min, max] (so a metric that never varies gets its exact value); integer metrics
/// (counts, turns) get one bin per value and exact quantiles.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch/bytes.hpp"

namespace parley {

/// Exactly std::llround(y) (round half away from zero), without the library call for
/// 0 <= y < 2^52, the values MetricStats::add rounds; other values go to std::llround.
[[nodiscard]] inline std::int64_t round_half_away(double y) noexcept {
  // In that range the fraction y - trunc(y) is exact, so comparing it with 0.5 decides the
  // rounding exactly as llround does.
  if (y >= 0.0 && y < 0x1p52) {
    const auto t = static_cast<std::int64_t>(y);
    return t + (y - static_cast<double>(t) >= 0.5 ? 1 : 0);
  }
  return std::llround(y);
}

/// Mergeable statistics of one metric over runs.
class MetricStats {
 public:
  /// Default: an empty accumulator over [0, 1] with one bin.
  MetricStats() = default;
  /// Values are expected in [lo, hi]; values outside are clamped. `bins` >= 1 applies to
  /// continuous metrics; integer metrics get hi - lo + 1 bins.
  MetricStats(double lo, double hi, bool integer, int bins);

  /// Adds one value (non-finite values are ignored). Inline: a batch adds every metric of every
  /// run and turn, several hundred values per run.
  void add(double v) noexcept;
  /// Adds `count` values read `stride` doubles apart from `first` (stride >= 1), in that order:
  /// the same state as `count` calls of add(), in fewer instructions. Batches add a block of
  /// runs metric by metric, so one metric's histogram is touched by a burst of values instead
  /// of once per run among several hundred other histograms.
  void add_values(const double* first, std::size_t count, std::size_t stride) noexcept;
  /// Adds every value of `other` (same range and bins).
  void merge(const MetricStats& other) noexcept;

  /// Writes the exact state (range, counts, sums, bins) to `out`, for checkpoints and for
  /// gathering MPI ranks' results; load() restores it bit for bit. A part of a saved state
  /// (which carries the magic word), not a state of its own.
  void save(ByteWriter& out) const;
  /// Replaces this accumulator by one written by save(), read next from `in`. Returns false,
  /// leaving this unchanged and `in` failed, if `in` does not hold one.
  [[nodiscard]] bool load(ByteReader& in);
  /// True when `other` has this accumulator's range, kind and number of bins (bit for bit), so
  /// that merging it adds like with like.
  [[nodiscard]] bool same_shape(const MetricStats& other) const noexcept;

  /// Number of values added.
  [[nodiscard]] std::uint64_t count() const noexcept { return n_; }
  /// Mean (0 when empty).
  [[nodiscard]] double mean() const noexcept;
  /// Sample standard deviation (n - 1 denominator; 0 when fewer than 2 values).
  [[nodiscard]] double sd() const noexcept;
  /// The p-quantile, 0 <= p <= 1, interpolated within its bin (0 when empty).
  [[nodiscard]] double quantile(double p) const noexcept;

  /// The share of values below `v`, 0-1, interpolated within v's bin (an integer metric counts
  /// half of the values equal to v); 0 when empty. The inverse of quantile() up to a bin.
  [[nodiscard]] double fraction_below(double v) const noexcept;

  /// Start of the range values are clamped to.
  [[nodiscard]] double lo() const noexcept { return lo_; }
  /// End of the range values are clamped to (> lo()).
  [[nodiscard]] double hi() const noexcept { return hi_; }
  /// True for an integer metric: bin b holds the value lo() + b.
  [[nodiscard]] bool integer() const noexcept { return integer_; }
  /// Counts per bin. Continuous metrics: bin b holds [lo + b w, lo + (b + 1) w), w = (hi - lo) /
  /// bins, the last bin closed; integer metrics: see integer(). Order-independent, like the sums.
  [[nodiscard]] const std::vector<std::uint64_t>& bins() const noexcept { return bins_; }

 private:
  // add_values for an integer or a continuous metric.
  template <bool Integer>
  void add_burst(const double* first, std::size_t count, std::size_t stride) noexcept;

  static constexpr double kScale = 4294967296.0;  // 2^32 fixed-point steps per range
  double lo_ = 0.0;
  double hi_ = 1.0;
  double span_ = 1.0;  // hi_ - lo_, the same double add() used to compute on every call
  bool integer_ = false;
  std::uint64_t n_ = 0;
  double min_ = 0.0;  // smallest and largest value added (after clamping); valid when n_ > 0
  double max_ = 0.0;
  Int128 sum_ = 0;    // sum of round((v - lo) / (hi - lo) * 2^32)
  Int128 sumsq_ = 0;  // sum of squares of the same
  std::vector<std::uint64_t> bins_ = std::vector<std::uint64_t>(1, 0);
};

inline void MetricStats::add(double v) noexcept {
  if (!std::isfinite(v)) return;
  const double c = std::clamp(v, lo_, hi_);
  const double x = (c - lo_) / span_;
  const std::int64_t fx = round_half_away(x * kScale);
  min_ = n_ == 0 ? c : std::min(min_, c);
  max_ = n_ == 0 ? c : std::max(max_, c);
  ++n_;
  sum_ += fx;
  sumsq_ += static_cast<Int128>(fx) * fx;
  const auto nb = static_cast<std::int64_t>(bins_.size());
  const std::int64_t b =
      integer_ ? round_half_away(c - lo_) : static_cast<std::int64_t>(x * static_cast<double>(nb));
  bins_[static_cast<size_t>(std::clamp<std::int64_t>(b, 0, nb - 1))] += 1;
}

}  // namespace parley

#pragma once
/// \file
/// Deterministic random numbers. Every run of a batch owns an `Rng` derived from (seed, run index);
/// phases derive child streams with `split(key)` so that adding a draw in one place never shifts
/// the draws of another. There is no global generator and no `std::random_device` anywhere.

#include <cmath>
#include <cstdint>

namespace parley {

/// SplitMix64 finaliser: a bijective 64-bit mix with good avalanche. Pure.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A small value-type generator (xoshiro256**), seeded from two 64-bit keys.
/// Copying an Rng copies its stream: both copies then produce the same numbers.
class Rng {
 public:
  /// Stream `stream` of seed `seed`; distinct (seed, stream) pairs give independent streams.
  constexpr Rng(std::uint64_t seed, std::uint64_t stream) noexcept {
    std::uint64_t x = mix64(seed ^ mix64(stream + 0x632BE59BD9B4E019ULL));
    for (auto& word : s_) {
      x = mix64(x);
      word = x;
    }
  }

  /// An independent child stream named by `key`; does not advance this stream.
  [[nodiscard]] constexpr Rng split(std::uint64_t key) const noexcept {
    return Rng(s_[0] ^ mix64(s_[2]), mix64(key) ^ s_[1]);
  }

  /// Next raw 64 bits.
  constexpr std::uint64_t next_u64() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform double in [0, 1) with 53 random bits.
  constexpr double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform double in [lo, hi).
  constexpr double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

  /// Uniform integer in [0, n), n >= 1 (Lemire's nearly divisionless method without rejection
  /// bias beyond 2^-64, which is irrelevant at our n).
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    return static_cast<std::uint64_t>((static_cast<__uint128_t>(next_u64()) * n) >> 64);
  }

  /// Standard normal by the Marsaglia polar method. It uses only +,*,log,sqrt, so it gives the
  /// same numbers with any standard library (unlike std::normal_distribution).
  double normal() noexcept {
    double u = 0.0, v = 0.0, s = 0.0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    // The second variate is discarded on purpose: a stateless draw keeps streams easy to reason
    // about, and split() streams are cheap.
    return u * std::sqrt(-2.0 * std::log(s) / s);
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  std::uint64_t s_[4]{};
};

/// Stream keys used by the simulation, so every consumer draws from its own stream.
enum class Stream : std::uint64_t {
  params = 1,    ///< per-number draws of a run's Params
  dynamics = 2,  ///< drift noise, timeline probabilities and move choice, split per turn
  overrides = 3  ///< distributions given in --set / option overrides
};

}  // namespace parley

#pragma once
/// \file
/// Deterministic random numbers. Every run of a batch owns an `Rng` derived from (seed, run index);
/// phases derive child streams with `split(key)` so that adding a draw in one place never shifts
/// the draws of another. There is no global generator and no `std::random_device` anywhere.

#include <array>
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

/// mix64(k) for k < 64, computed at compile time: the keys most splits use are small (turn,
/// actor, issue and row numbers).
inline constexpr std::array<std::uint64_t, 64> kMixedSmallKeys = [] {
  std::array<std::uint64_t, 64> mixed{};
  for (std::uint64_t k = 0; k < mixed.size(); ++k) mixed[k] = mix64(k);
  return mixed;
}();

/// mix64(key), the same value, looked up when the key is small.
[[nodiscard]] constexpr std::uint64_t mix64_key(std::uint64_t key) noexcept {
  return key < kMixedSmallKeys.size() ? kMixedSmallKeys[key] : mix64(key);
}

/// A small value-type generator (xoshiro256**), seeded from two 64-bit keys.
/// Copying an Rng copies its stream: both copies then produce the same numbers.
class Rng {
 public:
  /// Stream `stream` of seed `seed`; distinct (seed, stream) pairs give independent streams.
  constexpr Rng(std::uint64_t seed, std::uint64_t stream) noexcept {
    std::uint64_t x = start(seed, stream);
    for (auto& word : s_) {
      x = mix64(x);
      word = x;
    }
  }

  /// An independent child stream named by `key`; does not advance this stream.
  [[nodiscard]] constexpr Rng split(std::uint64_t key) const noexcept {
    return Rng(split_seed(), mix64_key(key) ^ s_[1]);
  }

  /// The first uniform() of Rng(seed, stream), equal to it bit for bit, without the part of the
  /// state the first draw does not read.
  [[nodiscard]] static constexpr double first_uniform(std::uint64_t seed,
                                                      std::uint64_t stream) noexcept {
    const std::uint64_t s0 = mix64(start(seed, stream));
    return to_unit(output(mix64(s0)));
  }

  /// Next raw 64 bits.
  constexpr std::uint64_t next_u64() noexcept {
    const std::uint64_t result = output(s_[1]);
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
  constexpr double uniform() noexcept { return to_unit(next_u64()); }

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
  friend class RngChildren;

  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  // The value the state words are drawn from, one mix64 each.
  static constexpr std::uint64_t start(std::uint64_t seed, std::uint64_t stream) noexcept {
    return mix64(seed ^ mix64(stream + 0x632BE59BD9B4E019ULL));
  }
  // The 64 bits next_u64() returns for a state whose second word is s1.
  static constexpr std::uint64_t output(std::uint64_t s1) noexcept { return rotl(s1 * 5, 7) * 9; }
  // 53 of 64 random bits as a double in [0, 1).
  static constexpr double to_unit(std::uint64_t bits) noexcept {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
  }
  // The seed of every child of this stream (split's first argument, whatever the key).
  [[nodiscard]] constexpr std::uint64_t split_seed() const noexcept { return s_[0] ^ mix64(s_[2]); }

  std::uint64_t s_[4]{};
};

/// The children of one stream (Rng::split), for a stream split under many keys: the parent's
/// share of a split, the same for every key, is computed once.
class RngChildren {
 public:
  /// The children of `parent` (a copy: later draws from `parent` do not change them).
  constexpr explicit RngChildren(const Rng& parent) noexcept
      : seed_(parent.split_seed()), salt_(parent.s_[1]) {}

  /// parent.split(key): the same stream.
  [[nodiscard]] constexpr Rng split(std::uint64_t key) const noexcept {
    return Rng(seed_, mix64_key(key) ^ salt_);
  }
  /// parent.split(key).uniform(): the same number in [0, 1), for a child drawn from once.
  [[nodiscard]] constexpr double first_uniform(std::uint64_t key) const noexcept {
    return Rng::first_uniform(seed_, mix64_key(key) ^ salt_);
  }

 private:
  std::uint64_t seed_ = 0;
  std::uint64_t salt_ = 0;
};

/// Stream keys used by the simulation, so every consumer draws from its own stream.
enum class Stream : std::uint64_t {
  params = 1,    ///< per-number draws of a run's Params
  dynamics = 2,  ///< drift noise, timeline probabilities and move choice, split per turn
  overrides = 3  ///< distributions given in --set / option overrides
};

}  // namespace parley

#pragma once
/// \file
/// FNV-1a 64-bit hashing, used for the scenario content hash and for golden output signatures.

#include <cstdint>
#include <string_view>

namespace parley {

/// Incremental FNV-1a (64-bit). Not cryptographic: it detects change, it does not authenticate.
class Fnv1a {
 public:
  /// Feeds bytes into the hash.
  constexpr void update(std::string_view bytes) noexcept {
    for (const char c : bytes) {
      h_ ^= static_cast<unsigned char>(c);
      h_ *= 0x100000001B3ULL;
    }
  }
  /// The hash of everything fed so far.
  [[nodiscard]] constexpr std::uint64_t value() const noexcept { return h_; }

 private:
  std::uint64_t h_ = 0xCBF29CE484222325ULL;
};

/// FNV-1a of one string.
[[nodiscard]] constexpr std::uint64_t fnv1a(std::string_view bytes) noexcept {
  Fnv1a h;
  h.update(bytes);
  return h.value();
}

}  // namespace parley

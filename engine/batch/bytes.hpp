#pragma once
/// \file
/// A tiny binary encoding for batch state (checkpoints, MPI messages): unsigned integers as 8
/// little-endian bytes, doubles by their IEEE-754 bits, byte strings with a length prefix. The
/// encoding does not depend on the host's byte order, so a checkpoint or a rank's message reads
/// the same on any machine.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace parley {

/// Appends encoded values to a string.
class ByteWriter {
 public:
  /// Writes into `out` (appends; does not clear).
  explicit ByteWriter(std::string& out) noexcept : out_(out) {}
  /// 8 bytes, little-endian.
  void u64(std::uint64_t v) {
    // One append instead of eight push_backs: checkpoints write about a million of these.
    char b[8];
    put(b, v);
    out_.append(b, sizeof b);
  }
  /// Each value as u64() writes it, in order (one resize for the whole run of values).
  void u64s(std::span<const std::uint64_t> values) {
    const size_t at = out_.size();
    out_.resize(at + 8 * values.size());
    char* p = out_.data() + at;
    if constexpr (std::endian::native == std::endian::little) {
      if (!values.empty()) std::memcpy(p, values.data(), 8 * values.size());
    } else {
      for (const std::uint64_t v : values) {
        put(p, v);
        p += 8;
      }
    }
  }
  /// The IEEE-754 bits of `v`: exact, including -0 and non-finite values.
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  /// Length, then the bytes.
  void bytes(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }

 private:
  static void put(char* p, std::uint64_t v) noexcept {
    for (int k = 0; k < 8; ++k) p[k] = static_cast<char>((v >> (8 * k)) & 0xFF);
  }
  std::string& out_;
};

/// Reads values written by ByteWriter. Reading past the end sets a failure flag and yields
/// zeros, so a caller checks ok() once after reading a whole record.
class ByteReader {
 public:
  /// Reads from `in`, which must outlive the reader.
  explicit ByteReader(std::string_view in) noexcept : in_(in) {}
  /// Next 8-byte integer (0 past the end).
  [[nodiscard]] std::uint64_t u64() noexcept {
    if (in_.size() < 8) return fail();
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[static_cast<size_t>(k)]))
           << (8 * k);
    in_.remove_prefix(8);
    return v;
  }
  /// The next values.size() integers, into `values` (zeros, and the failure flag, if the input
  /// holds fewer).
  void u64s(std::span<std::uint64_t> values) noexcept {
    if (in_.size() / 8 < values.size()) {
      std::fill(values.begin(), values.end(), fail());
      return;
    }
    if constexpr (std::endian::native == std::endian::little) {
      if (!values.empty()) std::memcpy(values.data(), in_.data(), 8 * values.size());
      in_.remove_prefix(8 * values.size());
    } else {
      for (std::uint64_t& v : values) v = u64();
    }
  }
  /// Next double.
  [[nodiscard]] double f64() noexcept { return std::bit_cast<double>(u64()); }
  /// Next length-prefixed byte string (a view into the input; empty past the end).
  [[nodiscard]] std::string_view bytes() noexcept {
    const std::uint64_t n = u64();
    if (n > in_.size()) {
      fail();
      return {};
    }
    const std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  /// False once any read went past the end.
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  /// True when every byte has been read.
  [[nodiscard]] bool at_end() const noexcept { return in_.empty(); }

 private:
  std::uint64_t fail() noexcept {
    ok_ = false;
    in_ = {};
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace parley

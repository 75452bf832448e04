#pragma once
/// \file
/// The one binary encoding of everything a batch saves (checkpoints, MPI messages, observers'
/// states): unsigned integers as 8 little-endian bytes, signed 128-bit sums as two of them,
/// doubles by their IEEE-754 bits, byte strings (and states nested in a state) with a length
/// prefix. The encoding does not depend on the host's byte order, so a checkpoint or a rank's
/// message reads the same on any machine.
///
/// Every saved state starts with a magic word (magic_word("PGIVEN2"): its kind and version), so
/// a reader refuses a state of another kind or version instead of misreading it. A reader
/// checks once, after the whole record: ok() after every read, and at_end() (or done()) so
/// that trailing bytes are refused too.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace parley {

/// 128-bit integer for exact fixed-point sums (a GCC/Clang extension).
__extension__ using Int128 = __int128;
/// Its unsigned counterpart, for the two's complement words of ByteWriter::i128.
__extension__ using UInt128 = unsigned __int128;

/// The magic word of a saved state: the (up to 8) characters of `tag` as the state's first 8
/// bytes, e.g. magic_word("PSTATS2") for "PSTATS2" and a zero byte. A tag names the kind of
/// state and its version; change the version whenever the layout after it changes.
[[nodiscard]] constexpr std::uint64_t magic_word(std::string_view tag) noexcept {
  std::uint64_t v = 0;
  for (size_t k = 0; k < tag.size() && k < 8; ++k)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(tag[k])) << (8 * k);
  return v;
}

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
  /// Two's complement `v` as two u64() words, the low one first: exact over the whole range.
  void i128(Int128 v) {
    const auto u = static_cast<UInt128>(v);
    u64(static_cast<std::uint64_t>(u));
    u64(static_cast<std::uint64_t>(u >> 64));
  }
  /// The IEEE-754 bits of `v`: exact, including -0 and non-finite values.
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  /// Length, then the bytes. Also how a state nests another one (ByteReader::bytes reads it).
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
  /// Next signed 128-bit integer, as i128() wrote it (0 past the end).
  [[nodiscard]] Int128 i128() noexcept {
    const std::uint64_t low = u64();
    const std::uint64_t high = u64();
    return static_cast<Int128>((static_cast<UInt128>(high) << 64) | low);
  }
  /// Next double.
  [[nodiscard]] double f64() noexcept { return std::bit_cast<double>(u64()); }
  /// Reads the next integer and fails unless it is `want` (a magic word, or a count the
  /// reader knows already, e.g. the number of options of this batch). Returns ok().
  bool expect(std::uint64_t want) noexcept {
    if (u64() != want) reject();
    return ok_;
  }
  /// Reads a count of items that each take at least `min_bytes` (>= 1) of the input, and fails
  /// (returning 0) if the input is too short to hold that many: a damaged count must not make
  /// the caller allocate without bound.
  [[nodiscard]] std::uint64_t count(std::uint64_t min_bytes) noexcept {
    const std::uint64_t n = u64();
    if (n > in_.size() / std::max<std::uint64_t>(min_bytes, 1)) return fail();
    return n;
  }
  /// Next length-prefixed byte string (a view into the input; empty past the end): also a
  /// nested state, which its own reader then checks.
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
  /// True when every read succeeded and every byte has been read: a whole record, no more.
  [[nodiscard]] bool done() const noexcept { return ok_ && in_.empty(); }
  /// Marks the input as unusable (a value read does not fit what the reader expects): ok() is
  /// false from now on and later reads yield zeros.
  void reject() noexcept { fail(); }

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

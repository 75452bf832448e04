#include "engine/io/json_write.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace parley {

namespace {

// nlohmann's serializer formats a double into a buffer of this size (dump_float).
constexpr std::size_t kNumberRoom = 64;
constexpr std::size_t kIntegerRoom = 24;
constexpr std::size_t kGrowStep = 1024;

constexpr std::uint64_t kOnes = 0x0101010101010101;
constexpr std::uint64_t kHighs = 0x8080808080808080;

// Whether some byte of `x` is below `n` (n <= 0x80), or zero: the borrow of a subtraction
// reaches the high bit of a byte only below the first byte that is. Exact as a yes/no.
constexpr std::uint64_t any_below(std::uint64_t x, std::uint64_t n) {
  return (x - kOnes * n) & ~x & kHighs;
}

// Whether one of the 8 bytes in `x` is written other than as itself between quotes: a control
// character, '"', '\\' or a byte of a UTF-8 sequence.
constexpr bool any_special(std::uint64_t x) {
  return ((x & kHighs) | any_below(x, 0x20) | any_below(x ^ (kOnes * '"'), 1) |
          any_below(x ^ (kOnes * '\\'), 1)) != 0;
}

// The `n` < 8 bytes at `p` as a word, the missing ones plain; overlapping loads instead of a
// copy byte by byte (a byte tested twice is still the same byte).
std::uint64_t short_word(const char* p, std::size_t n) {
  if (n >= 4) {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return first | (std::uint64_t{last} << 32);
  }
  std::uint64_t x = kOnes * 'a';
  if (n >= 2) {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
    std::memcpy(&first, p, 2);
    std::memcpy(&last, p + n - 2, 2);
    return (x & ~std::uint64_t{0xffffffff}) | first | (std::uint64_t{last} << 16);
  }
  if (n == 1) x = (x & ~std::uint64_t{0xff}) | static_cast<unsigned char>(*p);
  return x;
}

// Whether `text` is written as it is between quotes. Ids and the text explain writes are plain
// ASCII; anything else (escapes, and UTF-8, which dump also validates) is rare enough to go
// through nlohmann's own serializer, so that the two never disagree. Eight bytes at a time: this
// test sees every byte of the file.
bool plain(std::string_view text) {
  const std::size_t n = text.size();
  if (n < 8) return !any_special(short_word(text.data(), n));
  std::uint64_t x = 0;
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    std::memcpy(&x, text.data() + i, 8);
    if (any_special(x)) return false;
  }
  // The last 8 bytes, overlapping the loop's when n is not a multiple of 8.
  std::memcpy(&x, text.data() + n - 8, 8);
  return !any_special(x);
}

}  // namespace

JsonWriter::JsonWriter(int indent, std::size_t expected_size)
    : indent_(static_cast<std::size_t>(indent)), breaks_(",\n") {
  text_.reserve(expected_size);
  breaks_.resize(2 + 16 * indent_, ' ');
}

std::string JsonWriter::take() {
  text_.resize(used_);
  used_ = 0;
  return std::move(text_);
}

// Rare paths stay out of line, so that the common ones are small enough to inline.
[[gnu::noinline]] void JsonWriter::grow(std::size_t n) {
  // Small steps within the reserved capacity: zero-filling a few KB is a few vector stores.
  text_.resize(used_ + n + kGrowStep);
}

void JsonWriter::put(std::string_view bytes) {
  std::memcpy(room(bytes.size()), bytes.data(), bytes.size());
}

[[gnu::noinline]] void JsonWriter::put_escaped(std::string_view text, bool as_key) {
  put(nlohmann::json(std::string(text)).dump());
  if (as_key) put(": ");
}

[[gnu::noinline]] void JsonWriter::widen_breaks(std::size_t length) {
  breaks_.resize(2 * length, ' ');
}

void JsonWriter::put_string(std::string_view text, bool as_key) {
  if (!plain(text)) {
    put_escaped(text, as_key);
    return;
  }
  char* p = room(text.size() + (as_key ? 4 : 2));
  *p++ = '"';
  std::memcpy(p, text.data(), text.size());
  p += text.size();
  *p++ = '"';
  if (as_key) std::memcpy(p, ": ", 2);
}

void JsonWriter::line_break(bool comma) {
  const std::size_t length = 2 + depth_ * indent_;
  if (breaks_.size() < length) widen_breaks(length);
  const std::size_t skip = comma ? 0 : 1;
  put(std::string_view(breaks_.data() + skip, length - skip));
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  line_break(!empty_);
  empty_ = false;
}

void JsonWriter::open(char bracket) {
  separate();
  *room(1) = bracket;
  ++depth_;
  empty_ = true;
}

void JsonWriter::close(char bracket) {
  --depth_;
  if (!empty_) line_break(false);
  *room(1) = bracket;
  empty_ = false;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  put_string(name, true);
  after_key_ = true;
  return *this;
}

void JsonWriter::value(std::string_view text) {
  separate();
  put_string(text, false);
}

void JsonWriter::value(double v) {
  separate();
  if (!std::isfinite(v)) {
    std::memcpy(room(4), "null", 4);
    return;
  }
  // nlohmann's serializer's own call (dump_float): the same digits.
  char* p = room(kNumberRoom);
  char* end = nlohmann::detail::to_chars(p, p + kNumberRoom, v);
  used_ -= static_cast<std::size_t>(p + kNumberRoom - end);
}

void JsonWriter::value(bool v) {
  separate();
  if (v)
    std::memcpy(room(4), "true", 4);
  else
    std::memcpy(room(5), "false", 5);
}

void JsonWriter::value(std::nullptr_t) {
  separate();
  std::memcpy(room(4), "null", 4);
}

void JsonWriter::integer(std::int64_t v) {
  separate();
  char* p = room(kIntegerRoom);
  used_ -= static_cast<std::size_t>(p + kIntegerRoom - std::to_chars(p, p + kIntegerRoom, v).ptr);
}

void JsonWriter::integer(std::uint64_t v) {
  separate();
  char* p = room(kIntegerRoom);
  used_ -= static_cast<std::size_t>(p + kIntegerRoom - std::to_chars(p, p + kIntegerRoom, v).ptr);
}

nlohmann::ordered_json& JsonDomWriter::place(nlohmann::ordered_json v) {
  if (open_.empty()) return root_ = std::move(v);
  nlohmann::ordered_json& in = *open_.back();
  if (in.is_object()) return in[key_] = std::move(v);
  in.push_back(std::move(v));
  return in.back();
}

}  // namespace parley

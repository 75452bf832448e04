#pragma once
/// \file
/// Numbers as written in a scenario: a constant or a distribution drawn once per run.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace parley {

class Rng;

/// The shape of a Number.
enum class DistKind : std::uint8_t {
  constant,    ///< a: the value
  uniform,     ///< U(a,b): uniform on [a, b)
  normal,      ///< N(a,b): mean a, standard deviation b, clamped to [lo, hi]
  triangular,  ///< T(a,b,c): low a, mode b, high c
};

/// A number cell as written. `lo`/`hi` are the range of the column the number sits in: a
/// constant or a distribution's support outside it is a validation error; normal draws are
/// clamped to it.
struct Number {
  DistKind kind = DistKind::constant;
  double a = 0.0;
  double b = 0.0;
  double c = 0.0;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();

  /// A constant number.
  [[nodiscard]] static Number constant(double v) noexcept {
    Number n;
    n.a = v;
    return n;
  }
  /// True unless the number is a constant.
  [[nodiscard]] bool is_random() const noexcept { return kind != DistKind::constant; }
  /// The mean of the distribution (the value of a constant); ignores clamping.
  [[nodiscard]] double mean() const noexcept;
  /// One draw; a constant returns its value without touching the stream.
  [[nodiscard]] double draw(Rng& rng) const noexcept;
  /// Canonical text, e.g. "U(1,2)" or "0.5"; parse_number(text()) gives this number back.
  [[nodiscard]] std::string text() const;
};

/// Where a parse failed: 0-based offset into the parsed text, and what was expected.
struct ParseError {
  int offset = 0;
  std::string message;
};

/// Parses "12.5", "U(lo,hi)", "N(mean,sd)" or "T(lo,mode,hi)" (spaces allowed). On failure
/// returns nullopt and fills `error`. Does not check ranges: the loader does, knowing the column.
[[nodiscard]] std::optional<Number> parse_number(std::string_view text, ParseError& error);

/// Parses a plain finite decimal number (no distribution). Whole text must be consumed.
[[nodiscard]] std::optional<double> parse_double(std::string_view text);

/// Shortest text that reads back as exactly `v` ("0.1", "100", "1e-07").
[[nodiscard]] std::string format_double(double v);

/// Human text of the range [lo, hi] for messages: "0 to 100", ">= 0", "<= 5" or "any number".
[[nodiscard]] std::string range_text(double lo, double hi);

/// Why `n` does not fit its own range [n.lo, n.hi], or "" when it fits. A constant must lie in
/// the range, the whole support of U and T must lie in it, and the mean of N must (its draws are
/// clamped). The message says what was expected, e.g. "U(90,120) reaches outside 0 to 100".
[[nodiscard]] std::string range_problem(const Number& n);

}  // namespace parley

#include "engine/scenario/number.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/core/text.hpp"

namespace parley {

namespace {

constexpr std::string_view kExpectedNumber =
    "expected a number or a distribution U(lo,hi), N(mean,sd), T(lo,mode,hi)";

[[nodiscard]] int arity(DistKind kind) noexcept {
  switch (kind) {
    case DistKind::constant:
      return 1;
    case DistKind::uniform:
    case DistKind::normal:
      return 2;
    case DistKind::triangular:
      return 3;
  }
  return 1;
}

[[nodiscard]] std::string_view signature(DistKind kind) noexcept {
  switch (kind) {
    case DistKind::uniform:
      return "U(lo,hi)";
    case DistKind::normal:
      return "N(mean,sd)";
    case DistKind::triangular:
      return "T(lo,mode,hi)";
    case DistKind::constant:
      break;
  }
  return "a number";
}

}  // namespace

double Number::mean() const noexcept {
  switch (kind) {
    case DistKind::constant:
      return a;
    case DistKind::uniform:
      return 0.5 * (a + b);
    case DistKind::normal:
      return a;
    case DistKind::triangular:
      return (a + b + c) / 3.0;
  }
  return a;
}

double Number::draw(Rng& rng) const noexcept {
  switch (kind) {
    case DistKind::constant:
      return a;
    case DistKind::uniform:
      return rng.uniform(a, b);
    case DistKind::normal: {
      const double x = a + b * rng.normal();
      // lo <= hi always holds for column ranges, so clamp is well defined.
      return std::clamp(x, lo, hi);
    }
    case DistKind::triangular: {
      // Inverse CDF: one uniform draw per value keeps the stream consumption fixed.
      const double u = rng.uniform();
      const double width = c - a;
      const double split = (b - a) / width;
      if (u < split) return a + std::sqrt(u * width * (b - a));
      return c - std::sqrt((1.0 - u) * width * (c - b));
    }
  }
  return a;
}

std::string Number::text() const {
  switch (kind) {
    case DistKind::constant:
      return format_double(a);
    case DistKind::uniform:
      return "U(" + format_double(a) + "," + format_double(b) + ")";
    case DistKind::normal:
      return "N(" + format_double(a) + "," + format_double(b) + ")";
    case DistKind::triangular:
      return "T(" + format_double(a) + "," + format_double(b) + "," + format_double(c) + ")";
  }
  return format_double(a);
}

std::optional<double> parse_double(std::string_view text) {
  int lead = 0;
  std::string_view t = trim(text, lead);
  // from_chars rejects a leading '+', which people do write ("+5").
  if (!t.empty() && t.front() == '+') {
    t.remove_prefix(1);
    if (!t.empty() && (t.front() == '-' || t.front() == '+')) return std::nullopt;
  }
  if (t.empty()) return std::nullopt;
  // from_chars would accept "inf"/"nan"; only decimal notation is a number here.
  const char first = t.front() == '-' && t.size() > 1 ? t[1] : t.front();
  if (!((first >= '0' && first <= '9') || first == '.')) return std::nullopt;
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

namespace {

// The distribution named `name` (U, N or T, either case); nullopt for any other name.
std::optional<DistKind> distribution_kind(std::string_view name) noexcept {
  if (name == "U" || name == "u") return DistKind::uniform;
  if (name == "N" || name == "n") return DistKind::normal;
  if (name == "T" || name == "t") return DistKind::triangular;
  return std::nullopt;
}

// The comma-separated numbers of `t` between `open` and `close` (its parentheses), `t` starting
// at `lead` of the text; nullopt with `error` at the first that is not a number.
std::optional<std::vector<double>> distribution_args(std::string_view t, std::size_t open,
                                                     std::size_t close, int lead, DistKind kind,
                                                     ParseError& error) {
  std::vector<double> args;
  std::size_t pos = open + 1;
  while (true) {
    const std::size_t comma = std::min(t.find(',', pos), close);
    const std::string_view arg = t.substr(pos, comma - pos);
    int arg_lead = 0;
    const std::string_view arg_trimmed = trim(arg, arg_lead);
    const int arg_offset = lead + static_cast<int>(pos) + arg_lead;
    const auto v = parse_double(arg_trimmed);
    if (!v) {
      error = {arg_offset, "expected a number inside " + std::string(signature(kind)) + ", got " +
                               (arg_trimmed.empty() ? "nothing" : in_quotes(arg_trimmed))};
      return std::nullopt;
    }
    args.push_back(*v);
    if (comma == close) break;
    pos = comma + 1;
  }
  return args;
}

// Whether the parameters of `n` make a distribution (lo < hi, sd >= 0, lo <= mode <= hi); else
// false with `error` at `lead`, naming the text `t`.
bool valid_parameters(const Number& n, std::string_view t, int lead, ParseError& error) {
  switch (n.kind) {
    case DistKind::uniform:
      if (!(n.a < n.b)) {
        error = {lead, in_quotes(t) + " has lo >= hi; expected U(lo,hi) with lo < hi"};
        return false;
      }
      break;
    case DistKind::normal:
      if (n.b < 0.0) {
        error = {lead, in_quotes(t) + " has sd < 0; expected N(mean,sd) with sd >= 0"};
        return false;
      }
      break;
    case DistKind::triangular:
      if (!(n.a <= n.b && n.b <= n.c && n.a < n.c)) {
        error = {lead,
                 in_quotes(t) +
                     " is out of order; expected T(lo,mode,hi) with lo <= mode <= hi and lo < hi"};
        return false;
      }
      break;
    case DistKind::constant:
      break;
  }
  return true;
}

}  // namespace

std::optional<Number> parse_number(std::string_view text, ParseError& error) {
  int lead = 0;
  const std::string_view t = trim(text, lead);
  if (t.empty()) {
    error = {lead, std::string(kExpectedNumber) + ", got an empty value"};
    return std::nullopt;
  }
  if (const auto v = parse_double(t)) return Number::constant(*v);

  // A distribution: a name, optional blanks, '(' ... ')'.
  std::size_t name_end = 0;
  while (name_end < t.size() && std::isalpha(static_cast<unsigned char>(t[name_end]))) ++name_end;
  std::size_t open = name_end;
  while (open < t.size() && is_blank(t[open])) ++open;
  if (name_end == 0 || open >= t.size() || t[open] != '(') {
    error = {lead, std::string(kExpectedNumber) + ", got " + in_quotes(t)};
    return std::nullopt;
  }
  const std::string_view name = t.substr(0, name_end);
  const std::optional<DistKind> kind = distribution_kind(name);
  if (!kind) {
    error = {lead, "unknown distribution '" + std::string(name) +
                       "'; expected U(lo,hi), N(mean,sd) or T(lo,mode,hi)"};
    return std::nullopt;
  }
  Number n;
  n.kind = *kind;
  const std::size_t close = t.find(')', open);
  if (close == std::string_view::npos) {
    error = {lead + static_cast<int>(t.size()),
             "missing ')' at the end; expected " + std::string(signature(n.kind))};
    return std::nullopt;
  }
  if (close + 1 != t.size()) {
    error = {lead + static_cast<int>(close + 1),
             "unexpected text after ')'; expected " + std::string(signature(n.kind)) + " alone"};
    return std::nullopt;
  }
  const auto args = distribution_args(t, open, close, lead, n.kind, error);
  if (!args) return std::nullopt;
  if (static_cast<int>(args->size()) != arity(n.kind)) {
    error = {lead, "wrong number of values: got " + std::to_string(args->size()) + "; expected " +
                       std::to_string(arity(n.kind)) + ", as in " + std::string(signature(n.kind))};
    return std::nullopt;
  }
  n.a = (*args)[0];
  n.b = (*args)[1];
  n.c = args->size() > 2 ? (*args)[2] : 0.0;
  if (!valid_parameters(n, t, lead, error)) return std::nullopt;
  return n;
}

std::string format_double(double v) {
  char buf[64];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return std::to_string(v);
  return std::string(buf, ptr);
}

std::string range_text(double lo, double hi) {
  const bool has_lo = std::isfinite(lo);
  const bool has_hi = std::isfinite(hi);
  if (has_lo && has_hi) return format_double(lo) + " to " + format_double(hi);
  if (has_lo) return ">= " + format_double(lo);
  if (has_hi) return "<= " + format_double(hi);
  return "any number";
}

std::string range_problem(const Number& n) {
  const auto inside = [&](double x) { return x >= n.lo && x <= n.hi; };
  const std::string range = range_text(n.lo, n.hi);
  switch (n.kind) {
    case DistKind::constant:
      if (!inside(n.a)) return format_double(n.a) + " is out of range; expected " + range;
      break;
    case DistKind::uniform:
      if (!inside(n.a) || !inside(n.b))
        return n.text() + " reaches outside the range; expected lo and hi within " + range;
      break;
    case DistKind::normal:
      if (!inside(n.a))
        return n.text() + " has its mean out of range; expected a mean within " + range +
               " (draws are clamped to it)";
      break;
    case DistKind::triangular:
      if (!inside(n.a) || !inside(n.c))
        return n.text() + " reaches outside the range; expected lo and hi within " + range;
      break;
  }
  return {};
}

}  // namespace parley

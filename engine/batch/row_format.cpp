#include "engine/batch/row_format.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

#include "engine/io/csv_write.hpp"
#include "engine/sim/compile.hpp"

namespace parley {

namespace {

// 10^m for m = 0..9, exact in a double.
constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
// kDecade[m] <= |v| picks the scale 10^m that brings |v| into [1e5, 1e6). The doubles nearest
// 1e-1..1e-4 lie just above the powers of ten, so |v| >= kDecade[m] still means |v| * 10^m >= 1e5.
constexpr double kDecade[] = {1e5, 1e4, 1e3, 1e2, 1e1, 1e0, 1e-1, 1e-2, 1e-3, 1e-4};

// The scale of `a` in [1e-4, 1e6): the first m with a >= kDecade[m].
constexpr int decade_by_search(double a) noexcept {
  int m = 0;
  while (m < 9 && a < kDecade[m]) ++m;
  return m;
}

// Binary exponents -14..19 cover [1e-4, 1e6). Within one binade [2^e, 2^(e+1)) the decade takes
// at most two neighbouring values (the binade spans a factor 2 < 10): the table holds the one
// at the top of the binade, and one comparison tells whether `a` is in the decade below.
constexpr int kFirstBinade = -14;
constexpr auto kTopDecade = [] {
  std::array<std::int8_t, 34> t{};
  double top = 0x1p-13;  // 2^(kFirstBinade + 1)
  for (auto& m : t) {
    // The largest double of the binade: just below its end.
    m = static_cast<std::int8_t>(
        decade_by_search(std::bit_cast<double>(std::bit_cast<std::uint64_t>(top) - 1)));
    top *= 2.0;
  }
  return t;
}();

// The decade of `a` in [1e-4, 1e6), as decade_by_search gives it, in a few instructions.
int decade_of(double a) noexcept {
  const auto binade =
      static_cast<int>((std::bit_cast<std::uint64_t>(a) >> 52) & 0x7FF) - 1023 - kFirstBinade;
  const int m = kTopDecade[static_cast<size_t>(binade)];
  return m + (a < kDecade[m] ? 1 : 0);
}

// "00".."99": two digits per lookup.
constexpr auto kDigitPairs = [] {
  std::array<char, 200> t{};
  for (int k = 0; k < 100; ++k) {
    t[static_cast<size_t>(2 * k)] = static_cast<char>('0' + k / 10);
    t[static_cast<size_t>(2 * k + 1)] = static_cast<char>('0' + k % 10);
  }
  return t;
}();

// Writes %.6g of `a`, 1e-4 <= a < 1e6, when that can be decided cheaply and exactly (away from
// a rounding tie at the 7th digit). Returns the end of the text, or nullptr to leave `a` to
// std::to_chars. `out` has room for kNumberRoom chars; bytes past the end may be overwritten.
char* write_decimal(char* out, double a) noexcept {
  const int m = decade_of(a);
  // y is a * 10^m rounded once: below 2^20, so within 2^-34 of the exact product. A fraction
  // more than 1e-6 from one half therefore rounds the exact product the same way; nearer ties
  // go to to_chars, which rounds them exactly.
  const double y = a * kPow10[m];
  const auto t = static_cast<std::int64_t>(y);
  const double f = y - static_cast<double>(t);  // exact
  if (std::fabs(f - 0.5) < 1e-6) return nullptr;
  std::int64_t r = t + (f > 0.5 ? 1 : 0);  // the 6 significant digits
  int x = 5 - m;                           // decimal exponent of the rounded value
  if (r == 1000000) {                      // rounding carried into a new digit: 9.999996 -> 10
    r = 100000;
    ++x;
  }
  if (r < 100000 || r > 999999 || x >= 6) return nullptr;
  const auto q1 = static_cast<size_t>(r / 10000);  // digits 0-1
  const auto rest = static_cast<size_t>(r % 10000);
  const size_t q2 = rest / 100;  // digits 2-3
  const size_t q3 = rest % 100;  // digits 4-5
  char d[16] = {};
  std::memcpy(d, &kDigitPairs[2 * q1], 2);
  std::memcpy(d + 2, &kDigitPairs[2 * q2], 2);
  std::memcpy(d + 4, &kDigitPairs[2 * q3], 2);
  // %g drops trailing zeros of the fraction (the first digit is never 0).
  int zeros = 0;
  if (q3 != 0) {
    zeros = q3 % 10 == 0 ? 1 : 0;
  } else if (q2 != 0) {
    zeros = q2 % 10 == 0 ? 3 : 2;
  } else {
    zeros = q1 % 10 == 0 ? 5 : 4;
  }
  int last = 5 - zeros;  // the last digit written
  char* p = out;
  if (x >= 0) {
    // x + 1 digits before the point, always written; fixed-size copies, the excess overwritten.
    last = std::max(last, x);
    std::memcpy(p, d, 8);
    p += x + 1;
    if (last > x) {
      *p = '.';
      std::memcpy(p + 1, d + x + 1, 8);
      p += 1 + (last - x);
    }
    return p;
  }
  // 0.000ddd: "0." then -x - 1 zeros, then the digits.
  std::memcpy(p, "0.000000", 8);
  p += 1 - x;
  std::memcpy(p, d, 8);
  return p + last + 1;
}

// printf("%.6g", v) the exact way.
char* write_exact(char* out, double v) noexcept {
  return std::to_chars(out, out + kNumberRoom, v, std::chars_format::general, 6).ptr;
}

// A number expected to be whole (a count, a turn): %.6g prints whole numbers below 10^6 as
// integers.
char* write_whole(char* out, double v) noexcept {
  const double a = std::fabs(v);
  if (a < 1e6) {
    const auto w = static_cast<std::int64_t>(a);
    if (static_cast<double>(w) == a) {
      char* p = out;
      *p = '-';
      p += v < 0.0 ? 1 : 0;  // not for -0, which prints as 0
      return std::to_chars(p, out + kNumberRoom, w).ptr;
    }
  }
  return write_number(out, v);
}

// The run index: an integer below 10^6, else %.6g of it (which rounds it).
char* write_count(char* out, std::uint64_t n) noexcept {
  if (n < 1000000) return std::to_chars(out, out + kNumberRoom, n).ptr;
  return write_number(out, static_cast<double>(n));
}

}  // namespace

char* write_number(char* out, double v) noexcept {
  const double a = std::fabs(v);
  if (a >= 1e-4 && a < 1e6) {  // false for NaN
    char* p = out;
    *p = '-';
    p += v < 0.0 ? 1 : 0;
    if (char* end = write_decimal(p, a)) return end;
  } else if (v == 0.0) {  // also -0
    *out = '0';
    return out + 1;
  }
  return write_exact(out, v);
}

void append_number(std::string& text, double v) {
  char buf[kNumberRoom];
  text.append(buf, write_number(buf, v));
}

RowFormat::RowFormat(const Scenario& scenario, const Rules& rules, const MetricCatalog& catalog)
    : rules_(rules) {
  const std::vector<NumberId> params = random_numbers(rules);
  runs_header_ = "run,option";
  for (const NumberId id : params) {
    runs_header_ += ",param.";
    runs_header_ += rules.number_labels[static_cast<size_t>(id)];
  }
  for (const MetricInfo& m : catalog.final) {
    runs_header_ += ',';
    runs_header_ += m.name;
    final_formats_.push_back(m.integer ? NumberFormat::whole : NumberFormat::general);
  }
  runs_header_ += '\n';
  std::size_t longest_name = 0;
  for (int o = 0; o < static_cast<int>(rules.options.size()); ++o) {
    const std::string& name = rules.options[static_cast<size_t>(o)].name;
    option_names_.push_back(name);
    option_cells_.push_back("," + name);
    longest_name = std::max(longest_name, name.size());
    // A number owned by an option has a cell in every row but a value only in that option's.
    std::vector<std::int32_t> columns;
    for (const NumberId id : params) {
      const std::int32_t owner = rules.number_option[static_cast<size_t>(id)];
      columns.push_back(owner < 0 || owner == o ? static_cast<std::int32_t>(id) : -1);
    }
    param_columns_.push_back(std::move(columns));
  }
  // The run, the option, the params, the newline; each number with its comma and scratch room.
  row_room_ = kNumberRoom + 1 + longest_name + (params.size() + 1) * (kNumberRoom + 1);
  for (const auto& a : scenario.actors) actor_ids_.push_back(a.id);
  for (const auto& m : scenario.moves) {
    move_ids_.push_back(m.id);
    std::string h;
    append_csv_cell(h, m.headline.empty() ? m.name : m.headline);
    headlines_.push_back(std::move(h));
  }
}

void RowFormat::run_row(std::uint64_t run, const Params& p, const RunOutput& out,
                        std::string& text) const {
  const std::size_t room = row_room_ + out.final.size() * (kNumberRoom + 1);
  // A row of any usual size is written on the stack and appended in one copy; growing the
  // string first would zero-fill the room, about four times the row's length.
  constexpr std::size_t kStackRow = 8192;
  if (room <= kStackRow) {
    char row[kStackRow];
    text.append(row, write_row(row, run, p, out));
    return;
  }
  const std::size_t at = text.size();
  text.resize(at + room);
  char* const end = write_row(text.data() + at, run, p, out);
  text.resize(static_cast<std::size_t>(end - text.data()));
}

char* RowFormat::write_row(char* q, std::uint64_t run, const Params& p,
                           const RunOutput& out) const noexcept {
  q = write_count(q, run);
  const std::string& option = option_cells_[static_cast<size_t>(p.option)];
  std::memcpy(q, option.data(), option.size());
  q += option.size();
  for (const std::int32_t id : param_columns_[static_cast<size_t>(p.option)]) {
    *q++ = ',';
    if (id >= 0) q = write_number(q, p.values[static_cast<size_t>(id)]);
  }
  if (out.ok) {
    for (size_t k = 0; k < out.final.size(); ++k) {
      *q++ = ',';
      const double v = out.final[k];
      q = final_formats_[k] == NumberFormat::whole ? write_whole(q, v) : write_number(q, v);
    }
  } else {
    std::memset(q, ',', out.final.size());  // a failed run has no metrics: empty cells
    q += out.final.size();
  }
  *q++ = '\n';
  return q;
}

void RowFormat::event_rows(std::uint64_t run, int option, const RunOutput& out,
                           std::string& text) const {
  for (const Event& e : out.events) {
    const auto m = static_cast<size_t>(e.move);
    text += std::to_string(run);
    text += ',';
    text += option_names_[static_cast<size_t>(option)];
    text += ',';
    text += std::to_string(e.turn);
    text += ',';
    text += actor_ids_[static_cast<size_t>(rules_.move_rules[m].actor)];
    text += ',';
    text += move_ids_[m];
    text += ',';
    text += headlines_[m];
    text += e.by_timeline ? ",timeline\n" : ",ai\n";
  }
}

void RowFormat::failure_row(std::uint64_t run, int option, const RunOutput& out,
                            std::string& text) const {
  text += std::to_string(run);
  text += ',';
  text += option_names_[static_cast<size_t>(option)];
  text += ',';
  append_csv_cell(text, out.failure);
  text += '\n';
}

}  // namespace parley

#include "engine/batch/sensitivity.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/core/rng.hpp"

namespace parley {

namespace {

// One row of Joe and Kuo's table new-joe-kuo-6.21201: the degree s of the primitive polynomial,
// its inner coefficients a (bits), and the initial direction numbers m_1..m_s.
struct JoeKuoRow {
  int s;
  std::uint32_t a;
  std::array<std::uint32_t, 8> m;
};

// Dimensions 2..41 of the table (dimension 1 needs no row: its direction numbers are 2^-k).
constexpr std::array<JoeKuoRow, SobolSequence::kMaxDims - 1> kJoeKuo{{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
}};

constexpr int kBits = 32;

// Bootstrap replicates are summed over the n base rows in blocks of this many replicates, one
// matrix product per block, so the counts matrix stays small.
constexpr int kBootstrapBlock = 64;

// Outputs are processed in groups whose per-row table holds about this many numbers.
constexpr Eigen::Index kGroupCells = 4'000'000;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// z for a two-sided 95% interval.
constexpr double kZ95 = 1.959963984540054;

}  // namespace

SobolSequence::SobolSequence(int dims)
    : dims_(std::clamp(dims, 1, kMaxDims)), v_(static_cast<size_t>(dims_) * kBits) {
  // v_[j * 32 + k] is direction number k + 1 of dimension j + 1, scaled by 2^32 (Joe and Kuo's
  // V_{k+1}): a binary fraction whose leading bits are m_{k+1}.
  for (int k = 0; k < kBits; ++k) v_[static_cast<size_t>(k)] = 1U << (kBits - 1 - k);
  for (int j = 1; j < dims_; ++j) {
    const JoeKuoRow& row = kJoeKuo[static_cast<size_t>(j - 1)];
    std::uint32_t* v = &v_[static_cast<size_t>(j) * kBits];
    for (int k = 0; k < row.s && k < kBits; ++k)
      v[k] = row.m[static_cast<size_t>(k)] << (kBits - 1 - k);
    // The recurrence of the primitive polynomial x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1.
    for (int k = row.s; k < kBits; ++k) {
      v[k] = v[k - row.s] ^ (v[k - row.s] >> row.s);
      for (int t = 1; t < row.s; ++t)
        if (((row.a >> (row.s - 1 - t)) & 1U) != 0) v[k] ^= v[k - t];
    }
  }
}

void SobolSequence::point(std::uint64_t index, double* out) const noexcept {
  // Joe and Kuo build X_i = X_(i-1) ^ V_(c(i-1)) with c the lowest zero bit: that is the XOR of
  // the direction numbers at the set bits of the Gray code i ^ (i >> 1).
  const std::uint64_t gray = index ^ (index >> 1);
  for (int j = 0; j < dims_; ++j) {
    const std::uint32_t* v = &v_[static_cast<size_t>(j) * kBits];
    std::uint32_t x = 0;
    for (int k = 0; k < kBits; ++k)
      if (((gray >> k) & 1U) != 0) x ^= v[k];
    out[j] = static_cast<double>(x) * 0x1.0p-32;
  }
}

Eigen::MatrixXd latin_hypercube(int n, int d, Rng& rng) {
  n = std::max(n, 1);
  d = std::max(d, 1);
  Eigen::MatrixXd out(n, d);
  std::vector<int> perm(static_cast<size_t>(n));
  for (int j = 0; j < d; ++j) {
    std::iota(perm.begin(), perm.end(), 0);
    // Fisher-Yates with the engine's own generator, so the design is the same on every platform.
    for (int k = n - 1; k > 0; --k)
      std::swap(perm[static_cast<size_t>(k)],
                perm[static_cast<size_t>(rng.below(static_cast<std::uint64_t>(k) + 1))]);
    for (int k = 0; k < n; ++k)
      out(k, j) = (perm[static_cast<size_t>(k)] + rng.uniform()) / static_cast<double>(n);
  }
  return out;
}

Eigen::MatrixXd grid_design(const std::vector<int>& steps) {
  Eigen::Index rows = 1;
  for (const int s : steps) rows *= std::max(s, 2);
  const auto d = static_cast<Eigen::Index>(steps.size());
  Eigen::MatrixXd out(rows, d);
  for (Eigen::Index r = 0; r < rows; ++r) {
    Eigen::Index rest = r;
    for (Eigen::Index j = d - 1; j >= 0; --j) {
      const int s = std::max(steps[static_cast<size_t>(j)], 2);
      out(r, j) = static_cast<double>(rest % s) / static_cast<double>(s - 1);
      rest /= s;
    }
  }
  return out;
}

Eigen::MatrixXd saltelli_design(int n, int d) {
  n = std::max(n, 2);
  d = std::clamp(d, 1, kMaxSobolInputs);
  const SobolSequence seq(2 * d);
  Eigen::MatrixXd out(static_cast<Eigen::Index>(n) * (d + 2), d);
  std::vector<double> p(static_cast<size_t>(2 * d));
  for (int j = 0; j < n; ++j) {
    // Point 0 is the origin, a corner of the cube that every dimension shares; it is skipped.
    seq.point(static_cast<std::uint64_t>(j) + 1, p.data());
    for (int i = 0; i < d; ++i) {
      out(j, i) = p[static_cast<size_t>(i)];
      out(n + j, i) = p[static_cast<size_t>(d + i)];
    }
    for (int b = 0; b < d; ++b)
      for (int i = 0; i < d; ++i)
        out(static_cast<Eigen::Index>(2 + b) * n + j, i) =
            p[static_cast<size_t>(i == b ? d + i : i)];
  }
  return out;
}

std::string saltelli_block(std::int64_t row, int n) {
  const std::int64_t block = row / std::max(n, 1);
  if (block == 0) return "A";
  if (block == 1) return "B";
  return "AB" + std::to_string(block - 1);
}

namespace {

// Per output, the table holds for each base row j the columns
//   0: a_j + b_j, 1: a_j^2 + b_j^2, then per input i: 2 + 2i: b_j (ab_ij - a_j),
//   3 + 2i: (a_j - ab_ij)^2
// (a, b, ab = centred f(A), f(B), f(AB_i)). Any weighting of the rows (1 each for the estimate,
// multinomial counts for a bootstrap replicate) is then one weighted column sum.
int table_columns(int d) {
  return 2 * d + 2;
}

// The indices from weighted column sums `s` (one output's columns) with total weight `w`.
// Returns false when the variance is not positive.
bool estimate(const double* s, double w, int d, double* s1, double* st) {
  const double mean = s[0] / (2.0 * w);
  const double var = s[1] / (2.0 * w) - mean * mean;
  if (!(var > 0.0)) return false;
  for (int i = 0; i < d; ++i) {
    s1[i] = s[2 + 2 * i] / w / var;
    st[i] = s[3 + 2 * i] / (2.0 * w) / var;
  }
  return true;
}

// The outputs among columns [g0, end) of `y` that can be estimated: finite everywhere and not
// constant over the A and B rows, each with its mean over them (`centre`).
void usable_outputs(const Eigen::MatrixXd& y, Eigen::Index g0, Eigen::Index end, Eigen::Index rows,
                    std::vector<Eigen::Index>& usable, std::vector<double>& centre) {
  for (Eigen::Index m = g0; m < end; ++m) {
    const auto col = y.col(m);
    if (!col.allFinite()) continue;
    const double c = col.head(2 * rows).mean();
    const double var = (col.head(2 * rows).array() - c).square().mean();
    // A metric that does not vary has no variance to apportion. The floor is relative so
    // that rounding noise on a large constant does not pass for variance.
    if (!(var > 1e-15 * (1.0 + c * c))) continue;
    usable.push_back(m);
    centre.push_back(c);
  }
}

// The table of table_columns(d) columns per usable output (see above), one row per base row.
Eigen::MatrixXd sobol_table(const Eigen::MatrixXd& y, const std::vector<Eigen::Index>& usable,
                            const std::vector<double>& centre, Eigen::Index rows, int d) {
  const int per = table_columns(d);
  const auto used = static_cast<Eigen::Index>(usable.size());
  Eigen::MatrixXd table(rows, used * per);
  for (Eigen::Index u = 0; u < used; ++u) {
    const auto col = y.col(usable[static_cast<size_t>(u)]);
    const double c = centre[static_cast<size_t>(u)];
    const Eigen::ArrayXd a = col.segment(0, rows).array() - c;
    const Eigen::ArrayXd b = col.segment(rows, rows).array() - c;
    table.col(u * per) = (a + b).matrix();
    table.col(u * per + 1) = (a.square() + b.square()).matrix();
    for (int i = 0; i < d; ++i) {
      const Eigen::ArrayXd ab = col.segment((2 + i) * rows, rows).array() - c;
      table.col(u * per + 2 + 2 * i) = (b * (ab - a)).matrix();
      table.col(u * per + 3 + 2 * i) = (a - ab).square().matrix();
    }
  }
  return table;
}

// Point estimates: every base row once, into `result` for each usable output.
void point_estimates(const Eigen::MatrixXd& table, const std::vector<Eigen::Index>& usable,
                     Eigen::Index rows, int d, std::vector<std::vector<SobolIndex>>& result) {
  const int per = table_columns(d);
  const Eigen::RowVectorXd sums = table.colwise().sum();
  std::vector<double> s1(static_cast<size_t>(d)), st(static_cast<size_t>(d));
  for (size_t u = 0; u < usable.size(); ++u) {
    auto& out = result[static_cast<size_t>(usable[u])];
    if (!estimate(&sums[static_cast<Eigen::Index>(u) * per], static_cast<double>(rows), d,
                  s1.data(), st.data()))
      continue;
    for (int i = 0; i < d; ++i)
      out[static_cast<size_t>(i)] = {s1[static_cast<size_t>(i)], 0.0, st[static_cast<size_t>(i)],
                                     0.0};
  }
}

// Bootstrap over the base rows: replicate r resamples n rows with replacement from
// Rng(seed, r), the same draws for every output and every grouping of the outputs. Sums and
// sums of squares of the replicates give the standard deviation, and the 95% half-widths of
// the indices point_estimates set.
void bootstrap_intervals(const Eigen::MatrixXd& table, const std::vector<Eigen::Index>& usable,
                         Eigen::Index rows, int d, int bootstrap, std::uint64_t seed,
                         std::vector<std::vector<SobolIndex>>& result) {
  const int per = table_columns(d);
  const auto used = static_cast<Eigen::Index>(usable.size());
  std::vector<double> s1(static_cast<size_t>(d)), st(static_cast<size_t>(d));
  Eigen::MatrixXd sum1 = Eigen::MatrixXd::Zero(used, d), sq1 = sum1, sumt = sum1, sqt = sum1;
  Eigen::VectorXd good = Eigen::VectorXd::Zero(used);
  Eigen::MatrixXd counts(kBootstrapBlock, rows);
  for (int r0 = 0; r0 < bootstrap; r0 += kBootstrapBlock) {
    const int block = std::min(kBootstrapBlock, bootstrap - r0);
    counts.setZero();
    for (int r = 0; r < block; ++r) {
      Rng rng(seed, static_cast<std::uint64_t>(r0 + r));
      for (Eigen::Index j = 0; j < rows; ++j)
        counts(r, static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(rows)))) += 1.0;
    }
    // Row-major, so each replicate's weighted sums are contiguous for estimate().
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rep =
        counts.topRows(block) * table;
    for (int r = 0; r < block; ++r)
      for (Eigen::Index u = 0; u < used; ++u) {
        if (!estimate(&rep(r, u * per), static_cast<double>(rows), d, s1.data(), st.data()))
          continue;  // a degenerate resample (every row the same) has no variance
        good[u] += 1.0;
        for (int i = 0; i < d; ++i) {
          sum1(u, i) += s1[static_cast<size_t>(i)];
          sq1(u, i) += s1[static_cast<size_t>(i)] * s1[static_cast<size_t>(i)];
          sumt(u, i) += st[static_cast<size_t>(i)];
          sqt(u, i) += st[static_cast<size_t>(i)] * st[static_cast<size_t>(i)];
        }
      }
  }
  auto sd = [](double s, double q, double k) {
    return k > 1.0 ? std::sqrt(std::max(0.0, (q - s * s / k) / (k - 1.0))) : 0.0;
  };
  for (Eigen::Index u = 0; u < used; ++u) {
    auto& out = result[static_cast<size_t>(usable[static_cast<size_t>(u)])];
    for (int i = 0; i < d; ++i) {
      SobolIndex& x = out[static_cast<size_t>(i)];
      if (std::isnan(x.s1)) continue;
      x.s1_ci = kZ95 * sd(sum1(u, i), sq1(u, i), good[u]);
      x.st_ci = kZ95 * sd(sumt(u, i), sqt(u, i), good[u]);
    }
  }
}

}  // namespace

std::vector<std::vector<SobolIndex>> sobol_indices(const Eigen::MatrixXd& y, int n, int d,
                                                   int bootstrap, std::uint64_t seed) {
  const Eigen::Index outputs = y.cols();
  const Eigen::Index rows = static_cast<Eigen::Index>(n);
  const int per = table_columns(d);
  std::vector<std::vector<SobolIndex>> result(
      static_cast<size_t>(outputs),
      std::vector<SobolIndex>(static_cast<size_t>(d), SobolIndex{kNaN, kNaN, kNaN, kNaN}));
  if (n < 2 || d < 1 || y.rows() != rows * (d + 2)) return result;
  // The outputs go in groups whose table stays within kGroupCells.
  const Eigen::Index group = std::max<Eigen::Index>(1, kGroupCells / (rows * per));
  for (Eigen::Index g0 = 0; g0 < outputs; g0 += group) {
    std::vector<Eigen::Index> usable;
    std::vector<double> centre;
    usable_outputs(y, g0, std::min(outputs, g0 + group), rows, usable, centre);
    if (usable.empty()) continue;
    const Eigen::MatrixXd table = sobol_table(y, usable, centre, rows, d);
    point_estimates(table, usable, rows, d, result);
    if (bootstrap > 0) bootstrap_intervals(table, usable, rows, d, bootstrap, seed, result);
  }
  return result;
}

std::vector<OutputSpread> sobol_spread(const Eigen::MatrixXd& y, int n) {
  std::vector<OutputSpread> out(static_cast<size_t>(y.cols()), OutputSpread{kNaN, kNaN, kNaN});
  const Eigen::Index rows = 2 * static_cast<Eigen::Index>(n);
  if (n < 1 || y.rows() < rows) return out;
  for (Eigen::Index m = 0; m < y.cols(); ++m) {
    const auto col = y.col(m).head(rows);
    if (!col.allFinite()) continue;
    std::vector<double> v(col.data(), col.data() + rows);
    const double mean = col.mean();
    double ss = 0.0;
    for (const double x : v) ss += (x - mean) * (x - mean);
    std::sort(v.begin(), v.end());
    // Linear interpolation between order statistics (Hyndman and Fan's type 7, as numpy's).
    const auto quantile = [&v](double p) {
      const double h = p * static_cast<double>(v.size() - 1);
      const auto lo = static_cast<size_t>(std::floor(h));
      const size_t hi = std::min(lo + 1, v.size() - 1);
      return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
    };
    out[static_cast<size_t>(m)] = {std::sqrt(ss / static_cast<double>(rows)), quantile(0.05),
                                   quantile(0.95)};
  }
  return out;
}

}  // namespace parley

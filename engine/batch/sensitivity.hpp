#pragma once
/// \file
/// Designs of experiments on the unit hypercube (Latin hypercube, full-factorial grid, Saltelli's
/// scheme on a Sobol' sequence) and the Sobol' sensitivity estimators with bootstrap confidence
/// intervals. Pure numerics: no scenario and no I/O, so the estimators can be fed a function with
/// known indices (the Ishigami function in the tests) through the same code as a sweep.

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace parley {

class Rng;

/// The Sobol' low-discrepancy sequence with Joe and Kuo's direction numbers
/// (new-joe-kuo-6.21201, "Constructing Sobol sequences with better two-dimensional projections",
/// SIAM J. Sci. Comput. 30, 2008), 32-bit, in Gray-code order: point i is the same as point i of
/// Joe and Kuo's sobol.cc and of scipy.stats.qmc.Sobol(scramble=False). Point 0 is the origin.
class SobolSequence {
 public:
  /// Largest number of dimensions supported (dimension 1 plus the first 40 rows of the table).
  static constexpr int kMaxDims = 41;

  /// A sequence of `dims` dimensions, 1 <= dims <= kMaxDims (clamped into that range).
  explicit SobolSequence(int dims);

  /// Number of dimensions.
  [[nodiscard]] int dims() const noexcept { return dims_; }
  /// Writes point `index` (0 <= index < 2^32) into `out[0..dims)`, each coordinate in [0, 1).
  /// Random access: the point is the XOR of the direction numbers picked by index's Gray code.
  void point(std::uint64_t index, double* out) const noexcept;

 private:
  int dims_;
  std::vector<std::uint32_t> v_;  // dims x 32 direction numbers, row-major
};

/// A Latin hypercube of `n` >= 1 points in `d` >= 1 dimensions: every column puts exactly one
/// point in each of the n strata [k/n, (k+1)/n), in a random order, at a uniform random spot
/// within the stratum. Returns n x d values in [0, 1).
[[nodiscard]] Eigen::MatrixXd latin_hypercube(int n, int d, Rng& rng);

/// A full-factorial grid: column j takes `steps[j]` >= 2 equally spaced levels from 0 to 1, ends
/// included. Returns prod(steps) x steps.size() values; the last column varies fastest.
[[nodiscard]] Eigen::MatrixXd grid_design(const std::vector<int>& steps);

/// Saltelli's sampling scheme (Saltelli et al. 2010) for `d` >= 1 inputs and `n` >= 2 base rows,
/// d <= (SobolSequence::kMaxDims - 1) / 2 = 20. A and B are the first and last d coordinates of
/// points 1..n of a 2d-dimensional Sobol' sequence (point 0, the origin, is skipped); AB_i is A
/// with column i taken from B. Returns n(d + 2) x d values in [0, 1), in blocks of n rows: A, B,
/// AB_1, ..., AB_d (see saltelli_block).
[[nodiscard]] Eigen::MatrixXd saltelli_design(int n, int d);

/// Largest number of inputs saltelli_design supports.
inline constexpr int kMaxSobolInputs = (SobolSequence::kMaxDims - 1) / 2;

/// The block that row `row` of a Saltelli design with `n` base rows belongs to: "A", "B", or
/// "AB1".."ABd" (1-based input number).
[[nodiscard]] std::string saltelli_block(std::int64_t row, int n);

/// First-order and total-order Sobol' indices of one output for one input. The `_ci` fields are
/// half-widths of 95% bootstrap intervals (1.96 x the bootstrap standard deviation). All four are
/// NaN when the output does not vary over the design or holds a non-finite value.
struct SobolIndex {
  double s1 = 0.0;     ///< first-order index S_i (Saltelli 2010 estimator), nominally 0-1
  double s1_ci = 0.0;  ///< half-width of S_i's 95% interval
  double st = 0.0;     ///< total-order index S_Ti (Jansen 1999 estimator), nominally 0-1
  double st_ci = 0.0;  ///< half-width of S_Ti's 95% interval
};

/// Estimates the Sobol' indices of every column of `y` (n(d + 2) rows in saltelli_design's row
/// order, one column per output) for the `d` inputs, with `bootstrap` >= 0 resamples of the n
/// base rows drawn from Rng(seed, ...) (0 = no intervals: the _ci fields are 0). Returns
/// result[output][input]. Deterministic: the same arguments give the same bits.
///
/// Estimators, with f centred on the mean of f(A) and f(B) (a constant shift that leaves their
/// expectations unchanged and lowers their variance when the mean is large against the spread):
///   V    = variance of the 2n values f(A), f(B)
///   S_i  = mean_j f(B)_j (f(AB_i)_j - f(A)_j) / V          (Saltelli et al. 2010)
///   S_Ti = mean_j (f(A)_j - f(AB_i)_j)^2 / (2 V)            (Jansen 1999)
[[nodiscard]] std::vector<std::vector<SobolIndex>> sobol_indices(const Eigen::MatrixXd& y, int n,
                                                                 int d, int bootstrap,
                                                                 std::uint64_t seed);

/// How far one output moves over a Saltelli design, in the output's unit: over the 2n points of
/// A and B, the points whose variance the Sobol' indices share out. An index says which input
/// drives the output; the spread says whether there is anything to drive.
struct OutputSpread {
  double sd = 0.0;   ///< standard deviation of the 2n values, sqrt(V) of the estimators
  double p05 = 0.0;  ///< 5th percentile of the 2n values (linear interpolation)
  double p95 = 0.0;  ///< 95th percentile
};

/// The spread of every column of `y` (rows in saltelli_design's order, n >= 1 base rows). NaN
/// fields for a column holding a non-finite value in A or B, or when y has fewer than 2n rows.
[[nodiscard]] std::vector<OutputSpread> sobol_spread(const Eigen::MatrixXd& y, int n);

}  // namespace parley

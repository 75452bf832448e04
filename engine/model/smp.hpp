#pragma once
/// \file
/// KTAB's Spatial Model of Politics (SMP), replicated with KTAB's default settings for CSV input:
/// Linear voting, Prop(ortional) voting rule, Conditional PCE, Deterministic state transitions,
/// BigRRange Mid, BigRAdjust OneThird, SemiCommit third parties, S2P2 interpolation,
/// InitOnlyInterp. See docs/SMP.md for the algorithm and its validation against KTAB's logs.

#include "engine/model/bargaining.hpp"

namespace parley {

/// Runs KTAB's SMP on `input`: all dimensions jointly, as KTAB does, unless `input.power` varies
/// between dimensions.
///
/// Units: positions are mapped from [scale_lo, scale_hi] to [0, 1] (KTAB divides its 0-100 scale
/// by 100); saliences are used as given (0-1, i.e. KTAB's 0-100 / 100); the weight of actor i is
/// capability(i) (KTAB's "power"), times power(i, 0) when `input.power` is given. When
/// power(i, j) differs between dimensions, each dimension runs as its own one-dimensional SMP with
/// weight capability(i) * power(i, j).
///
/// Iterations: `settings.rounds` (>= 1) is the maximum number of iterations; KTAB's stopping rule
/// (last move under 2% of the first, after at least 2 iterations) applies first. KTAB's own
/// maximum is 100: pass rounds >= 100 to reproduce KTAB (BargainingSettings' default of 10
/// truncates longer runs).
///
/// Result: `history` (if recorded) holds positions on the input scale, [0] = input, then one
/// matrix per iteration (a dimension run separately that stopped earlier repeats its final
/// positions). `outcome` is KTAB's forecast: the most probable final position (Conditional PCE
/// over the distinct final positions, KTAB's "winning probabilities"), on the input scale. When
/// all weights x saliences of a dimension are 0, nothing moves, `outcome` is the unweighted mean
/// and `unweighted_fallback` is set.
///
/// Deterministic (no randomness), no I/O. Preconditions: matching shapes, finite values,
/// capability and power >= 0, saliences in [0, 1], scale_hi > scale_lo.
[[nodiscard]] BargainingResult smp_bargain(const BargainingInput& input,
                                           const BargainingSettings& settings);

}  // namespace parley

#pragma once
/// \file
/// blend: a fixed combination of the compromise model and the EUM, weighted by the inverse of
/// their published squared errors on real EU decisions (Bates & Granger 1969). See
/// docs/BARGAINING.md, section "blend", for the rationale and the sources of the two figures.

#include "engine/model/bargaining.hpp"

namespace parley {

/// Published mean absolute error of the compromise model on real EU decisions (0-100 issues;
/// The European Union Decides, Thomson et al. 2006), in scale points.
inline constexpr double kBlendCompromiseMae = 23.0;
/// Published mean absolute error of Bueno de Mesquita's EUM on the same decisions, in points.
inline constexpr double kBlendEumMae = 28.0;

/// Weight of the EUM forecast in blend: MAE_c^2 / (MAE_c^2 + MAE_e^2) = 529 / 1313 = 0.4029.
/// The compromise gets 1 minus this (0.5971). These are Bates & Granger's inverse-variance
/// weights with the errors taken as independent, the published MAEs standing in for the error
/// scales (for errors of one shape, MAE is proportional to the standard deviation).
[[nodiscard]] constexpr double blend_eum_weight() noexcept {
  return kBlendCompromiseMae * kBlendCompromiseMae /
         (kBlendCompromiseMae * kBlendCompromiseMae + kBlendEumMae * kBlendEumMae);
}

/// Runs blend on every dim of `input`: outcome = (1 - w) compromise + w eum, w =
/// blend_eum_weight(), both with weights capability x power x salience and the eum with
/// `settings.rounds` and `settings.eum_q`. `unweighted_fallback[dim]` is set when all weights of
/// the dim are 0 (both parts then use their unweighted forms). `history` (if recorded) is the
/// EUM's: the compromise has no rounds. Deterministic, no I/O; the EUM dominates the cost.
[[nodiscard]] BargainingResult blend_bargain(const BargainingInput& input,
                                             const BargainingSettings& settings);

}  // namespace parley

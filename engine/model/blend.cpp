/// \file
/// blend: inverse-MSE combination of the compromise model and the EUM.

#include "engine/model/blend.hpp"

#include <cstddef>

#include "engine/model/eum.hpp"

namespace parley {

BargainingResult blend_bargain(const BargainingInput& input, const BargainingSettings& settings) {
  // The EUM part carries the rounds, the history and the fallback flags; the compromise is one
  // weighted mean per dim.
  BargainingResult result = eum_bargain(input, settings);
  const double w = blend_eum_weight();
  for (Eigen::Index j = 0; j < input.position.cols(); ++j) {
    const Eigen::VectorXd weight =
        input.power.size() == 0
            ? input.capability
            : Eigen::VectorXd(input.capability.cwiseProduct(input.power.col(j)));
    const double c = compromise_1d(input.position.col(j), input.salience.col(j), weight);
    result.outcome[j] = (1.0 - w) * c + w * result.outcome[j];
  }
  hold_uncared_dims(input, result);
  return result;
}

}  // namespace parley

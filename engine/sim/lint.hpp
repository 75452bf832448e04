#pragma once
/// \file
/// Warnings about scenarios that load but probably do not do what their author meant.

#include "engine/core/diagnostics.hpp"
#include "engine/model/rules.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley {

/// Adds warnings to `diag`:
/// - a move of an AI actor, available at the initial state and not made by any timeline row,
///   that its actor cannot gain from: with every number at its mean, its score (utility gain
///   minus cost, with the lookahead replies when model.lookahead is 1) is at most 0, and no
///   timeline condition reads what it changes;
/// - a move of a script or human actor that no timeline row makes;
/// - a timeline row outside the scenario's turns.
void lint(const Scenario& scenario, const Rules& rules, Diagnostics& diag);

}  // namespace parley

#pragma once
/// \file
/// Warnings about scenarios that load but probably do not do what their author meant.

#include "engine/core/diagnostics.hpp"
#include "engine/model/rules.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley {

/// Adds warnings to `diag`:
/// - a move of an AI actor that its actor cannot gain from: at the initial state with every
///   number at its mean, its own utility gain is at most its cost, and no timeline row's
///   condition or the other actors could react to it (no lookahead linkage reads what it
///   changes);
/// - a move of a script or human actor that no timeline row makes;
/// - a timeline row outside the scenario's turns.
void lint(const Scenario& scenario, const Rules& rules, Diagnostics& diag);

}  // namespace parley

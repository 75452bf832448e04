#pragma once
/// \file
/// From description to execution: compile a Scenario into Rules, draw one run's Params, and build
/// the initial State. Pure functions; no I/O.

#include <cstdint>
#include <vector>

#include "engine/model/rules.hpp"
#include "engine/model/state.hpp"
#include "engine/scenario/scenario.hpp"

namespace parley {

/// Compiles a validated scenario. Every number (including options' overrides) gets a NumberId;
/// ids are stable for a given scenario, which keeps common random numbers across options.
[[nodiscard]] Rules compile(const Scenario& scenario);

/// Draws one run's numbers for option `option`. Number id k of run `run` draws from its own
/// stream derived from (seed, run, k), so the draws do not depend on the option, the thread or
/// the order in which runs are made.
[[nodiscard]] Params sample_params(const Rules& rules, int option, std::uint64_t seed,
                                   std::uint64_t run);

/// Draws into an existing Params, reusing its storage (same contract as sample_params).
void sample_params_into(const Rules& rules, int option, std::uint64_t seed, std::uint64_t run,
                        Params& out);

/// The state at turn 0: defaults, then the scenario's values, then the option's overrides.
/// Actors without a listed stance on an issue take its initial status quo as position.
[[nodiscard]] State initial_state(const Rules& rules, const Params& p);

/// initial_state() into `s`, reusing its storage (no allocation when `s` held a state of the
/// rules' shape).
void initial_state_into(const Rules& rules, const Params& p, State& s);

/// NumberIds whose numbers are random (distributions), in id order: the runs.csv param columns.
[[nodiscard]] std::vector<NumberId> random_numbers(const Rules& rules);

}  // namespace parley

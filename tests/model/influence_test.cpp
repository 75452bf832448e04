// Tests of the influence phase on states of every small shape: the update, computed several
// issues at a time, must equal the formula of docs/MODEL.md evaluated one value at a time in its
// plain order, bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/core/rng.hpp"
#include "engine/model/influence.hpp"
#include "engine/model/state.hpp"

using namespace parley;

namespace {

// The phase as docs/MODEL.md writes it, one issue and one actor at a time.
State by_formula(State s, double rate) {
  const int actors = s.actors();
  if (rate <= 0.0 || actors < 2) return s;
  const State before = s;
  for (int j = 0; j < s.issues(); ++j) {
    std::vector<double> voice(static_cast<size_t>(actors));
    double total = 0.0;
    for (int k = 0; k < actors; ++k) {
      voice[static_cast<size_t>(k)] =
          before.capability[k] * before.power(k, j) * before.salience(k, j);
      total += voice[static_cast<size_t>(k)];
    }
    for (int i = 0; i < actors; ++i) {
      const double xi = before.position(i, j);
      const double others = total - voice[static_cast<size_t>(i)];
      if (others <= 0.0) continue;
      double pull = 0.0;
      for (int k = 0; k < actors; ++k)
        if (k != i && before.affinity(i, k) > 0.0)
          pull +=
              before.affinity(i, k) * voice[static_cast<size_t>(k)] * (before.position(k, j) - xi);
      s.position(i, j) = std::clamp(xi + rate * pull / others, 0.0, 100.0);
    }
  }
  return s;
}

// A state of the given shape with uneven values: likes and dislikes, issues nobody but one
// actor cares about, an actor without capability and positions pulled past the scale's ends.
State uneven_state(int actors, int issues, Rng& rng) {
  State s = State::zeros(actors, issues, 1);
  for (int a = 0; a < actors; ++a) {
    s.capability[a] = a == 1 ? 0.0 : 0.1 + 2.0 * rng.uniform();
    for (int k = 0; k < actors; ++k) s.affinity(a, k) = 2.0 * rng.uniform() - 0.7;
    for (int j = 0; j < issues; ++j) {
      s.position(a, j) = 100.0 * rng.uniform();
      s.power(a, j) = 2.0 * rng.uniform();
      // On every third issue only actor 0 cares: the others hear no voice but its own.
      s.salience(a, j) = j % 3 == 2 && a != 0 ? 0.0 : rng.uniform();
    }
  }
  return s;
}

}  // namespace

TEST_CASE("the influence update equals the formula bit for bit on every small shape",
          "[model][influence]") {
  Rng rng(7, 11);
  InfluenceScratch scratch;
  for (int actors = 1; actors <= 7; ++actors)
    for (int issues = 0; issues <= 2 * kInfluenceLanes + 1; ++issues)
      for (const double rate : {0.0, 0.37, 1.0, 3.0}) {
        INFO(actors << " actors, " << issues << " issues, rate " << rate);
        const State s = uneven_state(actors, issues, rng);
        State moved = s;
        update_positions_in_place(moved, rate, scratch);
        // The whole state: the phase writes positions only, and each of them as the formula.
        CHECK(moved.values == by_formula(s, rate).values);
      }
}

TEST_CASE("the influence update leaves an actor without voice among the others in place",
          "[model][influence]") {
  State s = State::zeros(3, 3, 1);
  for (int a = 0; a < 3; ++a) {
    s.capability[a] = 1.0;
    for (int j = 0; j < 3; ++j) {
      s.position(a, j) = 20.0 * (a + 1);
      s.salience(a, j) = a == 0 ? 1.0 : 0.0;  // only A has a voice
      for (int k = 0; k < 3; ++k) s.affinity(a, k) = 1.0;
    }
  }
  InfluenceScratch scratch;
  State moved = s;
  update_positions_in_place(moved, 0.5, scratch);
  for (int j = 0; j < 3; ++j) {
    CHECK(moved.position(0, j) == 20.0);  // the others have no voice: A stays
    // B hears A only (voice 1 of 1): halfway from 40 to 20; C from 60 to 20.
    CHECK(moved.position(1, j) == 30.0);
    CHECK(moved.position(2, j) == 40.0);
  }
}

/// \file
/// The influence phase (phase 5). The state stores each issue's column of actors together; this
/// phase works on blocks of kInfluenceLanes issues at once, each actor's values on a block side
/// by side, so that every step of the update is one operation for the whole block. Per value
/// the operations and their order are those of the formula computed one issue at a time: each
/// pull is summed over the friends in actor order and each total voice over the actors in
/// actor order.

#include "engine/model/influence.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace parley {

namespace {

using Lanes = InfluenceLanes;
constexpr int kLanes = kInfluenceLanes;

// Where each lane of a block reads and writes: the offset of its issue's column in an actor x
// issue block. Lanes past the last issue repeat it, so they compute (and store) the same
// values as the last issue's own lane and no lane needs a test.
using Columns = std::array<std::size_t, kLanes>;

Columns columns_from(int first, int issues, int actors) noexcept {
  Columns at{};
  for (int l = 0; l < kLanes; ++l)
    at[static_cast<std::size_t>(l)] = static_cast<std::size_t>(std::min(first + l, issues - 1)) *
                                      static_cast<std::size_t>(actors);
  return at;
}

// Actor `a`'s values on the block's issues, from the actor x issue block at `cells`.
Lanes gather(const double* cells, const Columns& at, int a) noexcept {
  Lanes v;
  for (int l = 0; l < kLanes; ++l) v[l] = cells[at[static_cast<std::size_t>(l)] + a];
  return v;
}

// `x` in every lane.
Lanes broadcast(double x) noexcept {
  Lanes v;
  for (int l = 0; l < kLanes; ++l) v[l] = x;
  return v;
}

// std::clamp(v, 0, 100) lane by lane: v < 0 ? 0 : (100 < v ? 100 : v), so a NaN stays NaN.
Lanes clamp_to_scale(Lanes v) noexcept {
#if defined(__SSE2__)
  static_assert(kLanes == 2, "one SSE2 register holds two lanes");
  // max(a, b) is a > b ? a : b and min(a, b) is a < b ? a : b: the same choices, one
  // instruction each.
  return _mm_min_pd(_mm_set1_pd(100.0), _mm_max_pd(_mm_setzero_pd(), v));
#else
  v = v < 0.0 ? Lanes{} : v;
  return 100.0 < v ? broadcast(100.0) : v;
#endif
}

// Every actor's friends (others it likes: affinity > 0) and how much it likes them, listed once
// per turn, actor by actor: only friends pull, and the list spares the per-issue tests.
void list_friends(const State& s, int actors, InfluenceScratch& w) {
  const std::size_t most = static_cast<std::size_t>(actors) * static_cast<std::size_t>(actors);
  if (w.friends.size() < most) w.friends.resize(most);
  const InfluenceScratch::Actor* actor = w.actors.data();
  InfluenceScratch::Friend* out = w.friends.data();
  for (int i = 0; i < actors; ++i) {
    const double* likes = s.affinity.data() + i;  // column-major: i's liking of k at [k * actors]
    const auto add = [&](int from, int to) {
      for (int k = from; k < to; ++k)
        if (const double like = likes[k * actors]; like > 0.0)
          *out++ = {broadcast(like), actor + k};
    };
    // An actor's affinity to itself is no friendship: the actors before it, then after it.
    add(0, i);
    add(i + 1, actors);
    w.friends_end[static_cast<std::size_t>(i)] = out;
  }
}

// Loads every actor's positions and voices (capability x issue power x salience) on the block
// into w, and returns the block's total voice, summed in actor order.
Lanes load_block(const State& s, const Columns& at, InfluenceScratch& w) noexcept {
  const int actors = s.actors();
  const double* position = s.position.data();
  const double* power = s.power.data();
  const double* salience = s.salience.data();
  InfluenceScratch::Actor* actor = w.actors.data();
  Lanes total{};
  for (int k = 0; k < actors; ++k) {
    actor[k].position = gather(position, at, k);
    actor[k].voice = s.capability[k] * gather(power, at, k) * gather(salience, at, k);
    total += actor[k].voice;
  }
  return total;
}

// Moves every actor on the block from the positions in w (the positions before the phase) and
// writes the new positions into the state.
void move_block(State& s, const Columns& at, double rate, Lanes total,
                const InfluenceScratch& w) noexcept {
  const int actors = s.actors();
  const InfluenceScratch::Actor* actor = w.actors.data();
  const InfluenceScratch::Friend* f = w.friends.data();
  double* position = s.position.data();
  for (int i = 0; i < actors; ++i) {
    const Lanes xi = actor[i].position;
    Lanes pull{};
    for (const auto* end = w.friends_end[static_cast<std::size_t>(i)]; f != end; ++f)
      pull += f->like * f->actor->voice * (f->actor->position - xi);
    // Normalising by everyone else's voice (not only friends') keeps weak liking a weak pull.
    const Lanes others = total - actor[i].voice;
    const Lanes moved = clamp_to_scale(xi + rate * pull / others);
    // Without voice among the others there is no pull to normalise: the actor stays put.
    const Lanes result = others <= 0.0 ? xi : moved;
    for (int l = 0; l < kLanes; ++l) position[at[static_cast<std::size_t>(l)] + i] = result[l];
  }
}

}  // namespace

// Kept out of line: inlined into the turn (link-time optimisation does), its loops and the
// turn's other phases compete for registers and the whole turn runs more instructions.
[[gnu::noinline]] void update_positions_in_place(State& s, double rate, InfluenceScratch& w) {
  const int actors = s.actors();
  const int issues = s.issues();
  if (rate <= 0.0 || actors < 2 || issues == 0) return;
  const auto count = static_cast<std::size_t>(actors);
  if (w.actors.size() < count) {
    w.actors.resize(count);
    w.friends_end.resize(count);
  }
  list_friends(s, actors, w);
  for (int first = 0; first < issues; first += kLanes) {
    const Columns at = columns_from(first, issues, actors);
    const Lanes total = load_block(s, at, w);
    move_block(s, at, rate, total, w);
  }
}

}  // namespace parley

#pragma once
/// \file
/// The influence phase of a turn (phase 5, docs/MODEL.md): every actor's positions move toward
/// those of the actors it likes. Pure arithmetic on the State; no I/O, no random draws.

#include <cstdint>
#include <vector>

#include "engine/model/state.hpp"

namespace parley {

/// Issues the influence phase updates together (two doubles fill one SSE2 register): every
/// value of one actor on this many consecutive issues is held side by side and computed by one
/// operation per step. Each value still sees the same operations in the same order as when
/// computed alone, so the lanes change the speed, never a result.
inline constexpr int kInfluenceLanes = 2;

/// One actor's values on kInfluenceLanes consecutive issues (a compiler vector type: arithmetic
/// and comparisons act lane by lane).
using InfluenceLanes = double __attribute__((vector_size(kInfluenceLanes * sizeof(double))));

/// Buffers of the influence phase, reused from one turn to the next so that a warm call
/// allocates nothing. They carry no information between calls.
struct InfluenceScratch {
  /// One actor on the issues being updated: its positions and its voices there.
  struct Actor {
    InfluenceLanes position;
    InfluenceLanes voice;
  };
  /// Another actor an actor likes (affinity > 0): the liking in every lane, and the liked
  /// actor's entry in `actors`.
  struct Friend {
    InfluenceLanes like;
    const Actor* actor;
  };
  std::vector<Actor> actors;               ///< per actor, the issues being updated
  std::vector<Friend> friends;             ///< every actor's friends, actor by actor
  std::vector<const Friend*> friends_end;  ///< per actor: the end of its friends in `friends`
};

/// Phase 5 on `s` in place: each actor's position on each issue moves `rate` (0-1) of the way
/// given by the voice-weighted pull of the actors it likes (affinity > 0), normalised by the
/// voice of everyone else, and is clamped to 0-100 (docs/MODEL.md). Everyone moves from the
/// positions before the phase. An actor whose others have no voice on an issue stays put.
/// Nothing moves when rate <= 0 or there are fewer than two actors. `w` is only working space.
void update_positions_in_place(State& s, double rate, InfluenceScratch& w);

}  // namespace parley

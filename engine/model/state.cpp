#include "engine/model/state.hpp"

#include <algorithm>

namespace parley {

State State::zeros(int actors, int issues, int moves) {
  State s;
  s.status_quo = Eigen::VectorXd::Zero(issues);
  s.position = Eigen::MatrixXd::Zero(actors, issues);
  s.salience = Eigen::MatrixXd::Zero(actors, issues);
  s.power = Eigen::MatrixXd::Ones(actors, issues);
  s.capability = Eigen::VectorXd::Zero(actors);
  s.risk = Eigen::VectorXd::Zero(actors);
  s.affinity = Eigen::MatrixXd::Identity(actors, actors);
  s.recognition = Eigen::MatrixXd::Identity(actors, actors);
  s.drift = Eigen::VectorXd::Zero(issues);
  s.noise = Eigen::VectorXd::Zero(issues);
  s.cost = Eigen::VectorXd::Zero(moves);
  s.last_turn = VectorXi32::Constant(moves, kNever);
  s.count = VectorXi32::Zero(moves);
  s.made.reserve(static_cast<size_t>(actors) + 8);
  return s;
}

double get(const State& s, const Slot& slot) noexcept {
  switch (slot.kind) {
    case SlotKind::issue: return s.status_quo[slot.a];
    case SlotKind::position: return s.position(slot.a, slot.b);
    case SlotKind::salience: return s.salience(slot.a, slot.b);
    case SlotKind::power: return s.power(slot.a, slot.b);
    case SlotKind::capability: return s.capability[slot.a];
    case SlotKind::risk: return s.risk[slot.a];
    case SlotKind::affinity: return s.affinity(slot.a, slot.b);
    case SlotKind::recognition: return s.recognition(slot.a, slot.b);
    case SlotKind::drift: return s.drift[slot.a];
    case SlotKind::noise: return s.noise[slot.a];
    case SlotKind::cost: return s.cost[slot.a];
    case SlotKind::model: return s.model[static_cast<size_t>(slot.a)];
    case SlotKind::turn: return s.turn;
    case SlotKind::done: return s.count[slot.a] > 0 ? 1.0 : 0.0;
    case SlotKind::last: return s.last_turn[slot.a] == s.turn - 1 ? 1.0 : 0.0;
  }
  return 0.0;
}

double clamp_to_slot(const Slot& slot, double value) noexcept {
  const Range r = slot.kind == SlotKind::model ? model_key_range(static_cast<ModelKey>(slot.a))
                                               : slot_range(slot.kind);
  return std::clamp(value, r.lo, r.hi);
}

void set(State& s, const Slot& slot, double value) noexcept {
  const double v = clamp_to_slot(slot, value);
  switch (slot.kind) {
    case SlotKind::issue: s.status_quo[slot.a] = v; break;
    case SlotKind::position: s.position(slot.a, slot.b) = v; break;
    case SlotKind::salience: s.salience(slot.a, slot.b) = v; break;
    case SlotKind::power: s.power(slot.a, slot.b) = v; break;
    case SlotKind::capability: s.capability[slot.a] = v; break;
    case SlotKind::risk: s.risk[slot.a] = v; break;
    case SlotKind::affinity: s.affinity(slot.a, slot.b) = v; break;
    case SlotKind::recognition: s.recognition(slot.a, slot.b) = v; break;
    case SlotKind::drift: s.drift[slot.a] = v; break;
    case SlotKind::noise: s.noise[slot.a] = v; break;
    case SlotKind::cost: s.cost[slot.a] = v; break;
    case SlotKind::model: s.model[static_cast<size_t>(slot.a)] = v; break;
    case SlotKind::turn:
    case SlotKind::done:
    case SlotKind::last: break;  // read-only: the parser rejects writes, so nothing to do
  }
}

}  // namespace parley

#include "engine/sim/stepped.hpp"

#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"

namespace parley {

std::string_view move_source_name(MoveSource s) noexcept {
  switch (s) {
    case MoveSource::timeline:
      return "timeline";
    case MoveSource::inject:
      return "inject";
    case MoveSource::ai:
      return "ai";
    case MoveSource::person:
      return "person";
  }
  return "ai";
}

SteppedRun::SteppedRun(const Rules& rules, const MetricCatalog& catalog, int option,
                       std::uint64_t seed, std::uint64_t run)
    : rules_(rules),
      catalog_(catalog),
      params_(sample_params(rules, option, seed, run)),
      // The stream simulate() gives the same run, so that an unattended world is that run.
      rng_(Rng(seed, run).split(static_cast<std::uint64_t>(Stream::dynamics))),
      state_(initial_state(rules, params_)) {
  plan_row(catalog, plan_);
  utility_.resize(rules.actors);
  for (int a = 0; a < rules.actors; ++a) utility_[a] = utility(state_, a);
  u_sum_.setZero(rules.actors);
  trajectory_.resize(1, static_cast<Eigen::Index>(catalog.per_turn.size()));
  record(plan_, state_, utility_, trajectory_.row(0));
  q_hist_.resize(1, rules.issues);
  q_hist_.row(0) = state_.status_quo.transpose();
}

void SteppedRun::open_turn() {
  if (open_ || finished()) return;
  state_ = begin_turn(rules_, params_, std::move(state_), rng_, &open_detail_);
  open_ = true;
  for (std::int32_t k = 0; k < state_.made_by_timeline; ++k)
    events_.push_back({state_.turn, state_.made[static_cast<size_t>(k)], MoveSource::timeline});
}

bool SteppedRun::inject(std::int32_t m) {
  if (!open_ || m < 0 || m >= rules_.moves) return false;
  make_as_timeline(rules_, params_, m, state_);
  events_.push_back({state_.turn, m, MoveSource::inject});
  return true;
}

bool SteppedRun::available(std::int32_t m) const {
  return open_ && m >= 0 && m < rules_.moves &&
         parley::available(rules_, params_.option, m, state_);
}

AiAdvice SteppedRun::advice(int actor) const {
  return advise(rules_, params_, state_, rng_, actor);
}

void SteppedRun::resolve(const Seats* seats) {
  if (!open_) return;
  const std::size_t before = state_.made.size();
  // The record costs the turn nothing in its outcome (the same state with or without it); a
  // classroom resolves a turn a minute, so its price in time does not matter.
  SteppedTurnDetail& d = details_.emplace_back();
  d.snapshot = state_;
  state_ = finish_turn(rules_, params_, std::move(state_), rng_, seats, &open_detail_);
  d.detail = std::move(open_detail_);
  open_detail_ = TurnDetail{};
  for (std::size_t k = before; k < state_.made.size(); ++k) {
    const std::int32_t m = state_.made[k];
    const int actor = rules_.move_rules[static_cast<size_t>(m)].actor;
    const bool person = seats != nullptr && seats->human[static_cast<size_t>(actor)] != 0;
    events_.push_back({state_.turn, m, person ? MoveSource::person : MoveSource::ai});
  }
  open_ = false;
  ++resolved_;
  record_turn();
}

void SteppedRun::record_turn() {
  for (int a = 0; a < rules_.actors; ++a) {
    utility_[a] = utility(state_, a);
    u_sum_[a] += utility_[a];
  }
  const Eigen::Index rows = trajectory_.rows();
  trajectory_.conservativeResize(rows + 1, Eigen::NoChange);
  record(plan_, state_, utility_, trajectory_.row(rows));
  q_hist_.conservativeResize(rows + 1, Eigen::NoChange);
  q_hist_.row(rows) = state_.status_quo.transpose();
}

RunOutput SteppedRun::final_output() const {
  RunOutput out;
  out.trajectory = trajectory_;
  final_metrics(catalog_, state_, utility_, u_sum_, q_hist_, out);
  out.state = state_;
  return out;
}

}  // namespace parley

#include "engine/classroom/world.hpp"

#include <algorithm>

namespace parley::classroom {

std::string_view missed_turn_name(MissedTurn m) noexcept {
  return m == MissedTurn::pass ? "pass" : "ai";
}

std::optional<MissedTurn> parse_missed_turn(std::string_view s) noexcept {
  if (s == "pass") return MissedTurn::pass;
  if (s == "ai") return MissedTurn::ai;
  return std::nullopt;
}

std::string_view resolve_reason_name(ResolveReason r) noexcept {
  switch (r) {
    case ResolveReason::all_submitted:
      return "all_submitted";
    case ResolveReason::deadline:
      return "deadline";
    case ResolveReason::forced:
      return "forced";
  }
  return "forced";
}

std::optional<ResolveReason> parse_resolve_reason(std::string_view s) noexcept {
  if (s == "all_submitted") return ResolveReason::all_submitted;
  if (s == "deadline") return ResolveReason::deadline;
  if (s == "forced") return ResolveReason::forced;
  return std::nullopt;
}

World::World(const Rules& rules, const MetricCatalog& catalog, int option, std::uint64_t seed)
    : rules_(rules),
      catalog_(catalog),
      option_(option),
      seed_(seed),
      run_(std::make_unique<SteppedRun>(rules, catalog, option, seed, 0)),
      current_(blank()) {}

TurnRecord World::blank() const {
  TurnRecord r;
  const auto actors = static_cast<size_t>(rules_.actors);
  r.submitted.assign(actors, 0);
  r.moves.assign(actors, {});
  r.seated.assign(actors, 0);
  r.ai_choice.assign(actors, -1);
  return r;
}

bool World::open_turn() {
  if (run_->open() || run_->finished()) return false;
  run_->open_turn();
  current_ = blank();
  return true;
}

bool World::inject(std::int32_t m) {
  if (!run_->inject(m)) return false;
  current_.injects.push_back(m);
  return true;
}

bool World::submit(int actor, std::vector<std::int32_t> moves) {
  if (!run_->open() || actor < 0 || actor >= rules_.actors) return false;
  current_.submitted[static_cast<size_t>(actor)] = 1;
  current_.moves[static_cast<size_t>(actor)] = std::move(moves);
  return true;
}

void World::finish(TurnRecord& record) {
  Seats seats;
  seats.human = record.seated;
  seats.moves.assign(static_cast<size_t>(rules_.actors), {});
  record.ai_choice.assign(static_cast<size_t>(rules_.actors), -1);
  for (int a = 0; a < rules_.actors; ++a) {
    const auto k = static_cast<size_t>(a);
    if (record.seated[k] == 0) continue;
    // What the AI would have done in this seat: shown in the debrief, and played for a team
    // that missed the turn when the rule says so.
    record.ai_choice[k] = run_->advice(a).choice;
    if (record.submitted[k] != 0) {
      seats.moves[k] = record.moves[k];
    } else if (record.missed == MissedTurn::ai && record.ai_choice[k] >= 0) {
      seats.moves[k] = {record.ai_choice[k]};
    }
  }
  run_->resolve(&seats);
}

bool World::resolve(const std::vector<std::uint8_t>& seated, MissedTurn missed,
                    ResolveReason reason) {
  if (!run_->open()) return false;
  current_.seated = seated;
  current_.seated.resize(static_cast<size_t>(rules_.actors), 0);
  current_.missed = missed;
  current_.reason = reason;
  finish(current_);
  history_.push_back(std::move(current_));
  current_ = blank();
  return true;
}

void World::replay(int turns) {
  run_ = std::make_unique<SteppedRun>(rules_, catalog_, option_, seed_, 0);
  for (int t = 0; t < turns; ++t) {
    TurnRecord& record = history_[static_cast<size_t>(t)];
    run_->open_turn();
    for (const std::int32_t m : record.injects) run_->inject(m);
    finish(record);
  }
}

bool World::undo() {
  if (run_->open()) {
    replay(static_cast<int>(history_.size()));
    current_ = blank();
    return true;
  }
  if (history_.empty()) return false;
  TurnRecord last = std::move(history_.back());
  history_.pop_back();
  replay(static_cast<int>(history_.size()));
  run_->open_turn();
  for (const std::int32_t m : last.injects) run_->inject(m);
  // The turn is open again as it was before it resolved: its injects and submissions stand.
  current_ = blank();
  current_.injects = std::move(last.injects);
  current_.submitted = std::move(last.submitted);
  current_.moves = std::move(last.moves);
  return true;
}

std::unique_ptr<World> World::branch(int turns) const {
  auto w = std::make_unique<World>(rules_, catalog_, option_, seed_);
  const int n = std::clamp(turns, 0, static_cast<int>(history_.size()));
  w->history_.assign(history_.begin(), history_.begin() + n);
  w->replay(n);
  return w;
}

}  // namespace parley::classroom

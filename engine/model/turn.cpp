#include "engine/model/turn.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>
#include <utility>

#include "engine/model/bargaining.hpp"
#include "engine/model/influence.hpp"
#include "engine/model/scoring.hpp"
#include "engine/model/view.hpp"

namespace parley {

namespace {

double model_value(const State& s, ModelKey key) noexcept {
  return s.model[static_cast<size_t>(key)];
}

void mark_made(State& s, std::int32_t m) {
  s.last_turn[m] = s.turn;
  s.count[m] += 1;
  s.made.push_back(m);
}

// Scratch buffers of the choices and the influence phase, one set per thread, so a turn allocates
// nothing once warm. They carry no information from one call to the next, so results cannot
// depend on the thread.
struct Scratch {
  ScoringScratch scoring;  // the snapshot, for move scoring
  std::vector<std::int32_t> candidates;
  std::vector<double> scores;
  std::vector<double> weights;
  std::vector<std::int32_t> chosen;  // moves picked this turn, in actor order
  InfluenceScratch influence;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

double choice_probabilities(const std::vector<double>& scores, double temperature, int pick,
                            std::vector<double>& probability) {
  probability.assign(scores.size(), 0.0);
  if (temperature <= 0.0) {
    if (pick >= 0) probability[static_cast<size_t>(pick)] = 1.0;
    return pick < 0 ? 1.0 : 0.0;
  }
  if (scores.empty()) return 1.0;
  // As the draw weighs them (ai_pick): relative to the best score, pass scoring 0.
  double top = 0.0;
  for (const double sc : scores) top = std::max(top, sc);
  double total = std::exp(-top / temperature);
  for (size_t c = 0; c < scores.size(); ++c)
    total += probability[c] = std::exp((scores[c] - top) / temperature);
  for (double& q : probability) q /= total;
  return std::exp(-top / temperature) / total;
}

std::pair<double, double> veto_window(const Rules& rules, const State& s, int issue) noexcept {
  const double q = s.status_quo[issue];
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  for (int a = 0; a < rules.actors; ++a) {
    if (!rules.has_veto(a, issue)) continue;
    // Utility falls with distance on one dimension, so the points a veto player likes at least
    // as much as q are those no farther from its position than q is.
    const double x = s.position(a, issue);
    const double d = std::abs(q - x);
    lo = std::max(lo, x - d);
    hi = std::min(hi, x + d);
  }
  return {lo, hi};
}

double clip_to_veto(const Rules& rules, const State& s, int issue, double proposal) noexcept {
  const auto [lo, hi] = veto_window(rules, s, issue);
  return std::clamp(proposal, lo, hi);
}

namespace {

// The streams of a turn's phases under the turn's stream, by key. Bargaining (4) and influence
// (5) draw nothing, so their streams are never derived.
enum class Phase : std::uint64_t { drift = 1, timeline = 2, choices = 3 };

// The stream of turn `turn` under the run's stream.
Rng turn_rng(const Rng& run, int turn) noexcept {
  return run.split(static_cast<std::uint64_t>(turn));
}

// One phase's stream, derived from the turn's the first time the phase draws. Splits are pure,
// so a phase that draws nothing in a turn (no noise, no row to draw for, temperature 0) skips the
// derivation and every number drawn stays the same.
class PhaseRng {
 public:
  PhaseRng(const Rng& turn, Phase phase) noexcept
      : turn_(turn), key_(static_cast<std::uint64_t>(phase)) {}
  // A phase's stream given as it is (the single phases' entry points).
  explicit PhaseRng(const Rng& stream) noexcept : turn_(stream), children_(stream) {}

  // The phase stream's child `key`.
  [[nodiscard]] Rng split(std::uint64_t key) { return children().split(key); }
  // The first uniform draw of the phase stream's child `key` (split(key).uniform()), for a
  // child drawn from once: cheaper than building the whole child.
  [[nodiscard]] double uniform(std::uint64_t key) { return children().first_uniform(key); }

 private:
  RngChildren& children() {
    if (!children_) children_.emplace(turn_.split(key_));
    return *children_;
  }

  Rng turn_;
  std::uint64_t key_ = 0;
  std::optional<RngChildren> children_;
};

void apply_drift_in_place(const Rules& rules, State& s, PhaseRng& rng) {
  for (int j = 0; j < rules.issues; ++j) {
    double q = s.status_quo[j] + s.drift[j];
    // Each issue draws from its own child stream, so adding an issue or switching noise off on
    // one issue leaves the others' draws unchanged (common random numbers across options).
    if (s.noise[j] > 0.0) q += s.noise[j] * rng.split(static_cast<std::uint64_t>(j)).normal();
    s.status_quo[j] = std::clamp(q, 0.0, 100.0);
  }
}

// What condition `c` reads in `s`, for a detail record.
ConditionInputs inputs_of(const Condition& c, const State& s) {
  ConditionInputs in;
  for (const Slot& slot : c.reads())
    if (std::none_of(in.begin(), in.end(), [&](const auto& e) { return e.first == slot; }))
      in.emplace_back(slot, get(s, slot));
  return in;
}

void fire_timeline_in_place(const Rules& rules, const Params& p, State& s, PhaseRng& rng,
                            TurnDetail* detail) {
  // Only the rows the option applies in this turn, listed once by build_tables: the others are
  // never looked at. (Past the scenario's turns the list is the option's; the test stays.)
  for (const std::int32_t listed : rules.tables->timeline_rows(p.option, s.turn)) {
    const auto r = static_cast<size_t>(listed);
    const RuleTimeline& row = rules.timeline[r];
    if (s.turn < row.first_turn || s.turn > row.last_turn) continue;
    const double prob = p.values[static_cast<size_t>(row.probability)];
    TimelineDetail* d = nullptr;
    if (detail != nullptr) {
      d = &detail->timeline.emplace_back();
      d->row = static_cast<std::int32_t>(r);
      d->probability = prob;
    }
    if (!holds(rules, rules.flat().when[r], s)) {
      if (d != nullptr) {
        d->outcome = RowOutcome::when_false;
        d->inputs = inputs_of(row.when, s);
      }
      continue;
    }
    const Condition& requirement = rules.move_rules[static_cast<size_t>(row.move)].requirement;
    if (!holds(rules, rules.flat().requirement[static_cast<size_t>(row.move)], s)) {
      if (d != nullptr) {
        d->outcome = RowOutcome::requirement_false;
        d->inputs = inputs_of(requirement, s);
      }
      continue;
    }
    if (prob < 1.0) {
      const double u = rng.uniform(r);
      if (d != nullptr) d->draw = u;
      if (u >= prob) {
        if (d != nullptr) d->outcome = RowOutcome::draw_missed;
        continue;
      }
    }
    apply_effects(rules, p, row.move, s);
    mark_made(s, row.move);
  }
  s.made_by_timeline = static_cast<std::int32_t>(s.made.size());
}

// std::exp(x), the same value, without the call when x is zero: exp(+-0) is exactly 1 (C Annex
// F), and the best-scoring choice (pass whenever no move scores above 0) weighs exp(0).
inline double exp_weight(double x) noexcept {
  return x == 0.0 ? 1.0 : std::exp(x);
}

// The AI's pick for actor i from the prepared snapshot: the index into w.candidates (filled here
// with i's available moves, w.scores with their scores), or -1 for pass. With a temperature the
// draw comes from rng.split(i), so every actor's draw is its own whoever else moves.
int ai_pick(const Rules& rules, const Params& p, const State& s, int i, PhaseRng& rng, Scratch& w,
            ScoreBreakdown* breakdown = nullptr) {
  const double temperature = model_value(s, ModelKey::temperature);
  available_moves(rules, p.option, rules.moves_of_actor[static_cast<size_t>(i)], s, w.candidates);
  if (w.candidates.empty()) {
    w.scores.clear();
    return -1;
  }
  score_prepared(rules, p, s, i, w.candidates, w.scores, w.scoring, breakdown);

  int pick = -1;  // -1 = pass, whose score is 0
  if (temperature <= 0.0) {
    double best = 0.0;
    for (size_t c = 0; c < w.scores.size(); ++c)
      if (w.scores[c] > best) {
        best = w.scores[c];
        pick = static_cast<int>(c);
      }
    return pick;
  }
  double top = 0.0;
  for (const double sc : w.scores) top = std::max(top, sc);
  // Weights relative to the best score, so exp cannot overflow; pass scores 0. Each is written
  // below, so the buffer is only sized, never cleared, and only grown: once warm it needs no call.
  if (w.weights.size() < w.scores.size()) w.weights.resize(w.scores.size());
  const double pass_weight = exp_weight((0.0 - top) / temperature);
  double total = pass_weight;
  for (size_t c = 0; c < w.scores.size(); ++c)
    total += w.weights[c] = exp_weight((w.scores[c] - top) / temperature);
  double u = rng.uniform(static_cast<std::uint64_t>(i)) * total;
  u -= pass_weight;
  for (size_t c = 0; c < w.scores.size() && u >= 0.0; ++c) {
    pick = static_cast<int>(c);
    u -= w.weights[c];
  }
  return pick;
}

// Records actor i's choice, just made by ai_pick (`pick`, with w and `scores` as it left them).
void record_choice(const State& s, int i, int pick, const Scratch& w, ScoreBreakdown& scores,
                   TurnDetail& detail) {
  ChoiceDetail& c = detail.choices.emplace_back();
  c.actor = i;
  c.temperature = model_value(s, ModelKey::temperature);
  c.lookahead = model_value(s, ModelKey::lookahead) >= 0.5;
  c.scores = std::move(scores);
  std::vector<double> probability;
  c.pass_probability = choice_probabilities(w.scores, c.temperature, pick, probability);
  c.scores.pass.probability = c.pass_probability;
  for (size_t k = 0; k < probability.size(); ++k) c.scores.moves[k].probability = probability[k];
  c.choice = pick >= 0 ? w.candidates[static_cast<size_t>(pick)] : -1;
}

void choose_moves_in_place(const Rules& rules, const Params& p, State& s, PhaseRng& rng,
                           const Seats* seats, TurnDetail* detail) {
  Scratch& w = scratch();
  prepare_scoring(rules, p, s, w.scoring);
  std::vector<std::int32_t>& chosen = w.chosen;
  chosen.clear();
  for (int i = 0; i < rules.actors; ++i) {
    if (seats != nullptr && seats->human[static_cast<size_t>(i)] != 0) {
      // A person's moves, if still theirs to make: the same snapshot the AI actors see.
      for (const std::int32_t m : seats->moves[static_cast<size_t>(i)])
        if (m >= 0 && m < rules.moves && rules.move_rules[static_cast<size_t>(m)].actor == i &&
            available(rules, p.option, m, s) &&
            std::find(chosen.begin(), chosen.end(), m) == chosen.end())
          chosen.push_back(m);
      if (detail != nullptr && !rules.moves_of_actor[static_cast<size_t>(i)].empty()) {
        // What the AI would have done in the seat, for the debrief: advise's pick (the same
        // snapshot and draw), recorded but not played. The draw is the actor's own child
        // stream, so taking it changes no other actor's.
        ScoreBreakdown scores;
        const int pick = ai_pick(rules, p, s, i, rng, w, &scores);
        record_choice(s, i, pick, w, scores, *detail);
        detail->choices.back().seated = true;
      }
      continue;
    }
    if (rules.control[static_cast<size_t>(i)] != Control::ai) continue;
    if (detail == nullptr) {
      const int pick = ai_pick(rules, p, s, i, rng, w);
      if (pick >= 0) chosen.push_back(w.candidates[static_cast<size_t>(pick)]);
      continue;
    }
    ScoreBreakdown scores;
    const int pick = ai_pick(rules, p, s, i, rng, w, &scores);
    if (pick >= 0) chosen.push_back(w.candidates[static_cast<size_t>(pick)]);
    record_choice(s, i, pick, w, scores, *detail);
  }
  // Everyone chose from the same snapshot; now the choices take effect, in actor order.
  for (const std::int32_t m : chosen) {
    apply_effects(rules, p, m, s);
    mark_made(s, m);
  }
}

void bargain_in_place(const Rules& rules, const Params& p, State& s, TurnDetail* detail) {
  const double rate = model_value(s, ModelKey::settle_rate);
  if (detail != nullptr) detail->settle_rate = rate;
  if (rate <= 0.0) return;
  const BargainingModel model = rules.options[static_cast<size_t>(p.option)].bargaining_at(s.turn);
  const VectorMap& cap = s.capability;
  for (int j = 0; j < rules.issues; ++j) {
    if (!rules.negotiable[static_cast<size_t>(j)]) continue;
    // Nobody cares (every salience 0): nobody bargains, so the issue stays where it is, whatever
    // the model (the rule of hold_uncared_dims; compromise_1d alone would move it to the plain
    // mean of the positions).
    const double* salience = s.salience.col(j).data();
    if (std::none_of(salience, salience + rules.actors, [](double v) { return v > 0.0; })) continue;
    double outcome = s.status_quo[j];
    if (model == BargainingModel::compromise) {
      outcome = compromise_1d(s.position.col(j).data(), salience, cap.data(), s.power.col(j).data(),
                              rules.actors);
    } else if (model == BargainingModel::median) {
      // A per-thread buffer: the weights are needed every turn on every issue.
      thread_local Eigen::VectorXd w;
      w.resize(rules.actors);
      w.noalias() = cap.cwiseProduct(s.power.col(j));
      outcome = median_1d(s.position.col(j), s.salience.col(j), w);
    } else {
      // The iterative models see only the n actors that care about the issue.
      const int n = static_cast<int>(
          std::count_if(salience, salience + rules.actors, [](double v) { return v > 0.0; }));
      BargainingInput in;
      in.position.resize(n, 1);
      in.salience.resize(n, 1);
      in.capability.resize(n);
      in.power.resize(n, 1);
      for (int a = 0, r = 0; a < rules.actors; ++a) {
        if (s.salience(a, j) <= 0.0) continue;
        in.position(r, 0) = s.position(a, j);
        in.salience(r, 0) = s.salience(a, j);
        in.capability[r] = cap[a];
        in.power(r, 0) = s.power(a, j);
        ++r;
      }
      // The Nash solution's disagreement point is where the issue stands now.
      in.status_quo = Eigen::VectorXd::Constant(1, s.status_quo[j]);
      BargainingSettings settings;
      settings.rounds = std::max(1, static_cast<int>(model_value(s, ModelKey::rounds)));
      settings.eum_q = model_value(s, ModelKey::eum_q);
      outcome = parley::bargain(model, in, settings).outcome[0];
    }
    if (!std::isfinite(outcome)) {
      // Weights that overflow (a capability of 1e308, say) give no outcome. Skipping the issue
      // would hide that; a non-finite status quo makes the run fail with the issue's metric
      // named, as every other non-finite value does (docs/MODEL.md).
      s.status_quo[j] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    const double proposal = s.status_quo[j] + rate * (outcome - s.status_quo[j]);
    const double settled = std::clamp(clip_to_veto(rules, s, j, proposal), 0.0, 100.0);
    if (detail != nullptr) {
      BargainDetail& b = detail->bargaining.emplace_back();
      b.issue = j;
      b.status_quo = s.status_quo[j];
      b.outcome = outcome;
      b.proposal = proposal;
      std::tie(b.veto_low, b.veto_high) = veto_window(rules, s, j);
      b.new_status_quo = settled;
    }
    s.status_quo[j] = settled;
  }
}

// The first half of the turn after s.turn, on `s` in place (see begin_turn): `turn` is the
// stream of that turn, turn_rng(run, s.turn + 1).
void open_turn(const Rules& rules, const Params& p, State& s, const Rng& turn, TurnDetail* detail) {
  s.turn += 1;
  s.made.clear();
  s.made_by_timeline = 0;
  apply_option_start(rules, p, s);  // an option that starts this turn, before its drift
  if (detail != nullptr) {
    *detail = TurnDetail{};
    detail->turn = s.turn;
  }
  PhaseRng drift_rng(turn, Phase::drift);
  apply_drift_in_place(rules, s, drift_rng);
  PhaseRng timeline_rng(turn, Phase::timeline);
  fire_timeline_in_place(rules, p, s, timeline_rng, detail);
}

// The second half of turn s.turn, on `s` in place (see finish_turn): `turn` is its stream.
void close_turn(const Rules& rules, const Params& p, State& s, const Rng& turn, const Seats* seats,
                TurnDetail* detail) {
  if (detail != nullptr) detail->turn = s.turn;
  PhaseRng choice_rng(turn, Phase::choices);
  choose_moves_in_place(rules, p, s, choice_rng, seats, detail);
  bargain_in_place(rules, p, s, detail);
  update_positions_in_place(s, model_value(s, ModelKey::influence_rate), scratch().influence);
}

}  // namespace

State apply_drift(const Rules& rules, const Params& /*p*/, State s, Rng& rng) {
  PhaseRng stream(rng);
  apply_drift_in_place(rules, s, stream);
  return s;
}

State fire_timeline(const Rules& rules, const Params& p, State s, Rng& rng) {
  PhaseRng stream(rng);
  fire_timeline_in_place(rules, p, s, stream, nullptr);
  return s;
}

State choose_moves(const Rules& rules, const Params& p, State s, Rng& rng) {
  PhaseRng stream(rng);
  choose_moves_in_place(rules, p, s, stream, nullptr, nullptr);
  return s;
}

State bargain(const Rules& rules, const Params& p, State s, Rng& /*rng*/) {
  bargain_in_place(rules, p, s, nullptr);
  return s;
}

State update_positions(const Rules& /*rules*/, const Params& /*p*/, State s, Rng& /*rng*/) {
  update_positions_in_place(s, model_value(s, ModelKey::influence_rate), scratch().influence);
  return s;
}

State begin_turn(const Rules& rules, const Params& p, State s, const Rng& rng, TurnDetail* detail) {
  open_turn(rules, p, s, turn_rng(rng, s.turn + 1), detail);
  return s;
}

State finish_turn(const Rules& rules, const Params& p, State s, const Rng& rng, const Seats* seats,
                  TurnDetail* detail) {
  close_turn(rules, p, s, turn_rng(rng, s.turn), seats, detail);
  return s;
}

void step_in_place(const Rules& rules, const Params& p, State& s, const Rng& rng) {
  // The two halves as a batch runs them; a classroom runs them apart, people choosing between.
  const Rng turn = turn_rng(rng, s.turn + 1);
  open_turn(rules, p, s, turn, nullptr);
  close_turn(rules, p, s, turn, nullptr, nullptr);
}

State step(const Rules& rules, const Params& p, State s, Rng& rng) {
  step_in_place(rules, p, s, rng);
  return s;
}

void make_as_timeline(const Rules& rules, const Params& p, std::int32_t m, State& s) {
  apply_effects(rules, p, m, s);
  mark_made(s, m);
  s.made_by_timeline = static_cast<std::int32_t>(s.made.size());
}

AiAdvice advise(const Rules& rules, const Params& p, const State& s, const Rng& rng, int actor) {
  Scratch& w = scratch();
  prepare_scoring(rules, p, s, w.scoring);
  PhaseRng choice_rng(turn_rng(rng, s.turn), Phase::choices);
  const int pick = ai_pick(rules, p, s, actor, choice_rng, w);
  AiAdvice a;
  a.moves = w.candidates;
  a.scores = w.scores;
  a.choice = pick >= 0 ? w.candidates[static_cast<size_t>(pick)] : -1;
  // The chance of each choice: softmax over the scores and pass (score 0), or all on the best
  // reply at temperature 0.
  a.pass_probability =
      choice_probabilities(a.scores, model_value(s, ModelKey::temperature), pick, a.probability);
  return a;
}

}  // namespace parley

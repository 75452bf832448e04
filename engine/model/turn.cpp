#include "engine/model/turn.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/model/bargaining.hpp"
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

// Scratch buffers for move scoring, one set per thread, so scoring allocates nothing once warm.
// They hold no information between calls, so results cannot depend on which thread runs a run.
struct Scratch {
  Overlay base;   // the move being scored (or nothing, for "pass")
  Overlay reply;  // base + one candidate reply
  Overlay full;   // base + every other actor's best reply
  Overlay rule;   // full + one triggered timeline rule
  std::vector<std::int32_t> candidates;
  std::vector<double> scores;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Best reply of actor k at the next turn, judged through `base`; -1 for "pass".
std::int32_t best_reply(const Rules& rules, const Params& p, const State& s, const Overlay& base,
                        int k, Overlay& tmp) {
  const double u0 = utility(s, base, k);
  double best = 0.0;
  std::int32_t best_move = -1;
  for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(k)]) {
    if (!available(rules, p.option, m, s, base)) continue;
    tmp = base;
    apply_effects(rules, p, m, s, tmp);
    const double gain = utility(s, tmp, k) - u0 - get(s, base, Slot{SlotKind::cost, m, 0});
    if (gain > best) {
      best = gain;
      best_move = m;
    }
  }
  return best_move;
}

// Value to actor i of making `move` (-1 = pass) now, counting the replies it triggers: the other
// AI actors' best replies and the timeline rules of the next turn its move makes true.
double lookahead_value(const Rules& rules, const Params& p, const State& s, int i,
                       std::int32_t move, Scratch& w) {
  w.base.clear();
  w.base.next_turn = true;
  if (move >= 0) apply_effects(rules, p, move, s, w.base);

  w.full = w.base;
  for (int k = 0; k < rules.actors; ++k) {
    if (k == i || rules.control[static_cast<size_t>(k)] != Control::ai) continue;
    const std::int32_t r = best_reply(rules, p, s, w.base, k, w.reply);
    if (r >= 0) apply_effects(rules, p, r, s, w.full);
  }

  const double u_full = utility(s, w.full, i);
  double value = u_full;
  const int next = s.turn + 1;
  const OptionRules& opt = rules.options[static_cast<size_t>(p.option)];
  Overlay& none = w.reply;  // reused: the next turn with no move made
  none.clear();
  none.next_turn = true;
  for (size_t r = 0; r < rules.timeline.size(); ++r) {
    const RuleTimeline& row = rules.timeline[r];
    if (!opt.timeline_active[r] || next < row.first_turn || next > row.last_turn) continue;
    if (!holds(row.when, s, w.full) || holds(row.when, s, none)) continue;
    if (!holds(rules.move_rules[static_cast<size_t>(row.move)].requirement, s, w.full)) continue;
    w.rule = w.full;
    apply_effects(rules, p, row.move, s, w.rule);
    value += p.values[static_cast<size_t>(row.probability)] * (utility(s, w.rule, i) - u_full);
  }
  return value;
}

}  // namespace

void score_moves(const Rules& rules, const Params& p, const State& s, int actor,
                 const std::vector<std::int32_t>& candidates, std::vector<double>& scores) {
  Scratch& w = scratch();
  scores.resize(candidates.size());
  if (model_value(s, ModelKey::lookahead) >= 0.5) {
    const double v_pass = lookahead_value(rules, p, s, actor, -1, w);
    for (size_t c = 0; c < candidates.size(); ++c)
      scores[c] = lookahead_value(rules, p, s, actor, candidates[c], w) - v_pass -
                  s.cost[candidates[c]];
    return;
  }
  const double u0 = utility(s, actor);
  for (size_t c = 0; c < candidates.size(); ++c) {
    w.base.clear();
    apply_effects(rules, p, candidates[c], s, w.base);
    scores[c] = utility(s, w.base, actor) - u0 - s.cost[candidates[c]];
  }
}

State apply_drift(const Rules& rules, const Params& /*p*/, State s, Rng& rng) {
  for (int j = 0; j < rules.issues; ++j) {
    double q = s.status_quo[j] + s.drift[j];
    // Each issue draws from its own child stream, so adding an issue or switching noise off on
    // one issue leaves the others' draws unchanged (common random numbers across options).
    if (s.noise[j] > 0.0) q += s.noise[j] * rng.split(static_cast<std::uint64_t>(j)).normal();
    s.status_quo[j] = std::clamp(q, 0.0, 100.0);
  }
  return s;
}

State fire_timeline(const Rules& rules, const Params& p, State s, Rng& rng) {
  const OptionRules& opt = rules.options[static_cast<size_t>(p.option)];
  for (size_t r = 0; r < rules.timeline.size(); ++r) {
    const RuleTimeline& row = rules.timeline[r];
    if (!opt.timeline_active[r] || s.turn < row.first_turn || s.turn > row.last_turn) continue;
    if (!holds(row.when, s)) continue;
    if (!holds(rules.move_rules[static_cast<size_t>(row.move)].requirement, s)) continue;
    const double prob = p.values[static_cast<size_t>(row.probability)];
    if (prob < 1.0 && rng.split(r).uniform() >= prob) continue;
    apply_effects(rules, p, row.move, s);
    mark_made(s, row.move);
  }
  return s;
}

State choose_moves(const Rules& rules, const Params& p, State s, Rng& rng) {
  Scratch& w = scratch();
  const double temperature = model_value(s, ModelKey::temperature);
  std::vector<std::int32_t> chosen;
  for (int i = 0; i < rules.actors; ++i) {
    if (rules.control[static_cast<size_t>(i)] != Control::ai) continue;
    w.candidates.clear();
    for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(i)])
      if (available(rules, p.option, m, s)) w.candidates.push_back(m);
    if (w.candidates.empty()) continue;
    score_moves(rules, p, s, i, w.candidates, w.scores);

    int pick = -1;  // -1 = pass, whose score is 0
    if (temperature <= 0.0) {
      double best = 0.0;
      for (size_t c = 0; c < w.scores.size(); ++c)
        if (w.scores[c] > best) {
          best = w.scores[c];
          pick = static_cast<int>(c);
        }
    } else {
      double top = 0.0;
      for (const double sc : w.scores) top = std::max(top, sc);
      double total = std::exp((0.0 - top) / temperature);
      for (const double sc : w.scores) total += std::exp((sc - top) / temperature);
      double u = rng.split(static_cast<std::uint64_t>(i)).uniform() * total;
      u -= std::exp((0.0 - top) / temperature);
      for (size_t c = 0; c < w.scores.size() && u >= 0.0; ++c) {
        pick = static_cast<int>(c);
        u -= std::exp((w.scores[c] - top) / temperature);
      }
    }
    if (pick >= 0) chosen.push_back(w.candidates[static_cast<size_t>(pick)]);
  }
  // Everyone chose from the same snapshot; now the choices take effect, in actor order.
  for (const std::int32_t m : chosen) {
    apply_effects(rules, p, m, s);
    mark_made(s, m);
  }
  return s;
}

double clip_to_veto(const Rules& rules, const State& s, int issue, double proposal) noexcept {
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
  return std::clamp(proposal, lo, hi);
}

State bargain(const Rules& rules, const Params& p, State s, Rng& /*rng*/) {
  const double rate = model_value(s, ModelKey::settle_rate);
  if (rate <= 0.0) return s;
  const BargainingModel model = rules.options[static_cast<size_t>(p.option)].bargaining;
  const Eigen::VectorXd& cap = s.capability;
  for (int j = 0; j < rules.issues; ++j) {
    if (!rules.negotiable[static_cast<size_t>(j)]) continue;
    double outcome = s.status_quo[j];
    if (model == BargainingModel::compromise || model == BargainingModel::median) {
      const Eigen::VectorXd w = cap.cwiseProduct(s.power.col(j));
      outcome = model == BargainingModel::compromise
                    ? compromise_1d(s.position.col(j), s.salience.col(j), w)
                    : median_1d(s.position.col(j), s.salience.col(j), w);
    } else {
      // The iterative models see only the actors that care about the issue.
      int n = 0;
      for (int a = 0; a < rules.actors; ++a) n += s.salience(a, j) > 0.0 ? 1 : 0;
      if (n == 0) continue;
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
      BargainingSettings settings;
      settings.rounds = std::max(1, static_cast<int>(model_value(s, ModelKey::rounds)));
      settings.eum_q = model_value(s, ModelKey::eum_q);
      outcome = parley::bargain(model, in, settings).outcome[0];
    }
    if (!std::isfinite(outcome)) continue;
    const double proposal = s.status_quo[j] + rate * (outcome - s.status_quo[j]);
    s.status_quo[j] = std::clamp(clip_to_veto(rules, s, j, proposal), 0.0, 100.0);
  }
  return s;
}

State update_positions(const Rules& rules, const Params& /*p*/, State s, Rng& /*rng*/) {
  const double rate = model_value(s, ModelKey::influence_rate);
  if (rate <= 0.0 || rules.actors < 2) return s;
  Eigen::MatrixXd liking = s.affinity.cwiseMax(0.0);
  liking.diagonal().setZero();
  // Weight of actor k's voice on issue j: capability x issue power x salience.
  const Eigen::MatrixXd voice =
      (s.capability.asDiagonal() * s.power).cwiseProduct(s.salience);
  const Eigen::MatrixXd pull = liking * voice.cwiseProduct(s.position);
  const Eigen::MatrixXd heard = liking * voice;
  const Eigen::RowVectorXd total = voice.colwise().sum();
  for (int j = 0; j < rules.issues; ++j) {
    for (int i = 0; i < rules.actors; ++i) {
      // Normalising by everyone else's voice (not only friends') keeps weak liking a weak pull.
      const double others = total[j] - voice(i, j);
      if (others <= 0.0) continue;
      const double shift = rate * (pull(i, j) - s.position(i, j) * heard(i, j)) / others;
      s.position(i, j) = std::clamp(s.position(i, j) + shift, 0.0, 100.0);
    }
  }
  return s;
}

State step(const Rules& rules, const Params& p, State s, Rng& rng) {
  s.turn += 1;
  s.made.clear();
  Rng turn_rng = rng.split(static_cast<std::uint64_t>(s.turn));
  Rng drift_rng = turn_rng.split(1), timeline_rng = turn_rng.split(2),
      choice_rng = turn_rng.split(3), bargain_rng = turn_rng.split(4),
      influence_rng = turn_rng.split(5);
  s = apply_drift(rules, p, std::move(s), drift_rng);
  s = fire_timeline(rules, p, std::move(s), timeline_rng);
  s = choose_moves(rules, p, std::move(s), choice_rng);
  s = bargain(rules, p, std::move(s), bargain_rng);
  s = update_positions(rules, p, std::move(s), influence_rng);
  return s;
}

}  // namespace parley

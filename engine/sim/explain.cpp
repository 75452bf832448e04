#include "engine/sim/explain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "engine/core/rng.hpp"
#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"

namespace parley {

namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v == 0.0 ? 0.0 : v);
  return buf;
}

std::string_view cmp_text(CmpOp op) noexcept {
  switch (op) {
    case CmpOp::lt:
      return "<";
    case CmpOp::le:
      return "<=";
    case CmpOp::gt:
      return ">";
    case CmpOp::ge:
      return ">=";
    case CmpOp::eq:
      return "==";
    case CmpOp::ne:
      return "!=";
  }
  return "?";
}

// A condition's reverse-Polish program as a tree, so that its parts can be printed and judged
// one by one.
struct CondTree {
  struct Node {
    const CondNode* node = nullptr;
    std::vector<int> kids;
  };
  std::vector<Node> nodes;
  int root = -1;

  explicit CondTree(const Condition& c) {
    std::vector<int> stack;
    for (const CondNode& n : c.rpn) {
      Node t;
      t.node = &n;
      const int arity = n.kind == CondNode::Kind::constant || n.kind == CondNode::Kind::load ? 0
                        : n.kind == CondNode::Kind::op_not                                   ? 1
                                                                                             : 2;
      t.kids.resize(static_cast<size_t>(arity));
      for (int k = arity - 1; k >= 0; --k) {
        t.kids[static_cast<size_t>(k)] = stack.back();
        stack.pop_back();
      }
      nodes.push_back(std::move(t));
      stack.push_back(static_cast<int>(nodes.size()) - 1);
    }
    root = stack.empty() ? -1 : stack.back();
  }

  // Binding strength, for parentheses: or < and < not < comparison < operand.
  [[nodiscard]] int rank(int i) const {
    switch (nodes[static_cast<size_t>(i)].node->kind) {
      case CondNode::Kind::op_or:
        return 1;
      case CondNode::Kind::op_and:
        return 2;
      case CondNode::Kind::op_not:
        return 3;
      case CondNode::Kind::compare:
        return 4;
      case CondNode::Kind::constant:
      case CondNode::Kind::load:
        break;
    }
    return 5;
  }

  [[nodiscard]] std::string text(int i, const IdTables& ids) const {
    const Node& t = nodes[static_cast<size_t>(i)];
    const auto kid = [&](size_t k, int min_rank) {
      const int c = t.kids[k];
      std::string s = text(c, ids);
      return rank(c) < min_rank ? "(" + s + ")" : s;
    };
    switch (t.node->kind) {
      case CondNode::Kind::constant:
        return number_text(t.node->value);
      case CondNode::Kind::load:
        return path_text(t.node->slot, ids);
      case CondNode::Kind::compare:
        return kid(0, 5) + " " + std::string(cmp_text(t.node->cmp)) + " " + kid(1, 5);
      case CondNode::Kind::op_and:
        return kid(0, 2) + " and " + kid(1, 2);
      case CondNode::Kind::op_or:
        return kid(0, 1) + " or " + kid(1, 1);
      case CondNode::Kind::op_not:
        return "not " + kid(0, 5);
    }
    return {};
  }

  [[nodiscard]] double eval(int i, const std::function<double(const Slot&)>& value) const {
    const Node& t = nodes[static_cast<size_t>(i)];
    const auto kid = [&](size_t k) { return eval(t.kids[k], value); };
    switch (t.node->kind) {
      case CondNode::Kind::constant:
        return t.node->value;
      case CondNode::Kind::load:
        return value(t.node->slot);
      case CondNode::Kind::compare:
        return compare_values(t.node->cmp, kid(0), kid(1)) ? 1.0 : 0.0;
      case CondNode::Kind::op_and:
        return kid(0) != 0.0 && kid(1) != 0.0 ? 1.0 : 0.0;
      case CondNode::Kind::op_or:
        return kid(0) != 0.0 || kid(1) != 0.0 ? 1.0 : 0.0;
      case CondNode::Kind::op_not:
        return kid(0) == 0.0 ? 1.0 : 0.0;
    }
    return 0.0;
  }

  void loads(int i, std::vector<Slot>& out) const {
    const Node& t = nodes[static_cast<size_t>(i)];
    if (t.node->kind == CondNode::Kind::load &&
        std::find(out.begin(), out.end(), t.node->slot) == out.end())
      out.push_back(t.node->slot);
    for (const int k : t.kids) loads(k, out);
  }

  // The false parts of node i (false itself): an `and` is split into its false operands.
  void why(int i, const IdTables& ids, const std::function<double(const Slot&)>& value,
           std::vector<std::string>& out) const {
    const Node& t = nodes[static_cast<size_t>(i)];
    if (t.node->kind == CondNode::Kind::op_and) {
      for (const int k : t.kids)
        if (eval(k, value) == 0.0) why(k, ids, value, out);
      return;
    }
    // An `or` among the parts joined by "and" keeps its parentheses.
    std::string part = rank(i) < 2 ? "(" + text(i, ids) + ")" : text(i, ids);
    std::vector<Slot> read;
    loads(i, read);
    if (!read.empty()) {
      part += " (";
      for (size_t k = 0; k < read.size(); ++k)
        part.append(k ? ", " : "")
            .append(path_text(read[k], ids))
            .append(" = ")
            .append(number_text(value(read[k])));
      part += ")";
    }
    out.push_back(std::move(part));
  }
};

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string s;
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) s += sep;
    s += parts[k];
  }
  return s;
}

std::vector<ExplainedReply> replies_of(const Scenario& sc, const MoveDetail& d) {
  std::vector<ExplainedReply> out;
  for (const auto& [actor, move] : d.replies)
    out.push_back({sc.actors[static_cast<size_t>(actor)].id,
                   move >= 0 ? sc.moves[static_cast<size_t>(move)].id : std::string()});
  return out;
}

std::vector<ExplainedRow> rows_of(const Scenario& sc, const MoveDetail& d) {
  std::vector<ExplainedRow> out;
  for (const MoveDetail::Row& r : d.rows) {
    const TimelineRow& row = sc.timeline[static_cast<size_t>(r.row)];
    out.push_back({r.row, row.source.line, sc.moves[static_cast<size_t>(row.move)].id,
                   r.probability, r.gain});
  }
  return out;
}

std::string_view outcome_name(RowOutcome o) noexcept {
  switch (o) {
    case RowOutcome::fired:
      return "fired";
    case RowOutcome::when_false:
      return "when";
    case RowOutcome::requirement_false:
      return "requires";
    case RowOutcome::draw_missed:
      return "draw";
  }
  return "";
}

ExplainedTimelineRow explain_row(const Scenario& sc, const Rules& rules, const IdTables& ids,
                                 const TimelineDetail& d) {
  ExplainedTimelineRow r;
  const TimelineRow& row = sc.timeline[static_cast<size_t>(d.row)];
  r.row = d.row;
  r.line = row.source.line;
  r.move = sc.moves[static_cast<size_t>(row.move)].id;
  r.actor = sc.actors[static_cast<size_t>(sc.moves[static_cast<size_t>(row.move)].actor)].id;
  r.fired = d.outcome == RowOutcome::fired;
  r.outcome = outcome_name(d.outcome);
  r.probability = d.probability;
  r.draw = d.draw;
  // The values the condition read when the turn tested it (earlier rows may have changed them).
  const auto value = [&d](const Slot& slot) {
    for (const auto& [s, v] : d.inputs)
      if (s == slot) return v;
    return 0.0;
  };
  switch (d.outcome) {
    case RowOutcome::fired:
      break;
    case RowOutcome::when_false:
      r.why = "when " + why_false(rules.timeline[static_cast<size_t>(d.row)].when, ids, value);
      break;
    case RowOutcome::requirement_false:
      r.why = "requires " +
              why_false(rules.move_rules[static_cast<size_t>(row.move)].requirement, ids, value);
      break;
    case RowOutcome::draw_missed:
      r.why = "draw " + number_text(d.draw) + " >= probability " + number_text(d.probability);
      break;
  }
  return r;
}

ExplainedChoice explain_choice(const Scenario& sc, const Rules& rules, const IdTables& ids,
                               int option, const ChoiceDetail& c, const State& snapshot) {
  ExplainedChoice e;
  e.actor = sc.actors[static_cast<size_t>(c.actor)].id;
  e.actor_index = c.actor;
  e.seated = c.seated;
  e.temperature = c.temperature;
  e.lookahead = c.lookahead;
  e.pass_probability = c.pass_probability;
  if (!c.scores.moves.empty()) {
    e.pass_utility = c.scores.pass.utility;
    e.pass_value = c.scores.pass.value;
    e.pass_replies = replies_of(sc, c.scores.pass);
    e.pass_rows = rows_of(sc, c.scores.pass);
  }
  for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(c.actor)]) {
    ExplainedMove em;
    em.move = sc.moves[static_cast<size_t>(m)].id;
    const auto it = std::find_if(c.scores.moves.begin(), c.scores.moves.end(),
                                 [m](const MoveDetail& d) { return d.move == m; });
    if (it == c.scores.moves.end()) {
      em.blocked = why_unavailable(sc, rules, ids, option, m, snapshot);
    } else {
      em.available = true;
      em.utility = it->utility;
      em.value = it->value;
      em.cost = it->cost;
      em.score = it->score;
      em.probability = it->probability;
      em.replies = replies_of(sc, *it);
      em.rows = rows_of(sc, *it);
      em.chosen = m == c.choice;
    }
    e.moves.push_back(std::move(em));
  }
  if (c.choice >= 0) e.choice = sc.moves[static_cast<size_t>(c.choice)].id;
  return e;
}

}  // namespace

std::string condition_text(const Condition& c, const IdTables& ids) {
  const CondTree tree(c);
  return tree.root < 0 ? std::string() : tree.text(tree.root, ids);
}

std::string why_false(const Condition& c, const IdTables& ids,
                      const std::function<double(const Slot&)>& value) {
  const CondTree tree(c);
  if (tree.root < 0 || tree.eval(tree.root, value) != 0.0) return {};
  std::vector<std::string> parts;
  tree.why(tree.root, ids, value, parts);
  return join(parts, " and ");
}

std::string why_unavailable(const Scenario& sc, const Rules& rules, int option, std::int32_t m,
                            const State& s) {
  return why_unavailable(sc, rules, sc.ids(), option, m, s);
}

std::string why_unavailable(const Scenario& sc, const Rules& rules, const IdTables& ids, int option,
                            std::int32_t m, const State& s) {
  std::vector<std::string> reasons;
  const auto mi = static_cast<size_t>(m);
  if (rules.options[static_cast<size_t>(option)].forbids(m, s.turn))
    reasons.push_back("forbidden by option '" + sc.options[static_cast<size_t>(option)].name + "'");
  const int cooldown = rules.move_rules[mi].cooldown;
  if (s.turn - s.last_turn[m] <= cooldown)
    reasons.push_back("cooldown " + std::to_string(cooldown) + " after turn " +
                      std::to_string(s.last_turn[m]) + ": available again in turn " +
                      std::to_string(s.last_turn[m] + cooldown + 1));
  const std::string failed = why_false(rules.move_rules[mi].requirement, ids,
                                       [&s](const Slot& slot) { return get(s, slot); });
  if (!failed.empty()) reasons.push_back("requires " + failed);
  return join(reasons, "; ");
}

Explanation explain_run(const Scenario& sc, const Rules& rules, const ExplainRequest& req) {
  Explanation e;
  e.scenario = sc.name;
  e.option = sc.options[static_cast<size_t>(req.option)].name;
  e.option_index = req.option;
  e.bargaining = bargaining_name(rules.options[static_cast<size_t>(req.option)].bargaining);
  e.seed = req.seed;
  e.run = req.run;
  e.turns = rules.turns;
  const int last = req.last_turn > 0 ? req.last_turn : rules.turns;

  // As simulate() plays a run: its Params, its stream, its steps (step = finish_turn after
  // begin_turn); the detail records change nothing in the state.
  const Params p = sample_params(rules, req.option, req.seed, req.run);
  const Rng rng = Rng(req.seed, req.run).split(static_cast<std::uint64_t>(Stream::dynamics));
  State s = initial_state(rules, p);
  TurnDetail detail;
  for (int t = 1; t <= rules.turns; ++t) {
    const bool wanted = t >= req.first_turn && t <= last;
    TurnDetail* d = wanted ? &detail : nullptr;
    s = begin_turn(rules, p, std::move(s), rng, d);
    State snapshot;  // the state the actors choose from, for the reasons a move is unavailable
    if (wanted) snapshot = s;
    s = finish_turn(rules, p, std::move(s), rng, nullptr, d);
    for (size_t k = 0; k < s.made.size(); ++k)
      e.events.push_back(Event{t, s.made[k], static_cast<std::int32_t>(k) < s.made_by_timeline});
    if (wanted) e.turn.push_back(explain_turn(sc, rules, req.option, detail, snapshot, req.actors));
  }
  e.final_state = std::move(s);
  return e;
}

ExplainedTurn explain_turn(const Scenario& sc, const Rules& rules, int option,
                           const TurnDetail& detail, const State& snapshot,
                           const std::vector<int>& actors) {
  const IdTables ids = sc.ids();
  ExplainedTurn turn;
  turn.turn = detail.turn;
  for (const TimelineDetail& row : detail.timeline)
    turn.timeline.push_back(explain_row(sc, rules, ids, row));
  for (const ChoiceDetail& c : detail.choices)
    if (actors.empty() || std::find(actors.begin(), actors.end(), c.actor) != actors.end())
      turn.choices.push_back(explain_choice(sc, rules, ids, option, c, snapshot));
  turn.settle_rate = detail.settle_rate;
  for (const BargainDetail& b : detail.bargaining) {
    ExplainedBargain& eb = turn.bargaining.emplace_back();
    eb.issue = sc.issues[static_cast<size_t>(b.issue)].id;
    eb.status_quo = b.status_quo;
    eb.outcome = b.outcome;
    eb.proposal = b.proposal;
    eb.veto = std::isfinite(b.veto_low) && std::isfinite(b.veto_high);
    if (eb.veto) {
      eb.veto_low = b.veto_low;
      eb.veto_high = b.veto_high;
    }
    eb.new_status_quo = b.new_status_quo;
  }
  return turn;
}

std::vector<OptionGains> initial_gains(const Scenario& sc, const Rules& rules) {
  std::vector<OptionGains> out;
  const IdTables ids = sc.ids();
  for (int o = 0; o < static_cast<int>(rules.options.size()); ++o) {
    // Every number at its mean, as validate's warnings judge moves: a typical run, no seed.
    Params p;
    p.option = o;
    for (const Number& n : rules.numbers) p.values.push_back(n.mean());
    const State s = initial_state(rules, p);
    OptionGains& og = out.emplace_back();
    og.option = sc.options[static_cast<size_t>(o)].name;
    for (int a = 0; a < rules.actors; ++a) {
      const std::vector<std::int32_t>& moves = rules.moves_of_actor[static_cast<size_t>(a)];
      if (rules.control[static_cast<size_t>(a)] != Control::ai || moves.empty()) continue;
      std::vector<double> scores;
      ScoreBreakdown parts;
      score_moves(rules, p, s, a, moves, scores, &parts);
      ActorGains& ag = og.actors.emplace_back();
      ag.actor = sc.actors[static_cast<size_t>(a)].id;
      for (size_t k = 0; k < moves.size(); ++k) {
        MoveGain g;
        g.move = sc.moves[static_cast<size_t>(moves[k])].id;
        g.available = available(rules, o, moves[k], s);
        if (!g.available) g.blocked = why_unavailable(sc, rules, ids, o, moves[k], s);
        g.value = parts.moves[k].value;
        g.pass_value = parts.pass.value;
        g.cost = parts.moves[k].cost;
        g.gain = scores[k];
        ag.moves.push_back(std::move(g));
      }
      std::stable_sort(ag.moves.begin(), ag.moves.end(),
                       [](const MoveGain& x, const MoveGain& y) { return x.gain > y.gain; });
    }
  }
  return out;
}

}  // namespace parley

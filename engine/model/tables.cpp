#include "engine/model/tables.hpp"

#include <algorithm>

#include "engine/model/rules.hpp"

namespace parley {

namespace {

// Effect `e` compiled to its flat index, with its clamping range and the utility terms it moves.
FlatEffect compile_effect(const FlatLayout& l, const RuleEffect& e) {
  FlatEffect fe;
  fe.index = l.index(e.target);
  fe.op = e.op;
  fe.value = e.value;
  const Range r = e.target.kind == SlotKind::model
                      ? model_key_range(static_cast<ModelKey>(e.target.a))
                      : slot_range(e.target.kind);
  fe.lo = r.lo;
  fe.hi = r.hi;
  if (e.target.kind == SlotKind::issue) fe.column = e.target.a;
  if (e.target.kind == SlotKind::position || e.target.kind == SlotKind::salience)
    fe.column = e.target.b;
  if (e.target.kind == SlotKind::risk) fe.risk_actor = e.target.a;
  return fe;
}

// Every effect compiled, and those move scoring applies grouped by move: an effect is kept when
// something scoring reads (the utilities' inputs, the costs, every slot a condition tests) can
// see its target.
void compile_effects(const Rules& rules, FlatRules& f) {
  const FlatLayout& l = f.layout;
  std::vector<std::uint8_t> seen(static_cast<size_t>(l.size), 0);
  const auto read_block = [&seen](int first, int count) {
    std::fill_n(seen.begin() + first, count, std::uint8_t{1});
  };
  read_block(l.issue, l.issues);
  read_block(l.position, l.actors * l.issues);
  read_block(l.salience, l.actors * l.issues);
  read_block(l.risk, l.actors);
  read_block(l.cost, l.moves);
  for (const FlatClause& c : f.clauses) seen[static_cast<size_t>(c.index)] = 1;
  for (const FlatNode& n : f.nodes)
    if (n.kind == CondNode::Kind::load) seen[static_cast<size_t>(n.index)] = 1;
  f.effect_live.assign(rules.effects.size(), 0);
  for (const RuleEffect& e : rules.effects) f.every_effect.push_back(compile_effect(l, e));
  for (const RuleMove& mv : rules.move_rules) {
    f.effect_first.push_back(static_cast<std::int32_t>(f.effects.size()));
    for (std::int32_t k = mv.first_effect; k < mv.end_effect; ++k) {
      const FlatEffect& fe = f.every_effect[static_cast<size_t>(k)];
      // A write nothing reads cannot change a score; an operator such as += reads only its
      // own target, so a kept effect never needs a dropped one.
      if (!seen[static_cast<size_t>(fe.index)]) continue;
      f.effect_live[static_cast<size_t>(k)] = 1;
      f.effects.push_back(fe);
    }
  }
  f.effect_first.push_back(static_cast<std::int32_t>(f.effects.size()));
}

// The timeline rows each move may make true: those whose `when` reads something the move writes
// (a kept effect), its done.M or its last.M.
void compile_rows_touched(const Rules& rules, FlatRules& f) {
  const size_t rows = rules.timeline.size();
  f.row_words = static_cast<int>((rows + 63) / 64);
  const auto words = static_cast<size_t>(f.row_words);
  f.rows_touched.assign(static_cast<size_t>(rules.moves) * words, 0);
  for (size_t r = 0; r < rows; ++r) {
    const std::vector<Slot> reads = rules.timeline[r].when.reads();
    auto read = [&reads](const Slot& slot) {
      return std::find(reads.begin(), reads.end(), slot) != reads.end();
    };
    for (int m = 0; m < rules.moves; ++m) {
      const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
      bool hit = read(Slot{SlotKind::done, m, 0}) || read(Slot{SlotKind::last, m, 0});
      for (std::int32_t e = mv.first_effect; e < mv.end_effect && !hit; ++e)
        hit = f.effect_live[static_cast<size_t>(e)] &&
              read(rules.effects[static_cast<size_t>(e)].target);
      if (hit) f.rows_touched[static_cast<size_t>(m) * words + r / 64] |= 1ULL << (r % 64);
    }
  }
}

// Initial-state assignments (slot, number) compiled to effects `slot = number`, the writes to
// read-only slots left out.
std::vector<FlatEffect> compile_assignments(const FlatLayout& l,
                                            const std::vector<std::pair<Slot, NumberId>>& in) {
  std::vector<FlatEffect> out;
  for (const auto& [slot, id] : in) {
    const FlatEffect fe = compile_effect(l, RuleEffect{slot, EffectOp::assign, id});
    if (fe.index < l.writable()) out.push_back(fe);
  }
  return out;
}

FlatRules compile_flat(const Rules& rules) {
  FlatRules f;
  f.layout = FlatLayout::make(rules.actors, rules.issues, rules.moves);
  for (const RuleMove& mv : rules.move_rules) f.requirement.push_back(f.add(mv.requirement));
  for (const RuleTimeline& row : rules.timeline) f.when.push_back(f.add(row.when));
  compile_effects(rules, f);
  compile_rows_touched(rules, f);
  f.init = compile_assignments(f.layout, rules.init);
  for (const OptionRules& opt : rules.options)
    f.overrides.push_back(compile_assignments(f.layout, opt.overrides));
  return f;
}

bool touches(const std::vector<Slot>& reads, const Slot& slot) {
  return std::find(reads.begin(), reads.end(), slot) != reads.end();
}

// Everything actor k's best reply reads: its own utility row, and for each of its moves the
// slots it writes, the status quo under any position it writes, its cost and its condition.
std::vector<Slot> reply_reads(const Rules& rules, const std::vector<std::uint8_t>& live, int k) {
  std::vector<Slot> reads;
  bool whole_row = false;
  reads.push_back(Slot{SlotKind::risk, k, 0});
  for (int j = 0; j < rules.issues; ++j) {
    reads.push_back(Slot{SlotKind::position, k, j});
    reads.push_back(Slot{SlotKind::salience, k, j});
  }
  for (const std::int32_t m : rules.moves_of_actor[static_cast<size_t>(k)]) {
    const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
    reads.push_back(Slot{SlotKind::cost, m, 0});
    for (const Slot& r : mv.requirement.reads()) reads.push_back(r);
    for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e) {
      if (!live[static_cast<size_t>(e)]) continue;
      const Slot& t = rules.effects[static_cast<size_t>(e)].target;
      reads.push_back(t);
      if (t.kind == SlotKind::position) reads.push_back(Slot{SlotKind::issue, t.b, 0});
      if ((t.kind == SlotKind::salience || t.kind == SlotKind::risk) && t.a == k) whole_row = true;
    }
  }
  if (whole_row)
    for (int j = 0; j < rules.issues; ++j) reads.push_back(Slot{SlotKind::issue, j, 0});
  return reads;
}

void derive_reply_interference(const Rules& rules, RuleTables& t) {
  const std::vector<std::uint8_t>& live = t.flat.effect_live;
  const auto actors = static_cast<size_t>(rules.actors);
  t.reply_interference.assign(static_cast<size_t>(rules.moves) * actors, 0);
  for (int k = 0; k < rules.actors; ++k) {
    const std::vector<Slot> reads = reply_reads(rules, live, k);
    for (int m = 0; m < rules.moves; ++m) {
      const RuleMove& mv = rules.move_rules[static_cast<size_t>(m)];
      bool hit =
          touches(reads, Slot{SlotKind::done, m, 0}) || touches(reads, Slot{SlotKind::last, m, 0});
      for (std::int32_t e = mv.first_effect; e < mv.end_effect && !hit; ++e)
        hit = live[static_cast<size_t>(e)] &&
              touches(reads, rules.effects[static_cast<size_t>(e)].target);
      t.reply_interference[static_cast<size_t>(m) * actors + static_cast<size_t>(k)] = hit ? 1 : 0;
    }
  }
}

// What the gain of move n reads. The gain is a sum over the issues n touches (utility is
// separable by issue) unless n rewrites its actor's saliences or risk: then `everything`.
std::vector<Slot> gain_reads(const Rules& rules, const std::vector<std::uint8_t>& live, int n,
                             bool& everything) {
  const RuleMove& mv = rules.move_rules[static_cast<size_t>(n)];
  const int k = mv.actor;
  std::vector<Slot> reads;
  everything = false;
  reads.push_back(Slot{SlotKind::cost, n, 0});
  reads.push_back(Slot{SlotKind::risk, k, 0});
  for (std::int32_t e = mv.first_effect; e < mv.end_effect; ++e) {
    if (!live[static_cast<size_t>(e)]) continue;
    const Slot& t = rules.effects[static_cast<size_t>(e)].target;
    reads.push_back(t);
    if (t.kind == SlotKind::issue) {
      reads.push_back(Slot{SlotKind::position, k, t.a});
      reads.push_back(Slot{SlotKind::salience, k, t.a});
    } else if (t.kind == SlotKind::position && t.a == k) {
      reads.push_back(Slot{SlotKind::issue, t.b, 0});
      reads.push_back(Slot{SlotKind::salience, k, t.b});
    } else if ((t.kind == SlotKind::salience || t.kind == SlotKind::risk) && t.a == k) {
      everything = true;
    }
  }
  return reads;
}

void derive_gain_interference(const Rules& rules, RuleTables& t) {
  const std::vector<std::uint8_t>& live = t.flat.effect_live;
  const auto moves = static_cast<size_t>(rules.moves);
  t.gain_interference.assign(moves * moves, 0);
  for (int n = 0; n < rules.moves; ++n) {
    const int k = rules.move_rules[static_cast<size_t>(n)].actor;
    const std::vector<Slot> requirement =
        rules.move_rules[static_cast<size_t>(n)].requirement.reads();
    bool everything = false;
    const std::vector<Slot> reads = gain_reads(rules, live, n, everything);
    for (int m = 0; m < rules.moves; ++m) {
      const RuleMove& other = rules.move_rules[static_cast<size_t>(m)];
      bool value = everything;
      bool availability = touches(requirement, Slot{SlotKind::done, m, 0}) ||
                          touches(requirement, Slot{SlotKind::last, m, 0});
      for (std::int32_t e = other.first_effect; e < other.end_effect; ++e) {
        if (!live[static_cast<size_t>(e)]) continue;
        const Slot& target = rules.effects[static_cast<size_t>(e)].target;
        // Changing k's salience sum or risk changes every gain of k.
        value =
            value || touches(reads, target) ||
            ((target.kind == SlotKind::salience || target.kind == SlotKind::risk) && target.a == k);
        availability = availability || touches(requirement, target);
      }
      t.gain_interference[static_cast<size_t>(m) * moves + static_cast<size_t>(n)] =
          static_cast<std::uint8_t>((value ? RuleTables::kGainValue : 0) |
                                    (availability ? RuleTables::kGainAvailability : 0));
    }
  }
}

void derive_reply_hits(const Rules& rules, RuleTables& t) {
  const auto moves = static_cast<size_t>(rules.moves);
  for (int m = 0; m < rules.moves; ++m)
    for (int k = 0; k < rules.actors; ++k) {
      t.reply_hit_first.push_back(static_cast<std::int32_t>(t.reply_hits.size()));
      for (const std::int32_t n : rules.moves_of_actor[static_cast<size_t>(k)])
        if (t.gain_interference[static_cast<size_t>(m) * moves + static_cast<size_t>(n)] != 0)
          t.reply_hits.push_back(n);
    }
  t.reply_hit_first.push_back(static_cast<std::int32_t>(t.reply_hits.size()));
}

// The timeline rows of each option, and of each option and turn (see RuleTables::option_rows
// and turn_rows).
void derive_option_rows(const Rules& rules, RuleTables& t) {
  for (const OptionRules& opt : rules.options) {
    t.option_row_first.push_back(static_cast<std::int32_t>(t.option_rows.size()));
    for (size_t r = 0; r < rules.timeline.size(); ++r)
      if (opt.timeline_active[r] != 0) t.option_rows.push_back(static_cast<std::int32_t>(r));
  }
  t.option_row_first.push_back(static_cast<std::int32_t>(t.option_rows.size()));
  t.row_turns = std::max(rules.turns, 0);
  for (size_t o = 0; o < rules.options.size(); ++o)
    for (int turn = 1; turn <= t.row_turns; ++turn) {
      t.turn_row_first.push_back(static_cast<std::int32_t>(t.turn_rows.size()));
      for (std::int32_t k = t.option_row_first[o]; k < t.option_row_first[o + 1]; ++k) {
        const RuleTimeline& row = rules.timeline[static_cast<size_t>(t.option_rows[k])];
        if (turn >= row.first_turn && turn <= row.last_turn)
          t.turn_rows.push_back(t.option_rows[k]);
      }
    }
  t.turn_row_first.push_back(static_cast<std::int32_t>(t.turn_rows.size()));
}

}  // namespace

std::shared_ptr<const RuleTables> build_tables(const Rules& rules) {
  auto t = std::make_shared<RuleTables>();
  // The flat rules say which effects scoring applies; the others cannot interfere.
  t->flat = compile_flat(rules);
  derive_reply_interference(rules, *t);
  derive_gain_interference(rules, *t);
  derive_reply_hits(rules, *t);
  derive_option_rows(rules, *t);
  return t;
}

}  // namespace parley

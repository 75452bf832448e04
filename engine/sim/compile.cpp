#include "engine/sim/compile.hpp"

#include <algorithm>

#include "engine/core/rng.hpp"
#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"

namespace parley {

namespace {

class Compiler {
 public:
  explicit Compiler(const Scenario& sc) : sc_(sc), ids_(sc.ids()) {}

  Rules run() {
    shape();
    initial_values();
    for (int m = 0; m < r_.moves; ++m) compile_move(m);
    compile_timeline();
    for (int o = 0; o < static_cast<int>(sc_.options.size()); ++o) compile_option(o);
    r_.tables = build_tables(r_);
    return std::move(r_);
  }

 private:
  // The numbers are added in this order (model, actors, issues, stances, relations, moves,
  // timeline, options): NumberIds, and so every run's draws, depend on it.
  void shape() {
    r_.actors = static_cast<int>(sc_.actors.size());
    r_.issues = static_cast<int>(sc_.issues.size());
    r_.moves = static_cast<int>(sc_.moves.size());
    r_.turns = sc_.turns;
    r_.veto.assign(static_cast<size_t>(r_.actors * r_.issues), 0);
    r_.stance_listed.assign(static_cast<size_t>(r_.actors * r_.issues), 0);
    r_.moves_of_actor.resize(static_cast<size_t>(r_.actors));
  }

  void initial_values() {
    for (int k = 0; k < kModelKeys; ++k)
      init(Slot{SlotKind::model, k, 0}, sc_.model.values[static_cast<size_t>(k)]);
    for (int a = 0; a < r_.actors; ++a) {
      const Actor& actor = sc_.actors[static_cast<size_t>(a)];
      r_.control.push_back(actor.control);
      init(Slot{SlotKind::capability, a, 0}, actor.capability);
      init(Slot{SlotKind::risk, a, 0}, actor.risk);
    }
    for (int i = 0; i < r_.issues; ++i) {
      const Issue& issue = sc_.issues[static_cast<size_t>(i)];
      r_.negotiable.push_back(issue.negotiable ? 1 : 0);
      init(Slot{SlotKind::issue, i, 0}, issue.status_quo);
      init(Slot{SlotKind::drift, i, 0}, issue.drift);
      init(Slot{SlotKind::noise, i, 0}, issue.noise);
    }
    for (const Stance& st : sc_.stances) {
      const size_t cell = static_cast<size_t>(st.actor * r_.issues + st.issue);
      r_.stance_listed[cell] = 1;
      r_.veto[cell] = st.veto ? 1 : 0;
      init(Slot{SlotKind::position, st.actor, st.issue}, st.position);
      init(Slot{SlotKind::salience, st.actor, st.issue}, st.salience);
      init(Slot{SlotKind::power, st.actor, st.issue}, st.power);
    }
    for (const Relation& rel : sc_.relations) {
      init(Slot{SlotKind::affinity, rel.from, rel.to}, rel.affinity);
      init(Slot{SlotKind::recognition, rel.from, rel.to}, rel.recognition);
    }
  }

  void compile_move(int m) {
    const Move& mv = sc_.moves[static_cast<size_t>(m)];
    init(Slot{SlotKind::cost, m, 0}, mv.cost);
    RuleMove rm;
    rm.actor = mv.actor;
    rm.cooldown = mv.cooldown;
    rm.requirement = mv.requirement;
    rm.first_effect = static_cast<std::int32_t>(r_.effects.size());
    for (size_t e = 0; e < mv.effects.size(); ++e) {
      const EffectSpec& fx = mv.effects[e];
      r_.effects.push_back(RuleEffect{
          fx.target, fx.op, add(fx.value, "effect." + mv.id + "." + std::to_string(e + 1), -1)});
    }
    rm.end_effect = static_cast<std::int32_t>(r_.effects.size());
    r_.move_rules.push_back(std::move(rm));
    r_.moves_of_actor[static_cast<size_t>(mv.actor)].push_back(m);
  }

  void compile_timeline() {
    for (const TimelineRow& row : sc_.timeline) {
      RuleTimeline rt;
      rt.first_turn = row.first_turn;
      rt.last_turn = row.last_turn;
      rt.move = row.move;
      rt.when = row.when;
      rt.probability =
          add(row.probability, "timeline." + std::to_string(row.source.line) + ".probability", -1);
      r_.timeline.push_back(std::move(rt));
    }
  }

  void compile_option(int o) {
    const Option& opt = sc_.options[static_cast<size_t>(o)];
    OptionRules orl;
    orl.name = opt.name;
    orl.bargaining = opt.bargaining_set ? opt.bargaining : sc_.model.bargaining;
    orl.bargaining_before = sc_.model.bargaining;
    orl.from = opt.from;
    orl.forbidden.assign(static_cast<size_t>(r_.moves), 0);
    for (const int m : opt.forbid) orl.forbidden[static_cast<size_t>(m)] = 1;
    for (const TimelineRow& row : sc_.timeline) {
      const bool all = row.options.empty();
      const bool listed = std::find(row.options.begin(), row.options.end(), o) != row.options.end();
      orl.timeline_active.push_back(all || listed ? 1 : 0);
    }
    // Numbers in the order written, own values first, so that an option in force from the
    // start numbers (and draws) them as it always has.
    std::vector<std::pair<Slot, NumberId>> own, always;
    for (const Override& ov : opt.set)
      own.emplace_back(ov.target, add(ov.value, option_label(opt, ov), o));
    for (const Override& ov : opt.set_always)
      always.emplace_back(ov.target, add(ov.value, option_label(opt, ov), o));
    if (opt.from == 0) {
      orl.overrides = own;
      orl.overrides.insert(orl.overrides.end(), always.begin(), always.end());
    } else {
      // The values that always hold are in force from the start, and win again at `from`.
      orl.overrides = always;
      orl.later = own;
      orl.later.insert(orl.later.end(), always.begin(), always.end());
    }
    r_.options.push_back(std::move(orl));
  }

  NumberId add(const Number& n, std::string label, int owner) {
    r_.numbers.push_back(n);
    r_.number_labels.push_back(std::move(label));
    r_.number_option.push_back(owner);
    return static_cast<NumberId>(r_.numbers.size() - 1);
  }
  std::string option_label(const Option& opt, const Override& ov) const {
    return "option." + opt.name + "." + path_text(ov.target, ids_);
  }
  void init(const Slot& slot, const Number& n) {
    r_.init.emplace_back(slot, add(n, path_text(slot, ids_), -1));
  }

  const Scenario& sc_;
  IdTables ids_;
  Rules r_;
};

}  // namespace

Rules compile(const Scenario& scenario) {
  return Compiler(scenario).run();
}

void sample_params_into(const Rules& rules, int option, std::uint64_t seed, std::uint64_t run,
                        Params& out) {
  out.option = option;
  out.values.resize(rules.numbers.size());
  const Rng base = Rng(seed, run).split(static_cast<std::uint64_t>(Stream::params));
  for (size_t k = 0; k < rules.numbers.size(); ++k) {
    const Number& n = rules.numbers[k];
    if (!n.is_random()) {
      out.values[k] = n.a;
      continue;
    }
    Rng rng = base.split(k);
    out.values[k] = n.draw(rng);
  }
}

Params sample_params(const Rules& rules, int option, std::uint64_t seed, std::uint64_t run) {
  Params p;
  sample_params_into(rules, option, seed, run, p);
  return p;
}

namespace {

// An initial assignment `f` (an effect whose operator is =, see FlatRules::init): apply_flat
// without the operator's dispatch.
inline void assign(const FlatEffect& f, const Params& p, double* v) noexcept {
  v[f.index] = std::clamp(p.values[static_cast<size_t>(f.value)], f.lo, f.hi);
}

}  // namespace

State initial_state(const Rules& rules, const Params& p) {
  State s;
  initial_state_into(rules, p, s);
  return s;
}

void initial_state_into(const Rules& rules, const Params& p, State& s) {
  const FlatRules& flat = rules.flat();
  s.reset(flat.layout);
  // The scenario's values and the option's overrides, compiled once: each a clamped write.
  double* v = s.values.data();
  for (const FlatEffect& f : flat.init) assign(f, p, v);
  for (int a = 0; a < rules.actors; ++a)
    for (int i = 0; i < rules.issues; ++i)
      if (!rules.stance_listed[static_cast<size_t>(a * rules.issues + i)])
        s.position(a, i) = s.status_quo[i];
  for (const FlatEffect& f : flat.overrides[static_cast<size_t>(p.option)]) assign(f, p, v);
  // An option that starts later (Option::from) changes the state in begin_turn.
}

std::vector<NumberId> random_numbers(const Rules& rules) {
  std::vector<NumberId> out;
  for (size_t k = 0; k < rules.numbers.size(); ++k)
    if (rules.numbers[k].is_random()) out.push_back(static_cast<NumberId>(k));
  return out;
}

}  // namespace parley

// What each participant of a classroom session sees: the JSON views of Session.
#include <algorithm>
#include <cmath>

#include "engine/classroom/session.hpp"
#include "engine/io/csv_write.hpp"
#include "engine/io/explain_output.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/explain.hpp"

namespace parley::classroom {

using OJson = nlohmann::ordered_json;

namespace {

// Numbers as pages show them: a few decimals, no "-0".
double shown(double v, int decimals = 2) {
  const double f = std::pow(10.0, decimals);
  const double r = std::round(v * f) / f;
  return r == 0.0 ? 0.0 : r;
}

std::string importance(double salience) {
  if (salience >= 0.6) return "high";
  if (salience >= 0.3) return "medium";
  if (salience > 0.0) return "low";
  return "none";
}

// "2.7 USD bn" or "27 (0-100)".
std::string with_unit(const InfoIssue& is, double q) {
  char buf[64];
  if (is.unit.empty()) {
    std::snprintf(buf, sizeof buf, "%.0f on 0-100", q);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g %s", is.to_unit(q), is.unit.c_str());
  }
  return buf;
}

}  // namespace

OJson Session::status_view(const WorldSlot& w, std::int64_t now_ms) const {
  const World& world = *w.world;
  const std::vector<std::string> labels = turn_labels(info_);
  const int turn = world.resolved() + (world.open() ? 1 : 0);
  OJson s;
  s["world"] = w.id;
  s["name"] = w.name;
  s["option"] = scenario_.options[static_cast<size_t>(world.option())].name;
  s["option_description"] = scenario_.options[static_cast<size_t>(world.option())].description;
  // An option that starts later: the turn its changes and forbid list take effect.
  if (const int from = scenario_.options[static_cast<size_t>(world.option())].from; from > 0)
    s["option_from"] = from;
  s["turn"] = turn;
  s["turns"] = rules_->turns;
  s["turn_label"] = labels[static_cast<size_t>(std::min(turn, rules_->turns))];
  s["resolved"] = world.resolved();
  s["open"] = world.open();
  s["paused"] = w.paused;
  s["ended"] = w.ended;
  s["finished"] = world.finished();
  s["deadline_ms"] = w.deadline_ms;
  s["now_ms"] = now_ms;
  s["remaining_ms"] =
      w.paused ? w.remaining_ms
               : (w.deadline_ms > 0 ? std::max<std::int64_t>(0, w.deadline_ms - now_ms) : 0);
  s["grace_seconds"] = settings_.grace_seconds;
  s["advisor"] = w.advisor;
  s["max_moves"] = settings_.max_moves;
  s["missed"] = missed_turn_name(settings_.missed);
  s["version"] = w.version;
  // Which seats have a team, and which of them have submitted this turn.
  const std::vector<std::uint8_t> seats = seated(w.id);
  OJson teams = OJson::array();
  for (int a = 0; a < rules_->actors; ++a) {
    if (seats[static_cast<size_t>(a)] == 0) continue;
    teams.push_back(
        {{"actor", info_.actors[static_cast<size_t>(a)].id},
         {"name", info_.actors[static_cast<size_t>(a)].name},
         {"submitted", world.open() && world.current().submitted[static_cast<size_t>(a)] != 0}});
  }
  s["teams"] = teams;
  if (w.parent > 0) s["branched_from"] = {{"world", w.parent}, {"turn", w.branched_turn}};
  return s;
}

OJson Session::public_view(const WorldSlot& w) const {
  const SteppedRun& run = w.world->run();
  const State& st = run.state();
  OJson issues = OJson::array();
  for (int i = 0; i < rules_->issues; ++i) {
    const InfoIssue& is = info_.issues[static_cast<size_t>(i)];
    OJson history = OJson::array();
    // trajectory: the first catalog.per_turn entries are the issues, in order.
    for (Eigen::Index t = 0; t < run.trajectory().rows(); ++t)
      history.push_back(shown(run.trajectory()(t, i), 1));
    OJson e = {{"id", is.id},
               {"name", is.name},
               {"low", is.low},
               {"high", is.high},
               {"unit", is.unit},
               {"value", shown(st.status_quo[i], 1)},
               {"shown", with_unit(is, st.status_quo[i])},
               {"history", history}};
    if (!is.unit.empty()) {
      e["value_unit"] = shown(is.to_unit(st.status_quo[i]), 3);
      // The unit's ends, so that pages can draw the history (0-100) in the issue's unit.
      e["unit_low"] = is.unit_low;
      e["unit_high"] = is.unit_high;
    }
    issues.push_back(std::move(e));
  }
  OJson recognition = OJson::array();
  for (int a = 0; a < rules_->actors; ++a) {
    OJson by = OJson::array();
    for (int b = 0; b < rules_->actors; ++b)
      if (b != a && st.recognition(b, a) >= 0.5)
        by.push_back(info_.actors[static_cast<size_t>(b)].id);
    recognition.push_back({{"actor", info_.actors[static_cast<size_t>(a)].id},
                           {"name", info_.actors[static_cast<size_t>(a)].name},
                           {"recognized_by", by}});
  }
  OJson events = OJson::array();
  for (const SteppedEvent& e : run.events()) {
    const InfoMove& mv = info_.moves[static_cast<size_t>(e.move)];
    events.push_back({{"turn", e.turn},
                      {"actor", mv.actor},
                      {"move", mv.id},
                      {"headline", mv.headline.empty() ? mv.name : mv.headline},
                      {"by", move_source_name(e.source)}});
  }
  OJson notices = OJson::array();
  for (const Notice& n : w.notices)
    notices.push_back({{"turn", n.turn}, {"at_ms", n.at_ms}, {"text", n.text}});
  return {
      {"issues", issues}, {"recognition", recognition}, {"events", events}, {"notices", notices}};
}

OJson Session::brief(const WorldSlot& w, int actor) const {
  const SteppedRun& run = w.world->run();
  const State& st = run.state();
  OJson wants = OJson::array();
  for (int i = 0; i < rules_->issues; ++i) {
    const double sal = st.salience(actor, i);
    if (sal <= 0.0) continue;
    const InfoIssue& is = info_.issues[static_cast<size_t>(i)];
    const double x = st.position(actor, i), q = st.status_quo[i];
    wants.push_back({{"issue", is.id},
                     {"name", is.name},
                     {"position", shown(x, 1)},
                     {"position_shown", with_unit(is, x)},
                     {"status_quo", shown(q, 1)},
                     {"status_quo_shown", with_unit(is, q)},
                     {"salience", shown(sal, 2)},
                     {"importance", importance(sal)},
                     {"low", is.low},
                     {"high", is.high}});
  }
  std::stable_sort(wants.begin(), wants.end(), [](const OJson& a, const OJson& b) {
    return a["salience"].get<double>() > b["salience"].get<double>();
  });
  OJson relations = OJson::array();
  for (int b = 0; b < rules_->actors; ++b) {
    if (b == actor) continue;
    relations.push_back({{"actor", info_.actors[static_cast<size_t>(b)].id},
                         {"name", info_.actors[static_cast<size_t>(b)].name},
                         {"affinity", shown(st.affinity(actor, b), 2)},
                         {"you_recognize", st.recognition(actor, b) >= 0.5},
                         {"recognizes_you", st.recognition(b, actor) >= 0.5}});
  }
  OJson history = OJson::array();
  const auto& per_turn = catalog_->per_turn;
  for (size_t k = 0; k < per_turn.size(); ++k)
    if (per_turn[k].kind == MetricKind::utility && per_turn[k].index == actor)
      for (Eigen::Index t = 0; t < run.trajectory().rows(); ++t)
        history.push_back(shown(run.trajectory()(t, static_cast<Eigen::Index>(k)), 3));
  return {{"actor", info_.actors[static_cast<size_t>(actor)].id},
          {"name", info_.actors[static_cast<size_t>(actor)].name},
          {"utility", shown(run.utilities()[actor], 3)},
          {"utility_history", history},
          {"wants", wants},
          {"relations", relations},
          {"members", team_members(w.id, actor)}};
}

OJson Session::moves_view(const WorldSlot& w, int actor) const {
  const World& world = *w.world;
  const SteppedRun& run = world.run();
  const State& st = run.state();
  OJson out = OJson::array();
  std::optional<AiAdvice> advice;
  if (world.open() && w.advisor) advice = run.advice(actor);
  const OptionRules& option = rules_->options[static_cast<size_t>(world.option())];
  for (const std::int32_t m : rules_->moves_of_actor[static_cast<size_t>(actor)]) {
    const InfoMove& mv = info_.moves[static_cast<size_t>(m)];
    OJson e = {{"id", mv.id},
               {"name", mv.name},
               {"headline", mv.headline},
               {"cost", shown(st.cost[m], 4)}};
    const bool available = world.open() && run.available(m);
    e["available"] = available;
    if (!available && world.open()) {
      // Why not, in the order a player would check.
      const int cooldown = rules_->move_rules[static_cast<size_t>(m)].cooldown;
      if (option.forbids(m, st.turn)) {
        e["why"] = "not allowed under this option";
      } else if (st.turn - st.last_turn[m] <= cooldown) {
        e["why"] = "made recently: available again at turn " +
                   std::to_string(st.last_turn[m] + cooldown + 1);
      } else {
        e["why"] = "its conditions do not hold now";
      }
    }
    if (advice) {
      for (size_t c = 0; c < advice->moves.size(); ++c)
        if (advice->moves[c] == m) {
          e["score"] = shown(advice->scores[c], 4);
          e["probability"] = shown(advice->probability[c], 3);
        }
      e["ai_choice"] = advice->choice == m;
    }
    out.push_back(std::move(e));
  }
  return out;
}

OJson Session::debrief_metrics(const WorldSlot& w, const Reference* ref) const {
  const World& world = *w.world;
  const SteppedRun& run = world.run();
  const auto& per_turn = catalog_->per_turn;
  const std::size_t m = per_turn.size();
  const int resolved = world.resolved();
  OJson metrics = OJson::array();
  for (size_t k = 0; k < m; ++k) {
    const MetricInfo& mi = per_turn[k];
    if (mi.kind != MetricKind::issue && mi.kind != MetricKind::utility) continue;
    const bool issue = mi.kind == MetricKind::issue;
    const InfoIssue* is = issue ? &info_.issues[static_cast<size_t>(mi.index)] : nullptr;
    const auto unit = [is](double v) { return is != nullptr ? is->to_unit(v) : v; };
    OJson e;
    e["metric"] = mi.name;
    e["title"] =
        issue ? is->name : "Utility of " + info_.actors[static_cast<size_t>(mi.index)].name;
    e["axis"] = issue ? (is->unit.empty() ? "0-100 scale" : is->unit) : "utility, 0-1";
    OJson path = OJson::array();
    for (int t = 0; t <= resolved; ++t)
      path.push_back(shown(unit(run.trajectory()(t, static_cast<Eigen::Index>(k))), 4));
    e["path"] = path;
    if (ref) {
      OJson p05 = OJson::array(), p50 = OJson::array(), p95 = OJson::array();
      for (int t = 0; t <= rules_->turns; ++t) {
        const MetricStats& s = ref->stats.per_turn[static_cast<size_t>(t) * m + k];
        const double lo = unit(s.quantile(0.05)), hi = unit(s.quantile(0.95));
        p05.push_back(shown(std::min(lo, hi), 4));
        p50.push_back(shown(unit(s.quantile(0.5)), 4));
        p95.push_back(shown(std::max(lo, hi), 4));
      }
      e["p05"] = p05;
      e["p50"] = p50;
      e["p95"] = p95;
      // Where the world stands among the AI's runs at its latest turn, 0-100.
      const MetricStats& now = ref->stats.per_turn[static_cast<size_t>(resolved) * m + k];
      e["percentile"] = shown(
          100.0 * now.fraction_below(run.trajectory()(resolved, static_cast<Eigen::Index>(k))), 1);
    }
    metrics.push_back(std::move(e));
  }
  return metrics;
}

OJson Session::debrief_teams(const WorldSlot& w, const Reference* ref) const {
  const World& world = *w.world;
  const SteppedRun& run = world.run();
  OJson teams = OJson::array();
  std::vector<std::uint8_t> ever(static_cast<size_t>(rules_->actors), 0);
  for (const TurnRecord& r : world.history())
    for (size_t a = 0; a < r.seated.size(); ++a) ever[a] |= r.seated[a];
  const std::vector<std::uint8_t> now_seated = seated(w.id);
  for (size_t a = 0; a < ever.size(); ++a) ever[a] |= now_seated[a];
  for (int a = 0; a < rules_->actors; ++a) {
    if (ever[static_cast<size_t>(a)] == 0) continue;
    OJson t = {{"actor", info_.actors[static_cast<size_t>(a)].id},
               {"name", info_.actors[static_cast<size_t>(a)].name},
               {"utility", shown(run.utilities()[a], 4)}};
    if (ref)
      for (size_t k = 0; k < catalog_->final.size(); ++k)
        if (catalog_->final[k].kind == MetricKind::utility && catalog_->final[k].index == a) {
          const MetricStats& s = ref->stats.final[k];
          t["ai_p05"] = shown(s.quantile(0.05), 4);
          t["ai_p50"] = shown(s.quantile(0.5), 4);
          t["ai_p95"] = shown(s.quantile(0.95), 4);
          if (world.finished())
            t["percentile"] = shown(100.0 * s.fraction_below(run.utilities()[a]), 1);
        }
    teams.push_back(std::move(t));
  }
  return teams;
}

OJson Session::debrief_choices(const WorldSlot& w) const {
  const World& world = *w.world;
  OJson choices = OJson::array();
  for (size_t turn = 0; turn < world.history().size(); ++turn) {
    const TurnRecord& r = world.history()[turn];
    for (size_t a = 0; a < r.seated.size(); ++a) {
      if (r.seated[a] == 0) continue;
      OJson moves = OJson::array(), names = OJson::array();
      for (const std::int32_t mv : r.moves[a]) {
        moves.push_back(info_.moves[static_cast<size_t>(mv)].id);
        names.push_back(info_.moves[static_cast<size_t>(mv)].name);
      }
      const bool submitted = r.submitted[a] != 0;
      OJson c = {{"turn", turn + 1},
                 {"actor", info_.actors[a].id},
                 {"submitted", submitted},
                 {"moves", submitted ? moves : OJson::array()},
                 {"ai_choice", r.ai_choice[a] >= 0
                                   ? OJson(info_.moves[static_cast<size_t>(r.ai_choice[a])].id)
                                   : OJson(nullptr)}};
      // Names for pages (a team's page knows only its own moves), and the rule a missed turn
      // was played by.
      c["move_names"] = submitted ? names : OJson::array();
      c["ai_choice_name"] = r.ai_choice[a] >= 0
                                ? OJson(info_.moves[static_cast<size_t>(r.ai_choice[a])].name)
                                : OJson(nullptr);
      if (!submitted) c["missed"] = missed_turn_name(r.missed);
      choices.push_back(std::move(c));
    }
  }
  return choices;
}

OJson Session::why_turn(const WorldSlot& w, int turn) const {
  const World& world = *w.world;
  const SteppedTurnDetail& d = world.run().details()[static_cast<size_t>(turn - 1)];
  // explain's own conversion and JSON, so that the debrief shows the table `parley explain`
  // shows, number for number (in full: the page rounds).
  const ExplainedTurn explained =
      explain_turn(scenario_, *rules_, world.option(), d.detail, d.snapshot);
  OJson choices = OJson::array();
  // Lighter than explain's file (a facilitator's view is sent at every change), the same numbers.
  for (const ExplainedChoice& c : explained.choices)
    choices.push_back(page_choice_json(explained_choice_json(c)));
  return {{"turn", explained.turn}, {"choices", std::move(choices)}};
}

void Session::sync_why(WorldSlot& w) const {
  const int resolved = w.world->resolved();
  while (static_cast<int>(w.why.size()) > resolved) w.why.erase(w.why.end() - 1);
  while (static_cast<int>(w.why.size()) < resolved)
    w.why.push_back(why_turn(w, static_cast<int>(w.why.size()) + 1));
}

OJson Session::debrief(const WorldSlot& w) const {
  const auto ref = reference(w.world->option(), w.world->seed());
  OJson d;
  d["ready"] = ref != nullptr;
  d["runs"] = ref ? ref->runs : 0;
  d["metrics"] = debrief_metrics(w, ref.get());
  // Each team's utility against the distribution of the AI's runs.
  d["teams"] = debrief_teams(w, ref.get());
  // Per resolved turn and seat: what the team did and what the AI would have done.
  d["choices"] = debrief_choices(w);
  // Per resolved turn: why each AI actor chose as it did, and what the AI would have chosen in
  // each team's seat.
  d["why"] = w.why;
  return d;
}

OJson Session::view(const Caller& caller, int world_id, std::int64_t now_ms) const {
  const WorldSlot& w = *world(world_id);
  OJson v;
  const bool facilitator = caller.kind == Caller::Kind::facilitator;
  const Player* p =
      caller.kind == Caller::Kind::player ? &players_[static_cast<size_t>(caller.player)] : nullptr;
  v["role"] = facilitator ? "facilitator" : (p != nullptr && p->actor >= 0 ? "team" : "waiting");
  v["scenario"] = {{"title", info_.title},
                   {"turn", info_.turn_label},
                   {"turns", info_.turns},
                   {"turn_labels", turn_labels(info_)}};
  v["status"] = status_view(w, now_ms);
  v["public"] = public_view(w);
  if (p != nullptr) player_view(w, *p, v);
  if (facilitator) facilitator_view(w, v);
  if (facilitator || w.ended || w.world->finished()) v["debrief"] = debrief(w);
  return v;
}

void Session::player_view(const WorldSlot& w, const Player& player, OJson& v) const {
  const Player* p = &player;
  v["you"] = {{"player", p->id},
              {"name", p->name},
              {"world", p->world},
              {"actor", p->actor >= 0 ? OJson(info_.actors[static_cast<size_t>(p->actor)].id)
                                      : OJson(nullptr)}};
  if (p->actor >= 0) {
    v["brief"] = brief(w, p->actor);
    v["moves"] = moves_view(w, p->actor);
    const TurnRecord& cur = w.world->current();
    if (w.world->open() && cur.submitted[static_cast<size_t>(p->actor)] != 0) {
      OJson moves = OJson::array();
      for (const std::int32_t m : cur.moves[static_cast<size_t>(p->actor)])
        moves.push_back(info_.moves[static_cast<size_t>(m)].id);
      v["submission"] = {{"turn", w.world->resolved() + 1}, {"moves", moves}};
    } else {
      v["submission"] = nullptr;
    }
  }
}

void Session::facilitator_view(const WorldSlot& w, OJson& v) const {
  OJson teams = OJson::array();
  const std::vector<std::uint8_t> seats = seated(w.id);
  for (int a = 0; a < rules_->actors; ++a) {
    if (rules_->moves_of_actor[static_cast<size_t>(a)].empty()) continue;
    OJson t = {{"actor", info_.actors[static_cast<size_t>(a)].id},
               {"name", info_.actors[static_cast<size_t>(a)].name},
               {"seated", seats[static_cast<size_t>(a)] != 0},
               {"brief", brief(w, a)},
               {"moves", moves_view(w, a)}};
    const TurnRecord& cur = w.world->current();
    if (w.world->open() && cur.submitted[static_cast<size_t>(a)] != 0) {
      OJson moves = OJson::array();
      for (const std::int32_t m : cur.moves[static_cast<size_t>(a)])
        moves.push_back(info_.moves[static_cast<size_t>(m)].id);
      t["submission"] = moves;
    }
    teams.push_back(std::move(t));
  }
  v["teams"] = teams;
  OJson players = OJson::array();
  for (const Player& pl : players_)
    if (pl.world == w.id)
      players.push_back(
          {{"player", pl.id},
           {"name", pl.name},
           {"actor",
            pl.actor >= 0 ? OJson(info_.actors[static_cast<size_t>(pl.actor)].id) : OJson(nullptr)},
           {"token", pl.token}});
  v["players"] = players;
  OJson all_moves = OJson::array();
  for (const InfoMove& mv : info_.moves)
    all_moves.push_back({{"id", mv.id}, {"actor", mv.actor}, {"name", mv.name}});
  v["all_moves"] = all_moves;
  OJson worlds = OJson::array();
  for (const WorldSlot& o : worlds_)
    worlds.push_back({{"world", o.id},
                      {"name", o.name},
                      {"resolved", o.world->resolved()},
                      {"open", o.world->open()},
                      {"ended", o.ended}});
  v["worlds"] = worlds;
  v["join_code"] = join_code_;
  // The scenario's options, for the form that creates a world.
  OJson options = OJson::array();
  for (const InfoOption& o : info_.options) {
    OJson e = {{"name", o.name}, {"description", o.description}};
    if (o.from > 0) e["from"] = o.from;
    options.push_back(std::move(e));
  }
  v["options"] = options;
  v["settings"] = {{"missed", missed_turn_name(settings_.missed)},
                   {"team_choice", settings_.team_choice},
                   {"max_moves", settings_.max_moves},
                   {"grace_seconds", settings_.grace_seconds}};
}

OJson Session::lobby_view() const {
  OJson worlds = OJson::array();
  for (const WorldSlot& w : worlds_) {
    if (w.ended) continue;
    OJson seats = OJson::array();
    for (int a = 0; a < rules_->actors; ++a) {
      if (rules_->moves_of_actor[static_cast<size_t>(a)].empty()) continue;
      seats.push_back({{"actor", info_.actors[static_cast<size_t>(a)].id},
                       {"name", info_.actors[static_cast<size_t>(a)].name},
                       {"members", team_members(w.id, a).size()}});
    }
    worlds.push_back({{"world", w.id}, {"name", w.name}, {"seats", seats}});
  }
  return {{"title", info_.title}, {"team_choice", settings_.team_choice}, {"worlds", worlds}};
}

std::string Session::events_csv(int world_id) const {
  const WorldSlot& w = *world(world_id);
  const std::string& option = scenario_.options[static_cast<size_t>(w.world->option())].name;
  std::string out = "run,option,turn,actor,move,headline,by\n";
  for (const SteppedEvent& e : w.world->run().events()) {
    const InfoMove& mv = info_.moves[static_cast<size_t>(e.move)];
    out += "0,";
    append_csv_cell(out, option);
    out += ',' + std::to_string(e.turn) + ',';
    append_csv_cell(out, mv.actor);
    out += ',';
    append_csv_cell(out, mv.id);
    out += ',';
    append_csv_cell(out, mv.headline.empty() ? mv.name : mv.headline);
    out += ',';
    out += move_source_name(e.source);
    out += '\n';
  }
  return out;
}

std::string Session::trajectory_csv(int world_id) const {
  const WorldSlot& w = *world(world_id);
  const std::string& option = scenario_.options[static_cast<size_t>(w.world->option())].name;
  const auto& traj = w.world->run().trajectory();
  std::string out = "option,turn,metric,mean,p05,p50,p95\n";
  for (Eigen::Index t = 0; t < traj.rows(); ++t)
    for (size_t k = 0; k < catalog_->per_turn.size(); ++k) {
      out += option + "," + std::to_string(t) + "," + catalog_->per_turn[k].name;
      // One run: its value is its mean and every quantile.
      for (int c = 0; c < 4; ++c) {
        out += ',';
        append_number(out, traj(t, static_cast<Eigen::Index>(k)));
      }
      out += '\n';
    }
  return out;
}

}  // namespace parley::classroom

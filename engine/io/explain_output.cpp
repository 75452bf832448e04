#include "engine/io/explain_output.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/io/csv_write.hpp"

namespace parley {

namespace {

std::string replies_cell(const std::vector<ExplainedReply>& replies) {
  std::string s;
  for (const ExplainedReply& r : replies) {
    if (!s.empty()) s += ' ';
    s += r.actor + ":" + (r.move.empty() ? std::string("pass") : r.move);
  }
  return s;
}

std::string rows_cell(const std::vector<ExplainedRow>& rows) {
  std::string s;
  for (const ExplainedRow& r : rows) {
    if (!s.empty()) s += "; ";
    s += "line " + std::to_string(r.line) + " " + r.move + " p=" + exact_number(r.probability) +
         " gain=" + exact_number(r.gain);
  }
  return s;
}

void cell(std::string& out, std::string_view text) {
  out += ',';
  append_csv_cell(out, text);
}

nlohmann::ordered_json replies_json(const std::vector<ExplainedReply>& replies) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const ExplainedReply& r : replies)
    a.push_back(
        {{"actor", r.actor},
         {"move", r.move.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.move)}});
  return a;
}

nlohmann::ordered_json rows_json(const std::vector<ExplainedRow>& rows) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const ExplainedRow& r : rows)
    a.push_back({{"row", r.row},
                 {"line", r.line},
                 {"move", r.move},
                 {"probability", r.probability},
                 {"gain", r.gain}});
  return a;
}

}  // namespace

std::string exact_number(double v) {
  if (!std::isfinite(v)) return {};
  if (v == 0.0) v = 0.0;  // no "-0"
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

nlohmann::ordered_json explained_choice_json(const ExplainedChoice& c) {
  using json = nlohmann::ordered_json;
  json jc;
  jc["actor"] = c.actor;
  // Only where it can be true, so that explain's own files read as before.
  if (c.seated) jc["seated"] = true;
  jc["temperature"] = c.temperature;
  jc["lookahead"] = c.lookahead;
  jc["choice"] = c.choice.empty() ? json() : json(c.choice);
  jc["pass"] = {{"utility", c.pass_utility},
                {"value", c.pass_value},
                {"probability", c.pass_probability},
                {"replies", replies_json(c.pass_replies)},
                {"rows", rows_json(c.pass_rows)}};
  json moves = json::array();
  for (const ExplainedMove& m : c.moves) {
    json jm{{"move", m.move}, {"available", m.available}};
    if (m.available) {
      jm["utility"] = m.utility;
      jm["value"] = m.value;
      jm["cost"] = m.cost;
      jm["score"] = m.score;
      jm["probability"] = m.probability;
      jm["chosen"] = m.chosen;
      jm["replies"] = replies_json(m.replies);
      jm["rows"] = rows_json(m.rows);
    } else {
      jm["blocked"] = m.blocked;
    }
    moves.push_back(std::move(jm));
  }
  jc["moves"] = std::move(moves);
  return jc;
}

nlohmann::ordered_json page_choice_json(nlohmann::ordered_json c) {
  using json = nlohmann::ordered_json;
  // A copy: erasing a key below moves the pass object's members.
  const json pass_replies = c["pass"].value("replies", json::array());
  c["pass"].erase("utility");
  for (json& m : c["moves"]) {
    m.erase("utility");
    if (!m.contains("replies")) continue;
    json changed = json::array();
    for (const json& r : m["replies"])
      if (std::find(pass_replies.begin(), pass_replies.end(), r) == pass_replies.end())
        changed.push_back(r);
    m["replies"] = std::move(changed);
  }
  return c;
}

std::string explanation_csv_header() {
  return "option,run,seed,turn,actor,move,available,blocked,utility,value,pass_value,cost,score,"
         "probability,chosen,replies,rows\n";
}

std::string explanation_csv_rows(const Explanation& e) {
  std::string out;
  for (const ExplainedTurn& t : e.turn)
    for (const ExplainedChoice& c : t.choices) {
      const std::string lead = [&] {
        std::string s;
        append_csv_cell(s, e.option);
        s += ',' + std::to_string(e.run) + ',' + std::to_string(e.seed) + ',' +
             std::to_string(t.turn);
        cell(s, c.actor);
        return s;
      }();
      const bool scored = std::any_of(c.moves.begin(), c.moves.end(),
                                      [](const ExplainedMove& m) { return m.available; });
      // Passing: always possible; its value is computed only when some move is available.
      out += lead + ",(pass),yes,,";
      if (scored) {
        out += exact_number(c.pass_utility) + ',' + exact_number(c.pass_value) + ',' +
               exact_number(c.pass_value) + ",0,0,";
      } else {
        out += ",,,,,";
      }
      out += exact_number(c.pass_probability) + ',' + (c.choice.empty() ? "yes" : "no");
      cell(out, replies_cell(c.pass_replies));
      cell(out, rows_cell(c.pass_rows));
      out += '\n';
      for (const ExplainedMove& m : c.moves) {
        out += lead;
        cell(out, m.move);
        out += m.available ? ",yes" : ",no";
        cell(out, m.blocked);
        if (m.available) {
          out += ',' + exact_number(m.utility) + ',' + exact_number(m.value) + ',' +
                 exact_number(c.pass_value) + ',' + exact_number(m.cost) + ',' +
                 exact_number(m.score) + ',' + exact_number(m.probability) + ',' +
                 (m.chosen ? "yes" : "no");
        } else {
          out += ",,,,,,0,no";
        }
        cell(out, replies_cell(m.replies));
        cell(out, rows_cell(m.rows));
        out += '\n';
      }
    }
  return out;
}

std::string explanation_json(const Scenario& sc, const std::vector<Explanation>& explanations) {
  using json = nlohmann::ordered_json;
  json all = json::array();
  for (const Explanation& e : explanations) {
    json j;
    j["scenario"] = e.scenario;
    j["option"] = e.option;
    j["bargaining"] = e.bargaining;
    j["seed"] = e.seed;
    j["run"] = e.run;
    j["turns"] = e.turns;
    json turns = json::array();
    for (const ExplainedTurn& t : e.turn) {
      json jt;
      jt["turn"] = t.turn;
      json timeline = json::array();
      for (const ExplainedTimelineRow& r : t.timeline) {
        json jr{{"row", r.row},
                {"line", r.line},
                {"move", r.move},
                {"actor", r.actor},
                {"fired", r.fired},
                {"outcome", r.outcome},
                {"probability", r.probability}};
        jr["draw"] = r.draw >= 0.0 ? json(r.draw) : json();
        jr["why"] = r.why;
        timeline.push_back(std::move(jr));
      }
      jt["timeline"] = std::move(timeline);
      json choices = json::array();
      for (const ExplainedChoice& c : t.choices) choices.push_back(explained_choice_json(c));
      jt["choices"] = std::move(choices);
      jt["settle_rate"] = t.settle_rate;
      json bargaining = json::array();
      for (const ExplainedBargain& b : t.bargaining) {
        json jb{{"issue", b.issue},
                {"status_quo", b.status_quo},
                {"outcome", b.outcome},
                {"proposal", b.proposal}};
        jb["veto_window"] = b.veto ? json::array({b.veto_low, b.veto_high}) : json();
        jb["new_status_quo"] = b.new_status_quo;
        bargaining.push_back(std::move(jb));
      }
      jt["bargaining"] = std::move(bargaining);
      turns.push_back(std::move(jt));
    }
    j["explained"] = std::move(turns);
    json events = json::array();
    for (const Event& ev : e.events) {
      const Move& mv = sc.moves[static_cast<size_t>(ev.move)];
      events.push_back({{"turn", ev.turn},
                        {"actor", sc.actors[static_cast<size_t>(mv.actor)].id},
                        {"move", mv.id},
                        {"by", ev.by_timeline ? "timeline" : "ai"}});
    }
    j["events"] = std::move(events);
    json final_q;
    for (size_t i = 0; i < sc.issues.size(); ++i)
      final_q[sc.issues[i].id] = e.final_state.status_quo[static_cast<Eigen::Index>(i)];
    j["final_status_quo"] = std::move(final_q);
    all.push_back(std::move(j));
  }
  return all.dump(1) + "\n";
}

}  // namespace parley

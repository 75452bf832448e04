#include "engine/io/explain_output.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/io/csv_write.hpp"
#include "engine/io/json_write.hpp"

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

template <class Writer>
void write_replies(Writer& w, const std::vector<ExplainedReply>& replies) {
  w.begin_array();
  for (const ExplainedReply& r : replies) {
    w.begin_object();
    w.key("actor").value(r.actor);
    if (r.move.empty())
      w.key("move").value(nullptr);
    else
      w.key("move").value(r.move);
    w.end_object();
  }
  w.end_array();
}

template <class Writer>
void write_rows(Writer& w, const std::vector<ExplainedRow>& rows) {
  w.begin_array();
  for (const ExplainedRow& r : rows) {
    w.begin_object();
    w.key("row").value(r.row);
    w.key("line").value(r.line);
    w.key("move").value(r.move);
    w.key("probability").value(r.probability);
    w.key("gain").value(r.gain);
    w.end_object();
  }
  w.end_array();
}

template <class Writer>
void write_choice(Writer& w, const ExplainedChoice& c) {
  w.begin_object();
  w.key("actor").value(c.actor);
  // Only where it can be true, so that explain's own files read as before.
  if (c.seated) w.key("seated").value(true);
  w.key("temperature").value(c.temperature);
  w.key("lookahead").value(c.lookahead);
  if (c.choice.empty())
    w.key("choice").value(nullptr);
  else
    w.key("choice").value(c.choice);
  w.key("pass").begin_object();
  w.key("utility").value(c.pass_utility);
  w.key("value").value(c.pass_value);
  w.key("probability").value(c.pass_probability);
  write_replies(w.key("replies"), c.pass_replies);
  write_rows(w.key("rows"), c.pass_rows);
  w.end_object();
  w.key("moves").begin_array();
  for (const ExplainedMove& m : c.moves) {
    w.begin_object();
    w.key("move").value(m.move);
    w.key("available").value(m.available);
    if (m.available) {
      w.key("utility").value(m.utility);
      w.key("value").value(m.value);
      w.key("cost").value(m.cost);
      w.key("score").value(m.score);
      w.key("probability").value(m.probability);
      w.key("chosen").value(m.chosen);
      write_replies(w.key("replies"), m.replies);
      write_rows(w.key("rows"), m.rows);
    } else {
      w.key("blocked").value(m.blocked);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// Bytes explain.json will take for `e`, a little over the lengths its records typically print
// at: one allocation for the whole file instead of a string that keeps growing.
std::size_t expected_size(const Explanation& e, std::size_t issues) {
  std::size_t n = 450 + 125 * e.events.size() + 45 * issues;
  for (const ExplainedTurn& t : e.turn) {
    n += 135 + 290 * t.timeline.size() + 270 * t.bargaining.size();
    for (const ExplainedChoice& c : t.choices) {
      n += 340 + 90 * c.pass_replies.size() + 170 * c.pass_rows.size();
      for (const ExplainedMove& m : c.moves)
        n += m.available ? 360 + 90 * m.replies.size() + 170 * m.rows.size() : 135;
    }
  }
  return n;
}

// One turn of explain.json: its timeline rows, choices and bargaining.
void write_turn(JsonWriter& w, const ExplainedTurn& t) {
  w.begin_object();
  w.key("turn").value(t.turn);
  w.key("timeline").begin_array();
  for (const ExplainedTimelineRow& r : t.timeline) {
    w.begin_object();
    w.key("row").value(r.row);
    w.key("line").value(r.line);
    w.key("move").value(r.move);
    w.key("actor").value(r.actor);
    w.key("fired").value(r.fired);
    w.key("outcome").value(r.outcome);
    w.key("probability").value(r.probability);
    if (r.draw >= 0.0)
      w.key("draw").value(r.draw);
    else
      w.key("draw").value(nullptr);
    w.key("why").value(r.why);
    w.end_object();
  }
  w.end_array();
  w.key("choices").begin_array();
  for (const ExplainedChoice& c : t.choices) write_choice(w, c);
  w.end_array();
  w.key("settle_rate").value(t.settle_rate);
  w.key("bargaining").begin_array();
  for (const ExplainedBargain& b : t.bargaining) {
    w.begin_object();
    w.key("issue").value(b.issue);
    w.key("status_quo").value(b.status_quo);
    w.key("outcome").value(b.outcome);
    w.key("proposal").value(b.proposal);
    if (b.veto) {
      w.key("veto_window").begin_array();
      w.value(b.veto_low);
      w.value(b.veto_high);
      w.end_array();
    } else {
      w.key("veto_window").value(nullptr);
    }
    w.key("new_status_quo").value(b.new_status_quo);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// One explained run of explain.json.
void write_explanation(JsonWriter& w, const Scenario& sc, const Explanation& e) {
  w.begin_object();
  w.key("scenario").value(e.scenario);
  w.key("option").value(e.option);
  w.key("bargaining").value(e.bargaining);
  w.key("seed").value(e.seed);
  w.key("run").value(e.run);
  w.key("turns").value(e.turns);
  w.key("explained").begin_array();
  for (const ExplainedTurn& t : e.turn) write_turn(w, t);
  w.end_array();
  w.key("events").begin_array();
  for (const Event& ev : e.events) {
    const Move& mv = sc.moves[static_cast<size_t>(ev.move)];
    w.begin_object();
    w.key("turn").value(ev.turn);
    w.key("actor").value(sc.actors[static_cast<size_t>(mv.actor)].id);
    w.key("move").value(mv.id);
    w.key("by").value(ev.by_timeline ? "timeline" : "ai");
    w.end_object();
  }
  w.end_array();
  // null, not {}, without issues: as the file has always read.
  if (sc.issues.empty()) {
    w.key("final_status_quo").value(nullptr);
  } else {
    w.key("final_status_quo").begin_object();
    for (size_t i = 0; i < sc.issues.size(); ++i)
      w.key(sc.issues[i].id).value(e.final_state.status_quo[static_cast<Eigen::Index>(i)]);
    w.end_object();
  }
  w.end_object();
}

}  // namespace

std::string exact_number(double v) {
  if (!std::isfinite(v)) return {};
  if (v == 0.0) v = 0.0;  // no "-0"
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

nlohmann::ordered_json explained_choice_json(const ExplainedChoice& c) {
  // The description explain.json's text is written from: the same members, the same values.
  JsonDomWriter w;
  write_choice(w, c);
  return w.take();
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
  std::size_t size = 8;
  for (const Explanation& e : explanations) size += expected_size(e, sc.issues.size());
  JsonWriter w(1, size);
  w.begin_array();
  for (const Explanation& e : explanations) write_explanation(w, sc, e);
  w.end_array();
  std::string out = w.take();
  out += '\n';
  return out;
}

}  // namespace parley

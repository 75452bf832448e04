// `parley explain SCENARIO ...`: one run replayed turn by turn with the reasons of every choice.
#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>

#include "engine/io/atomic_file.hpp"
#include "engine/io/explain_output.hpp"
#include "engine/sim/compile.hpp"
#include "engine/sim/explain.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace parley::cli {

namespace {

std::string fixed(double v, int decimals, bool sign = false) {
  char buf[64];
  if (v == 0.0) v = 0.0;
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

std::string brief(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v == 0.0 ? 0.0 : v);
  return buf;
}

std::string pad(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string pad_left(std::string_view s, size_t width) {
  std::string out;
  if (s.size() < width) out.append(width - s.size(), ' ');
  out.append(s);
  return out;
}

std::string reply_text(const ExplainedReply& r) {
  return r.actor + " " + (r.move.empty() ? std::string("pass") : r.move);
}

std::string rows_text(const std::vector<ExplainedRow>& rows) {
  std::string s;
  for (const ExplainedRow& r : rows) {
    if (!s.empty()) s += ", ";
    s += "line " + std::to_string(r.line) + " " + r.move + " (p " + brief(r.probability) + ", " +
         fixed(r.gain, 6, true) + " if it fires)";
  }
  return s;
}

void print_choice(std::ostream& out, const ExplainedChoice& c) {
  std::string head = c.actor + ": ";
  if (c.choice.empty()) {
    head += "passed";
  } else {
    head += "made " + c.choice;
  }
  const auto chosen =
      std::find_if(c.moves.begin(), c.moves.end(), [](const ExplainedMove& m) { return m.chosen; });
  head += " (probability " +
          fixed(chosen != c.moves.end() ? chosen->probability : c.pass_probability, 3) +
          "); temperature " + brief(c.temperature) + ", lookahead " + (c.lookahead ? "on" : "off");
  print_wrapped(out, 4, 2, head);
  const bool scored = std::any_of(c.moves.begin(), c.moves.end(),
                                  [](const ExplainedMove& m) { return m.available; });
  if (!scored) {
    print_wrapped(out, 6, 2, "no move available: passing is the only choice");
  } else {
    std::string pass = "passing: value " + fixed(c.pass_value, 6);
    if (c.pass_value != c.pass_utility)
      pass += " (utility " + fixed(c.pass_utility, 6) + " + timeline rows)";
    if (c.lookahead) {
      pass += "; expected replies:";
      if (c.pass_replies.empty()) pass += " none (no other AI actor)";
      for (size_t k = 0; k < c.pass_replies.size(); ++k)
        pass += (k ? ", " : " ") + reply_text(c.pass_replies[k]);
      if (!c.pass_rows.empty()) pass += "; triggers " + rows_text(c.pass_rows);
    }
    pass += "; probability " + fixed(c.pass_probability, 3);
    print_wrapped(out, 6, 2, pass);
    out << "      " << pad("  move", 28) << pad_left("value", 10) << pad_left("- pass", 11)
        << pad_left("- cost", 10) << pad_left("= score", 11) << pad_left("prob", 7) << '\n';
  }
  for (const ExplainedMove& m : c.moves) {
    std::string name = m.chosen ? "* " : "  ";
    name += m.move;
    if (!m.available) {
      print_wrapped(out, 6, 30, pad(name, 28) + "not available: " + m.blocked);
      continue;
    }
    out << "      " << pad(name, 28) << pad_left(fixed(m.value, 6), 10)
        << pad_left(fixed(m.value - c.pass_value, 6, true), 11) << pad_left(fixed(m.cost, 6), 10)
        << pad_left(fixed(m.score, 6, true), 11) << pad_left(fixed(m.probability, 3), 7) << '\n';
    // Replies that differ from those to passing, and the rows the move opens.
    std::string expects;
    for (size_t k = 0; k < m.replies.size(); ++k) {
      const ExplainedReply& r = m.replies[k];
      if (k < c.pass_replies.size() && c.pass_replies[k].move == r.move) continue;
      const bool pass_move = k < c.pass_replies.size() && !c.pass_replies[k].move.empty();
      expects.append(expects.empty() ? "replies " : ", ")
          .append(reply_text(r))
          .append(" (instead of ")
          .append(pass_move ? c.pass_replies[k].move : std::string("pass"))
          .append(")");
    }
    if (!m.rows.empty())
      expects.append(expects.empty() ? "" : "; ").append("triggers ").append(rows_text(m.rows));
    if (!expects.empty()) print_wrapped(out, 10, 2, expects);
  }
}

void print_explanation(std::ostream& out, const Scenario& sc, const Explanation& e) {
  out << "parley explain " << e.scenario << ": option " << e.option << " (bargaining "
      << e.bargaining << "), run " << e.run << ", seed " << e.seed << '\n';
  for (const ExplainedTurn& t : e.turn) {
    out << "\nturn " << t.turn << " of " << e.turns << '\n';
    out << "  timeline\n";
    if (t.timeline.empty()) out << "    no row in this turn\n";
    for (const ExplainedTimelineRow& r : t.timeline) {
      std::string line = pad(r.fired ? "fired" : "not fired", 10) + "line " +
                         std::to_string(r.line) + " " + r.move + " (" + r.actor + ")";
      if (r.fired && r.draw >= 0.0)
        line += ": draw " + brief(r.draw) + " < probability " + brief(r.probability);
      if (!r.fired) line += ": " + r.why;
      print_wrapped(out, 4, 12, line);
    }
    out << "  choices (score = value - value of passing - cost; the AI makes a move only if its\n"
           "  score beats passing, which scores 0; * = the move made)\n";
    for (const ExplainedChoice& c : t.choices) print_choice(out, c);
    out << "  bargaining (settle rate " << brief(t.settle_rate) << ")";
    if (t.bargaining.empty()) {
      out << ": no negotiable issue moved\n";
    } else {
      out << '\n'
          << "    " << pad("issue", 26) << pad_left("status quo", 11) << pad_left("outcome", 10)
          << pad_left("proposal", 10) << pad_left("veto window", 18) << pad_left("new", 9) << '\n';
      for (const ExplainedBargain& b : t.bargaining)
        out << "    " << pad(b.issue, 26) << pad_left(fixed(b.status_quo, 2), 11)
            << pad_left(fixed(b.outcome, 2), 10) << pad_left(fixed(b.proposal, 2), 10)
            << pad_left(b.veto ? "[" + fixed(b.veto_low, 2) + ", " + fixed(b.veto_high, 2) + "]"
                               : "none",
                        18)
            << pad_left(fixed(b.new_status_quo, 2), 9) << '\n';
    }
    std::string made;
    for (const Event& ev : e.events) {
      if (ev.turn != t.turn) continue;
      const Move& mv = sc.moves[static_cast<size_t>(ev.move)];
      made.append(made.empty() ? "" : ", ")
          .append(mv.id)
          .append(" (")
          .append(sc.actors[static_cast<size_t>(mv.actor)].id)
          .append(ev.by_timeline ? ", timeline)" : ", ai)");
    }
    print_wrapped(out, 2, 2, "made: " + (made.empty() ? std::string("nothing") : made));
  }
}

// "A..B" or "A": the turns to explain, within 1..turns.
void parse_turns(const std::string& text, int turns, ExplainRequest& req, Diagnostics& diag) {
  const auto whole = [](std::string_view s, int& v) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
  };
  const size_t dots = text.find("..");
  int a = 0, b = 0;
  const bool ok = dots == std::string::npos ? whole(text, a) && (b = a, true)
                                            : whole(std::string_view(text).substr(0, dots), a) &&
                                                  whole(std::string_view(text).substr(dots + 2), b);
  const std::string range = "1.." + std::to_string(turns);
  if (!ok) {
    option_error(diag, "--turns", text, 0,
                 "expected a turn or a range A..B of whole numbers within " + range);
    return;
  }
  if (a < 1 || b > turns || a > b) {
    option_error(diag, "--turns", text, 0,
                 "expected turns within " + range + " (the scenario's turns), first <= last");
    return;
  }
  req.first_turn = a;
  req.last_turn = b;
}

std::vector<int> parse_actors(const Scenario& sc, const std::vector<std::string>& given,
                              Diagnostics& diag) {
  std::vector<std::string> ids, ai;
  for (const Actor& a : sc.actors) {
    ids.push_back(a.id);
    if (a.control == Control::ai) ai.push_back(a.id);
  }
  std::string ai_list;
  for (const auto& id : ai) ai_list.append(ai_list.empty() ? "" : ", ").append(id);
  std::vector<int> out;
  for (const std::string& text : given) {
    size_t start = 0;
    while (start <= text.size()) {
      const size_t comma = std::min(text.find(',', start), text.size());
      const std::string id = text.substr(start, comma - start);
      const auto it = std::find(ids.begin(), ids.end(), id);
      const int at = text.find(',') != std::string::npos ? static_cast<int>(start) + 1 : 0;
      if (it == ids.end()) {
        option_error(diag, "--actor", text, at,
                     "unknown actor '" + id + "'" + did_you_mean(id, ids) +
                         "; expected an AI actor: " + ai_list);
      } else if (const auto a = static_cast<int>(it - ids.begin());
                 sc.actors[static_cast<size_t>(a)].control != Control::ai) {
        option_error(diag, "--actor", text, at,
                     "actor '" + id +
                         "' is not AI-controlled (only timeline rows make its "
                         "moves), so it makes no choice to explain; expected an AI actor: " +
                         ai_list);
      } else if (std::find(out.begin(), out.end(), a) == out.end()) {
        out.push_back(a);
      }
      start = comma + 1;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Checks that `path` can name a file to write: not a folder. Problems go to `diag`.
void check_file_option(const std::string& flag, const std::string& path, Diagnostics& diag) {
  std::error_code ec;
  if (path.empty())
    option_error(diag, flag, path, 0, "expected the name of a file to write");
  else if (fs::is_directory(path, ec))
    option_error(diag, flag, path, 0, "is a folder; expected the name of a file to write");
}

// Writes `text` to `path` atomically. False (with a message) on failure.
bool write_file(const std::string& path, const std::string& text) {
  const fs::path p(path);
  const std::string parent = p.has_parent_path() ? p.parent_path().string() : ".";
  std::string error;
  if (!make_directories(parent, error)) {
    std::cerr << "parley explain: cannot create the folder '" << parent << "': " << error << '\n';
    return false;
  }
  AtomicFile file(parent, p.filename().string());
  file.write(text);
  if (!file.ok() || !file.commit()) {
    std::cerr << "parley explain: writing '" << path << "' failed\n";
    return false;
  }
  return true;
}

}  // namespace

int cmd_explain(const std::vector<std::string>& args) {
  po::options_description visible(
      "usage: parley explain SCENARIO [options]\n\n"
      "Replays one run of a scenario with the turn's own code and shows why it went as it did:\n"
      "per turn, the timeline rows that fired or not (with the condition that failed); for each\n"
      "AI actor, every move with its availability (or what blocked it), its value, the value of\n"
      "passing, its cost, the replies and timeline rows it expects (lookahead), its score and\n"
      "its chance of being chosen, and the move made; and the bargaining on each negotiable\n"
      "issue. The numbers are those that decided the run: run N with seed S is run N of\n"
      "`parley run` with the same seed (see docs/EXPLAIN.md).\n\n"
      "options");
  // clang-format off
  visible.add_options()
      ("option,o", po::value<std::vector<std::string>>()->composing(),
       "option(s) to explain: a name, a comma-separated list or 'all' (default: baseline)")
      ("run", po::value<std::string>(), "run index, 0-based as in runs.csv (default: 0)")
      ("seed,s", po::value<std::string>(), "batch seed (default: [run] seed of scenario.ini)")
      ("turns", po::value<std::string>(), "turns to show, A..B or one turn (default: all)")
      ("actor", po::value<std::vector<std::string>>()->composing(),
       "AI actor(s) whose choices to show, ids or a comma-separated list (default: all AI actors)")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override PATH=VALUE for every option, as in parley run (repeatable)")
      ("csv", po::value<std::string>(), "also write one row per (option, turn, actor, candidate)")
      ("json", po::value<std::string>(), "also write the whole explanation as JSON")
      ("quiet,q", "print nothing but problems (with --csv or --json)")
      ("help,h", "show this help");
  // clang-format on
  po::variables_map vm;
  if (const auto status = parse_scenario_args("explain", visible, args, vm)) return *status;

  Diagnostics diag;
  const auto scenario =
      load_with_overrides(vm["scenario"].as<std::string>(), strings_of(vm, "set"), diag);
  ExplainRequest base;
  std::vector<int> options;
  if (scenario) {
    options = select_options(*scenario, strings_of(vm, "option"), "--option", diag);
    base.seed = seed_option(vm, scenario->default_seed, diag);
    if (vm.count("turns")) parse_turns(vm["turns"].as<std::string>(), scenario->turns, base, diag);
    base.actors = parse_actors(*scenario, strings_of(vm, "actor"), diag);
  }
  if (vm.count("run")) {
    const std::string& text = vm["run"].as<std::string>();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), base.run);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
      option_error(diag, "--run", text, 0,
                   "expected a run index, a whole number from 0 to " +
                       std::to_string(std::numeric_limits<std::uint64_t>::max()));
  }
  for (const char* flag : {"csv", "json"})
    if (vm.count(flag))
      check_file_option(std::string("--") + flag, vm[flag].as<std::string>(), diag);
  if (const int status = report(diag); status != 0) return status;
  if (diag.warning_count() > 0) std::cerr << '\n';

  const Rules rules = compile(*scenario);
  std::vector<Explanation> explanations;
  for (const int o : options) {
    ExplainRequest req = base;
    req.option = o;
    explanations.push_back(explain_run(*scenario, rules, req));
  }
  // The files first, each complete or not at all; then the terminal.
  if (vm.count("csv")) {
    std::string csv = explanation_csv_header();
    for (const Explanation& e : explanations) csv += explanation_csv_rows(e);
    if (!write_file(vm["csv"].as<std::string>(), csv)) return 1;
  }
  if (vm.count("json") &&
      !write_file(vm["json"].as<std::string>(), explanation_json(*scenario, explanations)))
    return 1;
  if (vm.count("quiet")) return 0;
  for (size_t k = 0; k < explanations.size(); ++k) {
    if (k) std::cout << '\n';
    print_explanation(std::cout, *scenario, explanations[k]);
  }
  return 0;
}

}  // namespace parley::cli

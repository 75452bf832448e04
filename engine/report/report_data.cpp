#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "engine/batch/compare.hpp"
#include "engine/batch/sweep.hpp"
#include "engine/io/explain_output.hpp"
#include "engine/report/report.hpp"
#include "engine/web/page.hpp"

namespace parley {

namespace {

using OJson = nlohmann::ordered_json;

// Six significant digits, the precision of the CSVs, so that the unit conversion adds no noise
// digits to the page; NaN and infinities become null (a gap in a chart).
OJson num(double v) {
  if (!std::isfinite(v)) return nullptr;
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  double out = 0.0;
  std::from_chars(buf, res.ptr, out);
  return out == 0.0 ? 0.0 : out;  // no "-0"
}

const InfoIssue& issue_of(const ScenarioInfo& info, const MetricRef& ref) {
  return info.issues[static_cast<size_t>(ref.index)];
}

// Per (option, metric) index of a table's rows, or -1.
template <class Row>
std::vector<std::vector<int>> index_rows(const std::vector<Row>& rows, size_t options,
                                         size_t metrics) {
  std::vector<std::vector<int>> at(options, std::vector<int>(metrics, -1));
  for (size_t k = 0; k < rows.size(); ++k)
    at[static_cast<size_t>(rows[k].option)][static_cast<size_t>(rows[k].metric)] =
        static_cast<int>(k);
  return at;
}

// The metrics a reader looks at first: each issue (in its unit when it has one) and each actor's
// final utility, in the scenario's order. Indices into `refs` (or the metric's list).
std::vector<int> headline_metrics(const std::vector<MetricRef>& refs, const ScenarioInfo& info) {
  std::vector<int> out;
  for (size_t i = 0; i < info.issues.size(); ++i) {
    const bool has_unit = !info.issues[i].unit.empty();
    int plain = -1, value = -1;
    for (size_t k = 0; k < refs.size(); ++k) {
      if (refs[k].index != static_cast<int>(i)) continue;
      if (refs[k].kind == MetricKind::issue) plain = static_cast<int>(k);
      if (refs[k].kind == MetricKind::issue_value) value = static_cast<int>(k);
    }
    if (has_unit && value >= 0) {
      out.push_back(value);
    } else if (plain >= 0) {
      out.push_back(plain);
    }
  }
  for (size_t a = 0; a < info.actors.size(); ++a)
    for (size_t k = 0; k < refs.size(); ++k)
      if (refs[k].kind == MetricKind::utility && refs[k].index == static_cast<int>(a))
        out.push_back(static_cast<int>(k));
  return out;
}

// The fields every chart of a metric carries: its name, title in plain words and axis label.
OJson metric_fields(const std::string& name, const MetricRef& ref, const ScenarioInfo& info) {
  OJson j;
  j["metric"] = name;
  j["title"] = metric_title(ref, info);
  j["axis"] = metric_axis(ref, info);
  if (ref.kind == MetricKind::issue || ref.kind == MetricKind::issue_value) {
    const InfoIssue& is = issue_of(info, ref);
    // What the ends of the scale mean, in the direction of the axis.
    const bool reversed = ref.kind == MetricKind::issue_value && is.unit_high < is.unit_low;
    j["low_means"] = reversed ? is.high : is.low;
    j["high_means"] = reversed ? is.low : is.high;
  }
  return j;
}

// When an option that starts later comes into force: "from turn 12" (with the turn's label
// when the scenario has calendar labels, "from turn 12 (2026-01)").
std::string option_start(const ResultManifest& m, int from) {
  std::string text = "from turn " + std::to_string(from);
  const std::vector<std::string> labels = turn_labels(m.info);
  const auto t = static_cast<size_t>(from);
  if (t < labels.size() && labels[t] != std::to_string(from)) text += " (" + labels[t] + ")";
  return text;
}

std::string option_description(const ResultManifest& m, std::string_view name) {
  const int k = m.info.option_index(name);
  std::string d = k >= 0 ? m.info.options[static_cast<size_t>(k)].description : "";
  if (k > 0 && m.info.options[static_cast<size_t>(k)].from > 0) {
    // The start turn is part of what the option does.
    const std::string start = option_start(m, m.info.options[static_cast<size_t>(k)].from);
    if (d.empty()) return "In force " + start + ".";
    return d + " (in force " + start + ")";
  }
  if (!d.empty()) return d;
  return k == 0 ? "The scenario as written, with no policy option applied." : "";
}

// A short name for legends: the description's lead-in before its first colon when it is short
// ("Hardline withholding: aid is cut ..." gives "Hardline withholding"), else the option's name.
std::string option_label(const std::string& name, const std::string& description) {
  const size_t colon = description.find(':');
  if (colon != std::string::npos && colon >= 3 && colon <= 40) return description.substr(0, colon);
  if (name == "baseline") return "Baseline";
  return name;
}

OJson manifest_rows(const ResultFolder& f) {
  const ResultManifest& m = f.manifest;
  OJson rows = OJson::array();
  const auto row = [&rows](const std::string& label, const std::string& value) {
    rows.push_back(OJson::array({label, value}));
  };
  const auto join = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? std::string("none") : out;
  };
  row("written by",
      "parley " + m.version + " (parley " + std::string(result_kind_name(m.kind)) + ")");
  row("scenario",
      m.scenario + " (folder " + m.scenario_folder + ", content hash " + m.scenario_hash + ")");
  row("seed", std::to_string(m.seed));
  switch (m.kind) {
    case ResultKind::run:
      row("runs", std::to_string(m.runs) + " per option");
      row("traced runs",
          std::to_string(std::min(m.trace, m.runs)) +
              " per option (their events are in events.csv" +
              (m.explain.empty() ? std::string(")")
                                 : "; why the first went as it did, in " + m.explain + ")"));
      break;
    case ResultKind::compare:
      row("runs", std::to_string(m.runs) + " paired runs per option (common random numbers)");
      break;
    case ResultKind::sweep: {
      row("design", m.sweep.design + ", " + std::to_string(m.sweep.samples) + " samples" +
                        (m.sweep.base_rows > 0 ? " (N = " + std::to_string(m.sweep.base_rows) + ")"
                                               : std::string()));
      row("runs", std::to_string(m.runs) + " per sample");
      std::vector<std::string> vary;
      for (const ManifestVary& v : m.sweep.vary) {
        char range[96];
        std::snprintf(range, sizeof range, " from %g to %g", v.lo, v.hi);
        vary.push_back(v.path + range +
                       (v.steps > 0 ? " in " + std::to_string(v.steps) + " steps" : std::string()));
      }
      row("varied inputs", join(vary));
      break;
    }
  }
  row("options", join(m.options));
  row("overrides (--set)", join(m.overrides));
  if (!m.given.empty()) row("given (--given)", m.given);
  row("failed runs", std::to_string(m.failed));
  row("threads", std::to_string(m.threads) +
                     (m.ranks > 1 ? " x " + std::to_string(m.ranks) + " MPI ranks" : ""));
  row("command line", m.command_line);
  return rows;
}

// ---- run -------------------------------------------------------------------------------------

// Per headline per-turn metric: the median and the p05-p95 band of every option over turns.
OJson fans(const ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  const size_t options = f.manifest.options.size();
  const size_t turns = static_cast<size_t>(info.turns) + 1;
  // rows[o][metric][turn]
  std::vector<std::vector<std::vector<const TrajectoryRow*>>> rows(
      options, std::vector<std::vector<const TrajectoryRow*>>(
                   f.turn_metrics.size(), std::vector<const TrajectoryRow*>(turns, nullptr)));
  for (const TrajectoryRow& r : f.trajectory)
    rows[static_cast<size_t>(r.option)][static_cast<size_t>(r.metric)]
        [static_cast<size_t>(r.turn)] = &r;
  OJson out = OJson::array();
  for (const int k : headline_metrics(f.turn_refs, info)) {
    const MetricRef& ref = f.turn_refs[static_cast<size_t>(k)];
    // trajectory.csv holds issues on the 0-100 scale: shown in the issue's unit when it has one.
    MetricRef shown = ref;
    if (ref.kind == MetricKind::issue && !issue_of(info, ref).unit.empty())
      shown.kind = MetricKind::issue_value;
    const auto convert = [&](double v) {
      return shown.kind == MetricKind::issue_value ? issue_of(info, ref).to_unit(v) : v;
    };
    OJson chart = metric_fields(f.turn_metrics[static_cast<size_t>(k)], shown, info);
    chart["series"] = OJson::array();
    for (size_t o = 0; o < options; ++o) {
      OJson p05 = OJson::array(), p50 = OJson::array(), p95 = OJson::array(), mean = OJson::array();
      for (size_t t = 0; t < turns; ++t) {
        const TrajectoryRow* r = rows[o][static_cast<size_t>(k)][t];
        const double lo = convert(r->p05), hi = convert(r->p95);
        p05.push_back(num(std::min(lo, hi)));
        p95.push_back(num(std::max(lo, hi)));
        p50.push_back(num(convert(r->p50)));
        mean.push_back(num(convert(r->mean)));
      }
      chart["series"].push_back({{"option", f.manifest.options[o]},
                                 {"p05", p05},
                                 {"p50", p50},
                                 {"p95", p95},
                                 {"mean", mean}});
    }
    out.push_back(std::move(chart));
  }
  return out;
}

// Per headline final metric: every option's histogram over the shared bins.
OJson distributions(const ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  const size_t options = f.manifest.options.size();
  std::vector<std::vector<std::vector<const HistogramRow*>>> bins(
      f.final_metrics.size(), std::vector<std::vector<const HistogramRow*>>(options));
  for (const HistogramRow& r : f.histograms)
    bins[static_cast<size_t>(r.metric)][static_cast<size_t>(r.option)].push_back(&r);
  const auto summary = index_rows(f.summary, options, f.final_metrics.size());
  OJson out = OJson::array();
  for (const int k : headline_metrics(f.final_refs, info)) {
    const auto& per = bins[static_cast<size_t>(k)];
    OJson chart = metric_fields(f.final_metrics[static_cast<size_t>(k)],
                                f.final_refs[static_cast<size_t>(k)], info);
    OJson edges = OJson::array();
    for (const HistogramRow* r : per[0]) edges.push_back({num(r->low), num(r->high)});
    chart["bins"] = std::move(edges);
    chart["series"] = OJson::array();
    for (size_t o = 0; o < options; ++o) {
      OJson counts = OJson::array();
      std::uint64_t n = 0;
      for (const HistogramRow* r : per[o]) {
        counts.push_back(r->count);
        n += r->count;
      }
      const SummaryRow* s =
          summary[o][static_cast<size_t>(k)] >= 0
              ? &f.summary[static_cast<size_t>(summary[o][static_cast<size_t>(k)])]
              : nullptr;
      OJson series = {{"option", f.manifest.options[o]}, {"counts", counts}, {"n", n}};
      if (s != nullptr) {
        series["mean"] = num(s->mean);
        series["p05"] = num(s->p05);
        series["p50"] = num(s->p50);
        series["p95"] = num(s->p95);
      }
      chart["series"].push_back(std::move(series));
    }
    out.push_back(std::move(chart));
  }
  return out;
}

// Mean final value of every metric of `kind` per option, as grouped bars; `keep` filters them.
OJson mean_bars(const ResultFolder& f, MetricKind kind, double min_max_mean, size_t limit) {
  const ScenarioInfo& info = f.manifest.info;
  const size_t options = f.manifest.options.size();
  const auto at = index_rows(f.summary, options, f.final_metrics.size());
  struct Item {
    int metric;
    double top;  // largest mean over the options
  };
  std::vector<Item> items;
  for (size_t k = 0; k < f.final_refs.size(); ++k) {
    if (f.final_refs[k].kind != kind) continue;
    double top = 0.0;
    for (size_t o = 0; o < options; ++o)
      if (at[o][k] >= 0) top = std::max(top, f.summary[static_cast<size_t>(at[o][k])].mean);
    if (top >= min_max_mean) items.push_back({static_cast<int>(k), top});
  }
  // Moves: the most frequent first; recognition keeps the scenario's actor order.
  if (kind == MetricKind::moves)
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.top > b.top; });
  if (items.size() > limit) items.resize(limit);
  OJson labels = OJson::array(), metrics = OJson::array();
  for (const Item& it : items) {
    const MetricRef& ref = f.final_refs[static_cast<size_t>(it.metric)];
    metrics.push_back(f.final_metrics[static_cast<size_t>(it.metric)]);
    if (kind == MetricKind::moves) {
      const InfoMove& mv = info.moves[static_cast<size_t>(ref.index)];
      const int a = info.actor_index(mv.actor);
      labels.push_back((a >= 0 ? info.actors[static_cast<size_t>(a)].id : mv.actor) + ": " +
                       mv.name);
    } else {
      labels.push_back(info.actors[static_cast<size_t>(ref.index)].name);
    }
  }
  OJson series = OJson::array();
  for (size_t o = 0; o < options; ++o) {
    OJson means = OJson::array();
    for (const Item& it : items) {
      const int r = at[o][static_cast<size_t>(it.metric)];
      means.push_back(r >= 0 ? num(f.summary[static_cast<size_t>(r)].mean) : OJson(nullptr));
    }
    series.push_back({{"option", f.manifest.options[o]}, {"mean", means}});
  }
  return {{"labels", labels}, {"metrics", metrics}, {"series", series}};
}

// The moves made in the most traced runs: share of runs, times per run, mean first turn.
OJson top_events(const ResultFolder& f, size_t limit) {
  const ScenarioInfo& info = f.manifest.info;
  const size_t options = f.manifest.options.size();
  const size_t moves = info.moves.size();
  std::vector<const EventCount*> at(options * moves, nullptr);
  for (const EventCount& e : f.events)
    at[static_cast<size_t>(e.option) * moves + static_cast<size_t>(e.move)] = &e;
  struct Item {
    size_t move;
    double top;
  };
  std::vector<Item> items;
  for (size_t m = 0; m < moves; ++m) {
    double top = 0.0;
    for (size_t o = 0; o < options; ++o)
      if (const EventCount* e = at[o * moves + m]; e != nullptr && f.traced_runs[o] > 0)
        top = std::max(top, static_cast<double>(e->runs) / static_cast<double>(f.traced_runs[o]));
    if (top > 0.0) items.push_back({m, top});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.top > b.top; });
  if (items.size() > limit) items.resize(limit);
  OJson rows = OJson::array();
  for (const Item& it : items) {
    const InfoMove& mv = info.moves[it.move];
    OJson share = OJson::array(), per_run = OJson::array(), first = OJson::array(),
          by_ai = OJson::array();
    for (size_t o = 0; o < options; ++o) {
      const EventCount* e = at[o * moves + it.move];
      const double traced = static_cast<double>(f.traced_runs[o]);
      share.push_back(e && traced > 0 ? num(static_cast<double>(e->runs) / traced) : OJson(0.0));
      per_run.push_back(e && traced > 0 ? num(static_cast<double>(e->times) / traced) : OJson(0.0));
      first.push_back(e ? num(e->mean_first_turn) : OJson(nullptr));
      by_ai.push_back(e ? num(static_cast<double>(e->by_ai) / static_cast<double>(e->times))
                        : OJson(nullptr));
    }
    rows.push_back({{"move", mv.id},
                    {"actor", mv.actor},
                    {"headline", mv.headline.empty() ? mv.name : mv.headline},
                    {"share", share},
                    {"per_run", per_run},
                    {"first_turn", first},
                    {"by_ai", by_ai}});
  }
  OJson traced = OJson::array();
  for (const std::uint64_t n : f.traced_runs) traced.push_back(n);
  return {{"traced", traced}, {"rows", rows}};
}

// Why the AI chose in the first traced run of each option: explain.json's choices per turn, in
// the lighter form pages carry, with explain's numbers in full (not rounded like the charts': the
// page rounds them, and they are the numbers `parley explain` gives for the run); and the names
// of the actors and moves the tables name.
OJson why_section(const ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  OJson options = OJson::array();
  std::vector<std::uint8_t> chooses(info.actors.size(), 0);
  for (const OJson& e : f.explain) {
    OJson turns = OJson::array();
    for (const OJson& t : e["explained"]) {
      OJson choices = OJson::array();
      for (const OJson& c : t["choices"]) {
        // (load_result_folder checked that every actor is the scenario's)
        if (const int a = info.actor_index(c["actor"].get<std::string>()); a >= 0)
          chooses[static_cast<size_t>(a)] = 1;
        choices.push_back(page_choice_json(c));
      }
      turns.push_back({{"turn", t["turn"]}, {"choices", std::move(choices)}});
    }
    options.push_back({{"option", e["option"]},
                       {"run", e["run"]},
                       {"seed", e["seed"]},
                       {"turns", std::move(turns)}});
  }
  OJson actors = OJson::array();
  for (size_t a = 0; a < info.actors.size(); ++a)
    if (chooses[a]) actors.push_back({{"id", info.actors[a].id}, {"name", info.actors[a].name}});
  OJson moves = OJson::object();
  for (const InfoMove& mv : info.moves) moves[mv.id] = mv.name;
  return {{"actors", std::move(actors)}, {"move_names", std::move(moves)}, {"options", options}};
}

// ---- compare ---------------------------------------------------------------------------------

// The verdict as `parley compare` words it, with the min effect the comparison used.
std::string_view verdict_word(const PairedSummary& s, double min_effect, bool utility) {
  if (s.n == 0) return "no pairs";
  return verdict_text(verdict(s, min_effect), utility);
}

double min_effect_of(const ResultFolder& f, size_t metric) {
  return metric < f.min_effects.size() ? f.min_effects[metric] : 0.0;
}

OJson forests(const ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  const size_t options = f.manifest.options.size();
  const auto at = index_rows(f.comparison, options, f.final_metrics.size());
  OJson out = OJson::array();
  for (const int k : headline_metrics(f.final_refs, info)) {
    const MetricRef& ref = f.final_refs[static_cast<size_t>(k)];
    const bool utility = ref.kind == MetricKind::utility;
    OJson chart = metric_fields(f.final_metrics[static_cast<size_t>(k)], ref, info);
    chart["group"] = utility ? "utility" : "issue";
    const double min_effect = min_effect_of(f, static_cast<size_t>(k));
    chart["min_effect"] = num(min_effect);
    chart["rows"] = OJson::array();
    for (size_t o = 1; o < options; ++o) {
      const PairedSummary& s =
          f.comparison[static_cast<size_t>(at[o][static_cast<size_t>(k)])].summary;
      chart["rows"].push_back({{"option", f.manifest.options[o]},
                               {"baseline_mean", num(s.baseline_mean)},
                               {"option_mean", num(s.option_mean)},
                               {"diff", num(s.diff_mean)},
                               {"low", num(s.ci_low)},
                               {"high", num(s.ci_high)},
                               {"p_greater", num(s.p_greater)},
                               {"decimals", difference_decimals(s, utility ? 4 : 2)},
                               {"verdict", verdict_word(s, min_effect, utility)}});
    }
    out.push_back(std::move(chart));
  }
  return out;
}

// Per actor: the options by mean final utility, best first, as `parley compare` prints them.
OJson ranking(const ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  const size_t options = f.manifest.options.size();
  const auto at = index_rows(f.comparison, options, f.final_metrics.size());
  OJson out = OJson::array();
  for (size_t k = 0; k < f.final_refs.size(); ++k) {
    const MetricRef& ref = f.final_refs[k];
    if (ref.kind != MetricKind::utility || options < 2) continue;
    std::vector<const PairedSummary*> sums;
    std::vector<double> means;
    for (size_t o = 1; o < options; ++o) {
      sums.push_back(&f.comparison[static_cast<size_t>(at[o][k])].summary);
      means.push_back(sums.back()->option_mean);
    }
    OJson rows = OJson::array();
    for (const RankedOption& r : rank_by_mean(sums[0]->baseline_mean, means)) {
      if (r.slot < 0) {
        rows.push_back({{"option", f.manifest.options[0]}, {"mean", num(r.mean)}});
        continue;
      }
      const PairedSummary& s = *sums[static_cast<size_t>(r.slot)];
      rows.push_back({{"option", f.manifest.options[static_cast<size_t>(r.slot) + 1]},
                      {"mean", num(r.mean)},
                      {"diff", num(s.diff_mean)},
                      {"low", num(s.ci_low)},
                      {"high", num(s.ci_high)},
                      {"p_greater", num(s.p_greater)},
                      {"decimals", difference_decimals(s, 4)},
                      {"verdict", verdict_word(s, min_effect_of(f, k), true)}});
    }
    const InfoActor& a = info.actors[static_cast<size_t>(ref.index)];
    out.push_back({{"actor", a.id},
                   {"name", a.name},
                   {"min_effect", num(min_effect_of(f, k))},
                   {"rows", rows}});
  }
  return out;
}

// ---- given (run and compare) -------------------------------------------------------------------

// The --given section: per option how often the condition held (Wilson 95% interval) and, per
// headline metric, the outcome over the runs in which it held: run, each option's mean and
// p05-p95 there beside its mean over all runs; compare, the paired difference to the baseline
// over the runs in which it held in both arms.
OJson given_section(const ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  const size_t options = f.manifest.options.size();
  const bool paired = f.manifest.kind == ResultKind::compare;
  OJson out;
  out["condition"] = f.manifest.given;
  out["shares"] = OJson::array();
  for (const GivenRow& g : f.given) {
    OJson row = {{"option", f.manifest.options[static_cast<size_t>(g.option)]},
                 {"runs", g.runs},
                 {"held", g.held}};
    if (g.runs > 0) {
      row["share"] = num(g.share);
      row["low"] = num(g.low);
      row["high"] = num(g.high);
    }
    if (paired && g.option > 0) row["both"] = g.both;
    out["shares"].push_back(std::move(row));
  }
  out["metrics"] = OJson::array();
  for (const int k : headline_metrics(f.final_refs, info)) {
    const MetricRef& ref = f.final_refs[static_cast<size_t>(k)];
    OJson chart = metric_fields(f.final_metrics[static_cast<size_t>(k)], ref, info);
    chart["rows"] = OJson::array();
    if (paired) {
      const bool utility = ref.kind == MetricKind::utility;
      for (const ComparisonRow& c : f.comparison_given) {
        if (c.metric != k) continue;
        const PairedSummary& s = c.summary;
        chart["rows"].push_back({{"option", f.manifest.options[static_cast<size_t>(c.option)]},
                                 {"baseline_mean", num(s.baseline_mean)},
                                 {"option_mean", num(s.option_mean)},
                                 {"diff", num(s.diff_mean)},
                                 {"low", num(s.ci_low)},
                                 {"high", num(s.ci_high)},
                                 {"decimals", difference_decimals(s, utility ? 4 : 2)},
                                 {"verdict", verdict_word(s, min_effect_of(f, k), utility)}});
      }
    } else {
      const auto all = index_rows(f.summary, options, f.final_metrics.size());
      for (const SummaryRow& g : f.summary_given) {
        if (g.metric != k) continue;
        OJson row = {{"option", f.manifest.options[static_cast<size_t>(g.option)]},
                     {"mean", num(g.mean)},
                     {"p05", num(g.p05)},
                     {"p95", num(g.p95)}};
        const int a = all[static_cast<size_t>(g.option)][static_cast<size_t>(k)];
        if (a >= 0) row["all_mean"] = num(f.summary[static_cast<size_t>(a)].mean);
        chart["rows"].push_back(std::move(row));
      }
    }
    out["metrics"].push_back(std::move(chart));
  }
  return out;
}

// ---- sweep -----------------------------------------------------------------------------------

OJson tornado(const ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  const auto& vary = f.manifest.sweep.vary;
  OJson out = OJson::array();
  for (const int k : headline_metrics(f.final_refs, info)) {
    std::vector<const SensitivityRow*> bars;
    for (const SensitivityRow& r : f.sensitivity)
      if (r.metric == k) bars.push_back(&r);
    if (bars.empty()) continue;
    std::stable_sort(
        bars.begin(), bars.end(),
        [](const SensitivityRow* a, const SensitivityRow* b) { return a->st > b->st; });
    OJson chart = metric_fields(f.final_metrics[static_cast<size_t>(k)],
                                f.final_refs[static_cast<size_t>(k)], info);
    chart["varies"] =
        std::any_of(bars.begin(), bars.end(), [](const SensitivityRow* r) { return r->varies; });
    // How far the metric's mean moves over the design: an index of 0.7 on a metric that moves
    // by half a point matters less than it looks.
    for (size_t m = 0; m < f.sweep_metrics.size(); ++m)
      if (f.sweep_metrics[m] == k && vary.size() + m < f.sweep_min.size()) {
        chart["spread"] = {num(f.sweep_min[vary.size() + m]), num(f.sweep_max[vary.size() + m])};
      }
    // The spread over the design's A and B points (sd, p05-p95), and whether it is below the
    // metric's min effect, so that the indices share out differences too small to matter.
    if (bars.front()->has_spread) {
      const SensitivityRow& r = *bars.front();
      chart["spread_sd"] = num(r.sd);
      chart["spread_p05"] = num(r.p05);
      chart["spread_p95"] = num(r.p95);
      const double min_effect = min_effect_of(f, static_cast<size_t>(k));
      chart["min_effect"] = num(min_effect);
      chart["spread_negligible"] =
          negligible_spread(OutputSpread{r.sd, r.p05, r.p95}, min_effect) &&
          chart["varies"].get<bool>();
    }
    chart["bars"] = OJson::array();
    for (const SensitivityRow* r : bars)
      chart["bars"].push_back({{"input", vary[static_cast<size_t>(r->input)].path},
                               {"s1", r->varies ? num(r->s1) : OJson(nullptr)},
                               {"s1_ci", r->varies ? num(r->s1_ci) : OJson(nullptr)},
                               {"st", r->varies ? num(r->st) : OJson(nullptr)},
                               {"st_ci", r->varies ? num(r->st_ci) : OJson(nullptr)}});
    out.push_back(std::move(chart));
  }
  return out;
}

OJson scatter(const ResultFolder& f) {
  const ScenarioInfo& info = f.manifest.info;
  const auto& vary = f.manifest.sweep.vary;
  OJson inputs = OJson::array();
  for (const ManifestVary& v : vary)
    inputs.push_back({{"path", v.path}, {"low", num(v.lo)}, {"high", num(v.hi)}});
  // Only the headline metrics, as columns of the points after the inputs.
  std::vector<size_t> columns;
  OJson metrics = OJson::array();
  const std::vector<int> headline = headline_metrics(f.final_refs, info);
  for (const int k : headline)
    for (size_t m = 0; m < f.sweep_metrics.size(); ++m)
      if (f.sweep_metrics[m] == k && vary.size() + m < f.sweep_min.size()) {
        columns.push_back(vary.size() + m);
        metrics.push_back(metric_fields(f.final_metrics[static_cast<size_t>(k)],
                                        f.final_refs[static_cast<size_t>(k)], info));
      }
  OJson points = OJson::array();
  for (const std::vector<double>& p : f.sweep_points) {
    OJson row = OJson::array();
    for (size_t i = 0; i < vary.size(); ++i) row.push_back(num(p[i]));
    for (const size_t c : columns) row.push_back(num(p[c]));
    points.push_back(std::move(row));
  }
  return {{"inputs", inputs}, {"metrics", metrics}, {"points", points}, {"samples", f.sweep_rows}};
}

}  // namespace

std::string metric_title(const MetricRef& ref, const ScenarioInfo& info) {
  const auto actor = [&]() -> const std::string& {
    return info.actors[static_cast<size_t>(ref.index)].name;
  };
  switch (ref.kind) {
    case MetricKind::issue:
    case MetricKind::issue_value:
      return issue_of(info, ref).name;
    case MetricKind::utility:
      return "Utility of " + actor();
    case MetricKind::utility_mean:
      return "Utility of " + actor() + ", mean over the turns";
    case MetricKind::recognized:
      return "Actors recognizing " + actor();
    case MetricKind::moves:
      return "Times made: " + info.moves[static_cast<size_t>(ref.index)].name;
    case MetricKind::settled:
      return "Turn " + issue_of(info, ref).name + " settled (-1: never)";
  }
  return "";
}

std::string metric_axis(const MetricRef& ref, const ScenarioInfo& info) {
  switch (ref.kind) {
    case MetricKind::issue:
      return "0-100 scale";
    case MetricKind::issue_value:
      return issue_of(info, ref).unit;
    case MetricKind::utility:
    case MetricKind::utility_mean:
      return "utility, 0-1";
    case MetricKind::recognized:
      return "actors";
    case MetricKind::moves:
      return "times per run";
    case MetricKind::settled:
      return "turn";
  }
  return "";
}

nlohmann::ordered_json report_data(const ResultFolder& f, const ReportSettings& settings) {
  const ResultManifest& m = f.manifest;
  OJson j;
  j["kind"] = result_kind_name(m.kind);
  j["title"] = settings.title.empty() ? m.info.title : settings.title;
  j["scenario"] = {{"name", m.scenario},
                   {"title", m.info.title},
                   {"start", m.info.start},
                   {"turn", m.info.turn_label},
                   {"turns", m.info.turns}};
  j["version"] = m.version;
  j["runs"] = m.runs;
  j["seed"] = m.seed;
  j["failed_runs"] = m.failed;
  // Options run, in output order: every chart colours option k with the same colour.
  j["options"] = OJson::array();
  for (const std::string& name : m.options) {
    const std::string description = option_description(m, name);
    j["options"].push_back(
        {{"name", name}, {"label", option_label(name, description)}, {"description", description}});
  }
  j["other_options"] = OJson::array();
  for (const InfoOption& o : m.info.options)
    if (std::find(m.options.begin(), m.options.end(), o.name) == m.options.end())
      j["other_options"].push_back(
          {{"name", o.name}, {"description", option_description(m, o.name)}});
  j["manifest"] = manifest_rows(f);
  if (!m.given.empty()) j["given"] = given_section(f);
  j["turn_labels"] = turn_labels(m.info);
  switch (m.kind) {
    case ResultKind::run:
      j["fans"] = fans(f);
      j["distributions"] = distributions(f);
      j["recognition"] = mean_bars(f, MetricKind::recognized, -1.0, 1000);
      // Moves made at least once in 20 runs under some option, the 25 most frequent.
      j["moves"] = mean_bars(f, MetricKind::moves, 0.05, 25);
      j["events"] = top_events(f, 15);
      if (!f.explain.is_null()) j["why"] = why_section(f);
      break;
    case ResultKind::compare:
      j["forests"] = forests(f);
      j["ranking"] = ranking(f);
      break;
    case ResultKind::sweep:
      j["design"] = m.sweep.design;
      j["tornado"] = tornado(f);
      j["scatter"] = scatter(f);
      break;
  }
  return j;
}

std::string report_html(const nlohmann::ordered_json& data) {
  const std::string title = data.contains("title") && data["title"].is_string()
                                ? data["title"].get<std::string>()
                                : std::string("parley report");
  // Text from a scenario file that is not valid UTF-8 is replaced, never a failure at the end.
  return inline_page("report.html", title,
                     data.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace parley

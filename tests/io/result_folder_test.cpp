// Reading result folders back for `parley report`: what is read, and every kind of bad folder.
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <string>

#include "engine/io/result_folder.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/sim/run.hpp"
#include "tests/support/results.hpp"

using namespace parley;
using namespace parley::test;
namespace fs = std::filesystem;

namespace {

std::string problems(const Diagnostics& diag) {
  std::string out;
  for (const Problem& p : diag.problems()) out += format_problem(p) + "\n";
  return out;
}

Scenario load(const std::string& folder) {
  Diagnostics diag;
  auto sc = load_scenario(folder, diag);
  INFO(problems(diag));
  REQUIRE(sc.has_value());
  return *sc;
}

}  // namespace

TEST_CASE("a run folder reads back with every statistic", "[io][report]") {
  TempDir tmp;
  const fs::path dir = make_run(tmp.path() / "run");
  Diagnostics diag;
  const auto f = load_result_folder(dir.string(), diag);
  INFO(problems(diag));
  REQUIRE(f.has_value());
  REQUIRE(f->manifest.kind == ResultKind::run);
  REQUIRE(f->manifest.options == std::vector<std::string>{"baseline", "engage", "hardline"});
  REQUIRE(f->manifest.runs == 120);
  REQUIRE(f->manifest.trace == 40);
  // The scenario's description travels with the results, exactly.
  const Scenario sc = load((fs::path(PARLEY_TEST_DATA) / "scenarios" / "mini").string());
  REQUIRE(f->manifest.info == describe(sc));
  // Every final metric of the scenario, in the catalogue's order.
  const MetricCatalog catalog = metric_catalog(sc);
  REQUIRE(f->final_metrics.size() == catalog.final.size());
  for (size_t k = 0; k < catalog.final.size(); ++k)
    REQUIRE(f->final_metrics[k] == catalog.final[k].name);
  REQUIRE(f->trajectory.size() == 3 * 7 * catalog.per_turn.size());
  REQUIRE(f->summary.size() == 3 * catalog.final.size());
  // The histograms count every run of every option.
  for (size_t o = 0; o < 3; ++o)
    for (size_t k = 0; k < catalog.final.size(); ++k) {
      std::uint64_t n = 0;
      for (const HistogramRow& h : f->histograms)
        if (h.option == static_cast<int>(o) && h.metric == static_cast<int>(k)) n += h.count;
      REQUIRE(n == 120);
    }
  // events.csv, counted: the traced runs of each option, and the rows add up.
  REQUIRE(f->traced_runs == std::vector<std::uint64_t>{40, 40, 40});
  const auto rows = csv_rows(dir / "events.csv");
  std::uint64_t times = 0;
  for (const EventCount& e : f->events) {
    REQUIRE(e.runs >= 1);
    REQUIRE(e.runs <= 40);
    REQUIRE(e.times >= e.runs);
    times += e.times;
  }
  REQUIRE(times == rows.size() - 1);
}

TEST_CASE("metric names resolve to what the catalogue built them from", "[io][report]") {
  const Scenario sc =
      load((fs::path(PARLEY_SOURCE_DIR) / "scenarios" / "afghanistan-2025").string());
  const ScenarioInfo info = describe(sc);
  for (const MetricInfo& m : metric_catalog(sc).final) {
    const auto ref = parse_metric_name(m.name, info);
    INFO(m.name);
    REQUIRE(ref.has_value());
    REQUIRE(ref->kind == m.kind);
    REQUIRE(ref->index == m.index);
  }
  for (const char* bad : {"issue.nope", "issue.tia_recognition.value", "utility.US.median",
                          "moves.", "recognized", "issue.reserves_released.valu", ""})
    REQUIRE_FALSE(parse_metric_name(bad, info).has_value());
}

TEST_CASE("compare and sweep folders read back", "[io][report]") {
  TempDir tmp;
  Diagnostics diag;
  const auto c = load_result_folder(make_compare(tmp.path() / "compare").string(), diag);
  INFO(problems(diag));
  REQUIRE(c.has_value());
  REQUIRE(c->manifest.kind == ResultKind::compare);
  REQUIRE(c->comparison.size() == 2 * c->final_metrics.size());
  for (const ComparisonRow& r : c->comparison) {
    REQUIRE(r.option >= 1);
    REQUIRE(r.summary.ci_low <= r.summary.diff_mean);
    REQUIRE(r.summary.diff_mean <= r.summary.ci_high);
  }

  const fs::path sweep = make_sweep(tmp.path() / "sweep");
  const auto s = load_result_folder(sweep.string(), diag, ResultLimits{50});
  INFO(problems(diag));
  REQUIRE(s.has_value());
  REQUIRE(s->manifest.sweep.design == "sobol");
  REQUIRE(s->manifest.sweep.vary.size() == 2);
  REQUIRE(s->sweep_rows == 128);
  // Thinned to every third sample (ceil(128 / 50)): samples 0, 3, ..., 126.
  REQUIRE(s->sweep_points.size() == 43);
  const auto rows = csv_rows(sweep / "sweep.csv");
  REQUIRE(s->sweep_points[1][0] == Approx(std::stod(rows[1 + 3][2])));
  REQUIRE(s->sweep_points[1][1] == Approx(std::stod(rows[1 + 3][3])));
  REQUIRE(s->sensitivity.size() == 2 * s->manifest.sweep.metrics.size());
  // The spread of each column is over every sample, not only the points kept.
  double lo = 1e300, hi = -1e300;
  for (size_t r = 1; r < rows.size(); ++r) {
    lo = std::min(lo, std::stod(rows[r][2]));
    hi = std::max(hi, std::stod(rows[r][2]));
  }
  REQUIRE(s->sweep_min[0] == lo);
  REQUIRE(s->sweep_max[0] == hi);
  // The spread columns of sensitivity.csv are read; a file without them (written before they
  // were added) still reads, with no spread.
  for (const SensitivityRow& r : s->sensitivity) {
    REQUIRE(r.has_spread);
    REQUIRE(r.p05 <= r.p95);
    REQUIRE(r.sd >= 0.0);
  }
  std::string old_file;
  for (const auto& row : csv_rows(sweep / "sensitivity.csv")) {
    for (size_t col = 0; col < 6; ++col) old_file += (col ? "," : "") + row[col];
    old_file += "\n";
  }
  write_file(sweep / "sensitivity.csv", old_file);
  Diagnostics d2;
  const auto older = load_result_folder(sweep.string(), d2, ResultLimits{50});
  INFO(problems(d2));
  REQUIRE(older.has_value());
  REQUIRE(older->sensitivity.size() == s->sensitivity.size());
  for (const SensitivityRow& r : older->sensitivity) REQUIRE_FALSE(r.has_spread);
}

TEST_CASE("a folder that is not a complete parley output is refused with file:line:column",
          "[io][report][errors]") {
  TempDir tmp;
  const fs::path good = make_run(tmp.path() / "good");
  struct Case {
    const char* what;
    std::function<void(const fs::path&)> damage;
    const char* expected;  // a substring of the problems
  };
  const std::vector<Case> cases = {
      {"no manifest", [](const fs::path& d) { fs::remove(d / "manifest.json"); },
       "manifest.json: error: missing; expected the output folder of a finished parley run"},
      {"interrupted",
       [](const fs::path& d) {
         fs::remove(d / "manifest.json");
         write_file(d / ".checkpoint", "x");
       },
       "finish it with the same command and --resume"},
      {"older version",
       [](const fs::path& d) { edit_file(d / "manifest.json", "\"0.3.0\"", "\"0.2.3\""); },
       "manifest.json:2:3: error: written by parley 0.2.3; expected a folder written by parley"},
      {"broken JSON",
       [](const fs::path& d) { edit_file(d / "manifest.json", "\"seed\": ", "\"seed\" "); },
       "manifest.json:7:"},
      {"unknown command",
       [](const fs::path& d) {
         edit_file(d / "manifest.json", "\"command\": \"run\"", "\"command\": \"walk\"");
       },
       "manifest.json:3:3: error: \"command\" is 'walk'; expected \"run\", \"compare\" or "
       "\"sweep\""},
      {"a field of the wrong type",
       [](const fs::path& d) {
         edit_file(d / "manifest.json", "\"runs\": 120", "\"runs\": \"many\"");
       },
       "manifest.json:8:3: error: \"runs\" is not a whole number"},
      {"summary cut short",
       [](const fs::path& d) {
         std::string t = read_file(d / "summary.csv");
         write_file(d / "summary.csv", t.substr(0, t.size() / 2 - 7));
       },
       "summary.csv: error: the file does not end with a newline; expected a complete file"},
      {"unknown option",
       [](const fs::path& d) { edit_file(d / "summary.csv", "\nbaseline,", "\nbaselin,"); },
       "summary.csv:2:1: error: unknown option 'baselin'; expected an option the manifest lists"},
      {"not a number",
       [](const fs::path& d) {
         edit_file(d / "summary.csv", "\nbaseline,issue.aid,", "\nbaseline,issue.aid,x");
       },
       "summary.csv:2:20: error: 'x"},
      {"a short row",
       [](const fs::path& d) {
         edit_file(d / "trajectory.csv", "\nbaseline,0,issue.aid,", "\nbaseline,0,issue.aid\n");
       },
       "trajectory.csv:2:"},
      {"no histograms", [](const fs::path& d) { fs::remove(d / "histograms.csv"); },
       "histograms.csv: error: missing; expected the histograms.csv a finished batch writes"},
      {"a missing turn",
       [](const fs::path& d) {
         std::string t = read_file(d / "trajectory.csv");
         const size_t at = t.find("\nengage,3,");
         t.erase(at, t.find('\n', at + 1) - at);
         write_file(d / "trajectory.csv", t);
       },
       "has 6 turns of metric 'issue.aid'; expected 7"},
      {"a turn twice",
       [](const fs::path& d) {
         edit_file(d / "trajectory.csv", "\nengage,3,issue.aid,", "\nengage,2,issue.aid,");
       },
       "turn 2 of metric 'issue.aid' of option 'engage' appears twice"},
      {"unknown move",
       [](const fs::path& d) { edit_file(d / "events.csv", ",alf_aid,", ",alf_aide,"); },
       "events.csv:"},
      {"a bin too few",
       [](const fs::path& d) {
         std::string t = read_file(d / "histograms.csv");
         const size_t at = t.find("\nhardline,issue.aid,");
         t.erase(at, t.find('\n', at + 1) - at);
         write_file(d / "histograms.csv", t);
       },
       "bins of metric 'issue.aid'"},
      {"no explanation", [](const fs::path& d) { fs::remove(d / "explain.json"); },
       "explain.json: error: missing; expected the explanation of the first traced run"},
      {"explanation cut short",
       [](const fs::path& d) {
         std::string t = read_file(d / "explain.json");
         write_file(d / "explain.json", t.substr(0, t.size() / 2));
       },
       "explain.json:"},
      {"a score that is no number",
       [](const fs::path& d) {
         edit_file(d / "explain.json", "\"score\": ", "\"score\": \"high\", \"was\": ");
       },
       "\"score\" is missing or not a number; expected the explanation written by parley run"},
      {"an explanation of another seed",
       [](const fs::path& d) { edit_file(d / "explain.json", "\"seed\": 42", "\"seed\": 43"); },
       "the seed is not the batch's, 42"},
      {"an explanation elsewhere",
       [](const fs::path& d) {
         edit_file(d / "manifest.json", "\"explain\": \"explain.json\"",
                   "\"explain\": \"../explain.json\"");
       },
       "\"explain\" is '../explain.json'; expected \"explain.json\" or no entry"},
  };
  for (const Case& c : cases) {
    SECTION(c.what) {
      const fs::path dir = tmp.path() / "bad";
      fs::copy(good, dir, fs::copy_options::recursive);
      c.damage(dir);
      Diagnostics diag;
      const auto f = load_result_folder(dir.string(), diag);
      INFO(problems(diag));
      REQUIRE_FALSE(f.has_value());
      REQUIRE(diag.has_errors());
      REQUIRE(problems(diag).find(c.expected) != std::string::npos);
      // Every problem says what was expected.
      for (const Problem& p : diag.problems())
        REQUIRE(p.message.find("expected") != std::string::npos);
    }
  }
  SECTION("not a folder") {
    Diagnostics diag;
    REQUIRE_FALSE(load_result_folder((tmp.path() / "nothing").string(), diag).has_value());
    REQUIRE(problems(diag).find("no such folder; expected the output folder") != std::string::npos);
  }
}

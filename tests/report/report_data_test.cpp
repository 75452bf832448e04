// The data a report page draws: checked against the CSV files it comes from, read here on
// their own, and against what `parley compare` prints.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "engine/report/report.hpp"
#include "engine/web/page.hpp"
#include "tests/support/results.hpp"

using namespace parley;
using namespace parley::test;
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

ResultFolder load(const fs::path& dir) {
  Diagnostics diag;
  auto f = load_result_folder(dir.string(), diag);
  REQUIRE(f.has_value());
  return *f;
}

const Json& chart_of(const Json& charts, const std::string& metric) {
  for (const Json& c : charts)
    if (c["metric"] == metric) return c;
  FAIL("no chart of " << metric);
  return charts[0];
}

const Json& series_of(const Json& chart, const std::string& option) {
  for (const Json& s : chart["series"])
    if (s["option"] == option) return s;
  FAIL("no series of " << option);
  return chart["series"][0];
}

}  // namespace

namespace {

/// The verdict on a comparison.csv row (option, metric, baseline, option, diff, low, high, p)
/// for a min effect, by the rule of docs/COMPARE_SWEEP.md.
std::string expected_verdict(const std::vector<std::string>& row, double min_effect, bool utility) {
  const double diff = std::stod(row[4]), low = std::stod(row[5]), high = std::stod(row[6]);
  if (low > 0 && diff >= min_effect) return utility ? "better" : "higher";
  if (high < 0 && diff <= -min_effect) return utility ? "worse" : "lower";
  if (low >= -min_effect && high <= min_effect) return "no practical difference";
  return "no clear difference";
}

/// Per actor, "option:verdict" of each row of the ranking `parley compare` printed (`text`
/// starts at its title line); the baseline's verdict is empty.
std::map<std::string, std::vector<std::string>> printed_ranking(const std::string& text) {
  std::istringstream lines(text);
  std::map<std::string, std::vector<std::string>> printed;
  std::string actor, line;
  std::getline(lines, line);  // the title
  std::getline(lines, line);  // what the verdicts mean
  while (std::getline(lines, line) && !line.empty()) {
    if (line.rfind("    ", 0) == 0) {
      const std::string option = line.substr(4, line.find(' ', 4) - 4);
      const size_t p = line.find("  P ");
      printed[actor].push_back(option + ":" + (p == std::string::npos ? "" : line.substr(p + 10)));
    } else {
      actor = line.substr(2);
    }
  }
  return printed;
}

}  // namespace

TEST_CASE("run report: fans in the issue's unit, histograms and bars equal the CSVs", "[report]") {
  TempDir tmp;
  const fs::path dir = make_run(tmp.path() / "run");
  const Json data = report_data(load(dir), {});
  REQUIRE(data["kind"] == "run");
  REQUIRE(data["title"] == "Three actors bargain over aid, access and sanctions");
  REQUIRE(data["options"].size() == 3);
  REQUIRE(data["options"][1]["name"] == "engage");
  REQUIRE(data["options"][1]["description"] == "Lift sanctions in return for access");

  // Fan charts: aid has a unit (USD bn, 0 to 5 across 0-100), access has none.
  const auto traj = csv_rows(dir / "trajectory.csv");
  const Json& aid = chart_of(data["fans"], "issue.aid");
  const Json& access = chart_of(data["fans"], "issue.access");
  REQUIRE(aid["axis"] == "USD bn");
  REQUIRE(access["axis"] == "0-100 scale");
  int checked = 0;
  for (size_t r = 1; r < traj.size(); ++r) {
    const auto& row = traj[r];  // option,turn,metric,mean,p05,p50,p95
    const int turn = std::stoi(row[1]);
    if (row[2] == "issue.aid") {
      const Json& s = series_of(aid, row[0]);
      REQUIRE(s["p50"][turn].get<double>() == Approx(std::stod(row[5]) * 5.0 / 100.0));
      REQUIRE(s["p05"][turn].get<double>() == Approx(std::stod(row[4]) * 5.0 / 100.0));
      REQUIRE(s["p95"][turn].get<double>() == Approx(std::stod(row[6]) * 5.0 / 100.0));
      ++checked;
    }
    if (row[2] == "issue.access") {
      const Json& s = series_of(access, row[0]);
      REQUIRE(s["mean"][turn].get<double>() == Approx(std::stod(row[3])));
      ++checked;
    }
  }
  REQUIRE(checked == 2 * 3 * 7);
  REQUIRE(data["turn_labels"].size() == 7);
  REQUIRE(data["turn_labels"][6] == "2025-07");

  // Distributions: aid shown by issue.aid.value, over histograms.csv's bins, counting every run.
  const Json& dist = chart_of(data["distributions"], "issue.aid.value");
  std::vector<std::vector<std::string>> bins;
  for (const auto& row : csv_rows(dir / "histograms.csv"))
    if (row[0] == "hardline" && row[1] == "issue.aid.value") bins.push_back(row);
  REQUIRE(dist["bins"].size() == bins.size());
  const Json& hard = series_of(dist, "hardline");
  std::uint64_t n = 0;
  for (size_t k = 0; k < bins.size(); ++k) {
    REQUIRE(dist["bins"][k][0].get<double>() == Approx(std::stod(bins[k][2])));
    REQUIRE(hard["counts"][k].get<std::uint64_t>() == std::stoull(bins[k][4]));
    n += hard["counts"][k].get<std::uint64_t>();
  }
  REQUIRE(n == 120);
  REQUIRE(hard["n"] == 120);

  // Recognition bars are summary.csv's means.
  std::map<std::string, double> summary;
  for (const auto& row : csv_rows(dir / "summary.csv"))
    summary[row[0] + "|" + row[1]] = row.size() > 2 && row[2] != "mean" ? std::stod(row[2]) : 0;
  const Json& rec = data["recognition"];
  for (size_t k = 0; k < rec["metrics"].size(); ++k)
    for (const Json& s : rec["series"])
      REQUIRE(s["mean"][k].get<double>() == Approx(summary[s["option"].get<std::string>() + "|" +
                                                           rec["metrics"][k].get<std::string>()]));

  // Events: the most frequent first, as shares of the traced runs.
  const Json& ev = data["events"];
  REQUIRE(ev["traced"][0] == 40);
  REQUIRE_FALSE(ev["rows"].empty());
  double previous = 2.0;
  for (const Json& r : ev["rows"]) {
    double top = 0.0;
    for (const Json& s : r["share"]) top = std::max(top, s.get<double>());
    REQUIRE(top <= previous);
    REQUIRE(top <= 1.0);
    previous = top;
  }
}

TEST_CASE("run report: why the AI chose is parley explain's table of the first traced run",
          "[report][explain]") {
  TempDir tmp;
  const fs::path dir = make_run(tmp.path() / "run");
  const ResultFolder folder = load(dir);
  REQUIRE(folder.manifest.explain == "explain.json");
  // The batch's explain.json is what `parley explain` writes for run 0 of every option with the
  // batch's seed, byte for byte.
  const fs::path own = tmp.path() / "explain.json";
  const CliResult r =
      run_parley("explain " + mini_scenario() + " --option all --run 0 --seed " +
                 std::to_string(folder.manifest.seed) + " --quiet --json " + quoted(own));
  INFO(r.all());
  REQUIRE(r.status == 0);
  REQUIRE(read_file(dir / "explain.json") == read_file(own));

  // The page's numbers are explain's, every one, in full.
  const Json explained = Json::parse(read_file(own));
  const Json data = report_data(folder, {});
  const Json& why = data["why"];
  REQUIRE(why["options"].size() == explained.size());
  // The actors named are those the tables show.
  std::vector<std::string> choosers;
  for (const Json& e : explained)
    for (const Json& t : e["explained"])
      for (const Json& c : t["choices"])
        if (std::find(choosers.begin(), choosers.end(), c["actor"]) == choosers.end())
          choosers.push_back(c["actor"].get<std::string>());
  REQUIRE_FALSE(choosers.empty());
  REQUIRE(why["actors"].size() == choosers.size());
  for (const Json& a : why["actors"])
    REQUIRE(std::find(choosers.begin(), choosers.end(), a["id"]) != choosers.end());
  std::size_t moves = 0;
  for (size_t o = 0; o < explained.size(); ++o) {
    const Json& want = explained[o];
    const Json& got = why["options"][o];
    REQUIRE(got["option"] == want["option"]);
    REQUIRE(got["run"] == 0);
    REQUIRE(got["seed"] == folder.manifest.seed);
    REQUIRE(got["turns"].size() == want["explained"].size());
    REQUIRE(got["turns"].size() == static_cast<size_t>(folder.manifest.info.turns));
    for (size_t t = 0; t < got["turns"].size(); ++t) {
      const Json& gt = got["turns"][t];
      const Json& wt = want["explained"][t];
      REQUIRE(gt["turn"] == wt["turn"]);
      REQUIRE(gt["choices"].size() == wt["choices"].size());
      for (size_t c = 0; c < gt["choices"].size(); ++c) {
        const Json& g = gt["choices"][c];
        const Json& e = wt["choices"][c];
        INFO(want["option"] << " turn " << gt["turn"] << " " << e["actor"]);
        REQUIRE(g["actor"] == e["actor"]);
        REQUIRE(g["choice"] == e["choice"]);
        REQUIRE(g["temperature"] == e["temperature"]);
        REQUIRE(g["pass"]["value"] == e["pass"]["value"]);
        REQUIRE(g["pass"]["probability"] == e["pass"]["probability"]);
        REQUIRE(g["pass"]["replies"] == e["pass"]["replies"]);
        REQUIRE(g["moves"].size() == e["moves"].size());
        for (size_t k = 0; k < e["moves"].size(); ++k) {
          const Json& gm = g["moves"][k];
          const Json& em = e["moves"][k];
          REQUIRE(gm["move"] == em["move"]);
          REQUIRE(gm["available"] == em["available"]);
          if (!em["available"].get<bool>()) {
            REQUIRE(gm["blocked"] == em["blocked"]);
            continue;
          }
          for (const char* key : {"value", "cost", "score", "probability", "chosen", "rows"})
            REQUIRE(gm[key] == em[key]);
          // Replies: those that differ from the replies to passing.
          Json changed = Json::array();
          for (const Json& reply : em["replies"])
            if (std::find(e["pass"]["replies"].begin(), e["pass"]["replies"].end(), reply) ==
                e["pass"]["replies"].end())
              changed.push_back(reply);
          REQUIRE(gm["replies"] == changed);
          ++moves;
        }
      }
    }
  }
  REQUIRE(moves > 20);

  // Without a traced run there is nothing to explain, and no file of an earlier batch stays.
  make_results(dir, "run", "--runs 20 --option all --trace 0");
  REQUIRE_FALSE(fs::exists(dir / "explain.json"));
  const ResultFolder untraced = load(dir);
  REQUIRE(untraced.manifest.explain.empty());
  REQUIRE_FALSE(report_data(untraced, {}).contains("why"));
}

TEST_CASE("compare report: forests equal comparison.csv, the ranking is the CLI's", "[report]") {
  TempDir tmp;
  const fs::path dir = tmp.path() / "compare";
  const CliResult cli =
      run_parley("compare " + mini_scenario() + " --runs 150 --threads 2 --out " + quoted(dir));
  REQUIRE(cli.status == 0);
  const Json data = report_data(load(dir), {});
  REQUIRE(data["kind"] == "compare");

  const Json manifest = Json::parse(read_file(dir / "manifest.json"));
  std::map<std::string, std::vector<std::string>> comparison;
  for (const auto& row : csv_rows(dir / "comparison.csv")) comparison[row[0] + "|" + row[1]] = row;
  int forests = 0;
  for (const Json& f : data["forests"]) {
    for (const Json& r : f["rows"]) {
      const auto& row =
          comparison.at(r["option"].get<std::string>() + "|" + f["metric"].get<std::string>());
      REQUIRE(r["diff"].get<double>() == Approx(std::stod(row[4])));
      REQUIRE(r["low"].get<double>() == Approx(std::stod(row[5])));
      REQUIRE(r["high"].get<double>() == Approx(std::stod(row[6])));
      // The verdict reads the interval and the min effect the manifest recorded.
      REQUIRE(r["verdict"] ==
              expected_verdict(
                  row, manifest["min_effects"][f["metric"].get<std::string>()].get<double>(),
                  f["group"] == "utility"));
    }
    ++forests;
  }
  // One forest per issue (aid in USD bn) and per actor with a utility.
  REQUIRE(forests == 3 + 3);
  REQUIRE(chart_of(data["forests"], "issue.aid.value")["axis"] == "USD bn");

  // The ranking lists the options in the order `parley compare` printed them, per actor.
  const std::string out = cli.out;
  const size_t start = out.find("final utility by actor");
  REQUIRE(start != std::string::npos);
  std::istringstream lines(out.substr(start));
  const auto printed = printed_ranking(out.substr(start));
  REQUIRE(printed.size() == data["ranking"].size());
  for (const Json& a : data["ranking"]) {
    std::vector<std::string> names;
    for (const Json& r : a["rows"])
      names.push_back(r["option"].get<std::string>() + ":" + r.value("verdict", ""));
    REQUIRE(names == printed.at(a["actor"].get<std::string>()));
  }
}

TEST_CASE("compare: --min-effect is recorded, and the report gives the CLI's verdicts",
          "[report]") {
  TempDir tmp;
  const fs::path dir = tmp.path() / "compare";
  // A min effect of the whole utility range: no utility difference can be "better" or "worse".
  const CliResult cli =
      run_parley("compare " + mini_scenario() +
                 " --runs 150 --threads 2 --min-effect 'utility.*=1' --out " + quoted(dir));
  INFO(cli.all());
  REQUIRE(cli.status == 0);
  const Json manifest = Json::parse(read_file(dir / "manifest.json"));
  REQUIRE(manifest["min_effects"]["utility.ALF"] == 1.0);
  REQUIRE(manifest["min_effects"]["issue.aid"] == 1.0);  // the default: one point of 0-100
  const Json data = report_data(load(dir), {});
  const auto printed = printed_ranking(cli.out.substr(cli.out.find("final utility by actor")));
  int rows = 0;
  for (const Json& a : data["ranking"]) {
    REQUIRE(a["min_effect"] == 1.0);
    std::vector<std::string> names;
    for (const Json& r : a["rows"]) {
      const std::string v = r.value("verdict", "");
      REQUIRE(v != "better");
      REQUIRE(v != "worse");
      names.push_back(r["option"].get<std::string>() + ":" + v);
      ++rows;
    }
    REQUIRE(names == printed.at(a["actor"].get<std::string>()));
  }
  REQUIRE(rows > 0);

  // A folder written before min effects were recorded: the defaults of each kind.
  Json old = manifest;
  old.erase("min_effects");
  write_file(dir / "manifest.json", old.dump(2));
  const Json older = report_data(load(dir), {});
  for (const Json& f : older["forests"]) {
    const double expected = f["group"] == "utility"            ? 0.01
                            : f["metric"] == "issue.aid.value" ? 0.05
                                                               : 1.0;
    REQUIRE(f["min_effect"].get<double>() == Approx(expected));
  }
}

TEST_CASE("sweep report: tornado bars equal sensitivity.csv, scatter thinned", "[report]") {
  TempDir tmp;
  const fs::path dir = make_sweep(tmp.path() / "sweep");
  const Json data = report_data(load(dir), {"A title of my own"});
  REQUIRE(data["title"] == "A title of my own");
  REQUIRE(data["design"] == "sobol");
  std::map<std::string, std::vector<std::string>> sens;
  for (const auto& row : csv_rows(dir / "sensitivity.csv")) sens[row[0] + "|" + row[1]] = row;
  REQUIRE_FALSE(data["tornado"].empty());
  for (const Json& t : data["tornado"]) {
    double previous = 1e9;
    for (const Json& b : t["bars"]) {
      const auto& row =
          sens.at(t["metric"].get<std::string>() + "|" + b["input"].get<std::string>());
      if (row[2].empty()) {
        REQUIRE(b["s1"].is_null());
        continue;
      }
      REQUIRE(b["s1"].get<double>() == Approx(std::stod(row[2])));
      REQUIRE(b["st"].get<double>() == Approx(std::stod(row[4])));
      REQUIRE(b["st"].get<double>() <= previous);  // the strongest input first
      previous = b["st"].get<double>();
    }
    // The subtitle's spread is sensitivity.csv's, in the metric's unit, and the warning follows
    // the metric's min effect.
    const auto& row =
        sens.at(t["metric"].get<std::string>() + "|" + t["bars"][0]["input"].get<std::string>());
    REQUIRE(t["spread_sd"].get<double>() == Approx(std::stod(row[6])));
    REQUIRE(t["spread_p05"].get<double>() == Approx(std::stod(row[7])));
    REQUIRE(t["spread_p95"].get<double>() == Approx(std::stod(row[8])));
    const double width = std::stod(row[8]) - std::stod(row[7]);
    REQUIRE(t["spread_negligible"] ==
            (t["varies"] == true && width < t["min_effect"].get<double>()));
  }
  const Json& sc = data["scatter"];
  REQUIRE(sc["samples"] == 128);
  REQUIRE(sc["inputs"].size() == 2);
  REQUIRE(sc["points"].size() == 128);  // under the default limit: every sample
  REQUIRE(sc["points"][0].size() == 2 + sc["metrics"].size());
}

TEST_CASE("turn labels are months when the scenario counts months from a date", "[report]") {
  ScenarioInfo info;
  info.turns = 14;
  info.start = "2025-11";
  info.turn_label = "month";
  const auto months = turn_labels(info);
  REQUIRE(months.size() == 15);
  REQUIRE(months[0] == "2025-11");
  REQUIRE(months[2] == "2026-01");
  REQUIRE(months[14] == "2027-01");
  info.turn_label = "week";
  REQUIRE(turn_labels(info)[14] == "14");
  info.turn_label = "month";
  info.start = "spring";
  REQUIRE(turn_labels(info)[3] == "3");
}

TEST_CASE("the page holds its data and scripts, and text cannot break out of them",
          "[report][web]") {
  Json data;
  data["kind"] = "run";
  data["title"] = "Aid </script><script>alert(1)</script> & \"more\"";
  const std::string page = report_html(data);
  // The title is escaped in HTML, and the data's '<' cannot end the data element.
  REQUIRE(page.find("<title>Aid &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                    "&quot;more&quot;</title>") != std::string::npos);
  REQUIRE(page.find("<script>alert(1)") == std::string::npos);
  const std::string open = "<script type=\"application/json\" id=\"parley-data\">";
  const size_t data_at = page.find(open);
  REQUIRE(data_at != std::string::npos);
  const size_t data_end = page.find("</script>", data_at);
  const std::string block = page.substr(data_at + open.size(), data_end - data_at - open.size());
  REQUIRE(Json::parse(block)["title"] == data["title"]);
  // Everything inline: no script, style or image is fetched from anywhere.
  REQUIRE(page.find("<script src") == std::string::npos);
  REQUIRE(page.find("<link rel=\"stylesheet\"") == std::string::npos);
  REQUIRE(page.find("@import") == std::string::npos);
  REQUIRE(page.find("Chart.js v3.9") != std::string::npos);  // Chart.js itself is inside
  REQUIRE(page.find("const Parley") != std::string::npos);
  REQUIRE(page.find("default-src 'none'") != std::string::npos);
  REQUIRE(page.find("<!--parley:") == std::string::npos);  // every directive was replaced
}

TEST_CASE("script_safe_json keeps the value and removes every '<'", "[web]") {
  const std::string json = R"({"a":"</script><!--","b":["<"]})";
  const std::string safe = script_safe_json(json);
  REQUIRE(safe.find('<') == std::string::npos);
  REQUIRE(Json::parse(safe) == Json::parse(json));
  REQUIRE(html_escape("a<b>&'\"") == "a&lt;b&gt;&amp;&#39;&quot;");
}

// The DEU training issues (tests/data/validation/deu-train): every model's error and the
// cross-validated choice of docs/VALIDATION.md, repeated. The cross-validated figures were also
// computed by a separate implementation of the same procedure (not part of parley) and agree to
// the last printed digit.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "engine/core/diagnostics.hpp"
#include "engine/forecast/candidates.hpp"
#include "engine/forecast/evaluation.hpp"
#include "engine/io/forecast_table.hpp"
#include "engine/io/outcome_table.hpp"

namespace {

const std::string kDir = std::string(PARLEY_TEST_DATA) + "/validation/deu-train/";

struct Deu {
  std::vector<std::string> names;
  std::vector<parley::BargainingInput> inputs;
  std::vector<double> outcomes;
  std::vector<int> proposals;
};

Deu load_deu() {
  parley::Diagnostics diag;
  const auto table = parley::load_forecast_table(kDir + "actors.csv", "actors.csv", diag);
  const auto outcome_table =
      parley::load_outcome_table(kDir + "outcomes.csv", "outcomes.csv", diag);
  REQUIRE(table.has_value());
  REQUIRE(outcome_table.has_value());
  const auto outcomes = parley::match_outcomes(*table, *outcome_table, diag);
  REQUIRE(outcomes.has_value());
  REQUIRE_FALSE(diag.has_errors());
  Deu d;
  for (const auto& issue : table->issues) {
    d.names.push_back(issue.name);
    d.inputs.push_back(issue.input);
  }
  d.outcomes = *outcomes;
  d.proposals = parley::clusters_by_prefix(d.names, 6);
  return d;
}

double mean_abs_error(const std::vector<double>& f, const std::vector<double>& o) {
  double sum = 0.0;
  for (std::size_t i = 0; i < f.size(); ++i) sum += std::abs(f[i] - o[i]);
  return sum / static_cast<double>(f.size());
}

}  // namespace

TEST_CASE("DEU training issues: 107 issues of 44 proposals, each model's error",
          "[forecast][validation]") {
  const Deu d = load_deu();
  REQUIRE(d.names.size() == 107);
  CHECK(*std::max_element(d.proposals.begin(), d.proposals.end()) + 1 == 44);
  const auto candidates = parley::candidate_forecasts(d.inputs);
  std::map<std::string, double> mae;
  for (const auto& c : candidates) {
    if (c.family == "model") mae[c.name] = mean_abs_error(c.forecast, d.outcomes);
  }
  // The figures measured with parley 0.2.3 before this work (unchanged models).
  CHECK(mae.at("nbs") == Approx(20.84).margin(0.005));
  CHECK(mae.at("compromise") == Approx(21.13).margin(0.005));
  CHECK(mae.at("median") == Approx(21.86).margin(0.005));
  CHECK(mae.at("blend") == Approx(22.76).margin(0.005));
  CHECK(mae.at("smp") == Approx(25.20).margin(0.005));
  CHECK(mae.at("eum") == Approx(30.37).margin(0.005));
  CHECK(mae.at("split") == Approx(19.50).margin(0.005));
}

TEST_CASE("DEU training issues: leave-one-proposal-out choice among all candidates",
          "[forecast][validation]") {
  const Deu d = load_deu();
  const auto candidates = parley::candidate_forecasts(d.inputs);
  REQUIRE(candidates.size() == 7 + 30 + 11 + 6);
  const auto run_family = [&](const std::string& family) {
    std::vector<std::vector<double>> from;
    std::vector<std::string> names;
    for (const auto& c : candidates) {
      if (family != "all" && c.family != family) continue;
      from.push_back(c.forecast);
      names.push_back(c.name);
    }
    const auto cv = parley::cross_validate_choice(from, d.outcomes, d.proposals);
    const double error = parley::summarize_errors(cv.held_out_error, 10.0).mean_abs;
    const auto agreeing = std::count(cv.fold_choice.begin(), cv.fold_choice.end(), cv.full_choice);
    return std::tuple{error, names[static_cast<std::size_t>(cv.full_choice)], agreeing, cv};
  };
  // The whole procedure: every candidate, chosen by its error on the other 43 proposals.
  const auto [all_error, all_choice, all_agreeing, all_cv] = run_family("all");
  CHECK(all_choice == "split");
  CHECK(all_agreeing == 44);
  CHECK(all_error == Approx(19.50).margin(0.005));
  // 7.7% below the compromise's 21.13: short of the 10% (19.0) aimed at.
  CHECK(all_error > 19.0);
  const auto [exp_error, exp_choice, exp_agreeing, exp_cv] = run_family("exponents");
  CHECK(exp_choice == "compromise c^0.5 s^3");
  CHECK(exp_error == Approx(20.95).margin(0.005));
  const auto [mix_error, mix_choice, mix_agreeing, mix_cv] = run_family("mix");
  CHECK(mix_choice == "mix 0.4");
  CHECK(mix_error == Approx(20.91).margin(0.005));
  const auto [camps_error, camps_choice, camps_agreeing, camps_cv] = run_family("camps");
  CHECK(camps_choice == "camps 2 nbs");

  // The paired comparison with the compromise over proposals: better on average, but the 95%
  // interval includes no difference (docs/VALIDATION.md says so).
  std::vector<double> diff;
  for (std::size_t i = 0; i < d.outcomes.size(); ++i) {
    diff.push_back(all_cv.held_out_error[i] - std::abs(candidates[0].forecast[i] - d.outcomes[i]));
  }
  const auto in = parley::cluster_bootstrap_mean(diff, d.proposals, parley::BootstrapSettings{});
  CHECK(in.estimate == Approx(19.50 - 21.13).margin(0.01));
  CHECK(in.lo < 0.0);
  CHECK(in.hi > 0.0);
}

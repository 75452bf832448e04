// KTAB's Spatial Model of Politics (smp_bargain) against KTAB's own reference runs: the position
// history of every actor, dimension and turn must match KTAB's log within 0.1 (the log prints one
// decimal on a 0-100 scale). Data: tests/data/validation/ktab/ (KTAB, MIT licence).

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/model/smp.hpp"

namespace {

using parley::BargainingInput;
using parley::BargainingResult;
using parley::BargainingSettings;

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::stringstream ss(line);
  while (std::getline(ss, cell, ',')) cells.push_back(cell);
  return cells;
}

/// A KTAB CSV table: row 1 `name, description, actors, dimensions`, row 2 headers, then
/// `actor, description, power, pos1, sal1, pos2, sal2, ...` (trailing commas allowed).
struct KtabTable {
  std::vector<std::string> names;
  BargainingInput input;
};

KtabTable read_ktab_csv(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  const auto head = split_csv(line);
  REQUIRE(head.size() >= 4);
  const int actors = std::stoi(head[2]);
  const int dims = std::stoi(head[3]);
  std::getline(in, line);  // column headers
  KtabTable t;
  t.input.position.resize(actors, dims);
  t.input.salience.resize(actors, dims);
  t.input.capability.resize(actors);
  for (int i = 0; i < actors; ++i) {
    REQUIRE(std::getline(in, line));
    const auto c = split_csv(line);
    REQUIRE(c.size() >= static_cast<std::size_t>(3 + 2 * dims));
    t.names.push_back(c[0]);
    t.input.capability(i) = std::stod(c[2]);
    for (int k = 0; k < dims; ++k) {
      t.input.position(i, k) = std::stod(c[3 + 2 * k]);
      t.input.salience(i, k) = std::stod(c[4 + 2 * k]) / 100.0;  // KTAB's 0-100 saliences
    }
  }
  return t;
}

/// The "History of actor positions over time" block: rows (actor, dim) in actor-major order,
/// columns = turns.
std::vector<std::vector<double>> read_history(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("History", 0) == 0) continue;
    const auto colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    std::stringstream ss(line.substr(colon + 1));
    std::vector<double> row;
    double x = 0;
    while (ss >> x) row.push_back(x);
    rows.push_back(row);
  }
  return rows;
}

struct Comparison {
  double max_dev = 0.0;
  std::size_t turns = 0;
};

Comparison compare_with_ktab(const std::string& scenario, const KtabTable& table,
                             const BargainingResult& result) {
  const auto ref =
      read_history(std::string(PARLEY_TEST_DATA) + "/validation/ktab/" + scenario + ".history.txt");
  const auto actors = table.input.position.rows();
  const auto dims = table.input.position.cols();
  REQUIRE(ref.size() == static_cast<std::size_t>(actors * dims));
  Comparison c;
  c.turns = ref[0].size();
  // KTAB's stopping rule must end the run on the same turn.
  REQUIRE(result.history.size() == c.turns);
  for (Eigen::Index i = 0; i < actors; ++i) {
    for (Eigen::Index k = 0; k < dims; ++k) {
      const auto& row = ref[static_cast<std::size_t>(i * dims + k)];
      REQUIRE(row.size() == c.turns);
      for (std::size_t t = 0; t < c.turns; ++t) {
        const double dev = std::fabs(result.history[t](i, k) - row[t]);
        c.max_dev = std::max(c.max_dev, dev);
        INFO(scenario << " actor " << table.names[static_cast<std::size_t>(i)] << " dim " << k
                      << " turn " << t);
        CHECK(dev <= 0.1);
      }
    }
  }
  return c;
}

BargainingSettings ktab_settings() {
  BargainingSettings s;
  s.rounds = 100;  // KTAB's maxIter
  s.record_history = true;
  return s;
}

}  // namespace

TEST_CASE("smp replicates KTAB's dummyData_3Dim reference run", "[smp]") {
  const auto table =
      read_ktab_csv(std::string(PARLEY_TEST_DATA) + "/validation/ktab/dummyData_3Dim.csv");
  const auto result = parley::smp_bargain(table.input, ktab_settings());
  const auto c = compare_with_ktab("dummyData_3Dim", table, result);
  CHECK(c.turns == 11);
  CHECK(c.max_dev <= 0.05 + 1e-9);  // only the log's rounding to 1 decimal
  // KTAB's final "winning probabilities": SActor-05's position is the most probable (0.4009).
  const auto& last = result.history.back();
  for (Eigen::Index k = 0; k < 3; ++k) CHECK(result.outcome(k) == Approx(last(5, k)));
  CHECK_FALSE(result.unweighted_fallback[0]);
}

TEST_CASE("smp replicates KTAB's SOE-Pol-Comp reference run", "[smp]") {
  const auto table =
      read_ktab_csv(std::string(PARLEY_TEST_DATA) + "/validation/ktab/SOE-Pol-Comp.csv");
  const auto result = parley::smp_bargain(table.input, ktab_settings());
  const auto c = compare_with_ktab("SOE-Pol-Comp", table, result);
  CHECK(c.turns == 28);
  CHECK(c.max_dev <= 0.05 + 1e-9);
  // KTAB's final "winning probabilities": MOF's position is the most probable (0.2330).
  REQUIRE(table.names[9] == "MOF");
  const auto& last = result.history.back();
  for (Eigen::Index k = 0; k < 2; ++k) CHECK(result.outcome(k) == Approx(last(9, k)));
}

TEST_CASE("smp maps the position scale linearly and honours the iteration cap", "[smp]") {
  const auto table =
      read_ktab_csv(std::string(PARLEY_TEST_DATA) + "/validation/ktab/dummyData_3Dim.csv");
  const auto base = parley::smp_bargain(table.input, ktab_settings());

  SECTION("a 0..1 scale gives the same run, rescaled") {
    auto input = table.input;
    input.scale_lo = 0.0;
    input.scale_hi = 1.0;
    input.position = table.input.position / 100.0;
    const auto r = parley::smp_bargain(input, ktab_settings());
    REQUIRE(r.history.size() == base.history.size());
    for (std::size_t t = 0; t < r.history.size(); ++t) {
      CHECK((r.history[t] * 100.0 - base.history[t]).cwiseAbs().maxCoeff() < 1e-9);
    }
  }

  SECTION("a -1..1 scale gives the same run within KTAB's tolerance") {
    auto input = table.input;
    input.scale_lo = -1.0;
    input.scale_hi = 1.0;
    input.position = (table.input.position.array() / 50.0 - 1.0).matrix();
    const auto r = parley::smp_bargain(input, ktab_settings());
    REQUIRE(r.history.size() == base.history.size());
    for (std::size_t t = 0; t < r.history.size(); ++t) {
      const Eigen::MatrixXd back = ((r.history[t].array() + 1.0) * 50.0).matrix();
      CHECK((back - base.history[t]).cwiseAbs().maxCoeff() < 0.1);
    }
  }

  SECTION("rounds caps the number of iterations") {
    auto s = ktab_settings();
    s.rounds = 3;
    const auto r = parley::smp_bargain(table.input, s);
    REQUIRE(r.history.size() == 4);
    for (std::size_t t = 0; t < r.history.size(); ++t) {
      CHECK((r.history[t] - base.history[t]).cwiseAbs().maxCoeff() == 0.0);
    }
  }

  SECTION("no history unless asked") {
    auto s = ktab_settings();
    s.record_history = false;
    const auto r = parley::smp_bargain(table.input, s);
    CHECK(r.history.empty());
    CHECK((r.outcome - base.outcome).cwiseAbs().maxCoeff() == 0.0);
  }
}

TEST_CASE("smp degenerate inputs", "[smp]") {
  SECTION("a single actor keeps its position") {
    BargainingInput in;
    in.position = Eigen::MatrixXd::Constant(1, 2, 40.0);
    in.salience = Eigen::MatrixXd::Constant(1, 2, 0.5);
    in.capability = Eigen::VectorXd::Constant(1, 10.0);
    const auto r = parley::smp_bargain(in, ktab_settings());
    CHECK(r.outcome(0) == Approx(40.0));
    CHECK(r.outcome(1) == Approx(40.0));
  }

  SECTION("all weights zero: nobody moves, unweighted mean reported") {
    BargainingInput in;
    in.position.resize(3, 1);
    in.position << 10.0, 50.0, 90.0;
    in.salience = Eigen::MatrixXd::Constant(3, 1, 0.5);
    in.capability = Eigen::VectorXd::Zero(3);
    const auto r = parley::smp_bargain(in, ktab_settings());
    CHECK(r.unweighted_fallback[0]);
    CHECK(r.outcome(0) == Approx(50.0));
    for (const auto& m : r.history) CHECK((m - in.position).cwiseAbs().maxCoeff() == 0.0);
  }

  SECTION("power varying per dimension runs the dimensions separately") {
    const auto table =
        read_ktab_csv(std::string(PARLEY_TEST_DATA) + "/validation/ktab/SOE-Pol-Comp.csv");
    auto in = table.input;
    in.power = Eigen::MatrixXd::Ones(in.position.rows(), 2);
    in.power(0, 1) = 2.0;
    const auto joint = parley::smp_bargain(table.input, ktab_settings());
    const auto split = parley::smp_bargain(in, ktab_settings());
    // Dimension 0 alone, with its own salience only: same as a 1-dimension run.
    BargainingInput one;
    one.position = in.position.col(0);
    one.salience = in.salience.col(0);
    one.capability = in.capability;
    const auto r0 = parley::smp_bargain(one, ktab_settings());
    CHECK(split.outcome(0) == Approx(r0.outcome(0)));
    CHECK(split.history.size() >= r0.history.size());
    for (std::size_t t = 0; t < r0.history.size(); ++t) {
      CHECK((split.history[t].col(0) - r0.history[t].col(0)).cwiseAbs().maxCoeff() == 0.0);
    }
    CHECK(joint.outcome.size() == 2);
  }
}

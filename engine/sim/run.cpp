#include "engine/sim/run.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/rng.hpp"
#include "engine/model/turn.hpp"
#include "engine/model/view.hpp"
#include "engine/sim/compile.hpp"

namespace parley {

MetricCatalog metric_catalog(const Scenario& sc) {
  MetricCatalog c;
  const int actors = static_cast<int>(sc.actors.size());
  const double turns = sc.turns;
  for (int i = 0; i < static_cast<int>(sc.issues.size()); ++i) {
    const Issue& is = sc.issues[static_cast<size_t>(i)];
    c.final.push_back({"issue." + is.id, MetricKind::issue, i, 0, 1, 0, 100, false});
    if (!is.unit.empty()) {
      const double b = (is.unit_high - is.unit_low) / 100.0;
      c.final.push_back({"issue." + is.id + ".value", MetricKind::issue_value, i, is.unit_low, b,
                         std::min(is.unit_low, is.unit_high), std::max(is.unit_low, is.unit_high),
                         false});
    }
  }
  for (int a = 0; a < actors; ++a) {
    // An actor with no stance (e.g. "nature" driving timeline events) has no utility to report.
    const bool has_stance = std::any_of(sc.stances.begin(), sc.stances.end(),
                                        [a](const Stance& st) { return st.actor == a; });
    if (!has_stance) continue;
    const std::string& id = sc.actors[static_cast<size_t>(a)].id;
    c.final.push_back({"utility." + id, MetricKind::utility, a, 0, 1, 0, 1, false});
    c.final.push_back({"utility." + id + ".mean", MetricKind::utility_mean, a, 0, 1, 0, 1, false});
  }
  for (int a = 0; a < actors; ++a)
    c.final.push_back({"recognized." + sc.actors[static_cast<size_t>(a)].id, MetricKind::recognized,
                       a, 0, 1, 0, static_cast<double>(std::max(1, actors - 1)), true});
  for (int m = 0; m < static_cast<int>(sc.moves.size()); ++m)
    c.final.push_back({"moves." + sc.moves[static_cast<size_t>(m)].id, MetricKind::moves, m, 0, 1,
                       0, turns, true});
  for (int i = 0; i < static_cast<int>(sc.issues.size()); ++i)
    c.final.push_back({"settled." + sc.issues[static_cast<size_t>(i)].id, MetricKind::settled, i, 0,
                       1, -1, turns, true});

  for (const MetricInfo& m : c.final)
    if (m.kind == MetricKind::issue || m.kind == MetricKind::utility ||
        m.kind == MetricKind::recognized)
      c.per_turn.push_back(m);
  return c;
}

namespace {

int recognized_by(const State& s, int a) noexcept {
  const int actors = s.actors();
  // Column a of the recognition block: how far each actor recognizes actor a. a's own entry
  // never counts: one loop over the whole column, then a's entry taken back out.
  const double* by = s.recognition.data() + static_cast<ptrdiff_t>(a) * actors;
  int n = 0;
  for (int b = 0; b < actors; ++b) n += by[b] >= 0.5 ? 1 : 0;
  return n - (by[a] >= 0.5 ? 1 : 0);
}

}  // namespace

void plan_row(const MetricCatalog& catalog, RowPlan& plan) {
  plan.runs.clear();
  for (size_t k = 0; k < catalog.per_turn.size(); ++k) {
    const MetricInfo& m = catalog.per_turn[k];
    // A metric extends the run before it when it reads the next index of the same kind.
    if (!plan.runs.empty()) {
      RowRun& last = plan.runs.back();
      if (last.kind == m.kind && last.index + last.count == m.index) {
        ++last.count;
        continue;
      }
    }
    plan.runs.push_back(RowRun{m.kind, static_cast<int>(k), m.index, 1});
  }
}

void record(const RowPlan& plan, const State& s, const Eigen::VectorXd& utilities,
            Eigen::Ref<Eigen::RowVectorXd> row) {
  const double* status_quo = s.status_quo.data();
  const double* utility = utilities.data();
  double* out = row.data();
  for (const RowRun& r : plan.runs) {
    double* to = out + r.first;
    switch (r.kind) {
      case MetricKind::issue:
        std::copy_n(status_quo + r.index, r.count, to);
        break;
      case MetricKind::utility:
        std::copy_n(utility + r.index, r.count, to);
        break;
      case MetricKind::recognized:
        for (int k = 0; k < r.count; ++k) to[k] = recognized_by(s, r.index + k);
        break;
      default:
        std::fill_n(to, r.count, 0.0);
        break;
    }
  }
}

int settle_turn(const Eigen::Ref<const Eigen::VectorXd>& q, double tolerance) {
  const Eigen::Index n = q.size();
  if (n < 2) return -1;
  // One backward pass keeps the extremes of q[t+1..n-1], so every candidate turn is checked in
  // O(1) without a buffer; the last turn found on the way back is the first in time.
  double lo = q[n - 1];
  double hi = q[n - 1];
  int first = -1;
  for (Eigen::Index t = n - 2; t >= 0; --t) {
    if (hi - q[t] <= tolerance && q[t] - lo <= tolerance) first = static_cast<int>(t);
    lo = std::min(q[t], lo);
    hi = std::max(q[t], hi);
  }
  return first;
}

void simulate(const Rules& rules, const MetricCatalog& catalog, const Params& p, std::uint64_t seed,
              std::uint64_t run, bool trace, RunOutput& out) {
  const int turns = rules.turns;
  out.ok = true;
  out.failure.clear();
  out.events.clear();
  out.trajectory.resize(turns + 1, static_cast<Eigen::Index>(catalog.per_turn.size()));
  // Status quo per turn, for settled.*; utilities per turn, for utility.* and utility.*.mean.
  // Resizing to the shape of the previous run keeps the storage, so a warm worker allocates none.
  RunScratch& scratch = out.scratch;
  Eigen::MatrixXd& q_hist = scratch.q_hist;
  q_hist.resize(turns + 1, rules.issues);
  Eigen::VectorXd& u_sum = scratch.u_sum;
  u_sum.setZero(rules.actors);
  Eigen::VectorXd& u = scratch.utility;
  u.resize(rules.actors);
  plan_row(catalog, scratch.row_plan);
  scratch.num.resize(rules.actors);
  scratch.den.resize(rules.actors);
  // Every actor's utility in one pass over the state's actor x issue blocks.
  const auto utilities = [&scratch, &u](const State& st) {
    utilities_at(st.layout, st.values.data(), scratch.num.data(), scratch.den.data(), u.data());
  };

  Rng rng = Rng(seed, run).split(static_cast<std::uint64_t>(Stream::dynamics));
  // The run works in the output's state, whose storage a warm worker reuses.
  State& s = out.state;
  initial_state_into(rules, p, s);
  utilities(s);
  record(scratch.row_plan, s, u, out.trajectory.row(0));
  q_hist.row(0) = s.status_quo.transpose();
  for (int t = 1; t <= turns; ++t) {
    step_in_place(rules, p, s, rng);
    // Each actor's utility once per turn: the per-turn metrics, the running mean and, after the
    // last turn, the final utility.* all read it.
    utilities(s);
    u_sum += u;
    record(scratch.row_plan, s, u, out.trajectory.row(t));
    q_hist.row(t) = s.status_quo.transpose();
    if (trace)
      for (size_t k = 0; k < s.made.size(); ++k)
        out.events.push_back(
            Event{t, s.made[k], static_cast<std::int32_t>(k) < s.made_by_timeline});
  }

  final_metrics(catalog, s, u, u_sum, q_hist, out);
}

void final_metrics(const MetricCatalog& catalog, const State& s, const Eigen::VectorXd& u,
                   const Eigen::VectorXd& u_sum, const Eigen::Ref<const Eigen::MatrixXd>& q_hist,
                   RunOutput& out) {
  const int turns = static_cast<int>(q_hist.rows()) - 1;
  const double tolerance = s.model[static_cast<size_t>(ModelKey::settle_tolerance)];
  out.final.resize(catalog.final.size());
  for (size_t k = 0; k < catalog.final.size(); ++k) {
    const MetricInfo& m = catalog.final[k];
    double v = 0.0;
    switch (m.kind) {
      case MetricKind::issue:
        v = s.status_quo[m.index];
        break;
      case MetricKind::issue_value:
        v = m.a + m.b * s.status_quo[m.index];
        break;
      case MetricKind::utility:
        v = u[m.index];  // utility of the final state, computed after the last turn
        break;
      case MetricKind::utility_mean:
        v = turns > 0 ? u_sum[m.index] / turns : 0.0;
        break;
      case MetricKind::recognized:
        v = recognized_by(s, m.index);
        break;
      case MetricKind::moves:
        v = s.count[m.index];
        break;
      case MetricKind::settled:
        v = settle_turn(q_hist.col(m.index), tolerance);
        break;
    }
    if (!std::isfinite(v) && out.ok) {
      out.ok = false;
      out.failure = "non-finite value of " + m.name;
    }
    out.final[k] = v;
  }
}

}  // namespace parley

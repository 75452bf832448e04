#pragma once
/// \file
/// The rows of runs.csv, events.csv and failures.csv, and the number format of every batch CSV:
/// 6 significant digits, the shortest form (printf's %.6g, locale-independent). Each runs.csv
/// column gets its writer once, when the format is built (whole numbers for counts and turns,
/// the general 6-digit writer for the rest), so a row costs a few dozen instructions per number.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/rules.hpp"
#include "engine/scenario/scenario.hpp"
#include "engine/sim/run.hpp"

namespace parley {

/// Formats runs.csv, events.csv and failures.csv rows. Built once per batch; immutable, so
/// worker threads share it.
class RowFormat {
 public:
  /// Column names and labels come from the scenario, the rules and the catalogue.
  RowFormat(const Scenario& scenario, const Rules& rules, const MetricCatalog& catalog);

  /// runs.csv header: run,option,param.*,metrics... (with a newline).
  [[nodiscard]] const std::string& runs_header() const noexcept { return runs_header_; }
  /// events.csv header (with a newline).
  [[nodiscard]] static std::string_view events_header() noexcept {
    return "run,option,turn,actor,move,headline,by\n";
  }
  /// failures.csv header (with a newline).
  [[nodiscard]] static std::string_view failures_header() noexcept { return "run,option,reason\n"; }
  /// Appends one runs.csv row: the run, the option, its random numbers (empty cells for the
  /// numbers of other options) and the final metrics (empty cells when !out.ok).
  void run_row(std::uint64_t run, const Params& p, const RunOutput& out, std::string& text) const;
  /// Appends the events.csv rows of one run.
  void event_rows(std::uint64_t run, int option, const RunOutput& out, std::string& text) const;
  /// Appends one failures.csv row.
  void failure_row(std::uint64_t run, int option, const RunOutput& out, std::string& text) const;

 private:
  /// How a number column is written; the text is the same %.6g either way, only the order of
  /// the shortcuts differs.
  enum class NumberFormat : std::uint8_t {
    whole,    ///< integer-valued metrics: integers first
    general,  ///< any value: 6 significant digits first
  };

  // Writes a runs.csv row at `q`, which has room for row_room_ + out.final.size() *
  // (kNumberRoom + 1) chars; returns the end of the text.
  char* write_row(char* q, std::uint64_t run, const Params& p, const RunOutput& out) const noexcept;

  const Rules& rules_;
  std::string runs_header_;
  /// Per option, per param column: the index into Params::values, or -1 for an empty cell (a
  /// number of another option).
  std::vector<std::vector<std::int32_t>> param_columns_;
  std::vector<NumberFormat> final_formats_;  // per final metric
  std::vector<std::string> option_cells_;    // ",name" per option
  std::size_t row_room_ = 0;                 // bytes a row may take before its final metrics
  std::vector<std::string> option_names_;
  std::vector<std::string> actor_ids_;
  std::vector<std::string> move_ids_;
  std::vector<std::string> headlines_;  // already CSV-quoted
};

/// Appends `v` with 6 significant digits (shortest form, as printf %g but locale-independent;
/// -0 as 0).
void append_number(std::string& text, double v);
/// Writes what append_number appends to `out`, which has room for at least kNumberRoom chars
/// (the text is at most 13 chars; the rest is scratch). Returns the end of the text.
char* write_number(char* out, double v) noexcept;
/// Room write_number needs at `out`.
inline constexpr std::size_t kNumberRoom = 24;

}  // namespace parley

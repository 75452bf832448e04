#pragma once
/// \file
/// The parley subcommands. Each takes the arguments after the subcommand name and returns the
/// process exit status: 0 success, 1 runtime failure, 2 bad input or bad usage.

#include <string>
#include <vector>

namespace parley::cli {

/// Exit status for bad input files or bad command-line usage.
inline constexpr int kExitBadInput = 2;

/// `parley run SCENARIO ...`
int cmd_run(const std::vector<std::string>& args);
/// `parley validate SCENARIO [--gains]`
int cmd_validate(const std::vector<std::string>& args);
/// `parley explain SCENARIO ...`
int cmd_explain(const std::vector<std::string>& args);
/// `parley forecast TABLE ...`
int cmd_forecast(const std::vector<std::string>& args);
/// `parley compare SCENARIO ...`
int cmd_compare(const std::vector<std::string>& args);
/// `parley sweep SCENARIO --vary PATH=LO..HI ...`
int cmd_sweep(const std::vector<std::string>& args);
/// `parley report DIR ...`
int cmd_report(const std::vector<std::string>& args);
/// `parley serve SCENARIO ...`
int cmd_serve(const std::vector<std::string>& args);

/// Writes the HTML report of the result folder `dir` into `out` (empty: `dir`/report.html) with
/// `title` (empty: the scenario's), for `parley report` and the --report option of run, compare
/// and sweep. Prints problems (exit 2, nothing written) or, unless `quiet`, where it went.
/// Returns the exit status: 0, 1 when the file cannot be written, 2 for bad input.
int write_report(const std::string& dir, const std::string& out, const std::string& title,
                 bool quiet);

}  // namespace parley::cli

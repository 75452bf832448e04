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
/// `parley validate SCENARIO`
int cmd_validate(const std::vector<std::string>& args);
/// `parley forecast TABLE ...`
int cmd_forecast(const std::vector<std::string>& args);
/// `parley compare SCENARIO ...`
int cmd_compare(const std::vector<std::string>& args);
/// `parley sweep SCENARIO --vary PATH=LO..HI ...`
int cmd_sweep(const std::vector<std::string>& args);

}  // namespace parley::cli

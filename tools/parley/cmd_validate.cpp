// `parley validate SCENARIO`: load, check and lint a scenario folder; write nothing.
#include <boost/program_options.hpp>
#include <iostream>

#include "engine/sim/compile.hpp"
#include "engine/sim/lint.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace po = boost::program_options;

namespace parley::cli {

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description visible(
      "usage: parley validate SCENARIO\n\n"
      "Checks a scenario folder (scenario.ini and the six CSV tables) and lists every problem\n"
      "as file:line:column. Exit status: 0 valid (warnings allowed), 2 problems found.\n\n"
      "options");
  visible.add_options()("help,h", "show this help");
  po::variables_map vm;
  if (const auto status = parse_scenario_args("validate", visible, args, vm)) return *status;
  Diagnostics diag;
  const auto scenario = load_with_overrides(vm["scenario"].as<std::string>(), {}, diag);
  if (scenario) lint(*scenario, compile(*scenario), diag);
  if (const int status = report(diag); status != 0) return status;
  std::cout << "scenario '" << scenario->name << "' is valid: " << scenario->actors.size()
            << " actors, " << scenario->issues.size() << " issues, " << scenario->moves.size()
            << " moves, " << scenario->timeline.size() << " timeline rows, "
            << scenario->options.size() - 1 << " options, " << scenario->turns << " turns";
  if (diag.warning_count() > 0) std::cout << " (" << diag.warning_count() << " warning(s))";
  std::cout << '\n';
  return 0;
}

}  // namespace parley::cli

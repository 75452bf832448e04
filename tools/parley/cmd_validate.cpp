// `parley validate SCENARIO [--gains]`: load, check and lint a scenario folder; write nothing.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <optional>

#include "engine/sim/compile.hpp"
#include "engine/sim/explain.hpp"
#include "engine/sim/lint.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace po = boost::program_options;

namespace parley::cli {

namespace {

std::string fixed(double v, int decimals, bool sign = false) {
  char buf[64];
  if (v == 0.0) v = 0.0;
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

std::string pad(std::string_view s, size_t width, bool left = false) {
  std::string fill(s.size() < width ? width - s.size() : 0, ' ');
  return left ? fill + std::string(s) : std::string(s) + fill;
}

// The table of `validate --gains`: per option and AI actor, its moves by net gain.
void print_gains(const std::vector<OptionGains>& gains) {
  std::cout << "\nnet gain of every AI move at turn 0 (every number at its mean; utility units):\n"
               "gain = value - value of passing - cost; the AI makes a move when its gain beats\n"
               "passing (0), so the moves at the top are those it will want first\n";
  for (const OptionGains& og : gains) {
    std::cout << "\noption " << og.option << '\n';
    for (const ActorGains& ag : og.actors) {
      std::cout << "  " << ag.actor << " (passing is worth "
                << (ag.moves.empty() ? std::string("-") : fixed(ag.moves[0].pass_value, 6))
                << ")\n";
      std::cout << "    " << pad("move", 28) << pad("value", 10, true) << pad("cost", 10, true)
                << pad("gain", 11, true) << '\n';
      for (const MoveGain& g : ag.moves) {
        std::cout << "    " << pad(g.move, 28) << pad(fixed(g.value, 6), 10, true)
                  << pad(fixed(g.cost, 6), 10, true) << pad(fixed(g.gain, 6, true), 11, true)
                  << (g.available ? "" : "  not available now:") << '\n';
        // The reason under the row, so the table keeps its columns within the width.
        if (!g.available) print_wrapped(std::cout, 8, 2, g.blocked);
      }
    }
  }
}

}  // namespace

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description visible(
      "usage: parley validate SCENARIO [--gains]\n\n"
      "Checks a scenario folder (scenario.ini and the six CSV tables) and lists every problem\n"
      "as file:line:column. Exit status: 0 valid (warnings allowed), 2 problems found.\n\n"
      "options");
  // clang-format off
  visible.add_options()
      ("gains", "also list, per option and AI actor, every move's net gain at turn 0 (value -\n"
                "value of passing - cost, every number at its mean), highest first")
      ("help,h", "show this help");
  // clang-format on
  po::variables_map vm;
  if (const auto status = parse_scenario_args("validate", visible, args, vm)) return *status;
  Diagnostics diag;
  const auto scenario = load_with_overrides(vm["scenario"].as<std::string>(), {}, diag);
  std::optional<Rules> rules;
  if (scenario) {
    rules = compile(*scenario);
    lint(*scenario, *rules, diag);
  }
  if (const int status = report(diag); status != 0) return status;
  // Two lines, so that the counts fit a terminal's width.
  std::cout << "scenario '" << scenario->name << "' is valid:\n  " << scenario->actors.size()
            << " actors, " << scenario->issues.size() << " issues, " << scenario->moves.size()
            << " moves, " << scenario->timeline.size() << " timeline rows, "
            << scenario->options.size() - 1 << " options, " << scenario->turns << " turns";
  if (diag.warning_count() > 0) std::cout << " (" << diag.warning_count() << " warning(s))";
  std::cout << '\n';
  if (vm.count("gains")) print_gains(initial_gains(*scenario, *rules));
  return 0;
}

}  // namespace parley::cli

// parley: the command-line front end. Dispatches to one subcommand per file.
#include <iostream>
#include <string>
#include <vector>

#include "engine/batch/mpi.hpp"
#include "tools/parley/commands.hpp"

namespace {

constexpr const char* kUsage =
    "parley " PARLEY_VERSION
    " - strategic scenario simulation\n"
    "\n"
    "usage: parley COMMAND [ARGS...]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO       Monte Carlo batch of a scenario folder; writes results/<name>/\n"
    "  validate SCENARIO  check a scenario folder and list every problem (--gains: what AI\n"
    "                     moves are worth at turn 0)\n"
    "  explain SCENARIO   replay one run: why each AI actor made or did not make each move\n"
    "  compare SCENARIO   options vs baseline on common random numbers: paired differences\n"
    "  sweep SCENARIO     vary paths over a design (lhs, grid, sobol); Sobol' sensitivity\n"
    "  forecast TABLE     forecast one-shot bargaining outcomes from an actor table\n"
    "  report DIR         one self-contained HTML page with charts of a result folder\n"
    "  serve SCENARIO     classroom exercise: teams play the actors in their browsers\n"
    "\n"
    "  parley COMMAND --help   shows the options of a command\n"
    "  parley --version        shows the version\n"
    "\n"
    "exit status: 0 done; 1 the system failed (a file could not be written, or another\n"
    "batch is writing into the same folder); 2 bad input or usage, nothing written.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return parley::cli::kExitBadInput;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  try {
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (command == "--version" || command == "-V") {
      std::cout << "parley " PARLEY_VERSION "\n";
      return 0;
    }
    if (command == "run") return parley::cli::cmd_run(args);
    if (command == "validate") return parley::cli::cmd_validate(args);
    if (command == "explain") return parley::cli::cmd_explain(args);
    if (command == "forecast") return parley::cli::cmd_forecast(args);
    if (command == "compare") return parley::cli::cmd_compare(args);
    if (command == "sweep") return parley::cli::cmd_sweep(args);
    if (command == "report") return parley::cli::cmd_report(args);
    if (command == "serve") return parley::cli::cmd_serve(args);
  } catch (const std::exception& e) {
    // A failure of the system (a file that cannot be written, memory), from any thread of a
    // batch: exit 1 with the reason. Batches commit nothing on the way out; their last
    // checkpoint stays for --resume.
    std::cerr << "parley " << command << ": " << e.what() << '\n';
    // Under MPI the other ranks may be waiting for this one: end them too.
    parley::mpi::abort_job_if_several(1);
    return 1;
  }
  std::cerr << "parley: unknown command '" << command << "'\n\n" << kUsage;
  return parley::cli::kExitBadInput;
}

// `parley serve SCENARIO ...`: the classroom server (teams play the actors in their browsers).
#include <pthread.h>
#include <signal.h>

#include <boost/program_options.hpp>
#include <iostream>
#include <thread>

#include "engine/server/classroom_server.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace po = boost::program_options;

namespace parley::cli {

int cmd_serve(const std::vector<std::string>& args) {
  po::options_description visible(
      "usage: parley serve SCENARIO [options]\n\n"
      "Runs a classroom exercise: teams of students play the scenario's actors in their\n"
      "browsers, one move a turn, while parley's AI plays every seat without a team. Prints the\n"
      "facilitator's link (secret) and the students' join link. Every action is stored in\n"
      "DATA/session.sqlite before it is acknowledged: start the server again with the same\n"
      "--data and the session is back as it was. See docs/CLASSROOM.md.\n\n"
      "options");
  // clang-format off
  visible.add_options()
      ("option,o", po::value<std::string>(), "the option new worlds play (default: baseline)")
      ("seed,s", po::value<std::string>(), "the seed new worlds play (default: [run] seed of scenario.ini)")
      ("host", po::value<std::string>()->default_value("127.0.0.1"),
       "the address to listen on: 127.0.0.1 for this machine only, 0.0.0.0 for the network")
      ("port", po::value<int>()->default_value(8080), "the port (0: any free one)")
      ("data", po::value<std::string>()->default_value("results/classroom"),
       "the folder of the session database")
      ("reference-runs", po::value<std::int64_t>()->default_value(2000),
       "Monte Carlo runs behind each world's debrief (100 to 1000000)")
      ("max-clients", po::value<int>()->default_value(512),
       "pages open at once that the server holds a connection for (16 to 10000)")
      ("help,h", "show this help");
  // clang-format on
  po::variables_map vm;
  if (const auto status = parse_scenario_args("serve", visible, args, vm)) return *status;

  Diagnostics diag;
  const auto scenario = load_with_overrides(vm["scenario"].as<std::string>(), {}, diag);
  ServeOptions options;
  options.host = vm["host"].as<std::string>();
  options.port = vm["port"].as<int>();
  options.data_dir = vm["data"].as<std::string>();
  if (options.port < 0 || options.port > 65535)
    diag.error("--port", 0, 0, "expected a port from 0 to 65535");
  const std::int64_t runs = vm["reference-runs"].as<std::int64_t>();
  if (runs < 100 || runs > 1000000)
    diag.error("--reference-runs", 0, 0, "expected 100 to 1000000 runs");
  options.reference_runs = static_cast<std::uint64_t>(std::max<std::int64_t>(runs, 100));
  options.threads = vm["max-clients"].as<int>();
  if (options.threads < 16 || options.threads > 10000)
    diag.error("--max-clients", 0, 0, "expected 16 to 10000");
  if (scenario) {
    if (vm.count("option")) {
      options.option = vm["option"].as<std::string>();
      if (scenario->option_index(options.option) < 0)
        option_error(diag, "--option", options.option, 0,
                     "unknown option '" + options.option + "'; expected an option of the scenario");
    }
    if (vm.count("seed")) options.seed = seed_option(vm, scenario->default_seed, diag);
  }
  if (const int status = report(diag); status != 0) return status;

  // Ctrl-C and SIGTERM stop the server from a thread of their own; every other thread has the
  // signals blocked, so none is interrupted in the middle of an action.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ClassroomServer server(*scenario, options);
  std::string error;
  int status = 0;
  if (!server.start(error, status)) {
    std::cerr << "parley serve: " << error << '\n';
    return status;
  }
  const std::string option = options.option.empty() ? "baseline" : options.option;
  std::cout << "parley serve " << scenario->name << ": "
            << (server.resumed() ? "resumed the session in " : "a new session in ")
            << options.data_dir << "/session.sqlite\n";
  std::vector<std::string> hosts;
  if (options.host == "0.0.0.0") {
    hosts = network_addresses();
    hosts.insert(hosts.begin(), "127.0.0.1");
  } else {
    hosts.push_back(options.host);
  }
  const std::string port = std::to_string(server.port());
  for (const std::string& host : hosts) {
    const std::string base = "http://" + host + ":" + port;
    std::cout << "\n  facilitator (keep it secret): " << base
              << "/facilitator#token=" << server.facilitator_token()
              << "\n  students join:                " << base << "/join?code=" << server.join_code()
              << '\n';
  }
  std::cout << "\njoin code " << server.join_code()
            << (options.host == "127.0.0.1" || options.host == "localhost"
                    ? "; only this machine can connect (--host 0.0.0.0 opens it to the network)"
                    : "")
            << "\nCtrl-C stops the server; start it again with the same --data to go on.\n"
            << std::flush;

  std::thread waiter([&server, &signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  server.run();
  // run() also returns if listening fails; wake the signal thread in that case.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::cout << "parley serve: stopped; the session is kept in " << options.data_dir << '\n';
  return 0;
}

}  // namespace parley::cli

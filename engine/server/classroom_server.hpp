#pragma once
/// \file
/// `parley serve`: the classroom's HTTP server. It serves the embedded pages (join, team,
/// facilitator, brief), a JSON API under /api (docs/CLASSROOM.md) and one server-sent-event
/// stream per open page. Every change is an action of the session (engine/classroom), stored
/// in the data folder's SQLite database before it is acknowledged; on start the stored actions
/// are replayed, so a killed server comes back exactly as it was.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/scenario/scenario.hpp"

namespace parley {

/// How to serve.
struct ServeOptions {
  std::string host = "127.0.0.1";              ///< the address to listen on (loopback unless told)
  int port = 8080;                             ///< 0 = any free port (see ClassroomServer::port)
  std::string data_dir = "results/classroom";  ///< where session.sqlite lives
  std::string option;                   ///< new worlds' option (""= baseline); a new session only
  std::optional<std::uint64_t> seed;    ///< new worlds' seed (default: the scenario's); idem
  int threads = 512;                    ///< connection threads: every open page holds one
  std::size_t max_body = 64 * 1024;     ///< request bodies above this get 413
  std::uint64_t reference_runs = 2000;  ///< Monte Carlo runs behind each world's debrief
};

/// The classroom server of one scenario.
class ClassroomServer {
 public:
  /// `scenario` must outlive the server.
  ClassroomServer(const Scenario& scenario, ServeOptions options);
  ~ClassroomServer();
  ClassroomServer(const ClassroomServer&) = delete;
  ClassroomServer& operator=(const ClassroomServer&) = delete;

  /// Opens the data folder, replays the stored session (or starts a new one, with a first
  /// world) and binds the port. False with the reason in `error` (exit status 2 for a session
  /// of other scenario files or options, 1 for the system).
  [[nodiscard]] bool start(std::string& error, int& status);
  /// Serves until stop() (from another thread or a signal handler's thread).
  void run();
  /// Stops serving: open streams end, run() returns.
  void stop();
  /// The bound port.
  [[nodiscard]] int port() const;
  /// True when start() resumed a stored session rather than making a new one.
  [[nodiscard]] bool resumed() const;
  /// The facilitator's secret token and the students' join code.
  [[nodiscard]] std::string facilitator_token() const;
  [[nodiscard]] std::string join_code() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The machine's non-loopback IPv4 addresses (for the links to print when listening on
/// 0.0.0.0), in interface order.
[[nodiscard]] std::vector<std::string> network_addresses();

}  // namespace parley

// `parley serve` as a process: its links, kill -9 and a restart, and bad arguments.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/results.hpp"

// Last: it defines _res, a name Eigen uses.
#include <httplib.h>

using namespace parley::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

const std::string kScenario =
    (fs::path(PARLEY_SOURCE_DIR) / "scenarios" / "afghanistan-2025").string();

// `parley serve` in a child process, its standard output in a file.
struct ServeProcess {
  pid_t pid = -1;
  fs::path out;
  int port = 0;
  std::string token;
  std::string code;

  ServeProcess(const fs::path& data, const fs::path& log, std::vector<std::string> extra = {}) {
    out = log;
    std::fflush(stdout);  // or the child would print the parent's buffered output again
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::vector<std::string> args = {PARLEY_BIN, "serve",       kScenario,          "--port", "0",
                                       "--data",   data.string(), "--reference-runs", "200"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      if (std::freopen(log.c_str(), "w", stdout) == nullptr) ::_exit(127);
      if (std::freopen((log.string() + ".err").c_str(), "w", stderr) == nullptr) ::_exit(127);
      ::execv(PARLEY_BIN, argv.data());
      ::_exit(127);
    }
    // The links appear once the port is bound.
    const std::regex link(R"(http://127\.0\.0\.1:(\d+)/facilitator#token=([0-9a-f]{32}))");
    const std::regex join(R"(/join\?code=([A-Z0-9]{6}))");
    std::smatch m;
    for (int k = 0; k < 500; ++k) {
      const std::string text = read_file(out);
      if (std::regex_search(text, m, link)) {
        port = std::stoi(m[1]);
        token = m[2];
        if (std::regex_search(text, m, join)) code = m[1];
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    INFO(read_file(out) << read_file(log.string() + ".err"));
    REQUIRE(port > 0);
  }
  int stop(int signal) {
    ::kill(pid, signal);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return status;
  }
  ~ServeProcess() {
    if (pid > 0) stop(SIGKILL);
  }
};

Json get(int port, const std::string& path, const std::string& token) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get(path.c_str(), {{"Authorization", "Bearer " + token}});
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return Json::parse(r->body);
}

int post(int port, const std::string& path, const std::string& token, const Json& body) {
  httplib::Client c("127.0.0.1", port);
  auto r =
      c.Post(path.c_str(), {{"Authorization", "Bearer " + token}}, body.dump(), "application/json");
  REQUIRE(r);
  return r->status;
}

}  // namespace

TEST_CASE("kill -9 the server, start it again: the session is back, identical", "[cli][serve]") {
  TempDir tmp;
  const fs::path data = tmp.path() / "classroom";
  std::string before, team;
  std::string token;
  {
    ServeProcess s(data, tmp.path() / "one.log");
    token = s.token;
    CHECK(read_file(s.out).find("a new session in") != std::string::npos);
    httplib::Client c("127.0.0.1", s.port);
    auto joined =
        c.Post("/api/worlds/1/teams",
               Json{{"code", s.code}, {"actor", "US"}, {"name", "Ann"}}.dump(), "application/json");
    REQUIRE(joined);
    REQUIRE(joined->status == 200);
    team = Json::parse(joined->body)["token"];
    post(s.port, "/api/worlds/1/open", token, Json::object());
    CHECK(post(s.port, "/api/worlds/1/moves", team, {{"turn", 1}, {"moves", {"us_offer_ct"}}}) ==
          200);
    post(s.port, "/api/worlds/1/open", token, Json::object());
    post(s.port, "/api/worlds/1/inject", token, {{"move", "chn_extend_cpec"}});
    Json v = get(s.port, "/api/worlds/1", token);
    v.erase("status");
    v.erase("debrief");
    before = v.dump();
    const int status = s.stop(SIGKILL);
    REQUIRE(WIFSIGNALED(status));
  }
  ServeProcess again(data, tmp.path() / "two.log");
  CHECK(read_file(again.out).find("resumed the session in") != std::string::npos);
  CHECK(again.token == token);
  Json v = get(again.port, "/api/worlds/1", token);
  CHECK(v["status"]["resolved"] == 1);
  CHECK(v["status"]["open"] == true);
  v.erase("status");
  v.erase("debrief");
  CHECK(v.dump() == before);
  CHECK(get(again.port, "/api/worlds/1", team)["brief"]["actor"] == "US");
  // Ctrl-C (SIGINT) stops it cleanly.
  const int status = again.stop(SIGINT);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("parley serve refuses bad arguments and a folder it cannot use", "[cli][serve][errors]") {
  TempDir tmp;
  const std::string scenario = quoted(fs::path(kScenario));
  auto r = run_parley("serve " + scenario + " --option nope --port 0 --data " +
                      quoted(tmp.path() / "a"));
  CHECK(r.status == 2);
  CHECK(r.err.find("--option 'nope': error: unknown option 'nope'") != std::string::npos);
  r = run_parley("serve " + scenario + " --port 70000");
  CHECK(r.status == 2);
  CHECK(r.err.find("expected a port from 0 to 65535") != std::string::npos);
  r = run_parley("serve");
  CHECK(r.status == 2);
  CHECK(run_parley("serve --help").status == 0);

  // A folder in use by another server, and a session of other scenario files.
  const fs::path data = tmp.path() / "classroom";
  {
    ServeProcess s(data, tmp.path() / "one.log");
    r = run_parley("serve " + scenario + " --port 0 --data " + quoted(data));
    CHECK(r.status == 1);
    CHECK(r.err.find("another parley serve is using the data folder") != std::string::npos);
  }
  const fs::path mini = fs::path(PARLEY_TEST_DATA) / "scenarios" / "mini";
  r = run_parley("serve " + quoted(mini) + " --port 0 --data " + quoted(data));
  CHECK(r.status == 2);
  CHECK(r.err.find("other scenario files") != std::string::npos);
  r = run_parley("serve " + scenario + " --port 0 --option engage --data " + quoted(data));
  CHECK(r.status == 2);
  CHECK(r.err.find("expected the same --option and --seed") != std::string::npos);
}

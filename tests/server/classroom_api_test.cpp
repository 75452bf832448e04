// The classroom server's JSON API, against a server started in the test on a free port.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "engine/io/scenario_loader.hpp"
#include "engine/server/classroom_server.hpp"
#include "tests/support/results.hpp"
#include "tests/support/scenarios.hpp"

// Last: it defines _res, a name Eigen uses.
#include <httplib.h>

using namespace parley;
using namespace parley::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

const Scenario& afghanistan() {
  return parley::test::shipped("afghanistan-2025");
}

// A server on a free port of 127.0.0.1, serving from its own thread until destroyed.
class Running {
 public:
  explicit Running(const fs::path& data, std::uint64_t reference_runs = 200) {
    ServeOptions o;
    o.port = 0;
    o.data_dir = data.string();
    o.reference_runs = reference_runs;
    o.threads = 32;
    server_ = std::make_unique<ClassroomServer>(afghanistan(), o);
    std::string error;
    int status = 0;
    INFO(error);
    REQUIRE(server_->start(error, status));
    thread_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
    // Wait until it answers.
    for (int k = 0; k < 200 && !client_->Get("/api/health"); ++k)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~Running() {
    server_->stop();
    thread_.join();
  }
  ClassroomServer& server() { return *server_; }
  int port() const { return server_->port(); }

  // A request with a token (empty: none); the status and the body as JSON (null if not JSON).
  std::pair<int, Json> post(const std::string& path, const std::string& token,
                            const std::string& body = "{}") {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    auto r = client_->Post(path.c_str(), h, body, "application/json");
    REQUIRE(r);
    return {r->status, Json::parse(r->body, nullptr, false)};
  }
  std::pair<int, Json> get(const std::string& path, const std::string& token) {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    auto r = client_->Get(path.c_str(), h);
    REQUIRE(r);
    return {r->status, Json::parse(r->body, nullptr, false)};
  }
  std::string get_text(const std::string& path, const std::string& token) {
    auto r = client_->Get(path.c_str(), {{"Authorization", "Bearer " + token}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return r->body;
  }
  std::string join(const std::string& actor, const std::string& name, int world = 1) {
    const auto [status, j] =
        post("/api/worlds/" + std::to_string(world) + "/teams", "",
             Json{{"code", server_->join_code()}, {"actor", actor}, {"name", name}}.dump());
    INFO(j.dump());
    REQUIRE(status == 200);
    return j["token"].get<std::string>();
  }

 private:
  std::unique_ptr<ClassroomServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

// Waits up to `seconds` for `done`.
template <class F>
bool eventually(F done, double seconds = 5.0) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace

TEST_CASE("joining, submitting, changing and resolving a turn through the API", "[server]") {
  TempDir tmp;
  Running s(tmp.path() / "data");
  const std::string f = s.server().facilitator_token();
  REQUIRE(f.size() == 32);
  CHECK(s.get("/api/health", "").first == 200);

  const std::string us = s.join("US", "Ann");
  const std::string tlb = s.join("TLB", "Bo");
  REQUIRE(us.size() == 32);
  CHECK(us != tlb);
  auto [st, view] = s.get("/api/worlds/1", us);
  REQUIRE(st == 200);
  CHECK(view["role"] == "team");
  CHECK(view["brief"]["actor"] == "US");
  CHECK(view["status"]["open"] == false);

  CHECK(s.post("/api/worlds/1/open", f, R"({"deadline_seconds": 600})").first == 200);
  const auto [s1, r1] =
      s.post("/api/worlds/1/moves", us, R"({"turn": 1, "moves": ["us_offer_ct"]})");
  INFO(r1.dump());
  CHECK(s1 == 200);
  // A changed mind replaces the submission.
  CHECK(s.post("/api/worlds/1/moves", us, R"({"turn": 1, "moves": ["us_withhold_aid"]})").first ==
        200);
  view = s.get("/api/worlds/1", us).second;
  CHECK(view["submission"]["moves"] == Json::array({"us_withhold_aid"}));
  CHECK(view["status"]["open"] == true);  // TLB has not submitted
  // The last team's submission resolves the turn.
  CHECK(s.post("/api/worlds/1/moves", tlb, R"({"turn": 1, "moves": []})").first == 200);
  view = s.get("/api/worlds/1", us).second;
  CHECK(view["status"]["resolved"] == 1);
  CHECK(view["status"]["open"] == false);
  bool made = false;
  for (const Json& e : view["public"]["events"])
    made = made || (e["move"] == "us_withhold_aid" && e["by"] == "person");
  CHECK(made);
}

TEST_CASE("bad requests get 400, 403 or 404 and change nothing", "[server][errors]") {
  TempDir tmp;
  Running s(tmp.path() / "data");
  const std::string f = s.server().facilitator_token();
  const std::string us = s.join("US", "Ann");
  CHECK(s.post("/api/worlds", f).first == 200);  // a second world
  const std::string other = s.join("TLB", "Cy", 2);
  CHECK(s.post("/api/worlds/1/open", f).first == 200);
  // The debrief's reference arriving changes the pages too: wait for it first.
  REQUIRE(
      eventually([&] { return s.get("/api/worlds/1", f).second["debrief"]["ready"] == true; }, 20));
  const std::uint64_t version = s.get("/api/worlds/1", f).second["status"]["version"];

  // Malformed JSON, an unknown move, a move of another actor: 400, with a message.
  auto r = s.post("/api/worlds/1/moves", us, "{\"turn\": 1, \"moves\": [");
  CHECK(r.first == 400);
  CHECK(r.second["error"].get<std::string>().find("not a JSON object") != std::string::npos);
  r = s.post("/api/worlds/1/moves", us, R"({"turn": 1, "moves": ["us_fly_to_the_moon"]})");
  CHECK(r.first == 400);
  CHECK(r.second["error"].get<std::string>().find("unknown move") != std::string::npos);
  CHECK(s.post("/api/worlds/1/moves", us, R"({"turn": 1, "moves": ["tlb_refuse_return"]})").first ==
        400);
  CHECK(s.post("/api/worlds/1/inject", f, R"({"move": "nope"})").first == 400);
  // 403: no token, a wrong token, a team for the facilitator, a team of another world.
  CHECK(s.post("/api/worlds/1/moves", "", R"({"turn": 1, "moves": []})").first == 403);
  CHECK(s.get("/api/worlds/1", "").first == 403);
  CHECK(s.get("/api/worlds/1", std::string(32, 'a')).first == 403);
  CHECK(s.post("/api/worlds/1/resolve", us).first == 403);
  CHECK(s.post("/api/worlds/1/inject", us, R"({"move": "chn_extend_cpec"})").first == 403);
  CHECK(s.post("/api/worlds", us).first == 403);
  CHECK(s.get("/api/worlds/1/events.csv", us).first == 403);
  CHECK(s.get("/api/worlds/1", other).first == 403);
  CHECK(s.post("/api/worlds/1/moves", other, R"({"turn": 1, "moves": []})").first == 403);
  CHECK(s.post("/api/worlds/1/teams", "", R"({"code": "WRONG1", "actor": "PAK", "name": "Eve"})")
            .first == 403);
  // 404: a world that does not exist.
  CHECK(s.get("/api/worlds/9", f).first == 404);
  CHECK(s.post("/api/worlds/9/open", f).first == 404);
  // 413: a body over the limit.
  CHECK(s.post("/api/worlds/1/message", f, "{\"text\": \"" + std::string(100000, 'x') + "\"}")
            .first == 413);
  // Only embedded files are served: no path reaches the disk.
  httplib::Client c("127.0.0.1", s.port());
  CHECK(c.Get("/assets/../../CMakeLists.txt")->status == 404);
  CHECK(c.Get("/assets/parley.css")->status == 200);
  CHECK(c.Get("/assets/report.html")->status == 404);
  // None of it changed the world.
  CHECK(s.get("/api/worlds/1", f).second["status"]["version"] == version);
}

TEST_CASE("a missed deadline resolves the turn; the facilitator's tools work", "[server]") {
  TempDir tmp;
  Running s(tmp.path() / "data");
  const std::string f = s.server().facilitator_token();
  const std::string us = s.join("US", "Ann");
  const std::string tlb = s.join("TLB", "Bo");
  CHECK(s.post("/api/settings", f, R"({"grace_seconds": 0, "missed": "pass"})").first == 200);
  CHECK(s.post("/api/worlds/1/open", f, R"({"deadline_seconds": 1})").first == 200);
  CHECK(s.post("/api/worlds/1/moves", us, R"({"turn": 1, "moves": []})").first == 200);
  // TLB misses the deadline: the turn resolves without it.
  CHECK(eventually([&] { return s.get("/api/worlds/1", f).second["status"]["resolved"] == 1; }));
  const Json debrief = s.get("/api/worlds/1", f).second["debrief"];
  bool tlb_missed = false;
  for (const Json& c : debrief["choices"])
    tlb_missed = tlb_missed || (c["actor"] == "TLB" && c["submitted"] == false);
  CHECK(tlb_missed);

  // Inject: the move's headline reaches every page, made by "inject".
  CHECK(s.post("/api/worlds/1/open", f).first == 200);
  CHECK(s.post("/api/worlds/1/inject", f, R"({"move": "chn_extend_cpec"})").first == 200);
  Json view = s.get("/api/worlds/1", us).second;
  CHECK(view["public"]["events"].back()["by"] == "inject");
  CHECK(view["public"]["notices"].back()["text"].get<std::string>().find("News:") == 0);
  CHECK(s.post("/api/worlds/1/message", f, R"({"text": "Five minutes left"})").first == 200);
  CHECK(s.get("/api/worlds/1", tlb).second["public"]["notices"].back()["text"] ==
        "Five minutes left");
  CHECK(s.post("/api/worlds/1/resolve", f).first == 200);
  CHECK(s.get("/api/worlds/1", f).second["status"]["resolved"] == 2);

  // Undo reopens turn 2; a branch from turn 1 starts a new world there.
  CHECK(s.post("/api/worlds/1/undo", f).first == 200);
  view = s.get("/api/worlds/1", f).second;
  CHECK(view["status"]["resolved"] == 1);
  CHECK(view["status"]["open"] == true);
  const auto [bs, branch] = s.post("/api/worlds/1/branch", f, R"({"turn": 1})");
  REQUIRE(bs == 200);
  const Json b = s.get("/api/worlds/" + std::to_string(branch["world"].get<int>()), f).second;
  CHECK(b["status"]["resolved"] == 1);
  CHECK(b["status"]["branched_from"]["world"] == 1);

  // Pause stops submissions; extend and resume work; end closes the game.
  CHECK(s.post("/api/worlds/1/pause", f).first == 200);
  CHECK(s.post("/api/worlds/1/moves", us, R"({"turn": 2, "moves": []})").first == 409);
  CHECK(s.post("/api/worlds/1/resume", f).first == 200);
  CHECK(s.post("/api/worlds/1/advisor", f, R"({"on": true})").first == 200);
  view = s.get("/api/worlds/1", us).second;
  bool scored = false;
  for (const Json& m : view["moves"]) scored = scored || m.contains("score");
  CHECK(scored);
  CHECK(s.post("/api/worlds/1/end", f).first == 200);
  CHECK(s.post("/api/worlds/1/open", f).first == 409);
  // Export: the world's files and the whole session, for the facilitator only.
  const auto [es, exported] = s.get("/api/worlds/1/export", f);
  REQUIRE(es == 200);
  CHECK(exported["events_csv"].get<std::string>().rfind("run,option,turn,actor,move,headline,by\n",
                                                        0) == 0);
  CHECK(exported["events_csv"].get<std::string>().find(",inject\n") != std::string::npos);
  CHECK(exported["trajectory_csv"].get<std::string>().rfind("option,turn,metric,mean,p05,p50,p95\n",
                                                            0) == 0);
  const auto [ss, session] = s.get("/api/session.json", f);
  REQUIRE(ss == 200);
  CHECK(session["actions"][0]["kind"] == "session");
  CHECK(session["actions"].back()["kind"] == "end");
  CHECK(session["worlds"].size() == 2);
  CHECK(s.get("/api/session.json", us).first == 403);
  CHECK(s.get("/api/worlds/1/export", us).first == 403);
  // The debrief gets its Monte Carlo reference.
  CHECK(eventually([&] { return s.get("/api/worlds/1", us).second["debrief"]["ready"] == true; },
                   20));
  const Json d = s.get("/api/worlds/1", us).second["debrief"];
  CHECK(d["metrics"][0]["p50"].size() == 25);
  CHECK(d["teams"].size() == 2);
}

TEST_CASE("the stream sends the whole view at once and again on every change", "[server]") {
  TempDir tmp;
  Running s(tmp.path() / "data");
  const std::string f = s.server().facilitator_token();
  const std::string us = s.join("US", "Ann");
  std::atomic<int> views{0};
  std::atomic<bool> saw_open{false};
  std::string buffer;
  httplib::Client c("127.0.0.1", s.port());
  c.set_read_timeout(20, 0);
  std::thread reader([&] {
    c.Get("/api/worlds/1/stream?token=" + us, [&](const char* data, size_t n) {
      buffer.append(data, n);
      size_t end;
      while ((end = buffer.find("\n\n")) != std::string::npos) {
        const std::string event = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        if (event.rfind("event: view\ndata: ", 0) != 0) continue;
        const Json v = Json::parse(event.substr(18));
        ++views;
        if (v["status"]["open"] == true) saw_open = true;
      }
      return !saw_open;
    });
  });
  CHECK(eventually([&] { return views >= 1; }));
  CHECK(s.post("/api/worlds/1/open", f).first == 200);
  CHECK(eventually([&] { return saw_open.load(); }));
  reader.join();
  CHECK(views >= 2);
}

TEST_CASE("a killed server comes back from its database with every world, team and turn",
          "[server]") {
  TempDir tmp;
  std::string f, us, before;
  Json picked = Json::array();
  {
    Running s(tmp.path() / "data");
    f = s.server().facilitator_token();
    us = s.join("US", "Ann");
    s.join("TLB", "Bo");  // never submits: the turns stay open until resolved
    CHECK(s.post("/api/worlds", f, R"({"name": "Second"})").first == 200);
    for (int turn = 1; turn <= 2; ++turn) {
      CHECK(s.post("/api/worlds/1/open", f).first == 200);
      CHECK(s.post("/api/worlds/1/inject", f, R"({"move": "chn_extend_cpec"})").first == 200);
      CHECK(
          s.post("/api/worlds/1/moves", us, Json{{"turn", turn}, {"moves", {"us_offer_ct"}}}.dump())
              .first == (turn == 1 ? 200 : 400));  // offered once: on cooldown after
      CHECK(s.post("/api/worlds/1/resolve", f).first == 200);
    }
    CHECK(s.post("/api/worlds/1/open", f).first == 200);
    for (const Json& m : s.get("/api/worlds/1", us).second["moves"])
      if (m["available"] == true && picked.empty()) picked.push_back(m["id"]);
    CHECK(s.post("/api/worlds/1/moves", us, Json{{"turn", 3}, {"moves", picked}}.dump()).first ==
          200);
    Json v = s.get("/api/worlds/1", f).second;
    v.erase("status");
    v.erase("debrief");
    before = v.dump();
  }
  // The server object is gone (as after kill -9, every action was committed when answered).
  Running again(tmp.path() / "data");
  CHECK(again.server().resumed());
  CHECK(again.server().facilitator_token() == f);
  Json v = again.get("/api/worlds/1", f).second;
  CHECK(v["status"]["resolved"] == 2);
  CHECK(v["status"]["open"] == true);
  CHECK(again.get("/api/worlds/2", f).second["status"]["name"] == "Second");
  // The team's link still works, and its open submission is still there.
  CHECK(again.get("/api/worlds/1", us).second["submission"]["moves"] == picked);
  v.erase("status");
  v.erase("debrief");
  CHECK(v.dump() == before);
}

TEST_CASE("a world nobody joins is run 0 of parley run with the same seed and option",
          "[server][consistency]") {
  TempDir tmp;
  Running s(tmp.path() / "data");
  const std::string f = s.server().facilitator_token();
  REQUIRE(s.post("/api/worlds", f, R"({"option": "engage", "seed": 7})").first == 200);
  for (int turn = 1; turn <= 24; ++turn) {
    REQUIRE(s.post("/api/worlds/2/open", f).first == 200);
    REQUIRE(s.post("/api/worlds/2/resolve", f).first == 200);
  }
  const std::string events = s.get_text("/api/worlds/2/events.csv", f);
  const std::string trajectory = s.get_text("/api/worlds/2/trajectory.csv", f);
  const fs::path out = tmp.path() / "run";
  const std::string scenario =
      quoted(fs::path(PARLEY_SOURCE_DIR) / "scenarios" / "afghanistan-2025");
  REQUIRE(run_parley("run " + scenario + " --option engage --runs 1 --trace 1 --seed 7 -q --out " +
                     quoted(out))
              .status == 0);
  // parley run lists the baseline too; keep the engage rows.
  std::string expected = "run,option,turn,actor,move,headline,by\n";
  std::istringstream lines(read_file(out / "events.csv"));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line))
    if (line.rfind("0,engage,", 0) == 0) expected += line + "\n";
  CHECK(events == expected);
  // The trajectory: the world's values are the run's (its one run is every quantile).
  std::map<std::string, double> run_values;
  for (const auto& row : csv_rows(out / "trajectory.csv"))
    if (row[0] == "engage") run_values[row[1] + "|" + row[2]] = std::stod(row[5]);  // p50
  std::istringstream t(trajectory);
  std::getline(t, line);
  REQUIRE(line == "option,turn,metric,mean,p05,p50,p95");
  int compared = 0;
  while (std::getline(t, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string c; std::getline(row, c, ',');) cells.push_back(c);
    const double expected_value = run_values.at(cells[1] + "|" + cells[2]);
    CHECK(std::stod(cells[5]) == Approx(expected_value).margin(1e-9).epsilon(1e-5));
    ++compared;
  }
  CHECK(compared == static_cast<int>(run_values.size()));
}

TEST_CASE("repeated bad join codes are answered ever more slowly", "[server][errors]") {
  TempDir tmp;
  Running s(tmp.path() / "data");
  const auto attempt = [&] {
    const auto start = std::chrono::steady_clock::now();
    const int status = s.get("/api/lobby?code=NOPE12", "").first;
    CHECK(status == 403);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (int k = 0; k < 4; ++k) CHECK(attempt() < 0.2);
  CHECK(attempt() >= 0.45);  // the fifth in a minute waits half a second
  CHECK(attempt() >= 0.95);  // the sixth a second
  // The right code is still answered (after the wait this address has earned).
  CHECK(s.get("/api/lobby?code=" + s.server().join_code(), "").first == 200);
}

// A load test of `parley serve`: many pages each holding a stream while teams submit every turn.
// Measures the time to answer each submission and checks that every stream saw every turn
// resolve and ended at the world's final state.
//
// usage: parley_classroom_load --port P --token FACILITATOR --code JOIN_CODE
//          [--worlds 12] [--watchers 140] [--turns 5]
// Each world gets five teams (US, TLB, PAK, CHN, IRN of the default scenario): 60 teams with
// 12 worlds, each with a stream; the watchers are a facilitator console per world and more
// students of those teams, one stream each.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int port = 8080;
  std::string token;
  std::string code;
  int worlds = 12;
  int watchers = 140;
  int turns = 5;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int k = 1; k + 1 < argc; k += 2) {
    const std::string key = argv[k], value = argv[k + 1];
    if (key == "--port") o.port = std::stoi(value);
    if (key == "--token") o.token = value;
    if (key == "--code") o.code = value;
    if (key == "--worlds") o.worlds = std::stoi(value);
    if (key == "--watchers") o.watchers = std::stoi(value);
    if (key == "--turns") o.turns = std::stoi(value);
  }
  return o;
}

std::atomic<int> errors{0};

httplib::Result post(httplib::Client& c, const std::string& path, const std::string& token,
                     const Json& body) {
  auto r =
      c.Post(path.c_str(), {{"Authorization", "Bearer " + token}}, body.dump(), "application/json");
  if (!r || r->status != 200) {
    ++errors;
    std::fprintf(stderr, "POST %s: %s\n", path.c_str(),
                 r ? (std::to_string(r->status) + " " + r->body).c_str() : "no answer");
  }
  return r;
}

// The whole number after the first `key` in `text`, or -1.
long number_after(const std::string& text, const char* key) {
  const size_t at = text.find(key);
  if (at == std::string::npos) return -1;
  return std::strtol(text.c_str() + at + std::strlen(key), nullptr, 10);
}

// One page's stream: every view it receives, reduced to (version, resolved).
struct Stream {
  int world = 0;
  std::string token;
  std::thread thread;
  std::mutex m;
  std::vector<std::pair<std::uint64_t, int>> seen;
  std::atomic<bool> done{false};
  std::atomic<int> events{0};

  void run(int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    std::string buffer;
    auto r = c.Get(("/api/worlds/" + std::to_string(world) + "/stream?token=" + token).c_str(),
                   [&](const char* data, size_t n) {
                     buffer.append(data, n);
                     size_t end;
                     while ((end = buffer.find("\n\n")) != std::string::npos) {
                       const std::string event = buffer.substr(0, end);
                       buffer.erase(0, end + 2);
                       if (event.rfind("event: view\ndata: ", 0) != 0) continue;
                       // Only two numbers are needed: reading them off the text keeps the
                       // client's share of the machine's two cores small.
                       const long version = number_after(event, "\"version\":");
                       const long resolved = number_after(event, "\"resolved\":");
                       if (version < 0 || resolved < 0 || event.back() != '}') {
                         ++errors;
                         continue;
                       }
                       std::lock_guard lock(m);
                       seen.emplace_back(static_cast<std::uint64_t>(version),
                                         static_cast<int>(resolved));
                       ++events;
                     }
                     return !done.load();
                   });
    if (!done && (!r || r->status != 200)) ++errors;
  }
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  if (o.token.empty() || o.code.empty()) {
    std::fprintf(stderr,
                 "usage: %s --port P --token FACILITATOR --code JOIN_CODE [--worlds N] "
                 "[--watchers N] [--turns N]\n",
                 argv[0]);
    return 2;
  }
  httplib::Client admin("127.0.0.1", o.port);
  admin.set_read_timeout(60, 0);
  admin.set_tcp_nodelay(true);
  admin.set_keep_alive(true);
  const std::vector<std::string> actors = {"US", "TLB", "PAK", "CHN", "IRN"};
  // Worlds: the session has one; make the rest.
  const Json health = Json::parse(admin.Get("/api/health")->body);
  int first_world = health["worlds"].get<int>() + 1;
  std::vector<int> worlds;
  for (int w = 0; w < o.worlds; ++w) {
    auto r = post(admin, "/api/worlds", o.token, Json::object());
    if (r && r->status == 200) worlds.push_back(Json::parse(r->body)["world"].get<int>());
  }
  (void)first_world;
  post(admin, "/api/settings", o.token, {{"grace_seconds", 0}});
  // Teams (one submitting member each) and watchers (more members), all with a stream.
  struct Team {
    int world;
    std::string actor;
    std::string token;
  };
  std::vector<Team> teams;
  std::vector<std::unique_ptr<Stream>> streams;
  const auto join = [&](int world, const std::string& actor, const std::string& name) {
    auto r = post(admin, "/api/worlds/" + std::to_string(world) + "/teams", "",
                  {{"code", o.code}, {"actor", actor}, {"name", name}});
    return r && r->status == 200 ? Json::parse(r->body)["token"].get<std::string>() : std::string();
  };
  for (const int w : worlds)
    for (const auto& a : actors) teams.push_back({w, a, join(w, a, "team " + a)});
  // A facilitator's console on every world, then students.
  for (const int w : worlds) {
    auto s = std::make_unique<Stream>();
    s->world = w;
    s->token = o.token;
    streams.push_back(std::move(s));
  }
  for (int k = static_cast<int>(worlds.size()); k < o.watchers; ++k) {
    const Team& t = teams[static_cast<size_t>(k) % teams.size()];
    auto s = std::make_unique<Stream>();
    s->world = t.world;
    s->token = join(t.world, t.actor, "student " + std::to_string(k));
    streams.push_back(std::move(s));
  }
  for (const Team& t : teams) {
    auto s = std::make_unique<Stream>();
    s->world = t.world;
    s->token = t.token;
    streams.push_back(std::move(s));
  }
  for (auto& s : streams) s->thread = std::thread([&s, &o] { s->run(o.port); });
  // Every stream has its first view before the turns start.
  for (int k = 0; k < 3000; ++k) {
    bool all = true;
    for (auto& s : streams) all = all && s->events > 0;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // One connection per team, kept alive as a browser keeps it, and one thread each: at every
  // turn all teams submit at once (the worst case: a whole class at the deadline).
  std::vector<double> latencies;
  std::mutex lat_m;
  std::mutex turn_m;
  std::condition_variable turn_cv;
  int turn_now = 0, finished = 0;
  std::vector<std::thread> submitters;
  for (const Team& t : teams)
    submitters.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", o.port);
      c.set_read_timeout(60, 0);
      c.set_keep_alive(true);
      // As browsers do: without it the request's two writes wait for a delayed ACK (40 ms).
      c.set_tcp_nodelay(true);
      for (int turn = 1; turn <= o.turns; ++turn) {
        {
          std::unique_lock lock(turn_m);
          turn_cv.wait(lock, [&] { return turn_now >= turn; });
        }
        // What a page knows when its team decides: the moves in its latest view.
        auto v = c.Get(("/api/worlds/" + std::to_string(t.world)).c_str(),
                       {{"Authorization", "Bearer " + t.token}});
        Json moves = Json::array();
        if (v && v->status == 200)
          for (const Json& m : Json::parse(v->body)["moves"])
            if (m["available"] == true && moves.empty() && turn % 2 == 1) moves.push_back(m["id"]);
        {
          // Everyone has read; now all submit together.
          std::unique_lock lock(turn_m);
          ++finished;
          turn_cv.notify_all();
          turn_cv.wait(lock, [&] { return finished >= static_cast<int>(teams.size()) * turn; });
        }
        const auto t0 = Clock::now();
        post(c, "/api/worlds/" + std::to_string(t.world) + "/moves", t.token,
             {{"turn", turn}, {"moves", moves}});
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        std::lock_guard lock(lat_m);
        latencies.push_back(ms);
      }
    });
  const auto start = Clock::now();
  for (int turn = 1; turn <= o.turns; ++turn) {
    for (const int w : worlds)
      post(admin, "/api/worlds/" + std::to_string(w) + "/open", o.token,
           {{"deadline_seconds", 120}});
    {
      std::lock_guard lock(turn_m);
      turn_now = turn;
    }
    turn_cv.notify_all();
    // The turn is over when every world has resolved it.
    for (const int w : worlds)
      for (int k = 0; k < 3000; ++k) {
        auto r = admin.Get(("/api/worlds/" + std::to_string(w)).c_str(),
                           {{"Authorization", "Bearer " + o.token}});
        if (r && r->status == 200 &&
            r->body.find("\"resolved\":" + std::to_string(turn) + ",") != std::string::npos)
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
  }
  for (auto& th : submitters) th.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // The final state of each world, then every stream must have reached it.
  std::vector<std::uint64_t> final_version(static_cast<size_t>(worlds.back()) + 1, 0);
  for (const int w : worlds) {
    auto r = admin.Get(("/api/worlds/" + std::to_string(w)).c_str(),
                       {{"Authorization", "Bearer " + o.token}});
    const Json v = Json::parse(r->body);
    final_version[static_cast<size_t>(w)] = v["status"]["version"].get<std::uint64_t>();
    if (v["status"]["resolved"] != o.turns) {
      ++errors;
      std::fprintf(stderr, "world %d resolved %d turns, expected %d\n", w,
                   v["status"]["resolved"].get<int>(), o.turns);
    }
  }
  int missing = 0;
  for (int k = 0; k < 500; ++k) {
    missing = 0;
    for (auto& s : streams) {
      std::lock_guard lock(s->m);
      if (s->seen.empty() || s->seen.back().first != final_version[static_cast<size_t>(s->world)])
        ++missing;
    }
    if (missing == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Every stream saw each turn resolve: a view with resolved == t for t = 1..turns.
  int skipped_turns = 0;
  long total_events = 0;
  for (auto& s : streams) {
    std::lock_guard lock(s->m);
    total_events += s->events;
    for (int t = 1; t <= o.turns; ++t)
      if (std::none_of(s->seen.begin(), s->seen.end(),
                       [t](const auto& p) { return p.second == t; }))
        ++skipped_turns;
  }
  for (auto& s : streams) s->done = true;
  // Wake the streams so that they notice: one more change in every world.
  for (const int w : worlds)
    post(admin, "/api/worlds/" + std::to_string(w) + "/message", o.token, {{"text", "done"}});
  for (auto& s : streams) s->thread.join();

  std::printf("streams %zu, teams %zu, worlds %zu, turns %d: %.2f s\n", streams.size(),
              teams.size(), worlds.size(), o.turns, seconds);
  std::printf("submissions %zu: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              latencies.size(), percentile(latencies, 0.5), percentile(latencies, 0.95),
              percentile(latencies, 0.99), percentile(latencies, 1.0));
  std::printf(
      "views received %ld; streams that missed the final state %d; turn resolutions "
      "missed %d; errors %d\n",
      total_events, missing, skipped_turns, errors.load());
  return errors == 0 && missing == 0 && skipped_turns == 0 ? 0 : 1;
}

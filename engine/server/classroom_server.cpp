#include "engine/server/classroom_server.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <pthread.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>

#include "engine/batch/runner.hpp"
#include "engine/classroom/session.hpp"
#include "engine/io/classroom_store.hpp"
#include "engine/web/assets.hpp"

// Last: through <resolv.h> it defines _res, a name Eigen's headers use.
#include <httplib.h>

namespace parley {

using Json = nlohmann::json;
using classroom::Action;
using classroom::Caller;
using classroom::Refusal;

namespace {

// How long a page's stream waits after a change before sending the view, so that a burst of
// changes goes out as one view (milliseconds).
constexpr int kSettleMs = 30;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 128 random bits as 32 hex digits, from the operating system's generator.
std::string random_token() {
  std::random_device rd;
  std::string out;
  for (int k = 0; k < 4; ++k) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", rd());
    out += buf;
  }
  return out;
}

// Six characters a class can read aloud: no 0/O, 1/I/L.
std::string random_join_code() {
  static constexpr char kAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  std::random_device rd;
  std::string out;
  for (int k = 0; k < 6; ++k) out += kAlphabet[rd() % (sizeof kAlphabet - 1)];
  return out;
}

void send_json(httplib::Response& res, const nlohmann::ordered_json& j, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
                  "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, {{"error", message}}, status);
}

// The secret a request carries: Authorization: Bearer, else ?token=, else the cookie.
std::string token_of(const httplib::Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  if (req.has_param("token")) return req.get_param_value("token");
  const std::string cookie = req.get_header_value("Cookie");
  const size_t at = cookie.find("parley_token=");
  if (at != std::string::npos) {
    const size_t end = cookie.find(';', at);
    return cookie.substr(at + 13, end == std::string::npos ? std::string::npos : end - at - 13);
  }
  return {};
}

// Repeated bad join codes from one address: each beyond the third in a minute waits longer.
class JoinThrottle {
 public:
  std::chrono::milliseconds penalty(const std::string& addr) {
    std::lock_guard lock(m_);
    Entry& e = entries_[addr];
    const std::int64_t now = now_ms();
    if (now - e.since > 60000) e = {now, 0};
    if (e.failures <= 3) return std::chrono::milliseconds(0);
    const int shift = std::min(e.failures - 3, 4);
    return std::chrono::milliseconds(250 << shift);
  }
  void failed(const std::string& addr) {
    std::lock_guard lock(m_);
    Entry& e = entries_[addr];
    const std::int64_t now = now_ms();
    if (now - e.since > 60000) e = {now, 0};
    ++e.failures;
  }

 private:
  struct Entry {
    std::int64_t since = 0;
    int failures = 0;
  };
  std::mutex m_;
  std::map<std::string, Entry> entries_;
};

// A readers-writer lock that lets a waiting writer in before new readers: pages reading views
// must not keep a submission waiting (glibc's default prefers readers).
class WriterFirstMutex {
 public:
  WriterFirstMutex() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~WriterFirstMutex() { pthread_rwlock_destroy(&lock_); }
  WriterFirstMutex(const WriterFirstMutex&) = delete;
  WriterFirstMutex& operator=(const WriterFirstMutex&) = delete;
  void lock() { pthread_rwlock_wrlock(&lock_); }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

class NullSink final : public BatchSink {
 public:
  void runs_rows(std::string_view) override {}
  void events_rows(std::string_view) override {}
  void failures_rows(std::string_view) override {}
};

}  // namespace

struct ClassroomServer::Impl {
  Impl(const Scenario& sc, ServeOptions opt) : scenario(sc), options(std::move(opt)), session(sc) {}

  const Scenario& scenario;
  ServeOptions options;
  classroom::Session session;
  std::unique_ptr<ClassroomStore> store;
  httplib::Server http;
  int listen_fd = -1;
  int bound_port = 0;
  bool resumed = false;

  // Writers (actions) take it exclusively; views share it.
  mutable WriterFirstMutex m;
  // One per world (index: world id; the session allows 200), so that a change wakes only the
  // pages of its world.
  std::vector<std::condition_variable_any> changed = std::vector<std::condition_variable_any>(201);
  std::vector<int> dirty;  // worlds changed and not yet notified (guarded by m)

  // Who holds which token, and each player's world: read by every request without the session
  // lock (a submission then waits for the lock once), replaced whole when someone joins.
  struct Tokens {
    std::map<std::string, Caller, std::less<>> callers;
    std::vector<int> player_world;  // per player index
    int worlds = 0;
  };
  std::shared_ptr<const Tokens> tokens = std::make_shared<Tokens>();

  // Rebuilds the token table from the session; the caller holds m exclusively.
  void publish_tokens_locked() {
    auto t = std::make_shared<Tokens>();
    if (!session.facilitator_token().empty())
      t->callers.emplace(session.facilitator_token(), Caller{Caller::Kind::facilitator, -1});
    for (const classroom::Player& p : session.players()) {
      t->callers.emplace(p.token, Caller{Caller::Kind::player, p.id - 1});
      t->player_world.push_back(p.world);
    }
    t->worlds = static_cast<int>(session.worlds().size());
    std::atomic_store(&tokens, std::shared_ptr<const Tokens>(std::move(t)));
  }
  std::atomic<bool> stopping{false};
  std::thread timer;
  std::thread reference_worker;
  std::mutex queue_m;
  std::condition_variable queue_cv;
  std::deque<std::pair<int, std::uint64_t>> queue;
  JoinThrottle throttle;

  // ---- actions ---------------------------------------------------------------------------

  // Checks, stores, then applies an action; the caller holds `m` exclusively.
  std::optional<Refusal> commit_locked(Action a) {
    if (auto r = session.check(a)) return r;
    std::string error;
    if (!store->append(a.kind, a.at_ms, classroom::to_json(a), error))
      return Refusal{500, "the action could not be stored (" + error + "); nothing changed"};
    const int worlds_before = static_cast<int>(session.worlds().size());
    const std::vector<int> touched = session.apply(a);
    dirty.insert(dirty.end(), touched.begin(), touched.end());
    if (a.kind == "session" || a.kind == "join" || a.kind == "world") publish_tokens_locked();
    for (int w = worlds_before + 1; w <= static_cast<int>(session.worlds().size()); ++w)
      want_reference(session.worlds()[static_cast<size_t>(w - 1)].world->option(),
                     session.worlds()[static_cast<size_t>(w - 1)].world->seed());
    return std::nullopt;
  }

  std::optional<Refusal> commit(Action a) {
    std::optional<Refusal> r;
    std::vector<int> worlds;
    {
      std::unique_lock lock(m);
      a.at_ms = now_ms();
      r = commit_locked(std::move(a));
      if (!r) resolve_due_locked();
      worlds.swap(dirty);
    }
    notify(worlds);
    return r;
  }

  // Wakes the pages of `worlds` (called without holding m).
  void notify(const std::vector<int>& worlds) {
    for (const int w : worlds)
      if (w >= 1 && w < static_cast<int>(changed.size()))
        changed[static_cast<size_t>(w)].notify_all();
  }
  void notify_everyone() {
    for (auto& cv : changed) cv.notify_all();
  }

  // Commits under the lock held by the caller's scope, then wakes the changed worlds' pages.
  std::optional<Refusal> commit_and_notify(std::unique_lock<WriterFirstMutex>& lock, Action a) {
    auto r = commit_locked(std::move(a));
    std::vector<int> worlds;
    worlds.swap(dirty);
    lock.unlock();
    notify(worlds);
    return r;
  }

  // Resolves every world whose turn is due (all submitted, or past its deadline).
  void resolve_due_locked() {
    for (const auto& [world, reason] : session.due(now_ms())) {
      Action a{"resolve",
               now_ms(),
               {{"world", world}, {"reason", classroom::resolve_reason_name(reason)}}};
      commit_locked(std::move(a));
    }
  }

  void want_reference(int option, std::uint64_t seed) {
    if (session.reference(option, seed)) return;
    std::lock_guard lock(queue_m);
    queue.emplace_back(option, seed);
    queue_cv.notify_one();
  }

  // Computes the Monte Carlo references of new worlds, one at a time, with one thread so the
  // server stays responsive.
  void reference_loop() {
    const RowFormat format(scenario, session.rules(), session.catalog());
    while (true) {
      std::pair<int, std::uint64_t> job;
      {
        std::unique_lock lock(queue_m);
        queue_cv.wait(lock, [this] { return stopping || !queue.empty(); });
        if (stopping) return;
        job = queue.front();
        queue.pop_front();
      }
      {
        std::shared_lock lock(m);
        if (session.reference(job.first, job.second)) continue;
      }
      BatchSpec spec;
      spec.runs = options.reference_runs;
      spec.seed = job.second;
      spec.threads = 1;
      spec.options = {job.first};
      spec.write_rows = false;
      spec.checkpoint_seconds = 3600;
      NullSink sink;
      BatchResult result = run_batch(session.rules(), session.catalog(), format, spec, sink);
      auto ref = std::make_shared<classroom::Reference>();
      ref->runs = spec.runs;
      ref->stats = std::move(result.options[0]);
      {
        std::unique_lock lock(m);
        session.set_reference(job.first, job.second, std::move(ref));
      }
      notify_everyone();
    }
  }

  void timer_loop() {
    while (!stopping) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      std::vector<int> worlds;
      {
        std::unique_lock lock(m);
        if (!session.due(now_ms()).empty()) resolve_due_locked();
        worlds.swap(dirty);
      }
      notify(worlds);
    }
  }

  // ---- start -----------------------------------------------------------------------------

  bool replay(std::string& error, int& status) {
    auto rows = store->load(error);
    if (!rows) return false;
    if (rows->empty()) return create(error, status);
    resumed = true;
    for (const StoredAction& row : *rows) {
      const std::optional<Action> a = classroom::action_from_json(row.json);
      if (!a) {
        error = store->path() + ": row " + std::to_string(row.seq) +
                " is not an action; expected the rows parley serve writes";
        status = 2;
        return false;
      }
      if (a->kind == "session" && a->data.value("scenario_hash", "") != scenario_hash()) {
        error = store->path() + ": the session was recorded with other scenario files (content " +
                "hash " + a->data.value("scenario_hash", "?") + ", now " + scenario_hash() +
                "); expected the same scenario, or another --data folder";
        status = 2;
        return false;
      }
      if (auto r = session.check(*a)) {
        error = store->path() + ": row " + std::to_string(row.seq) + " (" + a->kind +
                ") does not replay: " + r->message;
        status = 2;
        return false;
      }
      session.apply(*a);
    }
    const std::string option = scenario.options[static_cast<size_t>(session.option())].name;
    if ((!options.option.empty() && options.option != option) ||
        (options.seed && *options.seed != session.seed())) {
      error = options.data_dir + " holds a session of option '" + option + "' and seed " +
              std::to_string(session.seed()) +
              "; expected the same --option and --seed (or none), or another --data folder";
      status = 2;
      return false;
    }
    for (const auto& w : session.worlds()) want_reference(w.world->option(), w.world->seed());
    publish_tokens_locked();
    return true;
  }

  std::string scenario_hash() const {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(scenario.content_hash));
    return buf;
  }

  bool create(std::string& error, int& status) {
    const std::string option = options.option.empty() ? "baseline" : options.option;
    if (scenario.option_index(option) < 0) {
      error = "--option: unknown option '" + option + "'; expected an option of the scenario";
      status = 2;
      return false;
    }
    const std::uint64_t seed = options.seed.value_or(scenario.default_seed);
    std::unique_lock lock(m);
    for (Action a :
         {Action{"session",
                 now_ms(),
                 {{"option", option},
                  {"seed", seed},
                  {"scenario_hash", scenario_hash()},
                  {"facilitator_token", random_token()},
                  {"join_code", random_join_code()}}},
          Action{"world", now_ms(), {{"name", "World 1"}, {"option", option}, {"seed", seed}}}}) {
      if (auto r = commit_locked(a)) {
        error = r->message;
        status = 1;
        return false;
      }
    }
    return true;
  }

  // ---- requests --------------------------------------------------------------------------

  // The caller of a request, and the world it names (0 when none or unknown).
  Caller caller_of(const httplib::Request& req) const {
    const auto t = std::atomic_load(&tokens);
    const auto it = t->callers.find(token_of(req));
    return it == t->callers.end() ? Caller{} : it->second;
  }

  static int world_of(const httplib::Request& req) {
    if (req.matches.size() < 2) return 0;
    try {
      return std::stoi(req.matches[1].str());
    } catch (...) {
      return 0;
    }
  }

  static std::optional<Json> body_of(const httplib::Request& req, httplib::Response& res) {
    if (req.body.empty()) return Json::object();
    Json j = Json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      send_error(res, 400, "the body is not a JSON object; expected e.g. {\"moves\": [\"id\"]}");
      return std::nullopt;
    }
    return j;
  }

  void answer(httplib::Response& res, const std::optional<Refusal>& r,
              const nlohmann::ordered_json& ok) {
    if (r) {
      send_error(res, r->status, r->message);
    } else {
      send_json(res, ok);
    }
  }

  // Facilitator actions on one world: the body's fields plus the world.
  void world_action(const char* path, const char* kind) {
    http.Post(std::string("/api/worlds/(\\d+)/") + path,
              [this, kind](const httplib::Request& req, httplib::Response& res) {
                if (caller_of(req).kind != Caller::Kind::facilitator)
                  return send_error(res, 403, "this needs the facilitator's token");
                auto body = body_of(req, res);
                if (!body) return;
                (*body)["world"] = world_of(req);
                answer(res, commit(Action{kind, 0, *body}), {{"ok", true}});
              });
  }

  // Health, who holds a token, and the join page's lobby.
  void entry_routes() {
    http.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) {
      std::shared_lock lock(m);
      send_json(res, {{"ok", true},
                      {"version", PARLEY_VERSION},
                      {"scenario", scenario.name},
                      {"worlds", session.worlds().size()}});
    });
    http.Get("/api/me", [this](const httplib::Request& req, httplib::Response& res) {
      std::shared_lock lock(m);
      const Caller c = session.who(token_of(req));
      if (c.kind == Caller::Kind::nobody)
        return send_error(res, 403, "unknown token; expected the token of your link");
      if (c.kind == Caller::Kind::facilitator) {
        nlohmann::ordered_json worlds = nlohmann::ordered_json::array();
        for (const auto& w : session.worlds()) worlds.push_back(w.id);
        return send_json(res, {{"role", "facilitator"}, {"worlds", worlds}});
      }
      const classroom::Player& p = session.players()[static_cast<size_t>(c.player)];
      send_json(
          res, {{"role", p.actor >= 0 ? "team" : "waiting"},
                {"player", p.id},
                {"name", p.name},
                {"world", p.world},
                {"actor", p.actor >= 0 ? nlohmann::ordered_json(
                                             session.info().actors[static_cast<size_t>(p.actor)].id)
                                       : nlohmann::ordered_json(nullptr)}});
    });
    http.Get("/api/lobby", [this](const httplib::Request& req, httplib::Response& res) {
      std::this_thread::sleep_for(throttle.penalty(req.remote_addr));
      std::shared_lock lock(m);
      if (req.get_param_value("code") != session.join_code()) {
        lock.unlock();
        throttle.failed(req.remote_addr);
        return send_error(res, 403, "unknown join code; expected the code your teacher gave");
      }
      send_json(res, session.lobby_view());
    });
  }

  // Making worlds, branching them, and joining them.
  void world_routes() {
    http.Post("/api/worlds", [this](const httplib::Request& req, httplib::Response& res) {
      if (caller_of(req).kind != Caller::Kind::facilitator)
        return send_error(res, 403, "this needs the facilitator's token");
      auto body = body_of(req, res);
      if (!body) return;
      Json d = *body;
      int id = 0;
      std::optional<Refusal> r;
      {
        std::unique_lock lock(m);
        id = static_cast<int>(session.worlds().size()) + 1;
        if (!d.contains("option"))
          d["option"] = scenario.options[static_cast<size_t>(session.option())].name;
        if (!d.contains("seed")) d["seed"] = session.seed();
        if (!d.contains("name")) d["name"] = "World " + std::to_string(id);
        r = commit_and_notify(lock, Action{"world", now_ms(), d});
      }
      answer(res, r, {{"world", id}});
    });
    http.Post(R"(/api/worlds/(\d+)/branch)", [this](const httplib::Request& req,
                                                    httplib::Response& res) {
      if (caller_of(req).kind != Caller::Kind::facilitator)
        return send_error(res, 403, "this needs the facilitator's token");
      auto body = body_of(req, res);
      if (!body) return;
      const int parent = world_of(req);
      std::optional<Refusal> r;
      int id = 0;
      {
        std::unique_lock lock(m);
        const auto* w = session.world(parent);
        if (w == nullptr) return send_error(res, 404, "no such world");
        id = static_cast<int>(session.worlds().size()) + 1;
        Json d = {{"name", body->value("name", w->name + ", branch at turn " +
                                                   std::to_string(body->value("turn", 0)))},
                  {"option", scenario.options[static_cast<size_t>(w->world->option())].name},
                  {"seed", w->world->seed()},
                  {"parent", parent},
                  {"turns", body->contains("turn") ? (*body)["turn"] : Json(w->world->resolved())}};
        r = commit_and_notify(lock, Action{"world", now_ms(), d});
      }
      answer(res, r, {{"world", id}});
    });
    http.Post(R"(/api/worlds/(\d+)/teams)", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
      auto body = body_of(req, res);
      if (!body) return;
      const bool facilitator = caller_of(req).kind == Caller::Kind::facilitator;
      if (!facilitator) {
        std::this_thread::sleep_for(throttle.penalty(req.remote_addr));
        std::shared_lock lock(m);
        const std::string code = body->value("code", req.get_param_value("code"));
        if (code != session.join_code()) {
          lock.unlock();
          throttle.failed(req.remote_addr);
          return send_error(res, 403, "unknown join code; expected the code your teacher gave");
        }
        if (!session.settings().team_choice && body->contains("actor") &&
            !(*body)["actor"].is_null())
          return send_error(res, 403, "the facilitator places the teams; join without an actor");
      }
      const std::string token = random_token();
      Json d = {{"world", world_of(req)},
                {"token", token},
                {"name", body->value("name", "")},
                {"actor", body->contains("actor") ? (*body)["actor"] : Json(nullptr)}};
      std::optional<Refusal> r;
      int player = 0;
      {
        std::unique_lock lock(m);
        player = static_cast<int>(session.players().size()) + 1;
        r = commit_and_notify(lock, Action{"join", now_ms(), d});
      }
      answer(res, r, {{"token", token}, {"player", player}, {"link", "/team#token=" + token}});
    });
  }

  // What a page shows, and a team's choice.
  void team_routes() {
    http.Get(R"(/api/worlds/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      const int world = world_of(req);
      const Caller c = caller_of(req);
      if (auto r = may_see(c, world)) return send_error(res, r->status, r->message);
      // The same text the world's pages are streamed (built once per change and seat).
      res.set_header("Cache-Control", "no-store");
      res.set_content(view_text(c, world).first, "application/json");
    });
    http.Post(R"(/api/worlds/(\d+)/moves)", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
      const int world = world_of(req);
      const Caller c = caller_of(req);
      if (c.kind != Caller::Kind::player) return send_error(res, 403, "this needs a team's token");
      auto body = body_of(req, res);
      if (!body) return;
      if (auto r = may_see(c, world)) return send_error(res, r->status, r->message);
      Json d = *body;
      d["world"] = world;
      d["player"] = c.player + 1;
      auto r = commit(Action{"submit", 0, d});
      answer(
          res, r,
          {{"ok", true}, {"turn", d.value("turn", 0)}, {"moves", d.value("moves", Json::array())}});
    });
  }

  // The facilitator's actions.
  void facilitator_routes() {
    world_action("open", "open");
    world_action("inject", "inject");
    world_action("undo", "undo");
    world_action("pause", "pause");
    world_action("resume", "resume");
    world_action("extend", "extend");
    world_action("message", "message");
    world_action("advisor", "advisor");
    world_action("end", "end");
    world_action("seat", "seat");
    http.Post(R"(/api/worlds/(\d+)/resolve)", [this](const httplib::Request& req,
                                                     httplib::Response& res) {
      if (caller_of(req).kind != Caller::Kind::facilitator)
        return send_error(res, 403, "this needs the facilitator's token");
      answer(res, commit(Action{"resolve", 0, {{"world", world_of(req)}, {"reason", "forced"}}}),
             {{"ok", true}});
    });
    http.Post("/api/settings", [this](const httplib::Request& req, httplib::Response& res) {
      if (caller_of(req).kind != Caller::Kind::facilitator)
        return send_error(res, 403, "this needs the facilitator's token");
      auto body = body_of(req, res);
      if (!body) return;
      answer(res, commit(Action{"settings", 0, *body}), {{"ok", true}});
    });
    http.Post("/api/message", [this](const httplib::Request& req, httplib::Response& res) {
      if (caller_of(req).kind != Caller::Kind::facilitator)
        return send_error(res, 403, "this needs the facilitator's token");
      auto body = body_of(req, res);
      if (!body) return;
      (*body)["world"] = 0;
      answer(res, commit(Action{"message", 0, *body}), {{"ok", true}});
    });
  }

  void routes() {
    entry_routes();
    world_routes();
    team_routes();
    facilitator_routes();
    export_routes();
    stream_route();
    page_routes();
  }

  // Why caller `c` may not see world `world`, or nullopt.
  std::optional<Refusal> may_see(const Caller& c, int world) const {
    const auto t = std::atomic_load(&tokens);
    if (world < 1 || world > t->worlds) return Refusal{404, "no such world"};
    if (c.kind == Caller::Kind::facilitator) return std::nullopt;
    if (c.kind == Caller::Kind::player && c.player < static_cast<int>(t->player_world.size()) &&
        t->player_world[static_cast<size_t>(c.player)] == world)
      return std::nullopt;
    return Refusal{403, "this needs the token of a team of this world, or the facilitator's"};
  }

  void export_routes() {
    const auto facilitator_only = [this](const httplib::Request& req, httplib::Response& res) {
      std::shared_lock lock(m);
      if (session.who(token_of(req)).kind != Caller::Kind::facilitator) {
        send_error(res, 403, "this needs the facilitator's token");
        return false;
      }
      if (req.matches.size() > 1 && session.world(world_of(req)) == nullptr) {
        send_error(res, 404, "no such world");
        return false;
      }
      return true;
    };
    http.Get(R"(/api/worlds/(\d+)/export)",
             [this, facilitator_only](const httplib::Request& req, httplib::Response& res) {
               if (!facilitator_only(req, res)) return;
               std::shared_lock lock(m);
               const int w = world_of(req);
               const Caller f{Caller::Kind::facilitator, -1};
               send_json(res, {{"world", w},
                               {"events_csv", session.events_csv(w)},
                               {"trajectory_csv", session.trajectory_csv(w)},
                               {"view", session.view(f, w, now_ms())}});
             });
    for (const char* file : {"events.csv", "trajectory.csv"}) {
      http.Get(std::string(R"(/api/worlds/(\d+)/)") + file,
               [this, facilitator_only, file](const httplib::Request& req, httplib::Response& res) {
                 if (!facilitator_only(req, res)) return;
                 std::shared_lock lock(m);
                 const int w = world_of(req);
                 res.set_header("Content-Disposition",
                                std::string("attachment; filename=\"world-") + std::to_string(w) +
                                    "-" + file + "\"");
                 res.set_content(std::string(file) == "events.csv" ? session.events_csv(w)
                                                                   : session.trajectory_csv(w),
                                 "text/csv");
               });
    }
    http.Get("/api/session.json",
             [this, facilitator_only](const httplib::Request& req, httplib::Response& res) {
               if (!facilitator_only(req, res)) return;
               std::string error;
               auto rows = store->load(error);
               if (!rows) return send_error(res, 500, error);
               nlohmann::ordered_json j;
               j["parley_version"] = PARLEY_VERSION;
               j["scenario"] = scenario.name;
               j["scenario_hash"] = scenario_hash();
               j["actions"] = nlohmann::ordered_json::array();
               for (const StoredAction& row : *rows)
                 j["actions"].push_back(nlohmann::ordered_json::parse(row.json, nullptr, false));
               j["worlds"] = nlohmann::ordered_json::array();
               std::shared_lock lock(m);
               const Caller f{Caller::Kind::facilitator, -1};
               for (const auto& w : session.worlds())
                 j["worlds"].push_back({{"world", w.id},
                                        {"events_csv", session.events_csv(w.id)},
                                        {"trajectory_csv", session.trajectory_csv(w.id)},
                                        {"view", session.view(f, w.id, now_ms())}});
               res.set_header("Content-Disposition", "attachment; filename=\"session.json\"");
               send_json(res, j);
             });
  }

  // Views of one world's version shared by the pages that show the same thing: per world, the
  // facilitator's view and each seat's team view are built once per change, not once per page.
  struct CachedView {
    std::uint64_t version = ~std::uint64_t{0};
    std::string text;  // the JSON object without "you", as text
  };
  std::mutex cache_m;
  std::map<std::tuple<int, int, int>, CachedView> cache;  // (world, role, actor)
  // One view of a world built at a time, so that the pages of one seat woken together build
  // it once and the others find it cached.
  std::vector<std::mutex> building = std::vector<std::mutex>(201);

  // The current view text for `c` of world `world` and its version. The caller holds no lock:
  // the view is built under the session lock shared and turned into text after releasing it,
  // so that a submission waiting for the lock waits as little as possible.
  std::pair<std::string, std::uint64_t> view_text(const Caller& c, int world) {
    // One build per world at a time (taken before the session lock, never while holding it).
    std::unique_lock<std::mutex> one_at_a_time;
    if (world >= 1 && world < static_cast<int>(building.size()))
      one_at_a_time = std::unique_lock(building[static_cast<size_t>(world)]);
    std::shared_lock lock(m);
    const std::uint64_t version = session.world(world)->version;
    const classroom::Player* p = c.kind == Caller::Kind::player
                                     ? &session.players()[static_cast<size_t>(c.player)]
                                     : nullptr;
    const int role = p == nullptr ? 0 : (p->actor >= 0 ? 1 : 2);
    const auto key = std::make_tuple(world, role, p != nullptr ? p->actor : -1);
    nlohmann::ordered_json you;
    if (p != nullptr)
      you = {{"player", p->id},
             {"name", p->name},
             {"world", p->world},
             {"actor", p->actor >= 0 ? nlohmann::ordered_json(
                                           session.info().actors[static_cast<size_t>(p->actor)].id)
                                     : nlohmann::ordered_json(nullptr)}};
    std::string text;
    {
      std::lock_guard cached(cache_m);
      const auto it = cache.find(key);
      if (it != cache.end() && it->second.version == version) text = it->second.text;
    }
    if (text.empty()) {
      nlohmann::ordered_json v = session.view(c, world, now_ms());
      lock.unlock();
      v.erase("you");
      text = v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      std::lock_guard cached(cache_m);
      cache[key] = {version, text};
    } else {
      lock.unlock();
    }
    if (p == nullptr) return {text, version};
    // The player's own part goes in front: {"you": {...}, ...the shared view...}.
    return {
        "{\"you\":" + you.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
            "," + text.substr(1),
        version};
  }

  // One stream per page: the whole view at once, then again whenever it changes; a comment
  // every 15 s keeps proxies from closing it.
  void stream_route() {
    http.Get(R"(/api/worlds/(\d+)/stream)", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
      const int world = world_of(req);
      Caller c;
      {
        std::shared_lock lock(m);
        c = session.who(token_of(req));
        if (auto r = may_see(c, world)) return send_error(res, r->status, r->message);
      }
      res.set_header("Cache-Control", "no-store");
      res.set_header("X-Accel-Buffering", "no");
      auto last = std::make_shared<std::uint64_t>(~std::uint64_t{0});
      auto last_turn = std::make_shared<int>(-1);  // turns resolved in the last view sent
      res.set_chunked_content_provider(
          "text/event-stream", [this, c, world, last, last_turn](size_t, httplib::DataSink& sink) {
            bool changed_now = false, new_turn = false;
            {
              std::shared_lock lock(m);
              changed[static_cast<size_t>(world)].wait_for(lock, std::chrono::seconds(15), [&] {
                return stopping.load() || session.world(world)->version != *last;
              });
              if (stopping) return false;
              changed_now = session.world(world)->version != *last;
              const int resolved = session.world(world)->world->resolved();
              new_turn = resolved != *last_turn;
              *last_turn = resolved;
            }
            std::string text = ": keep-alive\n\n";
            if (changed_now) {
              // A burst of changes (a class submitting at once) is sent as its last state: wait
              // a moment for the burst to settle; but a resolved turn goes out at once, so that
              // every page shows every turn's outcome.
              if (!new_turn) std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMs));
              if (stopping) return false;
              auto [view, version] = view_text(c, world);
              *last = version;
              text = "event: view\ndata: " + view + "\n\n";
            }
            return sink.write(text.data(), text.size());
          });
    });
  }

  void page_routes() {
    // Pages and their files come from the binary only: no path reaches the file system.
    const auto page = [this](const std::string& route, const std::string& file) {
      http.Get(route, [file](const httplib::Request&, httplib::Response& res) {
        const auto text = web_asset(file);
        if (!text) return send_error(res, 404, "no such page");
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
        res.set_header("Referrer-Policy", "no-referrer");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Cache-Control", "no-store");
        res.set_content(std::string(*text), "text/html; charset=utf-8");
      });
    };
    page("/", "join.html");
    page("/join", "join.html");
    page("/team", "team.html");
    page("/facilitator", "facilitator.html");
    page("/brief", "brief.html");
    http.Get(R"(/assets/([A-Za-z0-9_.-]+))", [](const httplib::Request& req,
                                                httplib::Response& res) {
      const std::string name = req.matches[1].str();
      const auto text = (name.find(".html") == std::string::npos) ? web_asset(name) : std::nullopt;
      if (!text) return send_error(res, 404, "no such file");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Cache-Control", "max-age=300");
      res.set_content(std::string(*text), std::string(mime_type(name)));
    });
  }
};

ClassroomServer::ClassroomServer(const Scenario& scenario, ServeOptions options)
    : impl_(std::make_unique<Impl>(scenario, std::move(options))) {}

ClassroomServer::~ClassroomServer() {
  stop();
  if (impl_->timer.joinable()) impl_->timer.join();
  if (impl_->reference_worker.joinable()) impl_->reference_worker.join();
}

bool ClassroomServer::start(std::string& error, int& status) {
  Impl& s = *impl_;
  status = 1;
  s.store = ClassroomStore::open(s.options.data_dir, error);
  if (!s.store) return false;
  if (!s.replay(error, status)) return false;

  httplib::Server& http = s.http;
  const int threads = std::max(8, s.options.threads);
  // Each open page holds a connection and its thread for as long as it is open.
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_tcp_nodelay(true);
  http.set_payload_max_length(s.options.max_body);
  http.set_keep_alive_max_count(1000);
  http.set_read_timeout(30, 0);
  http.set_socket_options([&s](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (s.listen_fd < 0) s.listen_fd = static_cast<int>(sock);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                std::exception_ptr) { send_error(res, 500, "internal error"); });
  s.routes();
  if (s.options.port == 0) {
    s.bound_port = http.bind_to_any_port(s.options.host);
  } else {
    s.bound_port = http.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.bound_port <= 0) {
    error = "cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
            " (in use, or not an address of this machine); expected a free port (--port)";
    return false;
  }
  // The library listens with a backlog of 5; a class arriving at once needs more.
  if (s.listen_fd >= 0) ::listen(s.listen_fd, 1024);
  s.timer = std::thread([&s] { s.timer_loop(); });
  s.reference_worker = std::thread([&s] { s.reference_loop(); });
  status = 0;
  return true;
}

void ClassroomServer::run() {
  impl_->http.listen_after_bind();
}

void ClassroomServer::stop() {
  Impl& s = *impl_;
  s.stopping = true;
  s.notify_everyone();
  s.queue_cv.notify_all();
  s.http.stop();
}

int ClassroomServer::port() const {
  return impl_->bound_port;
}
bool ClassroomServer::resumed() const {
  return impl_->resumed;
}

std::string ClassroomServer::facilitator_token() const {
  std::shared_lock lock(impl_->m);
  return impl_->session.facilitator_token();
}

std::string ClassroomServer::join_code() const {
  std::shared_lock lock(impl_->m);
  return impl_->session.join_code();
}

std::vector<std::string> network_addresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char buf[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf) == nullptr) continue;
    if (std::string(buf).rfind("127.", 0) == 0) continue;
    out.emplace_back(buf);
  }
  ::freeifaddrs(list);
  return out;
}

}  // namespace parley

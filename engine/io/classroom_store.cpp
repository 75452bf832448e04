#include "engine/io/classroom_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include "engine/io/atomic_file.hpp"

namespace parley {

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS actions(seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
    " at_ms INTEGER NOT NULL, json TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta(key, value) VALUES('format', 'parley classroom 1');";

std::string message_of(sqlite3* db) {
  return db != nullptr ? sqlite3_errmsg(db) : "out of memory";
}

}  // namespace

std::unique_ptr<ClassroomStore> ClassroomStore::open(const std::string& dir, std::string& error) {
  if (!make_directories(dir, error)) return nullptr;
  std::unique_ptr<ClassroomStore> s(new ClassroomStore());
  // One server per folder: two writing one session would each miss the other's actions.
  s->lock_fd_ = ::open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (s->lock_fd_ < 0 || ::flock(s->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    error = "another parley serve is using the data folder '" + dir +
            "'; expected one server per folder (stop it, or give another --data)";
    return nullptr;
  }
  s->path_ = dir + "/session.sqlite";
  if (sqlite3_open_v2(s->path_.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    error = "cannot open '" + s->path_ + "': " + message_of(s->db_);
    return nullptr;
  }
  // WAL with synchronous=NORMAL: a commit is in the log file before it returns, so it survives
  // the process being killed at any point; only a crash of the whole machine may lose the last
  // commits.
  char* msg = nullptr;
  const int rc = sqlite3_exec(s->db_,
                              "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                              "PRAGMA busy_timeout=5000;",
                              nullptr, nullptr, &msg);
  if (rc == SQLITE_OK) sqlite3_exec(s->db_, kSchema, nullptr, nullptr, &msg);
  if (msg != nullptr) {
    error = "'" + s->path_ + "' is not a parley session database (" + msg + ")";
    sqlite3_free(msg);
    return nullptr;
  }
  sqlite3_stmt* st = nullptr;
  std::string format;
  if (sqlite3_prepare_v2(s->db_, "SELECT value FROM meta WHERE key='format'", -1, &st, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    format = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  if (format != "parley classroom 1") {
    error = "'" + s->path_ + "' holds '" + format + "'; expected a parley classroom 1 session";
    return nullptr;
  }
  return s;
}

ClassroomStore::~ClassroomStore() {
  if (db_ != nullptr) sqlite3_close(db_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::optional<std::vector<StoredAction>> ClassroomStore::load(std::string& error) {
  std::vector<StoredAction> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT seq, json FROM actions ORDER BY seq", -1, &st, nullptr) !=
      SQLITE_OK) {
    error = "cannot read '" + path_ + "': " + message_of(db_);
    return std::nullopt;
  }
  int rc = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    out.push_back({sqlite3_column_int64(st, 0), text != nullptr ? text : ""});
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    error = "cannot read '" + path_ + "': " + message_of(db_);
    return std::nullopt;
  }
  return out;
}

bool ClassroomStore::append(const std::string& kind, std::int64_t at_ms, const std::string& json,
                            std::string& error) {
  sqlite3_stmt* st = nullptr;
  // One statement is one transaction: committed, or not stored at all.
  if (sqlite3_prepare_v2(db_, "INSERT INTO actions(kind, at_ms, json) VALUES(?, ?, ?)", -1, &st,
                         nullptr) != SQLITE_OK) {
    error = message_of(db_);
    return false;
  }
  sqlite3_bind_text(st, 1, kind.c_str(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, at_ms);
  sqlite3_bind_text(st, 3, json.c_str(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    error = message_of(db_);
    return false;
  }
  return true;
}

}  // namespace parley

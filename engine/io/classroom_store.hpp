#pragma once
/// \file
/// Where a classroom session lives on disk: an SQLite database, `session.sqlite` in the data
/// folder, holding every action of the session as one row, appended in its own transaction
/// before the action is acknowledged. Replaying the rows rebuilds the session exactly, so a
/// server killed at any moment loses nothing it has answered.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace parley {

/// One stored row: its sequence number and the action's JSON text.
struct StoredAction {
  std::int64_t seq = 0;
  std::string json;
};

/// The session database. One process at a time: opening takes an exclusive lock on the folder.
class ClassroomStore {
 public:
  /// Opens (creating when missing) `dir`/session.sqlite, creating `dir` too. nullptr, with the
  /// reason in `error`, when the folder or database cannot be opened, another server holds it,
  /// or the file is not a parley session.
  [[nodiscard]] static std::unique_ptr<ClassroomStore> open(const std::string& dir,
                                                            std::string& error);
  ~ClassroomStore();
  ClassroomStore(const ClassroomStore&) = delete;
  ClassroomStore& operator=(const ClassroomStore&) = delete;

  /// Every stored action, in the order stored. nullopt with `error` on a read failure.
  [[nodiscard]] std::optional<std::vector<StoredAction>> load(std::string& error);
  /// Appends one action (`kind` and `at_ms` for reading the table by hand, `json` the whole
  /// action) in one committed transaction. False with `error` on failure (nothing stored).
  [[nodiscard]] bool append(const std::string& kind, std::int64_t at_ms, const std::string& json,
                            std::string& error);
  /// The database file's path.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  ClassroomStore() = default;
  sqlite3* db_ = nullptr;
  int lock_fd_ = -1;
  std::string path_;
};

}  // namespace parley

#pragma once
// Running the parley binary from tests, and temporary folders for its output.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace parley::test {

/// What a command printed and how it exited.
struct CliResult {
  int status = -1;
  std::string out;  ///< standard output
  std::string err;  ///< standard error
  /// Both streams, standard output first.
  [[nodiscard]] std::string all() const { return out + err; }
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A fresh empty folder under the system's temporary folder, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    // The test process id and an address make the name unique among concurrent ctest jobs.
    const auto tag = std::to_string(::getpid()) + "-" +
                     std::to_string(reinterpret_cast<std::uintptr_t>(this) & 0xFFFFFF);
    path_ = std::filesystem::temp_directory_path() / ("parley-test-" + tag);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string str() const { return path_.string(); }
  /// The path of `name` inside the folder, as text.
  [[nodiscard]] std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Runs `parley ARGS` (ARGS already shell-quoted where needed) and captures both streams.
inline CliResult run_parley(const std::string& args) {
  const TempDir tmp;
  const std::string out_file = (tmp.path() / "stdout").string();
  const std::string err_file = (tmp.path() / "stderr").string();
  const std::string cmd = std::string("'") + PARLEY_BIN + "' " + args + " >'" + out_file + "' 2>'" +
                          err_file + "' </dev/null";
  const int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(out_file);
  r.err = read_file(err_file);
  return r;
}

/// Single-quotes a path for the shell.
inline std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

/// Copies a test scenario into `dir`/name and returns the new folder.
inline std::filesystem::path copy_scenario(const std::string& name,
                                           const std::filesystem::path& dir) {
  const std::filesystem::path to = dir / name;
  std::filesystem::copy(std::filesystem::path(PARLEY_TEST_DATA) / "scenarios" / name, to,
                        std::filesystem::copy_options::recursive);
  return to;
}

// Starts `parley ARGS...` with its output discarded, kills it with SIGKILL as soon as a new
// checkpoint appears in `out` (one with a later modification than `after`), and returns true if
// it was killed before finishing.
inline bool run_and_kill(const std::vector<std::string>& args, const std::filesystem::path& out) {
  const std::filesystem::path checkpoint = out / ".checkpoint";
  std::error_code ec;
  const auto before = std::filesystem::exists(checkpoint, ec)
                          ? std::filesystem::last_write_time(checkpoint, ec)
                          : std::filesystem::file_time_type::min();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::vector<char*> argv;
    std::string bin = PARLEY_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (std::freopen("/dev/null", "w", stdout) == nullptr) ::_exit(127);
    if (std::freopen("/dev/null", "w", stderr) == nullptr) ::_exit(127);
    ::execv(PARLEY_BIN, argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;  // finished first
    if (std::filesystem::exists(checkpoint, ec) &&
        std::filesystem::last_write_time(checkpoint, ec) > before)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

}  // namespace parley::test

#pragma once
// Running the parley binary from tests, and temporary folders for its output.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace parley::test {

/// What a command printed and how it exited.
struct CliResult {
  int status = -1;
  std::string out;  ///< standard output
  std::string err;  ///< standard error
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

}  // namespace parley::test

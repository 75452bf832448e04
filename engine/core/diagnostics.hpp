#pragma once
/// \file
/// Problems found in user input, collected (never thrown one at a time) so that every problem of a
/// file is reported in one pass as `file:line:column: severity: what is wrong, what was expected`.

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

/// Whether a problem stops the program (error) or is only reported (warning).
enum class Severity : unsigned char { error, warning };

/// One problem at a source location. line and column count from 1; 0 means "whole file/line".
struct Problem {
  Severity severity = Severity::error;
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
};

/// An ordered list of problems. Cheap to pass by reference through loaders and validators.
class Diagnostics {
 public:
  /// Records an error at file:line:column.
  void error(std::string file, int line, int column, std::string message);
  /// Records a warning at file:line:column.
  void warning(std::string file, int line, int column, std::string message);
  /// Appends every problem of `other`.
  void append(const Diagnostics& other);

  /// True once any error has been recorded.
  [[nodiscard]] bool has_errors() const noexcept { return errors_ > 0; }
  /// Number of errors recorded.
  [[nodiscard]] int error_count() const noexcept { return errors_; }
  /// Number of warnings recorded.
  [[nodiscard]] int warning_count() const noexcept {
    return static_cast<int>(problems_.size()) - errors_;
  }
  /// All problems in the order they were found.
  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

  /// Writes every problem, one per line, as `file:line:column: error: message`.
  void print(std::ostream& out) const;

 private:
  std::vector<Problem> problems_;
  int errors_ = 0;
};

/// Formats one problem as `file:line:column: error: message` (line/column left out when 0).
[[nodiscard]] std::string format_problem(const Problem& p);

/// Levenshtein edit distance between two strings (case-sensitive).
[[nodiscard]] int edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word` by edit distance (ties: first in order), or "" when none is
/// close enough to be a plausible typo (distance above max(2, |word|/3)).
[[nodiscard]] std::string nearest(std::string_view word,
                                  const std::vector<std::string>& candidates);

/// " (did you mean 'X'?)" when a near candidate exists, else "". For appending to messages.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates);

}  // namespace parley

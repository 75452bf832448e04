#include "engine/core/diagnostics.hpp"

#include <algorithm>
#include <ostream>

namespace parley {

void Diagnostics::error(std::string file, int line, int column, std::string message) {
  problems_.push_back({Severity::error, std::move(file), line, column, std::move(message)});
  ++errors_;
}

void Diagnostics::warning(std::string file, int line, int column, std::string message) {
  problems_.push_back({Severity::warning, std::move(file), line, column, std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  for (const auto& p : other.problems_) {
    problems_.push_back(p);
    if (p.severity == Severity::error) ++errors_;
  }
}

std::string format_problem(const Problem& p) {
  std::string out = p.file;
  if (p.line > 0) {
    out += ':' + std::to_string(p.line);
    if (p.column > 0) out += ':' + std::to_string(p.column);
  }
  out += p.severity == Severity::error ? ": error: " : ": warning: ";
  out += p.message;
  return out;
}

void Diagnostics::print(std::ostream& out) const {
  for (const auto& p : problems_) out << format_problem(p) << '\n';
}

int edit_distance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  const int limit = std::max(2, static_cast<int>(word.size()) / 3);
  std::string best;
  int best_d = limit + 1;
  for (const auto& c : candidates) {
    const int d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string n = nearest(word, candidates);
  return n.empty() ? std::string() : " (did you mean '" + n + "'?)";
}

}  // namespace parley

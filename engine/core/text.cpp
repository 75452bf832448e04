#include "engine/core/text.hpp"

namespace parley {

bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view text, int& lead) noexcept {
  std::size_t b = 0;
  while (b < text.size() && is_blank(text[b])) ++b;
  std::size_t e = text.size();
  while (e > b && is_blank(text[e - 1])) --e;
  lead = static_cast<int>(b);
  return text.substr(b, e - b);
}

std::string_view trim(std::string_view text) noexcept {
  int lead = 0;
  return trim(text, lead);
}

std::string in_quotes(std::string_view text) {
  constexpr std::size_t kMax = 40;
  if (text.size() > kMax) return "'" + std::string(text.substr(0, kMax)) + "...'";
  return "'" + std::string(text) + "'";
}

}  // namespace parley

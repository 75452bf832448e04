#pragma once
/// \file
/// Small text helpers shared by the readers of scenario text (numbers, scenario.ini, tables):
/// what counts as a blank, trimming with the offset it cut, and quoting a value in a message.

#include <string>
#include <string_view>

namespace parley {

/// True for the blanks around names and values: space, tab and carriage return (a file saved
/// with Windows line ends keeps a CR before each newline).
[[nodiscard]] bool is_blank(char c) noexcept;

/// `text` without surrounding blanks; `lead` receives how many were cut at the front (so that
/// a column can still point into the original text).
[[nodiscard]] std::string_view trim(std::string_view text, int& lead) noexcept;

/// `text` without surrounding blanks.
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

/// `text` in single quotes for a message, cut after 40 characters (with "...") so that a long
/// cell does not drown the message; the position already says where the cell is.
[[nodiscard]] std::string in_quotes(std::string_view text);

}  // namespace parley

#pragma once
/// \file
/// The one reader of INI text (scenario.ini): `[section]` headers and `key = value` lines, each
/// with the line and column where it stands, in one pass. `#` starts a comment to the end of
/// the line, so values cannot hold one. Blanks around names and values do not count.

#include <string>
#include <string_view>
#include <vector>

namespace parley {

/// One `key = value` line.
struct IniEntry {
  std::string section;   ///< as written inside [ ], trimmed; "" before any section
  std::string key;       ///< trimmed, never empty
  std::string value;     ///< trimmed; may be empty
  int line = 0;          ///< 1-based
  int key_column = 1;    ///< 1-based column of the key's first character
  int value_column = 1;  ///< 1-based column of the value's first character (after '=' if empty)
};

/// One `[name]` header.
struct IniSection {
  std::string name;  ///< trimmed, never empty
  int line = 0;      ///< 1-based
  int column = 1;    ///< 1-based column of the name's first character
};

/// An INI text, read.
struct IniFile {
  std::vector<IniSection> sections;  ///< every header, in order (repeats included)
  std::vector<IniEntry> entries;     ///< every key, in order
};

/// A line the reader could not take, with where it goes wrong.
struct IniProblem {
  int line = 0;         ///< 1-based
  int column = 1;       ///< 1-based
  std::string message;  ///< what is wrong and what was expected
};

/// Reads `text` (a leading UTF-8 byte-order mark is skipped). A malformed header, a key without
/// a name, or a line that is neither a header nor `key = value` is a problem (appended to
/// `problems`, in line order) and is left out; so are the keys under a malformed header, which
/// its problem already covers.
[[nodiscard]] IniFile read_ini(std::string_view text, std::vector<IniProblem>& problems);

}  // namespace parley

#pragma once
/// \file
/// Writing CSV cells: the one quoting rule of every CSV file parley writes (RFC 4180).

#include <string>
#include <string_view>

namespace parley {

/// Appends `text` as one CSV cell, quoted when it holds a comma, quote or newline.
void append_csv_cell(std::string& out, std::string_view text);

}  // namespace parley

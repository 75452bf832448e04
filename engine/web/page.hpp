#pragma once
/// \file
/// Self-contained pages: an embedded page template with its styles, scripts and data inlined,
/// so that the result opens from a file, offline, and makes no request of any kind.

#include <string>
#include <string_view>

namespace parley {

/// Builds a page from the embedded template `page` (a file of web/): each
/// `<!--parley:style NAME-->` becomes a style element holding the embedded file NAME, each
/// `<!--parley:script NAME-->` a script element holding it, `<!--parley:data-->` a
/// `<script type="application/json" id="parley-data">` element holding `data_json`, and every
/// `{{title}}` the HTML-escaped `title`. Throws std::logic_error when a named file is not
/// embedded or would end its element early (a build defect, not bad input).
[[nodiscard]] std::string inline_page(std::string_view page, std::string_view title,
                                      std::string_view data_json);

/// JSON text made safe inside a script element: every '<' becomes \u003c (JSON reads the same
/// value; '<' can only occur inside strings).
[[nodiscard]] std::string script_safe_json(std::string_view json);

/// Text with &, <, >, " and ' escaped for HTML.
[[nodiscard]] std::string html_escape(std::string_view text);

}  // namespace parley

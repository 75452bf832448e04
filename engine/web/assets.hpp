#pragma once
/// \file
/// The web pages (HTML, CSS, JS under web/) and Debian's Chart.js, embedded into the binary at
/// build time (cmake/embed_assets.cmake), so that `parley report` and `parley serve` need no
/// files at run time and no page ever loads anything from the network.

#include <optional>
#include <string_view>
#include <vector>

namespace parley {

/// One embedded file.
struct WebAsset {
  std::string_view name;   ///< file name under web/, or "chart.min.js" for Chart.js
  std::string_view bytes;  ///< its content, exactly as in the file
};

/// Every embedded file, in build order (generated at build time).
[[nodiscard]] std::vector<WebAsset> embedded_web_assets();

/// The content of the embedded file `name`, or nullopt when there is none.
[[nodiscard]] std::optional<std::string_view> web_asset(std::string_view name);

/// The Content-Type for a file name by its extension (HTML, CSS, JS, JSON, PNG, SVG, plain text
/// otherwise), with charset=utf-8 for text.
[[nodiscard]] std::string_view mime_type(std::string_view name) noexcept;

}  // namespace parley

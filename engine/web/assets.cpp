#include "engine/web/assets.hpp"

namespace parley {

std::optional<std::string_view> web_asset(std::string_view name) {
  // A handful of files: a linear search costs less than building an index.
  for (const WebAsset& a : embedded_web_assets())
    if (a.name == name) return a.bytes;
  return std::nullopt;
}

std::string_view mime_type(std::string_view name) noexcept {
  const auto ends = [name](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".svg")) return "image/svg+xml";
  return "text/plain; charset=utf-8";
}

}  // namespace parley

#include "engine/web/page.hpp"

#include <cctype>
#include <stdexcept>

#include "engine/web/assets.hpp"

namespace parley {

std::string script_safe_json(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 64);
  for (const char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

std::string_view asset_or_throw(std::string_view name) {
  const auto a = web_asset(name);
  if (!a) throw std::logic_error("page asset '" + std::string(name) + "' is not embedded");
  return *a;
}

// The text of an embedded file for inlining inside `element`: it must not hold the element's
// end tag, which would cut it short.
std::string_view inlinable(std::string_view name, std::string_view end_tag) {
  const std::string_view text = asset_or_throw(name);
  for (size_t at = text.find("</"); at != std::string_view::npos; at = text.find("</", at + 2)) {
    std::string tag(text.substr(at, end_tag.size()));
    for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (tag == end_tag)
      throw std::logic_error("page asset '" + std::string(name) + "' holds " +
                             std::string(end_tag) + " and cannot be inlined");
  }
  return text;
}

}  // namespace

std::string inline_page(std::string_view page, std::string_view title, std::string_view data_json) {
  const std::string_view tpl = asset_or_throw(page);
  const std::string escaped_title = html_escape(title);
  std::string out;
  out.reserve(tpl.size() + data_json.size() + (1 << 18));
  size_t pos = 0;
  while (pos < tpl.size()) {
    const size_t mark = tpl.find("<!--parley:", pos);
    const size_t var = tpl.find("{{title}}", pos);
    const size_t next = std::min(mark, var);
    if (next == std::string_view::npos) {
      out.append(tpl.substr(pos));
      break;
    }
    out.append(tpl.substr(pos, next - pos));
    if (next == var) {
      out += escaped_title;
      pos = var + 9;
      continue;
    }
    const size_t end = tpl.find("-->", mark);
    if (end == std::string_view::npos)
      throw std::logic_error("unterminated <!--parley: directive in " + std::string(page));
    std::string_view directive = tpl.substr(mark + 11, end - mark - 11);
    pos = end + 3;
    if (directive == "data") {
      out += "<script type=\"application/json\" id=\"parley-data\">";
      out += script_safe_json(data_json);
      out += "</script>";
    } else if (directive.substr(0, 6) == "style ") {
      out += "<style>\n";
      out += inlinable(directive.substr(6), "</style");
      out += "\n</style>";
    } else if (directive.substr(0, 7) == "script ") {
      out += "<script>\n";
      out += inlinable(directive.substr(7), "</script");
      out += "\n</script>";
    } else {
      throw std::logic_error("unknown directive <!--parley:" + std::string(directive) + "-->");
    }
  }
  return out;
}

}  // namespace parley

#include "engine/io/ini_file.hpp"

#include "engine/core/text.hpp"

namespace parley {

namespace {

// The reader's state between lines.
class IniReader {
 public:
  IniReader(IniFile& ini, std::vector<IniProblem>& problems) : ini_(ini), problems_(problems) {}

  // One line (without its newline), numbered `line_no`.
  void line(std::string_view raw, int line_no) {
    if (const std::size_t hash = raw.find('#'); hash != std::string_view::npos)
      raw = raw.substr(0, hash);
    int lead = 0;
    const std::string_view s = trim(raw, lead);
    if (s.empty()) return;
    if (s.front() == '[') {
      header(s, line_no, lead);
    } else if (const std::size_t eq = s.find('='); eq != std::string_view::npos) {
      entry(s, eq, line_no, lead);
    } else {
      problem(line_no, lead + 1,
              "cannot read " + in_quotes(s) + "; expected 'key = value' or a [section] header");
    }
  }

 private:
  void problem(int line, int column, std::string message) {
    problems_.push_back({line, column, std::move(message)});
  }

  // `[name]`, `s` trimmed, starting at column lead + 1.
  void header(std::string_view s, int line_no, int lead) {
    if (s.back() != ']' || s.size() < 2) {
      problem(line_no, lead + 1,
              "malformed section header " + in_quotes(s) + "; expected '[name]'");
      current_ok_ = false;
      return;
    }
    int inner_lead = 0;
    const std::string_view name = trim(s.substr(1, s.size() - 2), inner_lead);
    if (name.empty()) {
      problem(line_no, lead + 1,
              "empty section name; expected [scenario], [model], [run] or [option.NAME]");
      current_ok_ = false;
      return;
    }
    current_ = std::string(name);
    current_ok_ = true;
    ini_.sections.push_back({current_, line_no, lead + 2 + inner_lead});
  }

  // `key = value`, `s` trimmed with its '=' at `eq`, starting at column lead + 1.
  void entry(std::string_view s, std::size_t eq, int line_no, int lead) {
    int key_lead = 0;
    const std::string_view key = trim(s.substr(0, eq), key_lead);
    int value_lead = 0;
    const std::string_view value = trim(s.substr(eq + 1), value_lead);
    if (key.empty()) {
      problem(line_no, lead + 1, "missing key name before '='; expected 'key = value'");
      return;
    }
    if (!current_ok_) return;  // under a malformed header: reported there
    IniEntry e;
    e.section = current_;
    e.key = std::string(key);
    e.value = std::string(value);
    e.line = line_no;
    e.key_column = lead + key_lead + 1;
    e.value_column = lead + static_cast<int>(eq) + 1 + value_lead + 1;
    ini_.entries.push_back(std::move(e));
  }

  IniFile& ini_;
  std::vector<IniProblem>& problems_;
  std::string current_;
  bool current_ok_ = true;  // false after a malformed header: its keys are not reported again
};

}  // namespace

IniFile read_ini(std::string_view text, std::vector<IniProblem>& problems) {
  // Windows editors write a UTF-8 byte-order mark; it is not part of the first line's text.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  IniFile ini;
  IniReader reader(ini, problems);
  std::size_t pos = 0;
  int line_no = 0;
  while (pos <= text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    reader.line(text.substr(pos, end - pos), ++line_no);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return ini;
}

}  // namespace parley

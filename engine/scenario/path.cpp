#include "engine/scenario/path.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "engine/core/diagnostics.hpp"

namespace parley {

namespace {

/// What each segment after the kind names.
enum class Arg : std::uint8_t { actor, issue, move, key };

struct KindInfo {
  std::string_view name;
  int arity;
  std::array<Arg, 2> args;
  std::string_view shape;  ///< the expected spelling, for messages
};

// Indexed by SlotKind; the order must follow the enum.
constexpr std::array<KindInfo, 15> kKinds{{
    {"issue", 1, {Arg::issue, Arg::issue}, "issue.ISSUE"},
    {"position", 2, {Arg::actor, Arg::issue}, "position.ACTOR.ISSUE"},
    {"salience", 2, {Arg::actor, Arg::issue}, "salience.ACTOR.ISSUE"},
    {"power", 2, {Arg::actor, Arg::issue}, "power.ACTOR.ISSUE"},
    {"capability", 1, {Arg::actor, Arg::actor}, "capability.ACTOR"},
    {"risk", 1, {Arg::actor, Arg::actor}, "risk.ACTOR"},
    {"affinity", 2, {Arg::actor, Arg::actor}, "affinity.FROM.TO"},
    {"recognition", 2, {Arg::actor, Arg::actor}, "recognition.FROM.TO"},
    {"drift", 1, {Arg::issue, Arg::issue}, "drift.ISSUE"},
    {"noise", 1, {Arg::issue, Arg::issue}, "noise.ISSUE"},
    {"cost", 1, {Arg::move, Arg::move}, "cost.MOVE"},
    {"model", 1, {Arg::key, Arg::key}, "model.KEY"},
    {"turn", 0, {Arg::key, Arg::key}, "turn"},
    {"done", 1, {Arg::move, Arg::move}, "done.MOVE"},
    {"last", 1, {Arg::move, Arg::move}, "last.MOVE"},
}};

constexpr std::array<std::string_view, kModelKeys> kModelKeyNames{
    "temperature", "influence_rate", "settle_rate",      "lookahead",
    "rounds",      "eum_q",          "settle_tolerance",
};

[[nodiscard]] std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[nodiscard]] bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r';
}

[[nodiscard]] std::string kind_list() {
  std::string out;
  for (const auto& k : kKinds) {
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

[[nodiscard]] std::string key_list() {
  std::string out;
  for (const auto& k : kModelKeyNames) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

[[nodiscard]] std::string_view arg_word(Arg a) noexcept {
  switch (a) {
    case Arg::actor:
      return "actor";
    case Arg::issue:
      return "issue";
    case Arg::move:
      return "move";
    case Arg::key:
      return "model key";
  }
  return "id";
}

[[nodiscard]] std::string_view arg_source(Arg a) noexcept {
  switch (a) {
    case Arg::actor:
      return "an actor id from actors.csv";
    case Arg::issue:
      return "an issue id from issues.csv";
    case Arg::move:
      return "a move id from moves.csv";
    case Arg::key:
      return "a model key";
  }
  return "an id";
}

[[nodiscard]] const std::vector<std::string>& id_list(Arg a, const IdTables& ids) {
  static const std::vector<std::string> keys(kModelKeyNames.begin(), kModelKeyNames.end());
  switch (a) {
    case Arg::actor:
      return ids.actors;
    case Arg::issue:
      return ids.issues;
    case Arg::move:
      return ids.moves;
    case Arg::key:
      return keys;
  }
  return keys;
}

struct Segment {
  std::string_view text;
  int offset;
};

}  // namespace

const std::array<std::string_view, kModelKeys>& model_key_names() noexcept {
  return kModelKeyNames;
}

std::string suggest_id(std::string_view word, const std::vector<std::string>& ids) {
  if (word.empty() || ids.empty()) return {};
  const std::string w = lower(word);
  for (const auto& id : ids)
    if (lower(id) == w) return id;
  if (std::string n = nearest(word, ids); !n.empty()) return n;
  std::vector<std::string> lowered;
  lowered.reserve(ids.size());
  for (const auto& id : ids) lowered.push_back(lower(id));
  if (const std::string n = nearest(w, lowered); !n.empty()) {
    const auto it = std::find(lowered.begin(), lowered.end(), n);
    return ids[static_cast<std::size_t>(it - lowered.begin())];
  }
  // Short ids are often abbreviations of the word people type ("Norway" for "NOR"): accept a
  // prefix relation of at least two letters, preferring the longest.
  std::string best;
  std::size_t best_len = 1;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string& l = lowered[i];
    const bool prefix = (l.size() <= w.size() && w.compare(0, l.size(), l) == 0) ||
                        (w.size() <= l.size() && l.compare(0, w.size(), w) == 0);
    const std::size_t common = std::min(l.size(), w.size());
    if (prefix && common > best_len) {
      best_len = common;
      best = ids[i];
    }
  }
  return best;
}

std::string suggest_then_expected(std::string_view word, const std::vector<std::string>& ids) {
  const std::string s = suggest_id(word, ids);
  return s.empty() ? std::string("; expected") : "; did you mean '" + s + "'? Expected";
}

std::optional<Slot> parse_path(std::string_view text, const IdTables& ids, ParseError& error) {
  std::size_t b = 0;
  while (b < text.size() && is_space(text[b])) ++b;
  std::size_t e = text.size();
  while (e > b && is_space(text[e - 1])) --e;
  const std::string_view t = text.substr(b, e - b);
  const int lead = static_cast<int>(b);
  if (t.empty()) {
    error = {lead, "expected a path such as issue.ISSUE or position.ACTOR.ISSUE, got nothing"};
    return std::nullopt;
  }

  std::vector<Segment> segs;
  std::size_t pos = 0;
  while (true) {
    const std::size_t dot = t.find('.', pos);
    const std::size_t end = dot == std::string_view::npos ? t.size() : dot;
    segs.push_back({t.substr(pos, end - pos), lead + static_cast<int>(pos)});
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }

  const std::string_view head = segs[0].text;
  const auto found =
      std::find_if(kKinds.begin(), kKinds.end(), [&](const KindInfo& k) { return k.name == head; });
  if (found == kKinds.end()) {
    std::vector<std::string> names;
    for (const auto& k : kKinds) names.emplace_back(k.name);
    error = {segs[0].offset, "unknown path '" + std::string(head) + "'" +
                                 did_you_mean(lower(head), names) +
                                 "; expected a path starting with " + kind_list()};
    return std::nullopt;
  }
  const KindInfo& info = *found;
  const auto kind = static_cast<SlotKind>(found - kKinds.begin());
  const int given = static_cast<int>(segs.size()) - 1;
  if (given != info.arity) {
    const int at =
        given < info.arity ? lead + static_cast<int>(t.size()) : segs[info.arity + 1].offset;
    error = {
        at, "'" + std::string(t) + "' is not a complete path; expected " + std::string(info.shape)};
    return std::nullopt;
  }

  Slot slot;
  slot.kind = kind;
  for (int i = 0; i < info.arity; ++i) {
    const Segment& seg = segs[static_cast<std::size_t>(i) + 1];
    const Arg arg = info.args[static_cast<std::size_t>(i)];
    if (seg.text.empty()) {
      error = {seg.offset, "empty " + std::string(arg_word(arg)) + " in path; expected " +
                               std::string(info.shape)};
      return std::nullopt;
    }
    const auto& list = id_list(arg, ids);
    const auto it = std::find(list.begin(), list.end(), seg.text);
    if (it == list.end()) {
      std::string msg;
      if (arg == Arg::key && seg.text == "bargaining") {
        msg =
            "model.bargaining is a model name, not a number; it is set in [model] or in an "
            "option's 'set'; expected one of the numeric keys " +
            key_list();
      } else {
        msg = "unknown " + std::string(arg_word(arg)) + " '" + std::string(seg.text) + "' in path";
        msg += suggest_then_expected(seg.text, list);
        msg += arg == Arg::key ? " one of " + key_list() : " " + std::string(arg_source(arg));
        if (arg != Arg::key) msg += " (ids are case-sensitive)";
      }
      error = {seg.offset, std::move(msg)};
      return std::nullopt;
    }
    const auto index = static_cast<std::int32_t>(it - list.begin());
    (i == 0 ? slot.a : slot.b) = index;
  }
  return slot;
}

std::string path_text(const Slot& slot, const IdTables& ids) {
  const auto k = static_cast<std::size_t>(slot.kind);
  if (k >= kKinds.size()) return "?";
  const KindInfo& info = kKinds[k];
  std::string out(info.name);
  for (int i = 0; i < info.arity; ++i) {
    const auto& list = id_list(info.args[static_cast<std::size_t>(i)], ids);
    const std::int32_t index = i == 0 ? slot.a : slot.b;
    out += '.';
    if (index >= 0 && static_cast<std::size_t>(index) < list.size())
      out += list[static_cast<std::size_t>(index)];
    else
      out += '?';
  }
  return out;
}

}  // namespace parley

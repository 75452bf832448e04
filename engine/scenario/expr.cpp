#include "engine/scenario/expr.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

namespace parley {

namespace {

[[nodiscard]] bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
[[nodiscard]] bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
[[nodiscard]] bool is_word_start(char c) noexcept {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
[[nodiscard]] bool is_word_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

[[nodiscard]] std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

enum class Tok : std::uint8_t {
  word,
  number,
  cmp,
  lparen,
  rparen,
  op_and,
  op_or,
  op_not,
  minus,
  end
};

struct Token {
  Tok kind = Tok::end;
  int offset = 0;
  std::string_view text;
  double value = 0.0;
  CmpOp cmp = CmpOp::eq;
};

/// Nesting beyond this is certainly a mistake; bounding it also bounds the parser's recursion.
constexpr int kMaxNesting = 64;

/// The message for a byte >= 0x80 at `i` of `text`: the whole UTF-8 character it starts (a
/// single byte would print as a broken character) and, for the typographic signs that word
/// processors and spreadsheets substitute for operators, the ASCII spelling to type instead.
[[nodiscard]] std::string non_ascii_problem(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  bool valid = length > 1 && lead < 0xF8 && i + length <= text.size();
  std::uint32_t code = length == 2 ? lead & 0x1Fu : length == 3 ? lead & 0x0Fu : lead & 0x07u;
  for (std::size_t k = 1; valid && k < length; ++k) {
    valid = (byte(i + k) & 0xC0) == 0x80;
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  const std::string expected =
      "expected a path, a number, a comparison (< <= > >= == !=), and, or, not, or parentheses";
  if (!valid) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(lead));
    return "unexpected byte " + std::string(hex) + " (the file is not UTF-8 text?); " + expected;
  }
  char where[16];
  std::snprintf(where, sizeof where, "U+%04X", static_cast<unsigned>(code));
  const std::string shown =
      "unexpected character '" + std::string(text.substr(i, length)) + "' (" + where + ")";
  std::string_view ascii;
  switch (code) {
    case 0x2265:  // greater-than or equal to
    case 0x2A7E:  // greater-than or slanted equal to
      ascii = ">=";
      break;
    case 0x2264:  // less-than or equal to
    case 0x2A7D:  // less-than or slanted equal to
      ascii = "<=";
      break;
    case 0x2260:  // not equal to
      ascii = "!=";
      break;
    case 0x2010:  // hyphen
    case 0x2011:  // non-breaking hyphen
    case 0x2012:  // figure dash
    case 0x2013:  // en dash
    case 0x2014:  // em dash
    case 0x2212:  // minus sign
      ascii = "-";
      break;
    case 0x00A0:  // no-break space
    case 0x202F:  // narrow no-break space
      ascii = " ";
      break;
    default:
      return shown + "; " + expected + " (conditions are written in plain ASCII)";
  }
  return shown + "; expected '" + std::string(ascii) + "' (conditions are written in plain ASCII)";
}

/// The word starting at `i` into `t`: a keyword (lowercase only) or a path. Returns where it
/// ends, or npos with `error` for a keyword in capitals.
std::size_t read_word(std::string_view text, std::size_t i, Token& t, ParseError& error) {
  std::size_t j = i;
  while (j < text.size() && is_word_char(text[j])) ++j;
  t.text = text.substr(i, j - i);
  if (t.text == "and") {
    t.kind = Tok::op_and;
  } else if (t.text == "or") {
    t.kind = Tok::op_or;
  } else if (t.text == "not") {
    t.kind = Tok::op_not;
  } else {
    const std::string l = lower(t.text);
    if (l == "and" || l == "or" || l == "not") {
      error = {static_cast<int>(i),
               "keywords are lowercase; expected '" + l + "', got '" + std::string(t.text) + "'"};
      return std::string_view::npos;
    }
    t.kind = Tok::word;
  }
  return j;
}

/// The number starting at `i` into `t`. Returns where it ends, or npos with `error` when the
/// characters up to the next separator are not a plain number.
std::size_t read_number(std::string_view text, std::size_t i, Token& t, ParseError& error) {
  std::size_t j = i;
  while (j < text.size() && (is_digit(text[j]) || text[j] == '.')) ++j;
  if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
    std::size_t k = j + 1;
    if (k < text.size() && (text[k] == '+' || text[k] == '-')) ++k;
    if (k < text.size() && is_digit(text[k])) {
      j = k;
      while (j < text.size() && is_digit(text[j])) ++j;
    }
  }
  // "3abc" would otherwise read as the number 3 followed by a path.
  while (j < text.size() && is_word_char(text[j])) ++j;
  t.text = text.substr(i, j - i);
  const auto v = parse_double(t.text);
  if (!v) {
    error = {static_cast<int>(i),
             "malformed number '" + std::string(t.text) + "'; expected a plain number"};
    return std::string_view::npos;
  }
  t.kind = Tok::number;
  t.value = *v;
  return j;
}

/// A parenthesis, minus or comparison at `i` (`next` is the character after it) into `t`.
/// Returns its length in characters, 0 when there is none.
std::size_t read_symbol(char c, char next, Token& t) {
  switch (c) {
    case '(':
      t.kind = Tok::lparen;
      return 1;
    case ')':
      t.kind = Tok::rparen;
      return 1;
    case '-':
      t.kind = Tok::minus;
      return 1;
    case '<':
    case '>': {
      t.kind = Tok::cmp;
      const bool eq = next == '=';
      t.cmp = c == '<' ? (eq ? CmpOp::le : CmpOp::lt) : (eq ? CmpOp::ge : CmpOp::gt);
      return eq ? 2 : 1;
    }
    case '=':
    case '!':
      if (next != '=') return 0;
      t.kind = Tok::cmp;
      t.cmp = c == '=' ? CmpOp::eq : CmpOp::ne;
      return 2;
    default:
      return 0;
  }
}

/// Why the character at `i` cannot start a token, with a hint for the spellings people bring
/// from other languages.
std::string symbol_problem(std::string_view text, std::size_t i) {
  const char c = text[i];
  const char next = i + 1 < text.size() ? text[i + 1] : '\0';
  if (c == '=' && (next == '>' || next == '<')) {
    // "=>" and "=<" are ">=" and "<=" written backwards, not a mistaken assignment.
    const std::string wrote{c, next};
    const std::string meant{next, c};
    return "'" + wrote + "' is not an operator; expected '" + meant + "' (" +
           (next == '>' ? "greater than or equal" : "less than or equal") + ")";
  }
  if (c == '=') return "'=' assigns; expected '==' to compare";
  if (c == '&') return "unexpected '&'; expected 'and'";
  if (c == '|') return "unexpected '|'; expected 'or'";
  if (c == '!') return "unexpected '!'; expected 'not' (or '!=' to compare)";
  if (static_cast<unsigned char>(c) >= 0x80) return non_ascii_problem(text, i);
  return "unexpected character '" + std::string(1, c) +
         "'; expected a path, a number, a comparison (< <= > >= == !=), and, or, not, or "
         "parentheses";
}

/// Splits a condition into tokens. Returns false and fills `error` on a character that cannot
/// start a token (see symbol_problem) or a malformed word or number.
bool tokenize(std::string_view text, std::vector<Token>& out, ParseError& error) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    Token t;
    t.offset = static_cast<int>(i);
    if (is_word_start(c)) {
      i = read_word(text, i, t, error);
    } else if (is_digit(c) || (c == '.' && is_digit(next))) {
      i = read_number(text, i, t, error);
    } else if (const std::size_t length = read_symbol(c, next, t); length > 0) {
      i += length;
    } else {
      error = {t.offset, symbol_problem(text, i)};
      return false;
    }
    if (i == std::string_view::npos) return false;
    out.push_back(t);
  }
  Token end;
  end.offset = static_cast<int>(text.size());
  out.push_back(end);
  return true;
}

[[nodiscard]] std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::word:
    case Tok::number:
      return "'" + std::string(t.text) + "'";
    case Tok::cmp:
      return "a comparison operator";
    case Tok::lparen:
      return "'('";
    case Tok::rparen:
      return "')'";
    case Tok::op_and:
      return "'and'";
    case Tok::op_or:
      return "'or'";
    case Tok::op_not:
      return "'not'";
    case Tok::minus:
      return "'-'";
    case Tok::end:
      return "the end of the condition";
  }
  return "a token";
}

/// Recursive-descent parser writing reverse-Polish output.
class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const IdTables& ids, ParseError& error)
      : toks_(tokens), ids_(ids), error_(error) {}

  bool parse(std::vector<CondNode>& out) {
    if (!parse_or(out, 0)) return false;
    if (peek().kind != Tok::end) {
      return fail(peek(), "unexpected " + describe(peek()) +
                              "; expected 'and', 'or' or the end of the condition");
    }
    return true;
  }

 private:
  [[nodiscard]] const Token& peek() const { return toks_[pos_]; }
  const Token& take() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }

  bool fail(const Token& at, std::string message) {
    error_ = {at.offset, std::move(message)};
    return false;
  }

  bool parse_or(std::vector<CondNode>& out, int depth) {
    if (!parse_and(out, depth)) return false;
    while (peek().kind == Tok::op_or) {
      take();
      if (!parse_and(out, depth)) return false;
      CondNode n;
      n.kind = CondNode::Kind::op_or;
      out.push_back(n);
    }
    return true;
  }

  bool parse_and(std::vector<CondNode>& out, int depth) {
    if (!parse_not(out, depth)) return false;
    while (peek().kind == Tok::op_and) {
      take();
      if (!parse_not(out, depth)) return false;
      CondNode n;
      n.kind = CondNode::Kind::op_and;
      out.push_back(n);
    }
    return true;
  }

  bool parse_not(std::vector<CondNode>& out, int depth) {
    if (depth > kMaxNesting)
      return fail(peek(), "condition nested too deeply; expected at most 64 levels");
    if (peek().kind == Tok::op_not) {
      take();
      if (!parse_not(out, depth + 1)) return false;
      CondNode n;
      n.kind = CondNode::Kind::op_not;
      out.push_back(n);
      return true;
    }
    return parse_primary(out, depth);
  }

  bool parse_primary(std::vector<CondNode>& out, int depth) {
    if (peek().kind == Tok::lparen) {
      take();
      if (!parse_or(out, depth + 1)) return false;
      if (peek().kind != Tok::rparen) {
        return fail(peek(), "expected ')' to close an earlier '(', got " + describe(peek()));
      }
      take();
      return true;
    }
    return parse_comparison(out);
  }

  bool parse_comparison(std::vector<CondNode>& out) {
    const Token& first = peek();
    if (!parse_operand(out)) return false;
    if (peek().kind != Tok::cmp) {
      if (first.kind == Tok::word) {
        return fail(peek(), "expected a comparison (< <= > >= == !=) after '" +
                                std::string(first.text) + "', got " + describe(peek()) +
                                " (write e.g. '" + std::string(first.text) + " == 1')");
      }
      return fail(peek(), "expected a comparison (< <= > >= == !=), got " + describe(peek()));
    }
    const CmpOp op = take().cmp;
    if (!parse_operand(out)) return false;
    CondNode n;
    n.kind = CondNode::Kind::compare;
    n.cmp = op;
    out.push_back(n);
    if (peek().kind == Tok::cmp) {
      return fail(peek(),
                  "comparisons cannot be chained; expected 'and' between them "
                  "(write 'a < b and b < c')");
    }
    return true;
  }

  bool parse_operand(std::vector<CondNode>& out) {
    const Token& t = peek();
    CondNode n;
    if (t.kind == Tok::minus) {
      take();
      if (peek().kind != Tok::number)
        return fail(peek(), "expected a number after '-', got " + describe(peek()));
      n.kind = CondNode::Kind::constant;
      n.value = -take().value;
      out.push_back(n);
      return true;
    }
    if (t.kind == Tok::number) {
      n.kind = CondNode::Kind::constant;
      n.value = take().value;
      out.push_back(n);
      return true;
    }
    if (t.kind == Tok::word) {
      ParseError pe;
      const auto slot = parse_path(t.text, ids_, pe);
      if (!slot) {
        error_ = {t.offset + pe.offset, std::move(pe.message)};
        return false;
      }
      take();
      n.kind = CondNode::Kind::load;
      n.slot = *slot;
      out.push_back(n);
      return true;
    }
    return fail(t, "expected a path or a number, got " + describe(t));
  }

  const std::vector<Token>& toks_;
  const IdTables& ids_;
  ParseError& error_;
  std::size_t pos_ = 0;
};

[[nodiscard]] int stack_depth(const std::vector<CondNode>& rpn) {
  int depth = 0;
  int max_depth = 0;
  for (const auto& n : rpn) {
    switch (n.kind) {
      case CondNode::Kind::constant:
      case CondNode::Kind::load:
        ++depth;
        break;
      case CondNode::Kind::compare:
      case CondNode::Kind::op_and:
      case CondNode::Kind::op_or:
        --depth;
        break;
      case CondNode::Kind::op_not:
        break;
    }
    max_depth = std::max(max_depth, depth);
  }
  return max_depth;
}

}  // namespace

std::vector<Slot> Condition::reads() const {
  std::vector<Slot> out;
  for (const auto& n : rpn)
    if (n.kind == CondNode::Kind::load) out.push_back(n.slot);
  return out;
}

std::optional<Condition> parse_condition(std::string_view text, const IdTables& ids,
                                         ParseError& error) {
  std::vector<Token> tokens;
  if (!tokenize(text, tokens, error)) return std::nullopt;
  Condition cond;
  if (tokens.size() == 1) return cond;  // only the end marker: always true
  Parser parser(tokens, ids, error);
  if (!parser.parse(cond.rpn)) return std::nullopt;
  if (stack_depth(cond.rpn) > kMaxConditionDepth) {
    error = {0, "condition too complex; expected at most " + std::to_string(kMaxConditionDepth) +
                    " pending comparisons (split it or use fewer parentheses)"};
    return std::nullopt;
  }
  return cond;
}

std::optional<std::vector<EffectSpec>> parse_effects(std::string_view text, const IdTables& ids,
                                                     ParseError& error) {
  std::vector<EffectSpec> effects;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t semi = text.find(';', start);
    const std::size_t end = semi == std::string_view::npos ? text.size() : semi;
    const std::string_view part = text.substr(start, end - start);
    const int base = static_cast<int>(start);
    std::size_t first = 0;
    while (first < part.size() && is_space(part[first])) ++first;
    if (first < part.size()) {
      // An empty part (a trailing ';' as spreadsheets leave) is harmless and skipped.
      const std::size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        error = {base + static_cast<int>(first),
                 "expected an effect 'PATH op VALUE' with op one of = += -= *=, got '" +
                     std::string(part.substr(first)) + "'"};
        return std::nullopt;
      }
      EffectSpec fx;
      std::size_t path_end = eq;
      if (eq > 0 && (part[eq - 1] == '+' || part[eq - 1] == '-' || part[eq - 1] == '*')) {
        fx.op = part[eq - 1] == '+'   ? EffectOp::add
                : part[eq - 1] == '-' ? EffectOp::sub
                                      : EffectOp::mul;
        path_end = eq - 1;
      } else if (eq + 1 < part.size() && part[eq + 1] == '=') {
        error = {base + static_cast<int>(eq), "'==' compares; expected '=' to assign"};
        return std::nullopt;
      } else if (eq > 0 && (part[eq - 1] == '<' || part[eq - 1] == '>' || part[eq - 1] == '!' ||
                            part[eq - 1] == '/')) {
        error = {base + static_cast<int>(eq - 1), "unknown operator '" +
                                                      std::string(part.substr(eq - 1, 2)) +
                                                      "'; expected one of = += -= *="};
        return std::nullopt;
      }
      ParseError pe;
      const auto slot = parse_path(part.substr(0, path_end), ids, pe);
      if (!slot) {
        error = {base + pe.offset, std::move(pe.message)};
        return std::nullopt;
      }
      if (is_read_only(slot->kind)) {
        error = {base + static_cast<int>(first),
                 "'" + path_text(*slot, ids) +
                     "' is read-only; expected a writable path (issue, position, salience, power, "
                     "capability, risk, affinity, recognition, drift, noise, cost, model)"};
        return std::nullopt;
      }
      const std::string_view value_text = part.substr(eq + 1);
      const auto value = parse_number(value_text, pe);
      if (!value) {
        error = {base + static_cast<int>(eq) + 1 + pe.offset, std::move(pe.message)};
        return std::nullopt;
      }
      fx.target = *slot;
      fx.value = *value;
      if (fx.op == EffectOp::assign) {
        // An assigned value is a value of the slot, so it must fit the slot's range.
        const Range r = slot->kind == SlotKind::model
                            ? model_key_range(static_cast<ModelKey>(slot->a))
                            : slot_range(slot->kind);
        fx.value.lo = r.lo;
        fx.value.hi = r.hi;
        if (std::string why = range_problem(fx.value); !why.empty()) {
          std::size_t v0 = 0;
          while (v0 < value_text.size() && is_space(value_text[v0])) ++v0;
          error = {base + static_cast<int>(eq + 1 + v0), path_text(*slot, ids) + " = " + why};
          return std::nullopt;
        }
      }
      effects.push_back(fx);
    }
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  return effects;
}

}  // namespace parley

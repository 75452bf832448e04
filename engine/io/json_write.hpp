#pragma once
/// \file
/// Writing JSON text straight into a string, for files too large to build as a document first
/// (explain.json). The bytes are those nlohmann::json's dump(indent) gives for the same values:
/// its layout, its string escaping and its number text, so that a file written either way reads
/// and compares the same. JsonDomWriter takes the same calls and builds the document instead,
/// so that one description of a format serves both a file and the pages that need a document.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

/// A JSON value written as it is described, in the layout of nlohmann::json's dump(indent):
/// one member or element per line, `indent` spaces per level, `"key": value`, and empty objects
/// and arrays as {} and []. Values are written as dump writes them:
/// - strings with `"` and `\` backslashed, \b \f \n \r \t, other control characters as \u00xx
///   (lower-case hex) and UTF-8 left as it is; text that is not UTF-8 throws
///   nlohmann::json::type_error (316), as dump does;
/// - doubles as the shortest text that reads back the same (Grisu2), with ".0" on integral
///   values and an exponent below 1e-4 or from 1e15 on ("1e-05", "1e+15"), "-0.0" for negative
///   zero and null for NaN and infinities;
/// - integers in decimal.
/// Contract: exactly one top-level value; inside an object every value follows a key(); begins
/// and ends pair up; take() once, at the end. No newline follows the top-level value.
class JsonWriter {
 public:
  /// `indent`: spaces per level (dump's argument, >= 0). `expected_size`: bytes to reserve, an
  /// estimate (the text grows past it as needed).
  explicit JsonWriter(int indent, std::size_t expected_size = 0);

  /// Opens an object: a value, so after a key() when inside an object.
  void begin_object() { open('{'); }
  /// Closes the innermost open object.
  void end_object() { close('}'); }
  /// Opens an array: a value, so after a key() when inside an object.
  void begin_array() { open('['); }
  /// Closes the innermost open array.
  void end_array() { close(']'); }

  /// The name of the next member of the open object; the value written next is its value.
  JsonWriter& key(std::string_view name);

  /// A string value (escaped as dump escapes it; throws if `text` is not UTF-8).
  void value(std::string_view text);
  /// A C string is text (not a bool, which it would otherwise convert to).
  void value(const char* text) { value(std::string_view(text)); }
  /// A number as dump writes a double; null when not finite.
  void value(double v);
  /// true or false.
  void value(bool v);
  /// null.
  void value(std::nullptr_t);
  /// An integer of any width or sign, in decimal.
  template <std::integral T>
  requires(!std::same_as<T, bool>) void value(T v) {
    if constexpr (std::signed_integral<T>)
      integer(static_cast<std::int64_t>(v));
    else
      integer(static_cast<std::uint64_t>(v));
  }

  /// The text written (the writer is spent).
  [[nodiscard]] std::string take();

 private:
  /// `n` bytes at the end of the text for the caller to fill.
  [[nodiscard]] char* room(std::size_t n) {
    if (text_.size() - used_ < n) grow(n);
    char* p = text_.data() + used_;
    used_ += n;
    return p;
  }
  void grow(std::size_t n);
  void put(std::string_view bytes);
  /// `text` quoted and escaped; followed by ": " `as_key`.
  void put_string(std::string_view text, bool as_key);
  void put_escaped(std::string_view text, bool as_key);
  void widen_breaks(std::size_t length);
  /// What comes before a value or key: nothing right after a key or at the top level, else the
  /// line break (and comma after the first item) and indentation of the open container.
  void separate();
  /// A line break (after a comma if `comma`) and the indentation of the current depth.
  void line_break(bool comma);
  void open(char bracket);
  void close(char bracket);
  void integer(std::int64_t v);
  void integer(std::uint64_t v);

  // The text is text_[0, used_): text_ is sized ahead of what is written, so that each piece is
  // a copy into place rather than a call that checks and grows the string.
  std::string text_;
  std::size_t used_ = 0;
  std::size_t indent_;
  // ",\n" and then spaces: every line break is one copy of a slice of it.
  std::string breaks_;
  std::size_t depth_ = 0;
  // Whether the innermost open container has no item yet. Only the innermost one's is needed:
  // a container being closed is an item of its parent, so the parent is never empty after it.
  bool empty_ = false;
  bool after_key_ = false;
};

/// The document of the calls a JsonWriter takes (the same contract): its dump(indent) is the
/// JsonWriter's text. Signed integers are stored as number_integer, unsigned ones as
/// number_unsigned, doubles as number_float.
class JsonDomWriter {
 public:
  /// As JsonWriter's: opens an object, a value.
  void begin_object() { open(nlohmann::ordered_json::object()); }
  /// Closes the innermost open object.
  void end_object() { open_.pop_back(); }
  /// As JsonWriter's: opens an array, a value.
  void begin_array() { open(nlohmann::ordered_json::array()); }
  /// Closes the innermost open array.
  void end_array() { open_.pop_back(); }

  /// The name of the next member of the open object; the value written next is its value.
  JsonDomWriter& key(std::string_view name) {
    key_ = name;
    return *this;
  }

  /// A string value.
  void value(std::string_view text) { place(std::string(text)); }
  /// A C string is text (not a bool, which it would otherwise convert to).
  void value(const char* text) { place(text); }
  /// A number_float (NaN and infinities kept: dump writes them as null).
  void value(double v) { place(v); }
  /// true or false.
  void value(bool v) { place(v); }
  /// null.
  void value(std::nullptr_t) { place(nullptr); }
  /// A number_integer (signed `T`) or number_unsigned (unsigned `T`).
  template <std::integral T>
  requires(!std::same_as<T, bool>) void value(T v) {
    if constexpr (std::signed_integral<T>)
      place(static_cast<std::int64_t>(v));
    else
      place(static_cast<std::uint64_t>(v));
  }

  /// The document built (the writer is spent).
  [[nodiscard]] nlohmann::ordered_json take() { return std::move(root_); }

 private:
  /// Adds `v` where the next value goes; returns it where it now lives.
  nlohmann::ordered_json& place(nlohmann::ordered_json v);
  void open(nlohmann::ordered_json container) { open_.push_back(&place(std::move(container))); }

  nlohmann::ordered_json root_;
  // The open containers, outermost first. Their addresses hold: only the innermost one grows.
  std::vector<nlohmann::ordered_json*> open_;
  std::string key_;
};

}  // namespace parley

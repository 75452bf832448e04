// The streaming JSON writer gives the bytes nlohmann::json's dump gives for the same values:
// layout, escaping and, above all, number text; and the document writer, given the same calls,
// builds the document whose dump that is.
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "engine/io/json_write.hpp"

using namespace parley;
using Json = nlohmann::ordered_json;

namespace {

// Describes `v` to a writer, value by value.
template <class Writer>
void write(Writer& w, const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      w.begin_object();
      for (const auto& [k, item] : v.items()) write(w.key(k), item);
      w.end_object();
      break;
    case Json::value_t::array:
      w.begin_array();
      for (const Json& item : v) write(w, item);
      w.end_array();
      break;
    case Json::value_t::string:
      w.value(v.get_ref<const std::string&>());
      break;
    case Json::value_t::boolean:
      w.value(v.get<bool>());
      break;
    case Json::value_t::number_integer:
      w.value(v.get<std::int64_t>());
      break;
    case Json::value_t::number_unsigned:
      w.value(v.get<std::uint64_t>());
      break;
    case Json::value_t::number_float:
      w.value(v.get<double>());
      break;
    default:
      w.value(nullptr);
  }
}

std::string streamed(const Json& v, int indent = 1, std::size_t expected_size = 0) {
  JsonWriter w(indent, expected_size);
  write(w, v);
  return w.take();
}

void check_same(const Json& v) {
  for (const int indent : {1, 0, 2, 4}) {
    INFO("indent " << indent << ", expected: " << v.dump(indent));
    CHECK(streamed(v, indent) == v.dump(indent));
  }
  JsonDomWriter d;
  write(d, v);
  CHECK(d.take().dump(1) == v.dump(1));  // not ==: NaN is unequal to itself
}

const std::vector<double> awkward_doubles = {
    0.0,
    -0.0,
    0.1,
    0.2,
    0.3,
    1.0,
    -1.0,
    0.5,
    100.0,
    2.0 / 3.0,
    -1.0 / 3.0,
    1e-5,
    1e-6,
    1e-7,
    1.5e-7,
    123456789.0,
    1234567890123456.0,
    1e15,
    1e16,
    1e17,
    1e21,
    1e22,
    -1e21,
    9007199254740993.0,
    0.1 + 0.2,
    5e-324,
    2.2250738585072009e-308,  // the largest denormal
    std::numeric_limits<double>::min(),
    std::numeric_limits<double>::max(),
    std::numeric_limits<double>::lowest(),
    std::numeric_limits<double>::epsilon(),
    0.18750950988433476,
    0.25224439538373866,
    99.99999999999999,
    std::numeric_limits<double>::quiet_NaN(),
    std::numeric_limits<double>::infinity(),
    -std::numeric_limits<double>::infinity(),
};

}  // namespace

TEST_CASE("the writer's doubles are nlohmann's, awkward ones included", "[io]") {
  for (const double d : awkward_doubles) {
    INFO("value " << d);
    check_same(Json(d));
  }
  check_same(Json(awkward_doubles));
  Json keyed = Json::object();
  for (std::size_t i = 0; i < awkward_doubles.size(); ++i)
    keyed["v" + std::to_string(i)] = awkward_doubles[i];
  check_same(keyed);
}

TEST_CASE("the writer's doubles are nlohmann's for any bit pattern", "[io]") {
  std::mt19937_64 rng(20250601);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 20000; ++i) {
    // Every exponent and payload, and the values a run prints: probabilities and 0-100 points.
    const double any = std::bit_cast<double>(rng());
    for (const double d : {any, unit(rng), 100.0 * unit(rng), unit(rng) - unit(rng)}) {
      INFO("bits " << std::bit_cast<std::uint64_t>(d));
      REQUIRE(streamed(Json(d)) == Json(d).dump());
    }
  }
}

TEST_CASE("the writer's integers are nlohmann's", "[io]") {
  check_same(Json::array({0, 1, -1, 24, 2025, std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max(),
                          std::numeric_limits<std::uint64_t>::max(), std::uint64_t{1} << 63}));
  JsonWriter w(1);
  w.begin_array();
  w.value(std::int32_t{-7});
  w.value(std::uint32_t{7});
  w.value(short{3});
  w.value(std::size_t{12});
  w.end_array();
  CHECK(w.take() == Json::array({-7, 7, 3, 12}).dump(1));
}

TEST_CASE("the writer's strings are escaped as nlohmann escapes them", "[io]") {
  std::string all_controls;
  for (char c = 1; c < 0x20; ++c) all_controls += c;
  const std::vector<std::string> texts = {
      "",
      "plain_id",
      "draw 0.252244 >= probability 0.18751",
      "say \"no\"",
      "back\\slash",
      "line\nbreak\ttab\rreturn\bback\fform",
      all_controls,
      std::string("nul\0inside", 10),
      "del\x7f",
      "caf\xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80",  // é, an en dash, an emoji: left as UTF-8
      "/slash is not escaped",
  };
  Json keyed = Json::object();
  for (const std::string& t : texts) {
    INFO("text " << Json(t).dump());
    check_same(Json(t));
    keyed[t] = t;  // as keys too
  }
  check_same(Json(texts));
  check_same(keyed);
  // Not UTF-8: refused as dump refuses it.
  JsonWriter w(1);
  CHECK_THROWS_AS(w.value("bad \xff byte"), Json::type_error);
  CHECK_THROWS_AS(Json("bad \xff byte").dump(), Json::type_error);
}

TEST_CASE("the writer escapes any byte at any place of a string as dump does", "[io]") {
  // Every byte value at every offset of strings up to 20 bytes long: the writer tests bytes
  // 8 at a time, with overlapping tails.
  const auto text_of = [](const auto& write_it) {
    try {
      return write_it();
    } catch (const Json::type_error&) {
      return std::string("(not UTF-8)");
    }
  };
  for (std::size_t length = 1; length <= 20; ++length)
    for (std::size_t at = 0; at < length; ++at)
      for (int byte = 0; byte < 256; ++byte) {
        std::string t(length, 'a');
        t[at] = static_cast<char>(byte);
        const std::string want = text_of([&] { return Json(t).dump(); });
        const std::string got = text_of([&] {
          JsonWriter w(1);
          w.value(t);
          return w.take();
        });
        if (got != want) FAIL("length " << length << ", byte " << byte << " at " << at);
      }
  SUCCEED();
}

TEST_CASE("the writer lays out nested and empty containers as dump(indent) does", "[io]") {
  const Json v = Json::parse(R"([
    {"scenario": "s", "seed": 2025, "explained": [], "events": [{}],
     "nested": {"a": [1, [2, [3, []]], {"b": {"c": null}}], "t": true, "f": false},
     "veto_window": [0.0, 100.0], "draw": null, "empty": {}},
    [], {}, null, "x", 1.5
  ])");
  check_same(v);
  check_same(Json::array());
  check_same(Json::object());
  check_same(Json(nullptr));
  check_same(Json::array({Json::array(), Json::object()}));
  // The writer's own C-string and bool values are not mixed up.
  JsonWriter w(1);
  w.begin_object();
  w.key("by").value("timeline");
  w.key("fired").value(false);
  w.end_object();
  CHECK(w.take() == Json({{"by", "timeline"}, {"fired", false}}).dump(1));
}

TEST_CASE("the writer's text grows past its first estimate and is cut to what was written",
          "[io]") {
  Json big = Json::array();
  for (int i = 0; i < 2000; ++i)
    big.push_back({{"row", i}, {"probability", i / 7.0}, {"why", std::string(i % 50, 'x')}});
  for (const std::size_t expected :
       {std::size_t{0}, std::size_t{1}, std::size_t{100000}, std::size_t{10000000}})
    CHECK(streamed(big, 1, expected) == big.dump(1));
}

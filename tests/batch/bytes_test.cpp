#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/batch/bytes.hpp"

using namespace parley;

TEST_CASE("integers are written little-endian, one at a time or in runs", "[batch][bytes]") {
  std::string one;
  ByteWriter(one).u64(0x0102030405060708ULL);
  REQUIRE(one == std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));

  const std::vector<std::uint64_t> values = {0, 1, 0x8000000000000000ULL, ~0ULL,
                                             0x0102030405060708ULL};
  std::string singly, run;
  ByteWriter w1(singly), w2(run);
  w1.u64(7);
  w2.u64(7);
  for (const std::uint64_t v : values) w1.u64(v);
  w2.u64s(values);
  w2.u64s({});
  REQUIRE(run == singly);

  ByteReader r(run);
  REQUIRE(r.u64() == 7);
  std::vector<std::uint64_t> back(values.size());
  r.u64s(back);
  REQUIRE(back == values);
  REQUIRE(r.ok());
  REQUIRE(r.at_end());
}

TEST_CASE("reading a run past the end fails and yields zeros", "[batch][bytes]") {
  std::string text;
  ByteWriter(text).u64s(std::vector<std::uint64_t>{5, 6});
  ByteReader r(text);
  std::vector<std::uint64_t> three(3, 9);
  r.u64s(three);
  REQUIRE_FALSE(r.ok());
  REQUIRE(three == std::vector<std::uint64_t>(3, 0));
  REQUIRE(r.u64() == 0);
}

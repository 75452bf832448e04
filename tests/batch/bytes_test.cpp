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

TEST_CASE("signed 128-bit integers round-trip at the extremes", "[batch][bytes]") {
  const Int128 two64 = static_cast<Int128>(1) << 64;
  const Int128 most = static_cast<Int128>(~static_cast<UInt128>(0) >> 1);
  const std::vector<Int128> values = {0,      1,          -1,   two64,     two64 + 5,
                                      -two64, -two64 - 7, most, -most - 1, two64 - 1};
  std::string bytes;
  ByteWriter w(bytes);
  for (const Int128 v : values) w.i128(v);
  REQUIRE(bytes.size() == 16 * values.size());
  // Two's complement, low word first: -1 is sixteen 0xff bytes, 2^64 a one in the ninth byte.
  REQUIRE(bytes.substr(32, 16) == std::string(16, '\xff'));
  REQUIRE(bytes.substr(48, 16) == std::string(8, '\0') + '\x01' + std::string(7, '\0'));
  ByteReader r(bytes);
  for (const Int128 v : values) REQUIRE(r.i128() == v);
  REQUIRE(r.done());
  // Half of one is not one.
  ByteReader cut(std::string_view(bytes).substr(0, 8));
  REQUIRE(cut.i128() == 0);
  REQUIRE_FALSE(cut.ok());
}

TEST_CASE("a magic word spells its tag, and expect refuses any other word", "[batch][bytes]") {
  std::string bytes;
  ByteWriter(bytes).u64(magic_word("PSTATS2"));
  REQUIRE(bytes == std::string("PSTATS2\0", 8));
  REQUIRE(magic_word("PGIVEN2") != magic_word("PGIVEN1"));
  ByteReader right(bytes);
  REQUIRE(right.expect(magic_word("PSTATS2")));
  REQUIRE(right.done());
  ByteReader wrong(bytes);
  REQUIRE_FALSE(wrong.expect(magic_word("PSTATS1")));
  REQUIRE_FALSE(wrong.ok());
  REQUIRE(wrong.u64() == 0);  // once failed, reads yield zeros
}

TEST_CASE("a count larger than the input could hold is refused", "[batch][bytes]") {
  std::string bytes;
  ByteWriter w(bytes);
  w.u64(2);
  w.u64s(std::vector<std::uint64_t>{7, 8});
  ByteReader fits(bytes);
  REQUIRE(fits.count(8) == 2);
  REQUIRE(fits.ok());
  // Two items of 16 bytes each do not fit in the 16 bytes left.
  ByteReader too_many(bytes);
  REQUIRE(too_many.count(16) == 0);
  REQUIRE_FALSE(too_many.ok());
}

TEST_CASE("done() needs every read to succeed and every byte to be read", "[batch][bytes]") {
  std::string bytes;
  ByteWriter w(bytes);
  w.u64(1);
  w.bytes("nested state");
  {
    ByteReader r(bytes);
    REQUIRE(r.u64() == 1);
    REQUIRE_FALSE(r.done());  // the nested state is still unread
    ByteReader nested(r.bytes());
    REQUIRE(r.done());
    REQUIRE(nested.u64() != 0);
    REQUIRE_FALSE(nested.done());  // 12 bytes: 8 read, 4 left
  }
  {
    ByteReader r(std::string_view(bytes).substr(0, bytes.size() - 1));
    (void)r.u64();
    REQUIRE(r.bytes().empty());  // a length beyond the input fails
    REQUIRE_FALSE(r.done());
  }
  {
    ByteReader r(bytes);
    (void)r.u64();
    r.reject();
    REQUIRE(r.at_end());
    REQUIRE_FALSE(r.done());
  }
}

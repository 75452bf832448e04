#include "engine/batch/batch_state.hpp"

#include <stdexcept>

#include "engine/batch/bytes.hpp"

namespace parley {

namespace {

// Version 2: the observers' states are those of the one binary encoding (bytes.hpp).
constexpr std::uint64_t kStateMagic = magic_word("PSTATS2");

// One option's statistics, shaped as `want`; false (and `r` failed) when they are not.
bool read_option(ByteReader& r, const OptionStats& want, OptionStats& out) {
  if (!r.expect(want.final.size()) || !r.expect(want.per_turn.size())) return false;
  out.final.resize(want.final.size());
  out.per_turn.resize(want.per_turn.size());
  for (size_t k = 0; k < want.final.size(); ++k)
    if (!out.final[k].load(r) || !out.final[k].same_shape(want.final[k])) return false;
  for (size_t k = 0; k < want.per_turn.size(); ++k)
    if (!out.per_turn[k].load(r) || !out.per_turn[k].same_shape(want.per_turn[k])) return false;
  return true;
}

}  // namespace

void merge_stats(std::vector<OptionStats>& into, const std::vector<OptionStats>& from) noexcept {
  for (size_t o = 0; o < into.size() && o < from.size(); ++o) merge_option_stats(into[o], from[o]);
}

std::string encode_state(const BatchState& st) {
  std::string out;
  ByteWriter w(out);
  w.u64(kStateMagic);
  w.u64(st.failed);
  w.u64(st.stats.size());
  for (const OptionStats& o : st.stats) {
    w.u64(o.final.size());
    w.u64(o.per_turn.size());
    for (const MetricStats& m : o.final) m.save(w);
    for (const MetricStats& m : o.per_turn) m.save(w);
  }
  w.u64(st.observers.size());
  for (const std::string& b : st.observers) w.bytes(b);
  return out;
}

BatchState decode_state(std::string_view in, const std::vector<OptionStats>& shape) {
  const auto bad = [] { return std::runtime_error(kUnfitState); };
  BatchState st;
  ByteReader r(in);
  if (!r.expect(kStateMagic)) throw bad();
  st.failed = r.u64();
  if (!r.expect(shape.size())) throw bad();
  st.stats.resize(shape.size());
  for (size_t o = 0; o < shape.size(); ++o)
    if (!read_option(r, shape[o], st.stats[o])) throw bad();
  const std::uint64_t n = r.count(8);  // each state takes at least its length
  for (std::uint64_t k = 0; k < n && r.ok(); ++k) st.observers.emplace_back(r.bytes());
  if (!r.done()) throw bad();
  return st;
}

}  // namespace parley

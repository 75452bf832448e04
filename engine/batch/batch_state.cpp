#include "engine/batch/batch_state.hpp"

#include <stdexcept>

#include "engine/batch/bytes.hpp"

namespace parley {

namespace {
constexpr std::uint64_t kStateMagic = 0x31'5354'4154'5350ULL;  // "PSTATS1" + version
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
    for (const MetricStats& m : o.final) m.save(out);
    for (const MetricStats& m : o.per_turn) m.save(out);
  }
  w.u64(st.observers.size());
  for (const std::string& b : st.observers) w.bytes(b);
  return out;
}

BatchState decode_state(std::string_view in, const std::vector<OptionStats>& shape) {
  const auto bad = [] { return std::runtime_error("saved batch state does not fit this batch"); };
  BatchState st;
  ByteReader r(in);
  if (r.u64() != kStateMagic) throw bad();
  st.failed = r.u64();
  if (r.u64() != shape.size() || !r.ok()) throw bad();
  in.remove_prefix(3 * 8);
  for (const OptionStats& want : shape) {
    ByteReader h(in);
    if (h.u64() != want.final.size() || h.u64() != want.per_turn.size() || !h.ok()) throw bad();
    in.remove_prefix(2 * 8);
    OptionStats o;
    o.final.resize(want.final.size());
    o.per_turn.resize(want.per_turn.size());
    for (MetricStats& m : o.final)
      if (!m.load(in)) throw bad();
    for (MetricStats& m : o.per_turn)
      if (!m.load(in)) throw bad();
    st.stats.push_back(std::move(o));
  }
  ByteReader t(in);
  const std::uint64_t n = t.u64();
  for (std::uint64_t k = 0; k < n && t.ok(); ++k) st.observers.emplace_back(t.bytes());
  if (!t.ok() || !t.at_end()) throw bad();
  return st;
}

}  // namespace parley

// The golden signature: a hash of the runs.csv of a fixed batch, like a chess engine's bench
// signature. Any change to the model, the sampling or the output format changes it. When a
// change is intended, update kSignature and say so (old -> new) in the commit message.
#include <catch2/catch.hpp>
#include <cstdio>

#include "engine/batch/runner.hpp"
#include "engine/core/hash.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/sim/compile.hpp"
#include "tests/support/mini.hpp"

using namespace parley;

namespace {

constexpr std::uint64_t kSignature = 0x4b0f4c74eb00a95aULL;

struct Hashing final : BatchSink {
  Fnv1a hash;
  void runs_rows(std::string_view t) override { hash.update(t); }
  void events_rows(std::string_view t) override { hash.update(t); }
  void failures_rows(std::string_view t) override { hash.update(t); }
};

}  // namespace

TEST_CASE("the golden signature of a fixed batch is unchanged", "[batch][signature]") {
  const Scenario sc = parley::test::mini_scenario();
  const Rules rules = compile(sc);
  const MetricCatalog catalog = metric_catalog(sc);
  const RowFormat format(sc, rules, catalog);
  BatchSpec spec;
  spec.runs = 300;
  spec.seed = 7;
  spec.threads = 2;
  spec.trace = 5;
  for (int o = 0; o < static_cast<int>(sc.options.size()); ++o) spec.options.push_back(o);
  Hashing sink;
  sink.hash.update(format.runs_header());
  const BatchResult r = run_batch(rules, catalog, format, spec, sink);
  REQUIRE(r.failed == 0);
  char text[32];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(sink.hash.value()));
  INFO("signature " << text);
  CHECK(sink.hash.value() == kSignature);
}

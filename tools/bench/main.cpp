// Entry point of parley_bench; every other file here registers benchmarks.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();

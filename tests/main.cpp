// The Catch2 test runner's entry point; every other file under tests/ holds TEST_CASEs.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

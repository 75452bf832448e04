// `parley report` and the --report option of run, compare and sweep.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/support/results.hpp"

using namespace parley::test;
namespace fs = std::filesystem;

TEST_CASE("run --report writes the same page as parley report, and the page is stable",
          "[cli][report]") {
  TempDir tmp;
  const fs::path dir = tmp.path() / "run";
  const CliResult r = run_parley("run " + mini_scenario() +
                                 " --runs 60 --option all --report --out " + quoted(dir));
  INFO(r.all());
  REQUIRE(r.status == 0);
  REQUIRE(r.out.find("report: " + (dir / "report.html").string()) != std::string::npos);
  const std::string first = read_file(dir / "report.html");
  REQUIRE(first.rfind("<!doctype html>", 0) == 0);
  REQUIRE(first.find("\"kind\":\"run\"") != std::string::npos);
  const fs::path again = tmp.path() / "again.html";
  REQUIRE(run_parley("report " + quoted(dir) + " --out " + quoted(again) + " -q").status == 0);
  REQUIRE(read_file(again) == first);

  // --title replaces the scenario's title; --out may name a file in a folder still to be made.
  const fs::path titled = tmp.path() / "slides" / "deck" / "mini.html";
  const CliResult t =
      run_parley("report " + quoted(dir) + " --title 'Class of 2026' --out " + quoted(titled));
  REQUIRE(t.status == 0);
  REQUIRE(read_file(titled).find("<title>Class of 2026</title>") != std::string::npos);

  for (const char* command : {"compare", "sweep"}) {
    const fs::path out = tmp.path() / command;
    const std::string extra =
        std::string(command) == "sweep" ? " --vary model.settle_rate=0.1..0.3 --samples 8" : "";
    const CliResult c = run_parley(std::string(command) + " " + mini_scenario() +
                                   " --runs 20 --report -q" + extra + " --out " + quoted(out));
    INFO(c.all());
    REQUIRE(c.status == 0);
    REQUIRE(read_file(out / "report.html").find(std::string("\"kind\":\"") + command + "\"") !=
            std::string::npos);
  }
}

TEST_CASE("parley report on a bad folder exits 2 and writes nothing", "[cli][report][errors]") {
  TempDir tmp;
  const fs::path dir = make_run(tmp.path() / "run");
  // An earlier report stays as it was when the folder turns out to be damaged.
  write_file(dir / "report.html", "an earlier report");
  edit_file(dir / "summary.csv", "\nbaseline,", "\nbasline,");
  const CliResult r = run_parley("report " + quoted(dir));
  REQUIRE(r.status == 2);
  REQUIRE(r.err.find("summary.csv:2:1: error: unknown option 'basline'") != std::string::npos);
  REQUIRE(read_file(dir / "report.html") == "an earlier report");
  for (const auto& entry : fs::directory_iterator(dir))
    REQUIRE(entry.path().filename().string().find(".partial") == std::string::npos);

  // A folder that is no result at all, and an --out that is a folder.
  const CliResult none = run_parley("report " + quoted(tmp.path()));
  REQUIRE(none.status == 2);
  REQUIRE(none.err.find("manifest.json: error: missing") != std::string::npos);
  REQUIRE_FALSE(fs::exists(tmp.path() / "report.html"));
  const CliResult folder = run_parley("report " + quoted(dir) + " --out " + quoted(tmp.path()));
  REQUIRE(folder.status == 2);
  REQUIRE(folder.err.find("is a folder; expected the name of the HTML file") != std::string::npos);

  // Usage.
  REQUIRE(run_parley("report").status == 2);
  const CliResult help = run_parley("report --help");
  REQUIRE(help.status == 0);
  REQUIRE(help.out.find("usage: parley report DIR") != std::string::npos);
}

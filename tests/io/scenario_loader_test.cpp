// The scenario loader: a valid folder loads with the right values, and every kind of bad input
// is reported at its file, line and column with what was expected.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/io/scenario_loader.hpp"

using namespace parley;
namespace fs = std::filesystem;

namespace {

const std::string kMini = std::string(PARLEY_TEST_DATA) + "/scenarios/mini";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A private copy of the mini scenario that a test may corrupt.
class TempScenario {
 public:
  TempScenario() {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("parley-loader-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(dir_);
    fs::copy(kMini, dir_);
  }
  ~TempScenario() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempScenario(const TempScenario&) = delete;
  TempScenario& operator=(const TempScenario&) = delete;

  [[nodiscard]] std::string folder() const { return dir_.string(); }
  [[nodiscard]] std::string file(const std::string& name) const { return folder() + "/" + name; }

  /// Replaces the first `from` in `name` by `to`; the test fails if `from` is absent.
  void replace(const std::string& name, const std::string& from, const std::string& to) {
    std::string text = slurp(dir_ / name);
    const auto at = text.find(from);
    INFO(name << " lacks '" << from << "'");
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    write(name, text);
  }
  void append(const std::string& name, const std::string& text) {
    write(name, slurp(dir_ / name) + text);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary | std::ios::trunc) << text;
  }
  void remove(const std::string& name) { fs::remove(dir_ / name); }

  /// 1-based column of `needle` in line `line` of `name`.
  [[nodiscard]] int column_of(const std::string& name, int line, const std::string& needle) const {
    std::istringstream in(slurp(dir_ / name));
    std::string text;
    for (int i = 0; i < line; ++i) std::getline(in, text);
    const auto at = text.find(needle);
    REQUIRE(at != std::string::npos);
    return static_cast<int>(at) + 1;
  }

 private:
  fs::path dir_;
};

std::string dump(const Diagnostics& d) {
  std::ostringstream s;
  d.print(s);
  return s.str();
}

/// True when `d` holds an error at exactly file:line:column whose message contains every part.
bool has_error(const Diagnostics& d, const std::string& file, int line, int column,
               std::initializer_list<std::string_view> parts) {
  for (const auto& p : d.problems()) {
    if (p.severity != Severity::error || p.file != file || p.line != line || p.column != column)
      continue;
    bool all = true;
    for (const auto part : parts) all = all && p.message.find(part) != std::string::npos;
    if (all) return true;
  }
  return false;
}

/// True when an error is reported in `file` (any line, any message).
bool has_error_in(const Diagnostics& d, const std::string& file) {
  for (const auto& p : d.problems())
    if (p.severity == Severity::error && p.file == file) return true;
  return false;
}

/// True when a problem comes from load_scenario's last-resort catch (an exception escaped the
/// loader's checks): its message starts "cannot load the scenario".
bool caught_by_loader(const Diagnostics& d) {
  for (const auto& p : d.problems())
    if (p.message.rfind("cannot load the scenario", 0) == 0) return true;
  return false;
}

bool has_warning(const Diagnostics& d, const std::string& file, std::string_view part) {
  for (const auto& p : d.problems())
    if (p.severity == Severity::warning && p.file == file &&
        p.message.find(part) != std::string::npos)
      return true;
  return false;
}

/// Loads `t` and expects it to fail.
Diagnostics load_bad(const TempScenario& t) {
  Diagnostics d;
  const auto sc = load_scenario(t.folder(), d);
  CHECK_FALSE(sc.has_value());
  CHECK(d.has_errors());
  return d;
}

}  // namespace

TEST_CASE("the mini scenario loads with every value in place", "[loader]") {
  Diagnostics d;
  const auto sc = load_scenario(kMini, d);
  INFO(dump(d));
  REQUIRE(sc.has_value());
  CHECK(d.problems().empty());

  CHECK(sc->folder == kMini);
  CHECK(sc->name == "mini");
  CHECK(sc->title == "Three actors bargain over aid, access and sanctions");
  CHECK(sc->start == "2025-01");
  CHECK(sc->turn_label == "month");
  CHECK(sc->turns == 6);
  CHECK(sc->default_runs == 200);
  CHECK(sc->default_seed == 42);
  CHECK(sc->model.bargaining == BargainingModel::compromise);
  const auto& mv = sc->model.values;
  CHECK(mv[static_cast<int>(ModelKey::temperature)].a == 0.05);
  CHECK(mv[static_cast<int>(ModelKey::influence_rate)].kind == DistKind::uniform);
  CHECK(mv[static_cast<int>(ModelKey::influence_rate)].hi == 1.0);  // the key's range
  CHECK(mv[static_cast<int>(ModelKey::rounds)].a == 10.0);          // default kept

  REQUIRE(sc->actors.size() == 3);
  CHECK(sc->actors[0].id == "ALF");
  CHECK(sc->actors[0].risk.a == 0.2);
  CHECK(sc->actors[1].kind == ActorKind::group);
  CHECK(sc->actors[1].capability.kind == DistKind::triangular);
  CHECK(sc->actors[1].capability.lo == 0.0);
  CHECK(sc->actors[1].risk.a == 0.0);  // empty cell: default
  CHECK(sc->actors[1].control == Control::script);
  CHECK(sc->actors[2].kind == ActorKind::organization);
  CHECK(sc->actors[2].control == Control::ai);
  CHECK(sc->actors[2].source.file == "actors.csv");
  CHECK(sc->actors[2].source.line == 4);

  REQUIRE(sc->issues.size() == 3);
  CHECK(sc->issues[0].unit == "USD bn");
  CHECK(sc->issues[0].unit_high == 5.0);
  CHECK(sc->issues[0].noise.a == 1.0);
  CHECK(sc->issues[1].status_quo.kind == DistKind::uniform);
  CHECK(sc->issues[1].unit_high == 100.0);
  CHECK(sc->issues[1].drift.a == 0.5);
  CHECK_FALSE(sc->issues[2].negotiable);
  CHECK(sc->issues[2].source.line == 5);

  REQUIRE(sc->stances.size() == 6);
  CHECK(sc->stances[1].actor == 0);
  CHECK(sc->stances[1].issue == 1);
  CHECK(sc->stances[1].power.a == 1.5);
  CHECK(sc->stances[0].power.a == 1.0);
  CHECK(sc->stances[2].veto);
  CHECK(sc->stances[4].salience.kind == DistKind::normal);
  CHECK(sc->stances[4].salience.hi == 1.0);  // N is clamped to the column's range

  REQUIRE(sc->relations.size() == 4);
  CHECK(sc->relations[1].from == 1);
  CHECK(sc->relations[1].to == 0);
  CHECK(sc->relations[1].recognition.a == 0.1);
  CHECK(sc->relations[3].recognition.a == 0.0);

  REQUIRE(sc->moves.size() == 5);
  const Move& aid = sc->moves[0];
  CHECK(aid.actor == 0);
  CHECK(aid.cost.a == 2.0);
  CHECK(aid.cooldown == 1);
  CHECK(aid.requirement.rpn.size() == 3);
  REQUIRE(aid.effects.size() == 2);
  CHECK(aid.effects[1].target == Slot{SlotKind::affinity, 1, 0});
  CHECK(aid.headline == "Alfland releases aid");
  CHECK(sc->moves[1].headline == "Tighten embargo");  // defaults to name
  CHECK(sc->moves[1].requirement.empty());
  CHECK(sc->moves[2].requirement.reads().front() == Slot{SlotKind::done, 0, 0});
  CHECK(sc->moves[4].effects[1].op == EffectOp::mul);

  REQUIRE(sc->options.size() == 3);
  CHECK(sc->options[0].name == "baseline");
  CHECK(sc->option_index("engage") == 1);
  CHECK(sc->option_index("hardline") == 2);
  CHECK(sc->option_index("nope") == -1);
  const Option& engage = sc->options[1];
  CHECK(engage.description == "Lift sanctions in return for access");
  REQUIRE(engage.set.size() == 2);
  CHECK(engage.set[0].target == Slot{SlotKind::salience, 0, 2});
  CHECK(engage.set[0].value.a == 0.3);
  CHECK(engage.set[1].value.kind == DistKind::normal);
  CHECK(engage.forbid == std::vector<int>{1});
  CHECK_FALSE(engage.bargaining_set);
  const Option& hard = sc->options[2];
  CHECK(hard.bargaining_set);
  CHECK(hard.bargaining == BargainingModel::median);
  REQUIRE(hard.set.size() == 1);
  CHECK(hard.set[0].value.a == -0.5);

  REQUIRE(sc->timeline.size() == 4);
  CHECK(sc->timeline[0].options == std::vector<int>{2});
  CHECK(sc->timeline[1].first_turn == 2);
  CHECK(sc->timeline[1].last_turn == 4);
  CHECK(sc->timeline[1].options == std::vector<int>{1, 0});
  CHECK(sc->timeline[1].probability.a == 0.5);
  CHECK_FALSE(sc->timeline[1].when.empty());
  CHECK(sc->timeline[2].first_turn == 1);
  CHECK(sc->timeline[2].last_turn == 6);  // '*' = every turn
  CHECK(sc->timeline[2].options.empty());
  CHECK(sc->timeline[2].probability.kind == DistKind::uniform);
  CHECK(sc->timeline[3].move == 0);
  CHECK(sc->timeline[3].probability.a == 1.0);

  const IdTables ids = sc->ids();
  CHECK(ids.moves.size() == 5);
  CHECK(ids.issues[2] == "sanctions");
}

TEST_CASE("the content hash follows the bytes of the files", "[loader]") {
  Diagnostics d;
  const auto a = load_scenario(kMini, d);
  const auto b = load_scenario(kMini, d);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->content_hash != 0);
  CHECK(a->content_hash == b->content_hash);
  TempScenario t;
  t.append("timeline.csv", "# a comment changes the bytes\n");
  const auto c = load_scenario(t.folder(), d);
  REQUIRE(c);
  CHECK(c->content_hash != a->content_hash);
}

TEST_CASE("columns match by name in any order and letter case; unknown ones warn", "[loader]") {
  TempScenario t;
  t.write("relations.csv",
          "To, FROM ,Affinity,notse\n"
          "BET,ALF,-0.6,x\n");
  Diagnostics d;
  const auto sc = load_scenario(t.folder(), d);
  INFO(dump(d));
  REQUIRE(sc);
  REQUIRE(sc->relations.size() == 1);
  CHECK(sc->relations[0].from == 0);
  CHECK(sc->relations[0].to == 1);
  CHECK(d.error_count() == 0);
  CHECK(has_warning(d, t.file("relations.csv"), "unknown column 'notse' (did you mean 'notes'?)"));
}

TEST_CASE("files written with a byte-order mark and CRLF line ends load", "[loader]") {
  TempScenario t;
  for (const std::string_view file : kScenarioFiles) {
    std::string text = slurp(t.file(std::string(file)));
    std::string crlf = "\xEF\xBB\xBF";
    for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    t.write(std::string(file), crlf);
  }
  Diagnostics d;
  const auto sc = load_scenario(t.folder(), d);
  INFO(dump(d));
  REQUIRE(sc);
  CHECK(d.problems().empty());
  CHECK(sc->actors[0].id == "ALF");
  CHECK(sc->timeline[3].move == 0);
  CHECK(sc->turn_label == "month");
}

TEST_CASE("a misspelt actor id is reported with a suggestion, or with what was expected",
          "[loader]") {
  // The nearest id when one is plausible; with nothing near, the expectation alone.
  const auto [typed, message] = GENERATE(table<std::string, std::string>(
      {{"BTE", "unknown actor 'BTE'; did you mean 'BET'? Expected an actor id from actors.csv"},
       {"Zxqwvuy", "unknown actor 'Zxqwvuy'; expected an actor id from actors.csv"}}));
  TempScenario t;
  t.replace("stances.csv", "BET,aid,90", typed + ",aid,90");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("stances.csv"), 5, 1, {message}));
  CHECK(d.error_count() == 1);
}

TEST_CASE("a misspelt id inside an effect path is reported at its column", "[loader]") {
  TempScenario t;
  t.replace("moves.csv", "affinity.BET.ALF +=", "affinity.BET.Alfland +=");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("moves.csv"), 2, t.column_of("moves.csv", 2, "Alfland"),
                  {"unknown actor 'Alfland'", "did you mean 'ALF'?"}));
}

TEST_CASE("a duplicate id is reported with the first occurrence", "[loader]") {
  TempScenario t;
  t.append("actors.csv", "ALF,Alfland again,state,5\n");
  t.replace("moves.csv", "gam_mediate,", "alf_aid,");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("actors.csv"), 5, 1, {"duplicate actor id 'ALF'", "first at line 2"}));
  CHECK(has_error(d, t.file("moves.csv"), 6, 1, {"duplicate move id 'alf_aid'"}));
}

TEST_CASE("a bad id spelling is rejected", "[loader]") {
  TempScenario t;
  t.replace("issues.csv", "sanctions,Sanctions", "san ctions,Sanctions");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("issues.csv"), 5, 1, {"bad id 'san ctions'", "letter"}));
}

TEST_CASE("a number out of its column's range is reported", "[loader]") {
  TempScenario t;
  t.replace("stances.csv", "ALF,aid,10,0.4", "ALF,aid,120,0.4");
  t.replace("relations.csv", "GAM,BET,U(-0.2,0.2)", "GAM,BET,U(-2,0.2)");
  t.replace("moves.csv", "alf_aid,ALF,Release aid,2", "alf_aid,ALF,Release aid,-2");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("stances.csv"), 2, 9,
                  {"position", "120 is out of range; expected 0 to 100"}));
  CHECK(has_error(d, t.file("relations.csv"), 5, 9,
                  {"affinity", "expected lo and hi within -1 to 1"}));
  CHECK(has_error(d, t.file("moves.csv"), 2, 25, {"cost", "expected >= 0"}));
  CHECK(d.error_count() == 3);
}

TEST_CASE("text where a number belongs is reported", "[loader]") {
  TempScenario t;
  t.replace("actors.csv", "ALF,Alfland,state,100", "ALF,Alfland,state,lots");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("actors.csv"), 2, 19,
                  {"capability: expected a number or a distribution U(lo,hi), N(mean,sd), "
                   "T(lo,mode,hi), got 'lots'"}));
}

TEST_CASE("a malformed distribution is reported", "[loader]") {
  TempScenario t;
  t.replace("actors.csv", "T(20,30,45)", "T(20,50,45)");
  t.replace("issues.csv", "U(10,30)", "U(10,30");
  t.replace("stances.csv", "N(0.5,0.1)", "N(0.5,x)");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("actors.csv"), 3, t.column_of("actors.csv", 3, "T(20"),
                  {"lo <= mode <= hi"}));
  // The unclosed '(' makes the comma split the cell: "U(10" ends after 4 characters.
  CHECK(has_error(d, t.file("issues.csv"), 4, t.column_of("issues.csv", 4, "U(10,30") + 4,
                  {"status_quo", "missing ')'"}));
  CHECK(has_error(d, t.file("stances.csv"), 6, t.column_of("stances.csv", 6, "x"),
                  {"expected a number inside N(mean,sd)", "got 'x'"}));
}

TEST_CASE("whole-number columns refuse fractions and distributions", "[loader]") {
  TempScenario t;
  t.replace("moves.csv", "Tighten embargo,1,2,", "Tighten embargo,1,U(1,2),");
  t.replace("moves.csv", "Open access,3,0,", "Open access,3,1.5,");
  t.replace("scenario.ini", "turns = 6", "turns = N(6,1)");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("moves.csv"), 3, t.column_of("moves.csv", 3, "U(1,2)"),
                  {"cooldown", "not a distribution"}));
  CHECK(has_error(d, t.file("moves.csv"), 4, t.column_of("moves.csv", 4, "1.5"),
                  {"cooldown", "expected a whole number"}));
  CHECK(has_error(d, t.file("scenario.ini"), 7, 9, {"turns", "not a distribution"}));
}

TEST_CASE("a condition that does not parse is reported at the offending token", "[loader]") {
  TempScenario t;
  t.replace("moves.csv", "issue.access > 30", "issue.access >> 30");
  t.replace("timeline.csv", "issue.sanctions > 50", "issue.sanctions > 50 and");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("moves.csv"), 2, t.column_of("moves.csv", 2, ">>") + 1,
                  {"requires", "expected a path or a number"}));
  CHECK(has_error(d, t.file("timeline.csv"), 3, t.column_of("timeline.csv", 3, " and") + 4,
                  {"when", "expected a path or a number", "the end of the condition"}));
}

TEST_CASE("a move without effects or with a read-only effect is an error", "[loader]") {
  TempScenario t;
  t.replace("moves.csv", ",issue.sanctions += 5,", ",,");
  t.replace("moves.csv", "recognition.ALF.BET = 0.5", "turn = 5");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("moves.csv"), 3, t.column_of("moves.csv", 3, ",,,") + 2,
                  {"no effects", "at least one"}));
  CHECK(has_error(d, t.file("moves.csv"), 6, t.column_of("moves.csv", 6, "turn"), {"read-only"}));
}

TEST_CASE("a missing file is reported under its name", "[loader]") {
  TempScenario t;
  t.remove("relations.csv");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("relations.csv"), 0, 0, {"missing file", "relations.csv"}));
  CHECK(d.error_count() == 1);
}

TEST_CASE("a missing required column is reported at the header line", "[loader]") {
  TempScenario t;
  t.replace("stances.csv", "salience", "salince");
  t.replace("issues.csv", "status_quo,", "");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("stances.csv"), 1, 1, {"missing required column 'salience'"}));
  CHECK(has_warning(d, t.file("stances.csv"), "did you mean 'salience'?"));
  CHECK(has_error(d, t.file("issues.csv"), 2, 1, {"missing required column 'status_quo'"}));
}

TEST_CASE("timeline rows naming an unknown move or option are reported", "[loader]") {
  TempScenario t;
  t.replace("timeline.csv", "6,alf_aid", "6,alf_aide");
  t.replace("timeline.csv", "engage|baseline", "baseline|engag");
  t.replace("timeline.csv", ",hardline,", ",all,");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("timeline.csv"), 5, 3,
                  {"unknown move 'alf_aide'", "did you mean 'alf_aid'?"}));
  CHECK(has_error(d, t.file("timeline.csv"), 3, t.column_of("timeline.csv", 3, "engag"),
                  {"unknown option 'engag'", "did you mean 'engage'?"}));
  CHECK(has_error(d, t.file("timeline.csv"), 2, t.column_of("timeline.csv", 2, "all"),
                  {"'all' is not an option"}));
}

TEST_CASE("bad timeline turns are reported", "[loader]") {
  TempScenario t;
  t.replace("timeline.csv", "2-4,gam_mediate", "4-2,gam_mediate");
  t.replace("timeline.csv", "6,alf_aid", "7,alf_aid");
  t.replace("timeline.csv", "1,alf_embargo", "x,alf_embargo");
  t.append("timeline.csv", "0,alf_aid\n2-9,alf_aid\n");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("timeline.csv"), 3, 1, {"runs backwards", "N <= M"}));
  CHECK(has_error(d, t.file("timeline.csv"), 5, 1, {"turn 7 is out of range", "1 to 6"}));
  CHECK(has_error(d, t.file("timeline.csv"), 2, 1, {"bad turn 'x'", "N, N-M or *"}));
  CHECK(has_error(d, t.file("timeline.csv"), 6, 1, {"turn 0 is out of range"}));
  CHECK(has_error(d, t.file("timeline.csv"), 7, 3, {"turn 9 is out of range"}));
  CHECK(d.error_count() == 5);
}

TEST_CASE("relations to oneself and duplicate pairs are errors", "[loader]") {
  TempScenario t;
  t.replace("relations.csv", "ALF,BET,-0.6", "ALF,ALF,-0.6");
  t.append("relations.csv", "GAM,ALF,0.1\n");
  t.append("stances.csv", "ALF,aid,20,0.5\n");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("relations.csv"), 2, 5, {"to itself"}));
  CHECK(has_error(d, t.file("relations.csv"), 6, 1, {"duplicate relation GAM -> ALF"}));
  CHECK(has_error(d, t.file("stances.csv"), 8, 1, {"duplicate stance of ALF on aid"}));
}

TEST_CASE("enumerations and yes/no cells say what they accept", "[loader]") {
  TempScenario t;
  t.replace("actors.csv", "BET,Betan Front,group", "BET,Betan Front,grup");
  t.replace("actors.csv", "0.2,ai,", "0.2,robot,");
  t.replace("issues.csv", "0,1,yes", "0,1,maybe");
  t.replace("issues.csv", "USD bn,0,5", "USD bn,,5");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("actors.csv"), 3, 17,
                  {"kind 'grup'", "did you mean 'group'?", "state, group, organization"}));
  CHECK(has_error(d, t.file("actors.csv"), 2, t.column_of("actors.csv", 2, "robot"),
                  {"control", "ai, script, human"}));
  CHECK(has_error(d, t.file("issues.csv"), 3, t.column_of("issues.csv", 3, "maybe"),
                  {"negotiable", "yes or no"}));
  CHECK(has_error(d, t.file("issues.csv"), 3, t.column_of("issues.csv", 3, ",,5") + 1,
                  {"unit_low and unit_high go together"}));
}

TEST_CASE("scenario.ini problems are all reported with positions", "[loader]") {
  TempScenario t;
  t.replace("scenario.ini", "temperature = 0.05", "temprature = 0.05");
  t.replace("scenario.ini", "[run]", "[runs]");
  t.replace("scenario.ini", "bargaining = compromise", "bargaining = compromize");
  t.replace("scenario.ini", "settle_rate = 0.2", "settle_rate = 2\nsettle_rate = 0.3");
  t.replace("scenario.ini", "title = ", "this line has no equals sign\ntitle = ");
  t.append("scenario.ini", "[option.all]\ndescription = reserved\n[option.bad name]\n");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  const std::string ini = t.file("scenario.ini");
  CHECK(has_error(d, ini, 4, 1, {"expected 'key = value' or a [section] header"}));
  CHECK(has_error(d, ini, 11, 14, {"compromize", "did you mean 'compromise'?", "median"}));
  CHECK(has_error(d, ini, 12, 1, {"unknown key 'temprature'", "did you mean 'temperature'?"}));
  CHECK(has_error(d, ini, 14, 15, {"settle_rate", "expected 0 to 1"}));
  CHECK(has_error(d, ini, 15, 1, {"duplicate key 'settle_rate'", "first given at line 14"}));
  CHECK(has_error(d, ini, 17, 2, {"unknown section [runs]", "did you mean 'run'?"}));
  CHECK(has_error(d, ini, 29, 9, {"'all' is reserved"}));
  CHECK(has_error(d, ini, 31, 9, {"bad option name 'bad name'"}));
}

TEST_CASE("scenario.ini without turns, and with bad run settings", "[loader]") {
  TempScenario t;
  t.replace("scenario.ini", "turns = 6\n", "");
  t.replace("scenario.ini", "runs = 200", "runs = 0");
  t.replace("scenario.ini", "seed = 42", "seed = -1");
  t.replace("scenario.ini", "name = mini\n", "");
  t.append("scenario.ini", "[model]\nrounds = 0\n");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  const std::string ini = t.file("scenario.ini");
  CHECK(has_error(d, ini, 2, 1, {"missing key 'turns' in [scenario]", "whole number >= 1"}));
  CHECK(has_error(d, ini, 14, 8, {"runs = 0 is out of range"}));
  CHECK(has_error(d, ini, 15, 8, {"seed", "whole number"}));
  CHECK(has_error(d, ini, 26, 10, {"rounds", "1 to 1000"}));
}

TEST_CASE("option set and forbid are checked against the tables", "[loader]") {
  TempScenario t;
  t.replace("scenario.ini", "salience.ALF.sanctions=0.3", "salience.ALF.sanction=0.3");
  t.replace("scenario.ini", "forbid = alf_embargo", "forbid = alf_aid | alf_embargoo");
  t.replace("scenario.ini", "model.bargaining=median", "turn=3");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  const std::string ini = t.file("scenario.ini");
  CHECK(has_error(d, ini, 21, t.column_of("scenario.ini", 21, "sanction="),
                  {"unknown issue 'sanction'", "did you mean 'sanctions'?"}));
  CHECK(has_error(d, ini, 22, t.column_of("scenario.ini", 22, "alf_embargoo"),
                  {"unknown move 'alf_embargoo'; did you mean 'alf_embargo'? Expected move ids"}));
  CHECK(has_error(d, ini, 26, 7, {"read-only"}));
}

TEST_CASE("several problems in several files are all reported", "[loader]") {
  TempScenario t;
  t.replace("scenario.ini", "temperature = 0.05", "temperature = hot");
  t.replace("actors.csv", "GAM,Gamma Union,organization,60", "GAM,Gamma Union,organization,-60");
  t.replace("stances.csv", "GAM,sanctions", "GAMMA,sanctions");
  t.replace("moves.csv", "issue.sanctions += 5", "issue.sanction += 5");
  t.replace("timeline.csv", "6,alf_aid", "9,alf_aid");
  t.remove("relations.csv");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(has_error(d, t.file("scenario.ini"), 11, 15, {"temperature", "got 'hot'"}));
  CHECK(has_error(d, t.file("actors.csv"), 4, 30, {"capability", "-60 is out of range"}));
  CHECK(has_error(d, t.file("stances.csv"), 7, 1, {"unknown actor 'GAMMA'", "'GAM'"}));
  CHECK(has_error(d, t.file("moves.csv"), 3, t.column_of("moves.csv", 3, "sanction +="),
                  {"did you mean 'sanctions'?"}));
  CHECK(has_error(d, t.file("timeline.csv"), 5, 1, {"turn 9 is out of range"}));
  CHECK(has_error(d, t.file("relations.csv"), 0, 0, {"missing file"}));
  CHECK(d.error_count() == 6);
}

TEST_CASE("file names in messages join the folder as given", "[loader]") {
  TempScenario t;
  t.remove("moves.csv");
  Diagnostics d;
  CHECK_FALSE(load_scenario(t.folder() + "/", d));
  CHECK(has_error(d, t.folder() + "/moves.csv", 0, 0, {"missing file"}));
  // Without moves.csv the timeline's move column cannot be checked; no cascade of errors.
  CHECK(d.error_count() == 1);

  Diagnostics none;
  CHECK_FALSE(load_scenario("/nonexistent/parley/scenario", none));
  REQUIRE(none.error_count() == 1);
  CHECK_THAT(none.problems()[0].message, Catch::Contains("scenario folder not found"));
}

TEST_CASE("garbage files never crash the loader", "[loader]") {
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary += static_cast<char>((i * 7919) % 256);
  const std::vector<std::string> garbage{
      "",
      binary,
      std::string(200000, 'x'),
      std::string(5000, '"'),
      std::string(20000, ',') + "\n" + std::string(20000, ','),
      "id,id,id,id\n\"\n,,\"\n",
      "[\n]\n[[]]\n=\n==\n[option.]\nset=;;;\n",
      std::string("a\0b,c\n", 6),
      "turn,move,when\n*,x," + std::string(10000, '(') + "\n",
      "\xEF\xBB\xBFid,name\r\nU(,N(,T(\r\n",
  };
  for (const std::string_view file : kScenarioFiles) {
    for (std::size_t g = 0; g < garbage.size(); ++g) {
      TempScenario t;
      t.write(std::string(file), garbage[g]);
      Diagnostics d;
      std::optional<Scenario> sc;
      INFO(file << " garbage #" << g);
      sc = load_scenario(t.folder(), d);
      INFO(dump(d));
      CHECK_FALSE(sc.has_value());
      // load_scenario catches every exception and reports it as a problem of the folder, so a
      // throw would pass a REQUIRE_NOTHROW: the diagnostics must show the loader's own verdict
      // instead, at least one error in the damaged file and none from that catch-all.
      CHECK(has_error_in(d, t.file(std::string(file))));
      CHECK_FALSE(caught_by_loader(d));
    }
  }
  // A directory where a file belongs.
  TempScenario t;
  t.remove("issues.csv");
  fs::create_directory(t.file("issues.csv"));
  Diagnostics d;
  CHECK_FALSE(load_scenario(t.folder(), d));
  CHECK(has_error(d, t.file("issues.csv"), 0, 0, {"not a regular file"}));
}

TEST_CASE("lookahead and rounds take whole numbers only; risk stops short of -1", "[loader]") {
  TempScenario t;
  t.replace("scenario.ini", "settle_rate = 0.2",
            "settle_rate = 0.2\nlookahead = 0.5\nrounds = U(5,10)");
  t.replace("actors.csv", ",0.2,", ",-1,");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  const std::string ini = t.file("scenario.ini");
  CHECK(has_error(d, ini, 14, 13, {"lookahead", "0 or 1"}));
  CHECK(has_error(d, ini, 15, 10, {"rounds", "not a distribution"}));
  bool risk = false;
  for (const auto& p : d.problems())
    risk = risk || (p.file == t.file("actors.csv") && p.message.find("risk") != std::string::npos &&
                    p.message.find("-0.9") != std::string::npos);
  CHECK(risk);

  ParseError pe;
  Diagnostics ok;
  const auto sc = load_scenario(kMini, ok);
  REQUIRE(sc);
  CHECK_FALSE(parse_set_list("model.rounds=7.5", sc->ids(), pe));
  CHECK(pe.message.find("whole number") != std::string::npos);
  CHECK(parse_set_list("model.rounds=7", sc->ids(), pe));
}

TEST_CASE("model.bargaining accepts split, in [model] and in an option's set", "[loader]") {
  TempScenario t;
  t.replace("scenario.ini", "bargaining = compromise", "bargaining = split");
  t.replace("scenario.ini", "model.bargaining=median", "model.bargaining=split");
  Diagnostics d;
  const auto sc = load_scenario(t.folder(), d);
  INFO(dump(d));
  REQUIRE(sc.has_value());
  CHECK(sc->model.bargaining == BargainingModel::split);
  CHECK(sc->options[2].bargaining_set);
  CHECK(sc->options[2].bargaining == BargainingModel::split);
}

TEST_CASE("an option's 'from' is a turn of the scenario, checked with its position", "[loader]") {
  SECTION("a turn within the scenario's turns loads") {
    TempScenario t;
    t.replace("scenario.ini", "forbid = alf_embargo", "forbid = alf_embargo\nfrom = 6");
    Diagnostics d;
    const auto sc = load_scenario(t.folder(), d);
    INFO(dump(d));
    REQUIRE(sc);
    CHECK(sc->options[static_cast<size_t>(sc->option_index("engage"))].from == 6);
    CHECK(sc->options[static_cast<size_t>(sc->option_index("hardline"))].from == 0);
    CHECK(sc->options[0].from == 0);
  }
  SECTION("0, a turn after the last, and text are errors at the value") {
    TempScenario t;
    t.replace("scenario.ini", "forbid = alf_embargo", "forbid = alf_embargo\nfrom = 0");
    t.replace("scenario.ini", "affinity.ALF.BET=-0.5", "affinity.ALF.BET=-0.5\nfrom = 7");
    t.append("scenario.ini", "[option.soon]\nfrom = soon\n");
    const Diagnostics d = load_bad(t);
    INFO(dump(d));
    const std::string ini = t.file("scenario.ini");
    CHECK(has_error(d, ini, 23, 8, {"from = 0 is out of range", "from 1 to 6"}));
    CHECK(has_error(d, ini, 28, 8, {"from = 7 is out of range", "from 1 to 6"}));
    CHECK(has_error(d, ini, 30, 8, {"from", "from 1 to 6"}));
  }
}

TEST_CASE("an unquoted comma in a table gives one error naming the likely field", "[loader]") {
  // The author's case: a move name with a comma. Before, the shifted cells gave a warning and
  // errors about cost, requires and effects, none of which named the cause.
  TempScenario t;
  t.replace("moves.csv", "alf_aid,ALF,Release aid,", "alf_aid,ALF,Release aid, then talk,");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(d.problems().size() == 1);
  CHECK(has_error(d, t.file("moves.csv"), 2, t.column_of("moves.csv", 2, ", then"),
                  {"this line has 9 fields, the header 8", "'name'",
                   "expected a text with a comma in double quotes (\"Release aid, then talk\")"}));
}

TEST_CASE("effects written with commas are an error, not a truncated move", "[loader]") {
  // This used to load with a warning, the second effect dropped and the headline replaced.
  TempScenario t;
  t.replace("moves.csv", "issue.aid += 10; affinity.BET.ALF += 0.1",
            "issue.aid += 10, affinity.BET.ALF += 0.1");
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  CHECK(d.problems().size() == 1);
  CHECK(has_error(d, t.file("moves.csv"), 2, t.column_of("moves.csv", 2, ", affinity"),
                  {"'effects'", "expected effects separated by ';'"}));
}

TEST_CASE("a stray comma is found in every scenario table", "[loader]") {
  const auto [file, from, to, column] =
      GENERATE(table<std::string, std::string, std::string, std::string>(
          {{"actors.csv", ",observer", ",observer, not a party", "notes"},
           {"issues.csv", "Humanitarian aid,none", "Humanitarian aid,none at all, closed", "low"},
           {"stances.csv", "BET,aid,90", "BET,aid,90,5", "position"},
           {"relations.csv", "ALF,BET,-0.6", "ALF,BET,-0,6", "affinity"},
           {"timeline.csv", "engage|baseline", "engage,baseline", "options"}}));
  TempScenario t;
  t.replace(file, from, to);
  const Diagnostics d = load_bad(t);
  INFO(dump(d));
  REQUIRE(d.error_count() == 1);
  CHECK(d.problems()[0].file == t.file(file));
  CHECK_THAT(d.problems()[0].message, Catch::Contains("'" + column + "'"));
  CHECK_THAT(d.problems()[0].message, Catch::Contains(" fields, the header "));
}

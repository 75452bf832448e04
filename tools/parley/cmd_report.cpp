// `parley report DIR ...`: one self-contained HTML page with charts of a result folder.
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "engine/io/atomic_file.hpp"
#include "engine/io/result_folder.hpp"
#include "engine/report/report.hpp"
#include "tools/parley/commands.hpp"
#include "tools/parley/common.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace parley::cli {

int write_report(const std::string& dir, const std::string& out, const std::string& title,
                 bool quiet) {
  Diagnostics diag;
  const std::string target = out.empty() ? (fs::path(dir) / "report.html").string() : out;
  std::error_code ec;
  // Checked before reading anything, so that a wrong --out never costs a read of the folder.
  if (fs::is_directory(target, ec)) {
    diag.error("--out", 0, 0,
               "'" + target + "' is a folder; expected the name of the HTML file to write");
    return report(diag);
  }
  const std::optional<ResultFolder> folder = load_result_folder(dir, diag);
  if (!folder) return report(diag);
  const std::string html = report_html(report_data(*folder, ReportSettings{title}));

  fs::path path(target);
  const std::string parent = path.has_parent_path() ? path.parent_path().string() : ".";
  std::string error;
  if (!make_directories(parent, error)) {
    std::cerr << "parley report: cannot create the folder '" << parent << "': " << error << '\n';
    return 1;
  }
  AtomicFile file(parent, path.filename().string());
  file.write(html);
  if (!file.ok() || !file.commit()) {
    std::cerr << "parley report: writing '" << target << "' failed\n";
    return 1;
  }
  if (!quiet)
    std::cout << "report: " << target << " (" << (html.size() + 512) / 1024
              << " KB, one self-contained page: open it in a browser)\n";
  return 0;
}

int cmd_report(const std::vector<std::string>& args) {
  po::options_description visible(
      "usage: parley report DIR [options]\n\n"
      "Writes one self-contained HTML page with charts of the output folder DIR of parley run,\n"
      "compare or sweep (manifest.json tells which): fan charts over the turns, distributions\n"
      "of the final outcomes, forest plots of paired differences, Sobol' indices and scatter\n"
      "plots, with the manifest. Each chart downloads as PNG and as CSV. The page holds its\n"
      "scripts and data: it opens offline, from a file, and makes no network request. Reads\n"
      "the statistics files only (never runs.csv), so a folder of millions of runs takes as\n"
      "long as one of a thousand.\n\n"
      "options");
  // clang-format off
  visible.add_options()
      ("out", po::value<std::string>(), "the HTML file to write (default: DIR/report.html)")
      ("title", po::value<std::string>(), "the page's title (default: the scenario's title)")
      ("quiet,q", "print nothing but problems")
      ("help,h", "show this help");
  // clang-format on
  po::variables_map vm;
  if (const auto status = parse_scenario_args("report", visible, args, vm, "DIR (a result folder)"))
    return *status;
  return write_report(vm["scenario"].as<std::string>(),
                      vm.count("out") ? vm["out"].as<std::string>() : std::string(),
                      vm.count("title") ? vm["title"].as<std::string>() : std::string(),
                      vm.count("quiet") > 0);
}

}  // namespace parley::cli

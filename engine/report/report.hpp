#pragma once
/// \file
/// `parley report`: one self-contained HTML page with charts of a result folder. The data the
/// page draws is built here from the folder's statistics (report_data), in the scenario's units,
/// and embedded with the page's HTML, CSS and JavaScript and Chart.js (report_html), so that
/// the page makes no network request of any kind. The same folder gives the same bytes.

#include <nlohmann/json.hpp>
#include <string>

#include "engine/io/result_folder.hpp"

namespace parley {

/// What the page shows besides the folder's content.
struct ReportSettings {
  std::string title;  ///< page title; empty = the scenario's title
};

/// The data block of the page: the folder's statistics as the charts draw them (issues in their
/// unit where the scenario gives one, options named and described, verdicts and rankings as
/// `parley compare` prints them). Layout: see docs/REPORT.md.
[[nodiscard]] nlohmann::ordered_json report_data(const ResultFolder& folder,
                                                 const ReportSettings& settings);

/// The whole page: web/report.html with web/parley.css, Chart.js, web/charts.js, web/report.js
/// and `data` inlined. `data` is embedded as JSON inside a script element, escaped so that no
/// text in it can end the element.
[[nodiscard]] std::string report_html(const nlohmann::ordered_json& data);

/// The display name of a metric in plain words, e.g. "<issue name>" or "Utility of <actor
/// name>", from the scenario's names.
[[nodiscard]] std::string metric_title(const MetricRef& ref, const ScenarioInfo& info);

/// The axis label of a metric: the unit for issue values, "0-100" for issues without
/// one, "utility, 0-1", "actors", "times per run" or "turn".
[[nodiscard]] std::string metric_axis(const MetricRef& ref, const ScenarioInfo& info);

}  // namespace parley

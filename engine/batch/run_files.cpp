#include "engine/batch/run_files.hpp"

#include <algorithm>
#include <cstdint>

namespace parley {

std::string summary_csv(const MetricCatalog& catalog, const std::vector<std::string>& option_names,
                        const BatchResult& result) {
  std::string out = "option,metric,mean,sd,p05,p50,p95\n";
  for (size_t o = 0; o < result.options.size(); ++o)
    for (size_t k = 0; k < catalog.final.size(); ++k) {
      const MetricStats& s = result.options[o].final[k];
      out += option_names[o] + "," + catalog.final[k].name;
      for (const double v :
           {s.mean(), s.sd(), s.quantile(0.05), s.quantile(0.5), s.quantile(0.95)}) {
        out += ',';
        append_number(out, v);
      }
      out += '\n';
    }
  return out;
}

std::string trajectory_csv(const MetricCatalog& catalog,
                           const std::vector<std::string>& option_names, const BatchResult& result,
                           int turns) {
  std::string out = "option,turn,metric,mean,p05,p50,p95\n";
  const size_t m = catalog.per_turn.size();
  for (size_t o = 0; o < result.options.size(); ++o)
    for (int t = 0; t <= turns; ++t)
      for (size_t k = 0; k < m; ++k) {
        const MetricStats& s = result.options[o].per_turn[static_cast<size_t>(t) * m + k];
        out += option_names[o] + "," + std::to_string(t) + "," + catalog.per_turn[k].name;
        for (const double v : {s.mean(), s.quantile(0.05), s.quantile(0.5), s.quantile(0.95)}) {
          out += ',';
          append_number(out, v);
        }
        out += '\n';
      }
  return out;
}

std::string histograms_csv(const MetricCatalog& catalog,
                           const std::vector<std::string>& option_names,
                           const BatchResult& result) {
  std::string out = "option,metric,low,high,count\n";
  const size_t options = result.options.size();
  for (size_t k = 0; k < catalog.final.size(); ++k) {
    // The options share the bins so that their distributions can be drawn over one axis.
    size_t first = SIZE_MAX, last = 0, fine = 0;
    for (size_t o = 0; o < options; ++o) {
      const std::vector<std::uint64_t>& bins = result.options[o].final[k].bins();
      fine = bins.size();
      for (size_t b = 0; b < bins.size(); ++b)
        if (bins[b] > 0) {
          first = std::min(first, b);
          last = std::max(last, b);
        }
    }
    if (first == SIZE_MAX) first = last = 0;  // no value at all: one empty bin
    const size_t group = (last - first + 1 + kHistogramBins - 1) / kHistogramBins;
    for (size_t o = 0; o < options; ++o) {
      const MetricStats& s = result.options[o].final[k];
      const std::vector<std::uint64_t>& bins = s.bins();
      const double width = s.integer() ? 1.0 : (s.hi() - s.lo()) / static_cast<double>(fine);
      const double start = s.integer() ? s.lo() - 0.5 : s.lo();
      for (size_t b = first; b <= last; b += group) {
        // Every bin is `group` fine bins wide, but none reaches past the metric's range.
        const size_t end = s.integer() ? b + group : std::min(b + group, fine);
        std::uint64_t count = 0;
        for (size_t f = b; f < end && f < bins.size(); ++f) count += bins[f];
        out += option_names[o];
        out += ',';
        out += catalog.final[k].name;
        out += ',';
        append_number(out, start + width * static_cast<double>(b));
        out += ',';
        append_number(out, start + width * static_cast<double>(end));
        out += ',';
        out += std::to_string(count);
        out += '\n';
      }
    }
  }
  return out;
}

}  // namespace parley

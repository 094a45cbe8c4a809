#include "io/h5/targets_file.hpp"

#include "io/h5/h5_objects.hpp"

namespace innosim::io {

namespace {

void scalar(hid_t object, const std::string& name, double value) {
  h5::write_numeric_attribute<double>(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {value},
                                      true);
}

void doubles(hid_t parent, const std::string& name, const std::vector<double>& values) {
  h5::write_dataset(parent, name, {values.size()}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                    values.data());
}

}  // namespace

void write_targets(hid_t file, const Scenario& scenario, const std::vector<TargetResult>& targets,
                   const std::vector<BacktestResult>& backtests) {
  if (!targets.empty()) {
    h5::Handle group = h5::create_group(file, "targets");
    for (const TargetResult& result : targets) {
      const Target& target = *result.target;
      const sim::TargetStatistics& s = result.statistics;
      h5::Handle entry = h5::create_group(group, target.name);
      h5::write_string_attribute(entry, "metric", target.metric);
      h5::write_numeric_attribute<std::int32_t>(entry, "year", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                                {target.year}, true);
      h5::write_string_attribute(entry, "comparison", target.comparison_key());
      scalar(entry, "threshold", target.threshold);
      scalar(entry, "document_value", target.document_value);
      scalar(entry, "unit_factor", target.unit_factor);
      h5::write_string_attribute(entry, "document", target.document);
      scalar(entry, "time", result.time);
      scalar(entry, "probability", s.probability.estimate);
      scalar(entry, "probability_low", s.probability.low);
      scalar(entry, "probability_high", s.probability.high);
      scalar(entry, "p05", s.p05);
      scalar(entry, "p25", s.p25);
      scalar(entry, "median", s.median);
      scalar(entry, "p75", s.p75);
      scalar(entry, "p95", s.p95);
      h5::write_dataset(entry, "achieved", {s.achieved.size()}, H5T_STD_U8LE, H5T_NATIVE_UINT8,
                        s.achieved.data());
      doubles(entry, "value", result.values);
    }
  }
  if (!backtests.empty()) {
    h5::Handle group = h5::create_group(file, "backtests");
    std::vector<std::string> metrics, sources;
    std::vector<double> years, published, median, p05, p95, miss, lower;
    for (const BacktestResult& result : backtests) {
      const CalibrationObservation& o = *result.observation;
      metrics.push_back(o.metric);
      sources.push_back(o.source);
      years.push_back(o.year);
      published.push_back(o.value);
      lower.push_back(o.lower_bound ? 1.0 : 0.0);
      median.push_back(result.median);
      p05.push_back(result.p05);
      p95.push_back(result.p95);
      miss.push_back(result.miss);
    }
    h5::write_string_dataset(group, "metric", metrics);
    h5::write_string_dataset(group, "source", sources);
    doubles(group, "year", years);
    doubles(group, "published", published);
    doubles(group, "lower_bound", lower);
    doubles(group, "p05", p05);
    doubles(group, "median", median);
    doubles(group, "p95", p95);
    doubles(group, "miss", miss);
  }
  if (!scenario.assumptions.empty()) {
    h5::Handle group = h5::create_group(file, "assumptions");
    std::vector<std::string> name, key, value, unit, source, reasoning;
    for (const Assumption& a : scenario.assumptions) {
      name.push_back(a.name);
      key.push_back(a.key);
      value.push_back(a.value);
      unit.push_back(a.unit);
      source.push_back(a.source);
      reasoning.push_back(a.reasoning);
    }
    h5::write_string_dataset(group, "name", name);
    h5::write_string_dataset(group, "key", key);
    h5::write_string_dataset(group, "value", value);
    h5::write_string_dataset(group, "unit", unit);
    h5::write_string_dataset(group, "source", source);
    h5::write_string_dataset(group, "reasoning", reasoning);
  }
  if (!scenario.targets_not_modelled.empty()) {
    h5::Handle group = h5::create_group(file, "targets_not_modelled");
    std::vector<std::string> target, clause, why;
    for (const TargetNotModelled& entry : scenario.targets_not_modelled) {
      target.push_back(entry.target);
      clause.push_back(entry.clause);
      why.push_back(entry.why);
    }
    h5::write_string_dataset(group, "target", target);
    h5::write_string_dataset(group, "clause", clause);
    h5::write_string_dataset(group, "why", why);
  }
}

}  // namespace innosim::io

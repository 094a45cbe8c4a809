#include "io/h5/attribution_file.hpp"

#include <hdf5_hl.h>

#include <system_error>
#include <tuple>

#include "io/h5/h5_handle.hpp"
#include "io/h5/h5_objects.hpp"

namespace innosim::io {

using h5::attach;
using h5::check;
using h5::create_group;
using h5::Handle;
using h5::write_dataset;
using h5::write_numeric_attribute;
using h5::write_string_attribute;

namespace {

/// A dimension scale of names (`instrument`, `point`) or of numbers (`replication`).
Handle names_scale(hid_t group, const char* name, const std::vector<std::string>& names) {
  Handle scale = h5::write_string_dataset(group, name, names);
  check(H5DSset_scale(scale, name), std::string("making ") + name + " a dimension scale");
  return scale;
}

void write_statistic(hid_t group, hid_t rows, const std::string& name, const std::string& units,
                     const std::string& meaning, const std::vector<sim::Attribution>& statistics,
                     sim::Interval sim::Attribution::*member) {
  std::vector<double> estimate, low, high;
  for (const sim::Attribution& row : statistics) {
    estimate.push_back((row.*member).estimate);
    low.push_back((row.*member).low);
    high.push_back((row.*member).high);
  }
  const hsize_t count = statistics.size();
  for (const auto& [suffix, values, what] :
       {std::tuple{"", &estimate, meaning}, std::tuple{"_low", &low, "lower 95% bound of " + name},
        std::tuple{"_high", &high, "upper 95% bound of " + name}}) {
    Handle dataset = write_dataset(group, name + suffix, {count}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                   values->data());
    attach(dataset, rows, 0, "instrument");
    write_string_attribute(dataset, "units", units);
    write_string_attribute(dataset, "long_name", what);
  }
}

void write_means(hid_t group, hid_t rows, const std::string& name, const std::string& meaning,
                 const std::vector<sim::Attribution>& statistics,
                 double sim::Attribution::*member) {
  std::vector<double> values;
  for (const sim::Attribution& row : statistics) values.push_back(row.*member);
  Handle dataset =
      write_dataset(group, name, {values.size()}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data());
  attach(dataset, rows, 0, "instrument");
  write_string_attribute(dataset, "units", "events");
  write_string_attribute(dataset, "long_name", meaning);
}

void write_contents(hid_t file, const AttributionResults& results, const Provenance& provenance) {
  h5::write_root_attributes(file, provenance, results.replications);
  Handle group = create_group(file, "attribution");
  write_numeric_attribute<std::int64_t>(group, "year", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                        {results.year}, true);
  write_numeric_attribute<std::int64_t>(group, "replications", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                        {results.replications}, true);
  write_numeric_attribute<std::uint64_t>(group, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                                         {provenance.seed}, true);
  write_numeric_attribute<std::int64_t>(group, "bootstrap_resamples", H5T_STD_I64LE,
                                        H5T_NATIVE_INT64, {results.bootstrap_resamples}, true);
  write_numeric_attribute<double>(group, "confidence", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                  {results.confidence}, true);

  Handle rows = names_scale(group, "instrument", results.rows);
  if (!results.statistics.empty()) {
    using A = sim::Attribution;
    const auto& s = results.statistics;
    write_statistic(group, rows, "spending", "万元", "paid by the instrument up to the year's end",
                    s, &A::spending);
    write_statistic(group, rows, "delta_high_tech", "firms",
                    "additional high-tech enterprises at the year's end (with - without)", s,
                    &A::delta_high_tech);
    write_statistic(group, rows, "delta_tech_sme", "firms",
                    "additional registered tech SMEs at the year's end (with - without)", s,
                    &A::delta_tech_sme);
    write_statistic(group, rows, "delta_rd_real", "万元",
                    "additional real R&D up to the year's end (with - without)", s,
                    &A::delta_rd_real);
    write_statistic(group, rows, "cost_per_high_tech", "万元/firm",
                    "spending / delta_high_tech (inf: money spent, none bought; NaN: nothing "
                    "spent, none bought)",
                    s, &A::cost_per_high_tech);
    write_statistic(group, rows, "cost_per_tech_sme", "万元/firm", "spending / delta_tech_sme", s,
                    &A::cost_per_tech_sme);
    write_statistic(group, rows, "rd_per_yuan", "1", "delta_rd_real / spending", s,
                    &A::rd_per_yuan);
    write_statistic(group, rows, "deadweight", "1",
                    "claims without the instrument / claims with it, capped to [0, 1] (NaN: "
                    "nothing paid)",
                    s, &A::deadweight);
    write_means(group, rows, "claims_with", "mean claims on the instrument in the run with it", s,
                &A::claims_with);
    write_means(group, rows, "claims_without",
                "mean claims on the instrument in the run without it", s, &A::claims_without);
    write_means(group, rows, "payments", "mean payments of the instrument", s, &A::payments);
  }

  Handle outcomes = create_group(group, "outcomes");
  Handle points = names_scale(outcomes, "point", results.point_names);
  Handle replication =
      write_dataset(outcomes, "replication", {results.replication_ids.size()}, H5T_STD_I64LE,
                    H5T_NATIVE_INT64, results.replication_ids.data());
  check(H5DSset_scale(replication, "replication"), "making replication a dimension scale");
  write_string_attribute(replication, "long_name",
                         "replication index (selects the random streams; the same at every point)");
  const std::size_t point_count = results.point_names.size();
  const std::size_t replications = results.replication_ids.size();
  for (std::size_t o = 0; o < results.outcome_names.size(); ++o) {
    Handle dataset = write_dataset(outcomes, results.outcome_names[o], {point_count, replications},
                                   H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                   results.outcomes.data() + o * point_count * replications);
    attach(dataset, points, 0, "point");
    attach(dataset, replication, 1, "replication");
  }
}

}  // namespace

void write_attribution(const std::filesystem::path& output, const AttributionResults& results,
                       const Provenance& provenance) {
  h5::create_atomically(output, [&](Handle& file) { write_contents(file, results, provenance); });
}

}  // namespace innosim::io

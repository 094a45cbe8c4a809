#include "io/h5/compare_file.hpp"

#include <hdf5_hl.h>

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

void scalar(hid_t object, const std::string& name, double value) {
  write_numeric_attribute<double>(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {value}, true);
}

void write_contents(hid_t file, const CompareResults& results, const Provenance& provenance) {
  h5::write_root_attributes(file, provenance, results.replications);
  Handle group = create_group(file, "compare");
  write_numeric_attribute<std::int64_t>(group, "year", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                        {results.year}, true);
  write_string_attribute(group, "baseline", "baseline");
  write_string_attribute(group, "reference", results.reference);
  Handle variant = h5::write_string_dataset(group, "variant", results.variants);
  check(H5DSset_scale(variant, "variant"), "making variant a dimension scale");
  h5::write_string_dataset(group, "description", results.descriptions);
  std::vector<std::int64_t> ids(results.replications);
  for (std::uint32_t r = 0; r < results.replications; ++r) ids[r] = r;
  Handle replication = write_dataset(group, "replication", {ids.size()}, H5T_STD_I64LE,
                                     H5T_NATIVE_INT64, ids.data());
  check(H5DSset_scale(replication, "replication"), "making replication a dimension scale");
  write_string_attribute(replication, "long_name",
                         "replication index: the same random streams in every variant");

  const std::size_t variants = results.variants.size();
  Handle outcomes = create_group(group, "outcomes");
  for (std::size_t o = 0; o < results.outcome_names.size(); ++o) {
    std::vector<double> block;
    for (std::size_t v = 0; v < variants; ++v)
      block.insert(block.end(), results.values[v][o].begin(), results.values[v][o].end());
    Handle dataset =
        write_dataset(outcomes, results.outcome_names[o], {variants, results.replications},
                      H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, block.data());
    attach(dataset, variant, 0, "variant");
    attach(dataset, replication, 1, "replication");
    write_string_attribute(dataset, "units", results.outcome_units[o]);
  }

  for (std::size_t s = 0; s < results.statistic_names.size(); ++s) {
    for (const auto& [suffix, member] :
         {std::pair{"", &sim::Interval::estimate}, std::pair{"_low", &sim::Interval::low},
          std::pair{"_high", &sim::Interval::high}}) {
      std::vector<double> values;
      for (std::size_t v = 0; v < variants; ++v) values.push_back(results.statistics[v][s].*member);
      Handle dataset = write_dataset(group, results.statistic_names[s] + suffix, {variants},
                                     H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data());
      attach(dataset, variant, 0, "variant");
      write_string_attribute(dataset, "units", results.statistic_units[s]);
      write_string_attribute(
          dataset, "long_name",
          std::string(*suffix == '\0' ? "" : "95% bound of: ") + results.statistic_meanings[s]);
    }
  }

  // Per variant and target, as a run file's /targets holds them (plots read these).
  Handle by_variant = create_group(file, "variants");
  h5::write_string_array_attribute(by_variant, "order", results.variants);
  for (std::size_t v = 0; v < variants; ++v) {
    Handle one = create_group(by_variant, results.variants[v]);
    write_string_attribute(one, "description", results.descriptions[v]);
    Handle targets = create_group(one, "targets");
    for (std::size_t t = 0; t < results.target_names.size(); ++t) {
      const sim::TargetStatistics& s = results.targets[v][t];
      Handle entry = create_group(targets, results.target_names[t]);
      scalar(entry, "probability", s.probability.estimate);
      scalar(entry, "probability_low", s.probability.low);
      scalar(entry, "probability_high", s.probability.high);
      scalar(entry, "p05", s.p05);
      scalar(entry, "median", s.median);
      scalar(entry, "p95", s.p95);
      write_dataset(entry, "achieved", {s.achieved.size()}, H5T_STD_U8LE, H5T_NATIVE_UINT8,
                    s.achieved.data());
    }
  }
}

}  // namespace

void write_compare(const std::filesystem::path& output, const CompareResults& results,
                   const Provenance& provenance) {
  h5::create_atomically(output, [&](Handle& file) { write_contents(file, results, provenance); });
}

}  // namespace innosim::io

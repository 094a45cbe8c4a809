// The city around the firms (docs/model.md §3.6): GDP, population, and the R&D and invention
// patents of everyone the model does not represent (universities, institutes, non-technology
// firms), as series from the start year, so that the R&D intensity and invention patents per
// 10,000 people, the documents' headline indicators, are outputs of the firms' behaviour.
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"

namespace innosim::models::city {

namespace {
constexpr const char* CONTEXT_SOURCE = "docs/model.md §3.6 (city context)";
}  // namespace

const ParameterTable& context_parameters() {
  static const ParameterTable table({
      real("city_gdp", 3196.0, 0.0, 1.0e7, "亿元/year", "the city's GDP in the start year",
           "docs/references.md §4: 信阳 2022 statistical bulletin", FIELD(city_gdp)),
      real("city_gdp_growth", 0.042, -0.5, 1.0, "1/year", "nominal GDP growth a year",
           "data/observed: Henan GDP 2021-2022 (58,887 -> 61,345亿)", FIELD(city_gdp_growth)),
      real("city_population", 604.8, 0.0, 1.0e5, "万人", "resident population in the start year",
           "data/observed: 信阳 604.8万 (2023)", FIELD(city_population)),
      real("city_population_growth", -0.0011, -0.5, 0.5, "1/year", "population growth a year",
           "data/observed: Henan population 2021-2022 (9,883 -> 9,872万)",
           FIELD(city_population_growth)),
      real("city_rd_outside", 8.95, 0.0, 1.0e6, "亿元/year",
           "R&D performed in the start year outside the modelled firms (universities, "
           "institutes, non-technology firms)",
           "docs/model.md §3.6: 35% of 信阳's 2022 R&D (0.8% of GDP): national 2022 split by "
           "performer (22.4% outside enterprises) plus non-technology firms (assumption)",
           FIELD(city_rd_outside)),
      real("city_rd_outside_growth", 0.122, -0.5, 1.0, "1/year",
           "growth a year of the R&D outside the modelled firms",
           "data/observed: Henan R&D 2021-2022 (1,018.84 -> 1,143.26亿)",
           FIELD(city_rd_outside_growth)),
      real("city_patents_outside", 254.0, 0.0, 1.0e9, "items",
           "valid invention patents held in the start year outside the modelled firms",
           "docs/model.md §3.6: 30% of 信阳's 2022 stock (1.4 per 10,000 people): "
           "non-enterprise holders' share nationally (assumption)",
           FIELD(city_patents_outside)),
      real("city_patents_outside_growth", 0.155, -0.5, 1.0, "1/year",
           "growth a year of the invention patents held outside the modelled firms",
           "data/observed: 郑州 invention patents per 10,000 people 2020-2021 (16.7 -> 19.29)",
           FIELD(city_patents_outside_growth)),
  });
  return table;
}

namespace {

class Context final : public Module {
 public:
  explicit Context(const ModuleSetup& setup) : p_(setup.params), time_(setup.time) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "context",
        "the city's GDP, population and the R&D and patents outside the modelled firms; the "
        "city's R&D intensity and invention patents per 10,000 people",
        {Phase::START, Phase::RECORD},
        {},
        {"alive", "revenue", "rd_intensity_reported", "ip_class1"},
        {CITY_GDP, CITY_POPULATION, CITY_RD_FIRMS, CITY_RD_TOTAL, CITY_RD_INTENSITY,
         CITY_PATENTS_PER_10K},
        {}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    record_at(world, context, 0);
  }
  void record(World& world, const StepContext& context, const StepTotals&) const override {
    record_at(world, context, static_cast<std::size_t>(context.when.step + 1));
  }

 private:
  void record_at(const World& world, const StepContext& context, std::size_t point) const {
    const ConstFirmView f(world.firms);
    // Reported R&D at this point's annual rate, and class-I IP (invention patents and their
    // equals in the certification rules).
    double rd_firms = 0.0, patents_firms = 0.0;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] == 0) continue;
      rd_firms += static_cast<double>(f.rd_reported[row]) * f.revenue[row];
      patents_firms += f.ip_class1[row];
    }
    const double years = static_cast<double>(point) * time_.step_months / 12.0;
    const auto grown = [&](double start, double growth) {
      return start * std::pow(1.0 + growth, years);
    };
    const double gdp = grown(p_.city_gdp, p_.city_gdp_growth);                       // 亿元/year
    const double population = grown(p_.city_population, p_.city_population_growth);  // 万人
    const double rd_total = rd_firms / 1.0e4 + grown(p_.city_rd_outside, p_.city_rd_outside_growth);
    const double patents = patents_firms + std::max(0.0, grown(p_.city_patents_outside,
                                                               p_.city_patents_outside_growth) -
                                                             world.knowledge.patents_transferred);
    sim::SeriesBuffer& out = *context.series;
    out.at(CITY_GDP, point) = gdp;
    out.at(CITY_POPULATION, point) = population;
    out.at(CITY_RD_FIRMS, point) = rd_firms / 1.0e4;
    out.at(CITY_RD_TOTAL, point) = rd_total;
    out.at(CITY_RD_INTENSITY, point) = gdp > 0.0 ? 100.0 * rd_total / gdp : 0.0;
    out.at(CITY_PATENTS_PER_10K, point) = population > 0.0 ? patents / population : 0.0;
  }

  const CityParams& p_;
  sim::TimeAxis time_;
};

}  // namespace

std::unique_ptr<Module> make_context(const ModuleSetup& setup) {
  return make_module<Context>(setup);
}

}  // namespace innosim::models::city

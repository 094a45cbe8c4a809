// Annual accounts (docs/model.md §3.2.5, §3.3): sales and R&D add up over the year; at the year's
// end they become last year's figures, the history the certification rules evaluate.
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"

namespace innosim::models::city {

const sim::ParameterTable<CityParams>& accounts_parameters() { return no_parameters(); }

namespace {

class Accounts final : public Module {
 public:
  explicit Accounts(const ModuleSetup& setup) : dt_(setup.dt()) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "accounts",
        "year-to-date sales and R&D; at the year's end, the last four years' history",
        {Phase::ROWS, Phase::YEAR_END},
        {"revenue_ytd", "rd_reported_ytd", "revenue_y1", "revenue_y2", "revenue_y3", "revenue_y4",
         "rd_reported_last_year", "rd_reported_y2", "rd_reported_y3"},
        {"alive", "revenue", "rd_intensity_reported"},
        {},
        {}};
    return info;
  }

  void rows(World& world, const StepContext& /*context*/, ChunkWork& work) const override {
    const FirmView f(world.firms);
    for (std::size_t row = work.begin; row < work.end; ++row) {
      if (f.alive[row] == 0) continue;
      const float sales = f.revenue[row] * dt_;
      f.revenue_ytd[row] += sales;
      f.rd_reported_ytd[row] += f.rd_reported[row] * sales;
    }
  }

  void year_end(World& world, const StepContext& /*context*/) const override {
    FirmView f(world.firms);
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      f.revenue_y4[row] = f.revenue_y3[row];
      f.revenue_y3[row] = f.revenue_y2[row];
      f.revenue_y2[row] = f.revenue_y1[row];
      f.revenue_y1[row] = f.revenue_ytd[row];
      f.rd_reported_y3[row] = f.rd_reported_y2[row];
      f.rd_reported_y2[row] = f.rd_reported_y1[row];
      f.rd_reported_y1[row] = f.rd_reported_ytd[row];
      f.revenue_ytd[row] = 0.0f;
      f.rd_reported_ytd[row] = 0.0f;
    }
  }

 private:
  float dt_;
};

}  // namespace

std::unique_ptr<Module> make_accounts(const ModuleSetup& setup) {
  return make_module<Accounts>(setup);
}

}  // namespace innosim::models::city

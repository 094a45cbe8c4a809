// Employment (docs/model.md §3.2.2): employees follow revenue at the labour productivity, with
// an adjustment lag.
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"

namespace innosim::models::city {

const ParameterTable& employment_parameters() {
  static const ParameterTable table({
      real("revenue_per_employee", 60.0, 0.01, HUGE_MONEY, "万元/employee/year",
           "revenue per employee; employees follow revenue",
           "assumption: Chinese tech SMEs' labour productivity", FIELD(revenue_per_employee)),
      real("employee_adjustment_years", 1.0, 0.0, 100.0, "years",
           "time constant of employees (and tech staff) following revenue (and R&D)", "assumption",
           FIELD(employee_adjustment_years)),
  });
  return table;
}

namespace {

class Employment final : public Module {
 public:
  explicit Employment(const ModuleSetup& setup)
      : revenue_per_employee_(static_cast<float>(setup.params.revenue_per_employee)) {
    const float dt = setup.dt();
    adjustment_ =
        1.0f -
        std::exp(-dt / static_cast<float>(std::max(1e-6, setup.params.employee_adjustment_years)));
  }

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{"employment",
                                 "employees follow revenue with a lag",
                                 {Phase::ROWS},
                                 {"employees"},
                                 {"alive", "revenue"},
                                 {},
                                 {}};
    return info;
  }

  void rows(World& world, const StepContext& /*context*/, ChunkWork& work) const override {
    const FirmView f(world.firms);
    for (std::size_t row = work.begin; row < work.end; ++row) {
      if (f.alive[row] == 0) continue;
      f.employees[row] = std::max(
          1.0f, f.employees[row] +
                    adjustment_ * (f.revenue[row] / revenue_per_employee_ - f.employees[row]));
    }
  }

 private:
  float revenue_per_employee_;
  float adjustment_;
};

}  // namespace

std::unique_ptr<Module> make_employment(const ModuleSetup& setup) {
  return make_module<Employment>(setup);
}

}  // namespace innosim::models::city

// Cash and tax (docs/model.md §3.2.5): operating profit less real R&D and interest; corporate tax
// on it after the super-deduction of reported R&D, at 15% for certified high-tech firms.
// Shortfalls are borrowed; cash above the buffer repays debt. The tax forgone through the two
// national instruments is recorded as their spending.
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/tax.hpp"

namespace innosim::models::city {

const ParameterTable& cash_tax_parameters() {
  static const ParameterTable table({
      real("operating_margin", 0.10, -1.0, 1.0, "1", "operating profit / revenue before R&D",
           "assumption", FIELD(operating_margin)),
      real("interest_rate", 0.05, 0.0, 1.0, "1/year", "interest on debt",
           "assumption: LPR + spread", FIELD(interest_rate)),
      real("cash_buffer_months", 3.0, 0.0, 120.0, "months",
           "cash kept before debt is repaid; also the cash of a new firm", "assumption",
           FIELD(cash_buffer_months)),
      real("assets_per_revenue", 0.8, 0.0, 100.0, "years",
           "non-cash assets per unit of annual revenue (total assets = cash + this x revenue)",
           "assumption", FIELD(assets_per_revenue)),
  });
  return table;
}

namespace {

class CashTax final : public Module {
 public:
  explicit CashTax(const ModuleSetup& setup) : p_(setup.params), dt_(setup.dt()) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "cash_tax",
        "profit, corporate tax after the super-deduction and the 15% rate, cash and debt",
        {Phase::ROWS},
        {"cash", "debt"},
        {"alive", "revenue", "rd_intensity_real", "rd_intensity_reported", "sector",
         "high_tech_until_step", "tech_sme_until_step"},
        {SPENDING_RD_SUPER_DEDUCTION, SPENDING_HIGH_TECH_TAX_RATE},
        {}};
    return info;
  }

  void rows(World& world, const StepContext& context, ChunkWork& work) const override;

 private:
  const CityParams& p_;
  float dt_;
};

void CashTax::rows(World& world, const StepContext& context, ChunkWork& work) const {
  const CityParams& p = p_;
  const FirmView f(world.firms);
  const int step = context.when.step;
  // The super-deduction rate by (tech SME, manufacturing) for this year.
  double deduction_by_kind[2][2];
  for (int tech_sme = 0; tech_sme < 2; ++tech_sme) {
    deduction_by_kind[tech_sme][0] =
        deduction_rate(p, context.when.year, tech_sme != 0, OTHER_SECTOR);
    deduction_by_kind[tech_sme][1] =
        deduction_rate(p, context.when.year, tech_sme != 0, EQUIPMENT_MANUFACTURING);
  }
  // Sums in locals, added to the chunk's totals once (see innovation.cpp).
  double forgone_deduction = 0.0, forgone_rate = 0.0;
  for (std::size_t row = work.begin; row < work.end; ++row) {
    if (f.alive[row] == 0) continue;
    const float revenue = f.revenue[row];
    const float sales = revenue * dt_;
    const float rd_real = f.rd_real[row] * sales;
    const float rd_reported = f.rd_reported[row] * sales;
    const bool high_tech = f.high_tech_until[row] > step;
    const bool tech_sme = f.tech_sme_until[row] > step;
    const double tax_rate = high_tech ? p.high_tech_tax_rate : p.corporate_tax_rate;
    const double deduction =
        deduction_by_kind[tech_sme ? 1 : 0][is_manufacturing(f.sector[row]) ? 1 : 0];
    const double profit =
        p.operating_margin * sales - rd_real - p.interest_rate * f.debt[row].value() * dt_;
    const double taxable = profit - deduction * rd_reported;
    const double tax = tax_rate * std::max(0.0, taxable);
    forgone_deduction += tax_rate * (std::max(0.0, profit) - std::max(0.0, taxable));
    forgone_rate += (p.corporate_tax_rate - tax_rate) * std::max(0.0, taxable);
    float cash = f.cash[row].value() + static_cast<float>(profit - tax);
    float debt = f.debt[row].value();
    const float buffer = revenue * static_cast<float>(p.cash_buffer_months / 12.0);
    if (cash < 0.0f) {
      debt -= cash;
      cash = 0.0f;
    } else if (debt > 0.0f && cash > buffer) {
      const float repaid = std::min(debt, cash - buffer);
      debt -= repaid;
      cash -= repaid;
    }
    f.cash[row] = sim::MoneyColumn(cash);
    f.debt[row] = sim::MoneyColumn(debt);
  }
  work.totals[SPENDING_RD_SUPER_DEDUCTION] += forgone_deduction;
  work.totals[SPENDING_HIGH_TECH_TAX_RATE] += forgone_rate;
}

}  // namespace

std::unique_ptr<Module> make_cash_tax(const ModuleSetup& setup) {
  return make_module<CashTax>(setup);
}

}  // namespace innosim::models::city

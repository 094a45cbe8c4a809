// Loans (docs/model.md §3.8.4): partner banks lend technology loans to firms whose financing
// constraint binds, guarantee agencies guarantee part of them, and the loss-compensation pool
// (instruments on the trigger loan_loss) pays banks part of their principal losses. A loan raises
// the borrower's credit_line (liquidity.hpp: its funds for R&D and growth), the borrower pays
// interest monthly, repays at maturity or defaults when it exits or runs out of funds. Every yuan
// moves through the book: depositors -> bank -> firms at lending, firms -> bank for interest and
// repayment, bank -> depositors for funding, programme -> bank for compensation.
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/exit.hpp"
#include "models/city/modules/liquidity.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& loans_parameters() {
  static const ParameterTable table({
      integer("banks", 0, 0, 1000, "banks",
              "partner banks that lend technology loans (0: no bank lending beyond the "
              "collateral limit of §3.2.5)",
              "scenario: the banks a city's pool has cooperation agreements with", FIELD(banks)),
      real("bank_risk_appetite", 0.6, 0.0, 1.0, "1",
           "probability that a bank takes up an application that passes its risk test (0: the "
           "bank lends nothing)",
           "calibrated: no published approval rate per application; PBOC 2023 Q3 reports 47% of "
           "tech SMEs holding a loan (docs/references.md §4.4), a stock the model does not target "
           "yet",
           FIELD(bank_risk_appetite)),
      real("loan_rate_lpr", 0.031, 0.0, 0.2, "1/year", "one-year loan prime rate (LPR)",
           "PBOC/NIFC fixing 3.10% from 2024-10, held in 2025 (docs/references.md §4.4)",
           FIELD(loan_rate_lpr)),
      real("loan_rate_spread", 0.015, 0.0, 0.1, "1/year",
           "spread of a technology loan over the LPR",
           "CBIRC: new 普惠小微 loans at 5.28% in Jan-Oct 2022, about LPR + 1.6 pp; the Henan and "
           "Zhengzhou pools cap the rate at 1.3 x the benchmark (docs/references.md §4.4, §1.3, "
           "§1.4)",
           FIELD(loan_rate_spread)),
      real("bank_funding_rate", 0.018, 0.0, 0.2, "1/year",
           "the banks' cost of funds (deposits) per yuan lent",
           "calibrated: about the 1-3 year deposit rates plus operating cost; with the spread "
           "it leaves a margin of about 2.8 pp, above the 2% a year the provincial pool's cap "
           "implies as an acceptable loss rate",
           FIELD(bank_funding_rate)),
      real("relending_rate_cut", 0.0, 0.0, 0.1, "1/year",
           "central-bank re-lending: how much cheaper the banks' funds are (新乡 科技贷)",
           "scenario: 0 without re-lending; 支小再贷款 is lent at 1.75% against the banks' ~1.8% "
           "funding (assumption)",
           FIELD(relending_rate_cut)),
      real("relending_pass_through", 0.5, 0.0, 1.0, "1",
           "share of the re-lending cut passed on to the borrower's rate (the rest widens the "
           "bank's margin, and so its approvals)",
           "calibrated: assumption, half; the re-lending rules require lower rates but not by "
           "how much",
           FIELD(relending_pass_through)),
      real("loan_default_rate", 0.02, 0.0, 1.0, "1/year",
           "default probability a bank expects of an unlevered, uncertified borrower",
           "calibrated: bank NPL ratio 1.63% (2022Q4) and the Henan pool's cap of 2% of balance "
           "(docs/references.md §4.4, §1.3); tech SMEs are riskier than the bank-wide book",
           FIELD(loan_default_rate)),
      real("loan_certified_risk_factor", 0.6, 0.0, 1.0, "1",
           "factor on the expected default rate of a registered tech SME or certified high-tech "
           "enterprise (banks favour certified firms)",
           "calibrated: assumption; certification is the pools' eligibility condition and banks' "
           "tech-SME products screen on it (docs/references.md §1.4)",
           FIELD(loan_certified_risk_factor)),
      real("loan_collateral_recovery", 0.5, 0.0, 1.0, "1",
           "share of the collateral pledged to a loan the bank recovers at default",
           "calibrated: assumption, about the collateral_ratio of §3.2.5",
           FIELD(loan_collateral_recovery)),
      real("loan_growth_target", 0.3, 0.0, 10.0, "1/year",
           "growth of revenue a firm wants to finance over the coming year, beyond R&D, when it "
           "weighs whether to borrow",
           "calibrated: assumption, about the growth of young technology firms (§3.2.2)",
           FIELD(loan_growth_target)),
      real("loan_min_amount", 10.0, 0.0, HUGE_MONEY, "万元",
           "smallest technology loan (a smaller shortfall is borrowed at this amount)",
           "assumption", FIELD(loan_min_amount)),
      real("loan_max_amount", 2000.0, 0.0, HUGE_MONEY, "万元", "largest loan to one firm",
           "郑州 2023 draft: one firm borrows at most 2,000万 across banks (docs/references.md "
           "§1.4)",
           FIELD(loan_max_amount)),
      integer("loan_term_months", 24, 1, 360, "months", "term of a technology loan",
              "郑州 2023 draft: term at most 36 months (docs/references.md §1.4); 24 assumed",
              FIELD(loan_term_months)),
      integer("loan_month", 12, 1, 12, "month",
              "month of the yearly loan round (December: the credit funds next January's R&D "
              "choice)",
              "assumption: firms borrow for the coming year's budget", FIELD(loan_month)),
      integer("guarantors", 0, 0, 1000, "agencies", "government guarantee agencies", "scenario",
              FIELD(guarantors)),
      real("guarantor_capital", 5000.0, 0.0, HUGE_MONEY, "万元",
           "capital of each guarantee agency (from outside the model: the government)",
           "assumption", FIELD(guarantor_capital)),
      real("guarantor_leverage", 5.0, 0.0, 100.0, "1",
           "guaranteed principal outstanding per yuan of an agency's capital, at most",
           "calibrated: assumption; government guarantors are held to low multiples",
           FIELD(guarantor_leverage)),
      real("guarantee_share", 0.8, 0.0, 0.8, "1",
           "share of a guaranteed loan's principal loss the agency bears (the bank keeps the rest)",
           "支持科技创新专项担保计划 (2024): banks keep at least 20% of the risk "
           "(docs/references.md §1.1)",
           FIELD(guarantee_share)),
      real("bank_min_risk_share", 0.2, 0.0, 1.0, "1",
           "share of a defaulted loan's loss the bank keeps whatever the guarantee and the pool "
           "cover: the pool pays only what would leave the bank less",
           "支持科技创新专项担保计划 (2024): banks keep at least 20% of the risk; the 郑科贷 2023 "
           "draft splits pool, guarantor and bank 4:4:2 (docs/references.md §1.1, §1.4)",
           FIELD(bank_min_risk_share)),
      real("guarantee_fee_rate", 0.01, 0.0, 0.02, "1/year",
           "guarantee fee per yuan of guaranteed principal, paid by the borrower",
           "国办发〔2019〕6号: government guarantors charge at most 1% on loans up to 500万; the "
           "郑州 2023 draft caps partner guarantors at 2% (docs/references.md §1.1, §1.4)",
           FIELD(guarantee_fee_rate)),
  });
  return table;
}

namespace {

/// Whole yuan nearest to `yuan`.
[[nodiscard]] sim::Yuan round_yuan(double yuan) {
  return static_cast<sim::Yuan>(std::llround(yuan));
}

inline constexpr sim::StreamPurpose PURPOSE_LOANS = 16;  ///< bank choice and approval per firm
/// Blocks of PURPOSE_LOANS per firm and step: the first bank asked, then one per bank.
inline constexpr std::uint32_t DRAW_FIRST_BANK = 0;
inline constexpr std::uint32_t DRAW_APPROVAL = 1;  ///< + bank index

class Loans final : public Module {
 public:
  explicit Loans(const ModuleSetup& setup)
      : p_(setup.params), instruments_(setup.instruments), dt_(setup.time.step_months / 12.0) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "loans",
        "technology loans from partner banks to constrained firms, guarantees, defaults and the "
        "loss-compensation pool",
        {Phase::START, Phase::YEAR_START, Phase::ROUNDS, Phase::PAYMENTS, Phase::RECORD},
        {"credit_line"},
        {"alive", "tier", "revenue", "cash", "debt", "operating_margin", "rd_propensity",
         "tech_sme_until_step", "high_tech_until_step", "graph_vertex"},
        {LOANS_APPROVED, LOANS_TECH_SME, LOANS_OUTSTANDING, LOANS_OUTSTANDING_AMOUNT, LOAN_DEFAULTS,
         LOAN_POOL_COMPENSATION, LOAN_POOL_BALANCE},
        {{PURPOSE_LOANS, 0, ALL_BLOCKS}}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    LoanState& s = world.loans;
    for (std::int64_t index = 0; index < p_.banks; ++index) {
      Bank bank;
      bank.vertex =
          world.network.add_institution(VertexKind::BANK, 0, 0, static_cast<std::uint32_t>(index));
      bank.account = world.book.open(BANK_ACCOUNT, recipient_class_of(BANK_ACCOUNT));
      s.banks.push_back(bank);
    }
    for (std::int64_t index = 0; index < p_.guarantors; ++index) {
      Guarantor guarantor;
      guarantor.vertex = world.network.add_institution(VertexKind::GUARANTOR, 0, 0,
                                                       static_cast<std::uint32_t>(index));
      guarantor.account = world.book.open(GUARANTOR_ACCOUNT, recipient_class_of(GUARANTOR_ACCOUNT));
      world.book.transfer(world.accounts.private_investors, guarantor.account,
                          sim::to_yuan(sim::Money(p_.guarantor_capital)));
      s.guarantors.push_back(guarantor);
    }
    // No loan outstanding at the start (assumption): the first round builds the stock.
    record_point(world, context, 0);
  }

  void year_start(World& world, const StepContext&) const override {
    world.loans.pool_paid_year = sim::Money();
  }

  void rounds(World& world, const StepContext& context, StepTotals&) const override {
    if (context.burn_in || world.loans.banks.empty()) return;
    settle_loans(world, context);
    if (context.when.contains_month(static_cast<int>(p_.loan_month))) lend(world, context);
  }

  void payments(World& world, const StepContext& context, StepTotals& totals) const override {
    if (context.burn_in) return;
    // Compensation the pool paid the banks for this step's defaults (Ledger::pay, PAYMENTS).
    for (const InstitutionPayment& payment : world.institution_payments) {
      if (instruments_.all()[payment.instrument].trigger != Trigger::LOAN_LOSS) continue;
      world.loans.compensation += payment.amount.value();
      world.loans.pool_paid_year += payment.amount;
      Bank& bank = world.loans.banks[payment.institution];
      bank.written_off -= sim::to_yuan(payment.amount);
    }
    // The step's flows (recording writes flow metrics from the totals).
    LoanState& s = world.loans;
    totals[LOANS_APPROVED] += s.approved;
    totals[LOANS_TECH_SME] += s.approved_tech_sme;
    totals[LOAN_DEFAULTS] += s.defaults;
    totals[LOAN_POOL_COMPENSATION] += s.compensation;
    s.approved = s.approved_tech_sme = s.defaults = s.compensation = 0.0;
  }

  void record(World& world, const StepContext& context, const StepTotals&) const override {
    record_point(world, context, static_cast<std::size_t>(context.when.step + 1));
  }

 private:
  void record_point(World& world, const StepContext& context, std::size_t point) const {
    LoanState& s = world.loans;
    sim::SeriesBuffer& series = *context.series;
    // Flows are written by recording from the step's totals (filled in PAYMENTS); at the start
    // point they are 0.
    if (point == 0) {
      for (const Metric flow :
           {LOANS_APPROVED, LOANS_TECH_SME, LOAN_DEFAULTS, LOAN_POOL_COMPENSATION})
        series.at(flow, 0) = 0.0;
    }
    series.at(LOANS_OUTSTANDING, point) = static_cast<double>(s.loans.size());
    sim::Yuan outstanding = 0;
    for (const Loan& loan : s.loans) outstanding += loan.principal;
    series.at(LOANS_OUTSTANDING_AMOUNT, point) = sim::to_wan(outstanding).value();
    series.at(LOAN_POOL_BALANCE, point) = pool_balance(world, context.when.year).value();
  }

  /// What is left of this year's budget of the loan_loss instruments.
  [[nodiscard]] sim::Money pool_balance(const World& world, int year) const {
    sim::Money budget;
    for (const Instrument& instrument : instruments_.all()) {
      if (instrument.trigger == Trigger::LOAN_LOSS && instrument.active_in(year))
        budget += instrument.budget_per_year;
    }
    return std::max(sim::Money(), budget - world.loans.pool_paid_year);
  }

  /// The share of a bank loss `loss` the pool is expected to pay: each loan_loss instrument's
  /// amount times its expected fill (Ledger::expected_fill), at most the whole loss.
  [[nodiscard]] double expected_cover(const World& world, sim::Money loss, int year) const {
    if (loss <= sim::Money()) return 0.0;
    sim::Money expected;
    const auto& all = instruments_.all();
    for (std::size_t index = 0; index < all.size(); ++index) {
      if (all[index].trigger == Trigger::LOAN_LOSS && all[index].active_in(year))
        expected += world.ledger.expected_payment(index, loss);
    }
    return std::min(1.0, expected / loss);
  }

  /// The largest share of a loss a loss-compensation instrument pays (1 if one pays fixed sums).
  [[nodiscard]] double pool_share() const {
    double share = 0.0;
    for (const Instrument& instrument : instruments_.all()) {
      if (instrument.trigger == Trigger::LOAN_LOSS)
        share = std::max(share, instrument.fixed > sim::Money() ? 1.0 : instrument.share);
    }
    return share;
  }

  /// The bank's funding cost and the lending rate, after re-lending.
  [[nodiscard]] double funding_rate() const { return p_.bank_funding_rate - p_.relending_rate_cut; }
  [[nodiscard]] double lending_rate() const {
    return p_.loan_rate_lpr + p_.loan_rate_spread -
           p_.relending_pass_through * p_.relending_rate_cut;
  }

  /// Interest, guarantee fees, repayments at maturity and defaults of the loans outstanding, in
  /// the order they were made.
  void settle_loans(World& world, const StepContext& context) const;
  /// The yearly round: constrained firms apply, banks decide.
  void lend(World& world, const StepContext& context) const;

  const CityParams& p_;
  const InstrumentSet& instruments_;
  double dt_;
};

void Loans::settle_loans(World& world, const StepContext& context) const {
  LoanState& s = world.loans;
  FirmView f(world.firms);
  const sim::StreamKey order = context.stream(PURPOSE_ORDER);
  const float cpr = credit_per_revenue(p_);
  const double funding = std::max(0.0, funding_rate());
  std::vector<Loan> kept;
  kept.reserve(s.loans.size());
  for (Loan& loan : s.loans) {
    const std::size_t row = world.network.row_of(loan.borrower);
    Bank& bank = s.banks[loan.bank];
    const auto r = static_cast<std::uint32_t>(row);
    const bool exited = f.alive[row] == 0;
    const bool distressed =
        !exited && out_of_funds(f.cash[row].value(), f.debt[row].value(), f.revenue[row], cpr,
                                f.credit_line[row].value());
    const sim::Money principal = sim::to_wan(loan.principal);
    // A borrower that closes solvent repays (an orderly closure: most market exits are not
    // insolvencies): its cash and the assets it sells (assets_per_revenue × revenue) cover its
    // debt and the loan. One that closes insolvent, or runs out of funds, defaults: defaults
    // follow distress, not every exit (docs/model.md §3.8.4).
    const bool closes_solvent =
        exited &&
        f.cash[row].value() + p_.assets_per_revenue * f.revenue[row] - f.debt[row].value() >=
            principal.value();
    const auto repay = [&] {
      // Repaid: the line ends; what the firm drew on it stays as debt against its collateral.
      world.book.transfer(world.accounts.firms, bank.account, loan.principal,
                          recipient_class_of(BANK_ACCOUNT));
      world.book.transfer(bank.account, world.accounts.depositors, loan.principal);
      f.credit_line[row] -= sim::MoneyColumn(principal);
      if (f.credit_line[row].value() < 0.0f) f.credit_line[row] = sim::MoneyColumn(0.0f);
      world.network.end(loan.edge);
      if (loan.guarantor >= 0) {
        s.guarantors[static_cast<std::size_t>(loan.guarantor)].guaranteed -= loan.guaranteed;
        world.network.end(loan.guarantee_edge);
      }
    };
    if (closes_solvent) {
      repay();
      continue;
    }
    if (exited || distressed) {
      // Default: the bank recovers the collateral's part, the guarantor pays its share of the
      // rest, and the bank claims its own loss on the pool (paid in PAYMENTS, within budget).
      const sim::Yuan loss =
          round_yuan(static_cast<double>(loan.principal) * loan.loss_given_default);
      const sim::Yuan recovered = loan.principal - loss;
      world.book.transfer(world.accounts.firms, bank.account, recovered,
                          recipient_class_of(BANK_ACCOUNT));
      sim::Yuan bank_loss = loss;
      if (loan.guarantor >= 0) {
        Guarantor& guarantor = s.guarantors[static_cast<std::size_t>(loan.guarantor)];
        const sim::Yuan due =
            std::min<sim::Yuan>(round_yuan(static_cast<double>(loss) * p_.guarantee_share),
                                world.book.balance(guarantor.account));
        world.book.transfer(guarantor.account, bank.account, due);
        bank_loss -= due;
        guarantor.guaranteed -= loan.guaranteed;
        world.network.end(loan.guarantee_edge);
      }
      // The bank repays its funding with what it holds; the loss is written off its book.
      const sim::Yuan repaid = std::min(loan.principal, world.book.balance(bank.account));
      world.book.transfer(bank.account, world.accounts.depositors, repaid);
      bank.written_off += bank_loss;
      // The pool covers registered borrowers only, and never leaves the bank less than
      // bank_min_risk_share of the loss: base = min(bank loss, (bank loss − kept) / share).
      const double bank_keeps = p_.bank_min_risk_share * static_cast<double>(loss);
      const double share = pool_share();
      const sim::Yuan pool_base =
          share > 0.0
              ? std::min<sim::Yuan>(
                    bank_loss,
                    std::max<sim::Yuan>(
                        0, round_yuan((static_cast<double>(bank_loss) - bank_keeps) / share)))
              : bank_loss;
      if (loan.pool_eligible && pool_base > 0 && instruments_.pays_on(Trigger::LOAN_LOSS)) {
        Application claim{};
        claim.trigger = Trigger::LOAN_LOSS;
        claim.firm_id = loan.firm_id;  // orders the claims of the step
        claim.order_key =
            order.block(loan.firm_id, static_cast<std::uint32_t>(Trigger::LOAN_LOSS))[0];
        claim.base = sim::to_wan(pool_base);
        claim.account = static_cast<std::int32_t>(bank.account);
        claim.institution = loan.bank;
        world.applications.push_back(claim);
      }
      if (!exited) f.credit_line[row] -= sim::MoneyColumn(principal);
      world.network.end(loan.edge);
      s.defaults += 1.0;
      continue;
    }
    // Interest for the step, firm -> bank; the bank pays its funding cost to the depositors.
    const sim::Yuan interest = round_yuan(static_cast<double>(loan.principal) * loan.rate * dt_);
    world.book.transfer(world.accounts.firms, bank.account, interest,
                        recipient_class_of(BANK_ACCOUNT));
    f.cash[row] -= sim::MoneyColumn(sim::to_wan(interest));
    const sim::Yuan funding_cost = round_yuan(static_cast<double>(loan.principal) * funding * dt_);
    world.book.transfer(bank.account, world.accounts.depositors,
                        std::min(funding_cost, world.book.balance(bank.account)));
    instruments_.claim(world.applications, r, loan.firm_id, Trigger::LOAN_INTEREST, order,
                       sim::to_wan(interest));
    if (loan.guarantor >= 0) {
      Guarantor& guarantor = s.guarantors[static_cast<std::size_t>(loan.guarantor)];
      const sim::Yuan fee =
          round_yuan(static_cast<double>(loan.guaranteed) * p_.guarantee_fee_rate * dt_);
      world.book.transfer(world.accounts.firms, guarantor.account, fee,
                          recipient_class_of(GUARANTOR_ACCOUNT));
      f.cash[row] -= sim::MoneyColumn(sim::to_wan(fee));
      instruments_.claim(world.applications, r, loan.firm_id, Trigger::GUARANTEE_FEE, order,
                         sim::to_wan(fee));
    }
    if (context.when.step >= loan.maturity_step) {
      repay();
      continue;
    }
    kept.push_back(loan);
  }
  s.loans.swap(kept);
}

void Loans::lend(World& world, const StepContext& context) const {
  LoanState& s = world.loans;
  FirmView f(world.firms);
  const int step = context.when.step;
  const int year = context.when.year;
  const sim::StreamKey stream = context.stream(PURPOSE_LOANS);
  const sim::StreamKey order = context.stream(PURPOSE_ORDER);
  const float cpr = credit_per_revenue(p_);
  const double rate = lending_rate();
  const double margin = rate - funding_rate();
  const std::size_t banks = s.banks.size();
  if (p_.bank_risk_appetite <= 0.0 || margin <= 0.0) return;
  // One loan per firm at a time.
  std::vector<std::uint32_t> borrowers;
  borrowers.reserve(s.loans.size());
  for (const Loan& loan : s.loans) borrowers.push_back(loan.firm_id);
  std::sort(borrowers.begin(), borrowers.end());
  const std::size_t rows = world.firms.size();
  for (std::size_t row = 0; row < rows; ++row) {
    if (f.alive[row] == 0) continue;
    const float revenue = f.revenue[row];
    const float cash = f.cash[row].value(), debt = f.debt[row].value();
    const float line = f.credit_line[row].value();
    // Demand: what the firm wants to spend over the coming year (R&D at its propensity, and the
    // capital for loan_growth_target of growth) against its funds: cash, unused credit and the
    // year's operating cash flow (as the R&D choice counts them, liquidity.hpp).
    const double wanted = (static_cast<double>(f.rd_propensity[row]) +
                           p_.assets_per_revenue * p_.loan_growth_target) *
                          revenue;
    const double funds = available_funds(cash, debt, revenue, cpr, line) +
                         static_cast<double>(f.operating_margin[row]) * revenue -
                         p_.interest_rate * debt;
    const double shortfall = wanted - funds;
    if (shortfall <= 0.0) continue;
    if (std::binary_search(borrowers.begin(), borrowers.end(), f.id[row])) continue;
    const double amount =
        std::min(p_.loan_max_amount, std::max(p_.loan_min_amount, std::ceil(shortfall)));
    if (amount <= 0.0) continue;
    // The bank's view: expected default rate (certified firms are favoured; leverage raises
    // it), loss given default after the collateral left unpledged, the guarantor's and the
    // pool's expected shares. It lends when the expected loss a year is below its margin.
    const bool tech_sme = f.tech_sme_until[row] > step;
    const bool certified = tech_sme || f.high_tech_until[row] > step;
    const double limit = static_cast<double>(cpr) * revenue + line;
    const double leverage = std::min(4.0, debt / std::max(limit, 1e-6));
    // The base rate is the larger of the portfolio's (loan_default_rate) and the firm's exit
    // hazard at its age: banks know young firms close more often (docs/model.md §3.8.4).
    const double age_years = f.age_months[row] / 12.0;
    const double base_rate = std::max(p_.loan_default_rate, exit_hazard_at_age(p_, age_years));
    const double default_rate =
        base_rate * (1.0 + leverage) * (certified ? p_.loan_certified_risk_factor : 1.0);
    const double collateral =
        std::clamp((static_cast<double>(cpr) * revenue - debt) / amount, 0.0, 1.0);
    const double lgd = 1.0 - p_.loan_collateral_recovery * collateral;
    // The bank keeps at least bank_min_risk_share of the loss; the pool covers registered
    // borrowers only (郑科贷 and Henan's 科技贷 cover registered technology firms).
    const auto expected_loss = [&](double guaranteed) {
      const double bank_loss = lgd * (1.0 - guaranteed);
      const double cover =
          certified ? expected_cover(world, sim::Money(amount * bank_loss), year) : 0.0;
      return default_rate * std::max(p_.bank_min_risk_share * lgd, bank_loss * (1.0 - cover));
    };
    std::int32_t guarantor = -1;
    if (expected_loss(0.0) >= margin) {
      // A guarantee may make the loan acceptable: the first agency with room guarantees it.
      const double guaranteed = amount * p_.guarantee_share;
      for (std::size_t g = 0; g < s.guarantors.size(); ++g) {
        const double room = p_.guarantor_leverage *
                                sim::to_wan(world.book.balance(s.guarantors[g].account)).value() -
                            sim::to_wan(s.guarantors[g].guaranteed).value();
        if (room >= guaranteed) {
          guarantor = static_cast<std::int32_t>(g);
          break;
        }
      }
      if (guarantor < 0 || expected_loss(p_.guarantee_share) >= margin) continue;
    }
    // Banks asked in turn from a drawn one; each takes up the application with probability
    // bank_risk_appetite (keyed by the firm and the bank).
    const auto first =
        static_cast<std::size_t>(stream.block(f.id[row], DRAW_FIRST_BANK)[0] % banks);
    std::int64_t lender = -1;
    for (std::size_t k = 0; k < banks; ++k) {
      const std::size_t b = (first + k) % banks;
      const float u = sim::u01_closed_open(
          stream.block(f.id[row], DRAW_APPROVAL + static_cast<std::uint32_t>(b))[0]);
      if (u < static_cast<float>(p_.bank_risk_appetite)) {
        lender = static_cast<std::int64_t>(b);
        break;
      }
    }
    if (lender < 0) continue;
    Bank& bank = s.banks[static_cast<std::size_t>(lender)];
    Loan loan;
    loan.principal = sim::to_yuan(sim::Money(amount));
    loan.firm_id = f.id[row];
    loan.bank = static_cast<std::uint32_t>(lender);
    loan.rate = rate;
    loan.loss_given_default = lgd;
    loan.pool_eligible = certified;
    loan.maturity_step = step + static_cast<std::int32_t>(std::lround(
                                    static_cast<double>(p_.loan_term_months) / (12.0 * dt_)));
    loan.borrower = world.network.firm_vertex(f, row);
    const std::int32_t start = month_index(year, context.when.last_month);
    loan.edge = world.network.connect(
        bank.vertex, loan.borrower,
        {EdgeType::LOAN, start, start + static_cast<std::int32_t>(p_.loan_term_months),
         static_cast<float>(amount)});
    if (guarantor >= 0) {
      Guarantor& agency = s.guarantors[static_cast<std::size_t>(guarantor)];
      loan.guarantor = guarantor;
      loan.guaranteed = sim::to_yuan(sim::Money(amount * p_.guarantee_share));
      agency.guaranteed += loan.guaranteed;
      loan.guarantee_edge = world.network.connect(
          agency.vertex, loan.borrower,
          {EdgeType::GUARANTEE, start, start + static_cast<std::int32_t>(p_.loan_term_months),
           static_cast<float>(amount * p_.guarantee_share)});
    }
    // The money: depositors fund the bank, the bank lends to the firm, whose credit line rises.
    world.book.transfer(world.accounts.depositors, bank.account, loan.principal);
    world.book.transfer(bank.account, world.accounts.firms, loan.principal, f.tier[row]);
    f.credit_line[row] += sim::MoneyColumn(sim::to_wan(loan.principal));
    s.loans.push_back(loan);
    s.approved += 1.0;
    if (tech_sme) s.approved_tech_sme += 1.0;
    instruments_.claim(world.applications, static_cast<std::uint32_t>(row), f.id[row],
                       Trigger::LOAN_OBTAINED, order);
  }
}

}  // namespace

std::unique_ptr<Module> make_loans(const ModuleSetup& setup) { return make_module<Loans>(setup); }

}  // namespace innosim::models::city

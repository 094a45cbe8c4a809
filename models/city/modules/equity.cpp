// Venture investment (docs/model.md §3.8.5): private venture funds, whose capital private
// investors put in at the start, and a government guidance fund (创业投资引导基金), whose capital a
// programme pays each year (trigger guidance_fund_capital). Once a year each private fund
// screens the registered firms of its stage and invests in rounds, follows on in firms that grew,
// and the guidance fund co-invests in early-stage tech SMEs alongside it within the leverage rule
// of 财企〔2007〕128号 (at most 25% of the money, never the largest shareholder). The money goes
// fund -> firm through the book and into the firm's cash and equity, which relaxes its financing
// constraint (liquidity.hpp). Holdings end by IPO, trade sale or write-off when the firm exits;
// proceeds go back to the private investors (and the guidance fund's to its programme); an
// investor risk subsidy (郑州 （十九）) pays funds part of a write-off, and funds that expect it
// accept more seed and early-stage tech SMEs.
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& equity_parameters() {
  static const ParameterTable table({
      integer("equity_private_funds", 0, 0, 1000, "funds",
              "private venture funds registered in the city at the start; fund i focuses on "
              "stage i mod 3 (seed, early, growth). 0: no venture investment",
              "assumption: the scenario's (the seed documents name no count)",
              FIELD(equity_private_funds)),
      real("equity_fund_capital", 20000.0, 0.0, HUGE_MONEY, "万元",
           "capital of each private fund, called from the private investors at the start",
           "assumption: a 2亿 local fund; 焦作 targets ≥ 20亿 of venture capital registered "
           "locally (docs/seed-documents.md)",
           FIELD(equity_fund_capital)),
      integer("equity_fund_life_years", 5, 0, 50, "years",
              "investment period of a private fund from the start year: it makes new rounds in "
              "these calendar years only (holdings still exit later)",
              "assumption: the usual 5-year investment period of a 5+2 or 7+3 fund",
              FIELD(equity_fund_life_years)),
      integer("equity_round_month", 7, 1, 12, "month",
              "month of the yearly screening, exits and rounds",
              "assumption: after the guidance fund's January capital call is paid",
              FIELD(equity_round_month)),
      real("equity_guidance_commitment", 0.0, 0.0, HUGE_MONEY, "万元/year",
           "what the guidance fund calls from its programme each year (trigger "
           "guidance_fund_capital, base = this); the programme's budget limits what it gets. "
           "0: no guidance fund",
           "assumption: the scenario's (信阳's 创新创业引导基金 names no amount)",
           FIELD(equity_guidance_commitment)),
      real("equity_guidance_max_share", 0.25, 0.0, 0.49, "1",
           "most of a firm's venture money the guidance fund may provide; it never becomes the "
           "largest shareholder either",
           "财企〔2007〕128号 art. 14: ≤ 25% and never the first shareholder (docs/references.md "
           "§1.1)",
           FIELD(equity_guidance_max_share)),
      real("equity_deal_probability", 0.01, 0.0, 1.0, "1/year",
           "probability that a private fund invests in an eligible firm of its stage in a "
           "year's screening (before the guidance and risk-subsidy factors)",
           "calibrated: a few rounds a year per fund in the example city (no local deal "
           "statistic; docs/references.md §4.4 has the national deal count)",
           FIELD(equity_deal_probability)),
      real("equity_ticket_seed", 300.0, 0.0, HUGE_MONEY, "万元", "round size at the seed stage",
           "calibrated: angel rounds of hundreds of 万; the all-stage mean is 7,560万 (清科 2022, "
           "docs/references.md §4.4)",
           FIELD(equity_ticket_seed)),
      real("equity_ticket_early", 1000.0, 0.0, HUGE_MONEY, "万元", "round size at the early stage",
           "calibrated: below the all-stage mean (清科 2022, docs/references.md §4.4)",
           FIELD(equity_ticket_early)),
      real("equity_ticket_growth", 3000.0, 0.0, HUGE_MONEY, "万元",
           "round size at the growth stage",
           "calibrated: below the all-stage mean 7,560万 "
           "(清科 2022, docs/references.md §4.4), the city's firms being small",
           FIELD(equity_ticket_growth)),
      real("equity_seed_max_age_years", 3.0, 0.0, 100.0, "years",
           "a seed-stage firm is at most this old", "assumption", FIELD(equity_seed_max_age_years)),
      real("equity_seed_max_revenue", 500.0, 0.0, HUGE_MONEY, "万元/year",
           "a seed-stage firm has at most this revenue", "assumption",
           FIELD(equity_seed_max_revenue)),
      real("equity_early_max_age_years", 5.0, 0.0, 100.0, "years",
           "an early-stage firm (初创期, the guidance fund's target) is at most this old",
           "财企〔2007〕128号 art. 11: ≤ 5 years (docs/references.md §1.1)",
           FIELD(equity_early_max_age_years)),
      real("equity_early_max_revenue", 3000.0, 0.0, HUGE_MONEY, "万元/year",
           "an early-stage firm has at most this revenue",
           "财企〔2007〕128号 art. 11: sales ≤ 3,000万 (docs/references.md §1.1)",
           FIELD(equity_early_max_revenue)),
      real("equity_min_growth", 0.1, -1.0, 100.0, "1/year",
           "early- and growth-stage candidates grew their revenue by at least this last year",
           "calibrated: funds screen for growth (Puri & Zarutskie 2012, docs/references.md §2: "
           "VC-backed firms grow faster)",
           FIELD(equity_min_growth)),
      real("equity_follow_on_rate", 0.5, 0.0, 1.0, "1/year",
           "probability that a fund follows on in a held firm that grew (a new round of its "
           "ticket)",
           "calibrated: no statistic on follow-on rounds was found", FIELD(equity_follow_on_rate)),
      real("equity_follow_on_growth", 0.3, 0.0, 100.0, "1",
           "a held firm qualifies for a follow-on when its revenue grew by this since the last "
           "round",
           "assumption", FIELD(equity_follow_on_growth)),
      real("equity_trade_sale_rate", 0.08, 0.0, 10.0, "1/year",
           "hazard of a holding being sold to a buyer (trade sale, share transfer, buy-back)",
           "calibrated: with IPO exits and write-offs, holdings last about 5-7 years; share "
           "transfer and buy-back are about a third of VC exits (清科 2020, docs/references.md "
           "§4.4)",
           FIELD(equity_trade_sale_rate)),
      real("equity_trade_sale_multiple", 1.5, 0.0, 100.0, "1",
           "proceeds of a trade sale per yuan of cost", "assumption",
           FIELD(equity_trade_sale_multiple)),
      real("equity_ipo_multiple", 4.0, 0.0, 1000.0, "1", "proceeds of an IPO exit per yuan of cost",
           "assumption", FIELD(equity_ipo_multiple)),
      real("equity_risk_cover_max", 0.5, 0.0, 0.95, "1",
           "most of a round's loss the funds count on an investor risk subsidy to cover in "
           "their deal decision (the deal probability for seed and early tech SMEs is divided "
           "by 1 - the expected cover)",
           "assumption: an elasticity of 1 of the deal rate to the expected net loss, capped",
           FIELD(equity_risk_cover_max)),
      real("equity_survival_cut", 0.2, 0.0, 1.0, "1",
           "a firm's market exit hazard is multiplied by 1 - this for equity_survival_years "
           "after each round it receives (beyond what the money does through its cash)",
           "calibrated: Puri & Zarutskie 2012 (docs/references.md §2): VC-financed firms fail "
           "less in the first 4-5 years after funding; hazard x 0.8, range 0.6-1.0 (their "
           "higher failure later is not modelled)",
           FIELD(equity_survival_cut)),
      real("equity_survival_years", 4.0, 0.0, 20.0, "years",
           "how long the lower exit hazard after a round lasts",
           "Puri & Zarutskie 2012 (docs/references.md §2): the first 4-5 years after funding",
           FIELD(equity_survival_years)),
  });
  return table;
}

namespace {

inline constexpr sim::StreamPurpose PURPOSE_EQUITY = 17;
/// Draw blocks per firm and step: block = the private fund's index, word 0: its deal or
/// follow-on; block FIRM_BLOCK, word 1: the firm's trade sale (a block no fund index reaches, so
/// adding a fund moves no exit).
inline constexpr std::uint32_t FIRM_BLOCK = (1u << 24) - 1;
using Holdings = std::map<std::pair<std::uint32_t, std::uint32_t>, EquityHolding>;

class Equity final : public Module {
 public:
  explicit Equity(const ModuleSetup& setup)
      : p_(setup.params),
        instruments_(setup.instruments),
        survival_steps_(static_cast<int>(
            std::lround(setup.params.equity_survival_years * 12.0 / setup.time.step_months))) {
    const auto& all = instruments_.all();
    for (std::size_t index = 0; index < all.size(); ++index) {
      if (all[index].trigger == Trigger::GUIDANCE_FUND_CAPITAL && guidance_instrument_ < 0)
        guidance_instrument_ = static_cast<int>(index);
      if (all[index].trigger == Trigger::INVESTMENT_LOSS && loss_instrument_ < 0)
        loss_instrument_ = static_cast<int>(index);
    }
  }

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "equity",
        "venture funds screen firms yearly, invest in rounds with the guidance fund alongside, "
        "exit by IPO, trade sale or write-off",
        {Phase::START, Phase::ROUNDS, Phase::PAYMENTS, Phase::RECORD},
        {},
        {"alive", "tier", "flags", "age_months", "revenue", "revenue_y1", "revenue_y2", "cash",
         "tech_sme_until_step", "graph_vertex", "survival_until_step", "survival_hazard_cut"},
        {VC_UNDER_MANAGEMENT, EQUITY_ROUNDS, EQUITY_INVESTED, EQUITY_ROUNDS_TECH_SME,
         EQUITY_EXITS_IPO, EQUITY_EXITS_TRADE_SALE, EQUITY_WRITE_OFFS, EQUITY_FIRMS_BACKED,
         EQUITY_PRIVATE_PER_PUBLIC},
        {{PURPOSE_EQUITY, 0, ALL_BLOCKS}}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    EquityState& s = world.equity;
    const int first_year = context.when.year;
    for (std::int64_t i = 0; i < p_.equity_private_funds; ++i) {
      VentureFund fund;
      fund.index = static_cast<std::uint32_t>(i);
      fund.type = PRIVATE_FUND;
      fund.stage = static_cast<std::uint8_t>(i % 3);
      fund.last_investment_year = first_year + static_cast<int>(p_.equity_fund_life_years) - 1;
      fund.vertex = world.network.add_institution(VertexKind::FUND, PRIVATE_FUND, 0, fund.index);
      fund.account = world.book.open(FUND_ACCOUNT, recipient_class_of(FUND_ACCOUNT));
      fund.capital = sim::to_yuan(sim::Money(p_.equity_fund_capital));
      world.book.transfer(world.accounts.private_investors, fund.account, fund.capital);
      s.funds.push_back(fund);
    }
    // The guidance fund exists when it has a commitment and a programme to call it from; with
    // a zero budget it receives nothing and so invests nothing (bit-identical to none).
    if (p_.equity_guidance_commitment > 0.0 && guidance_instrument_ >= 0) {
      VentureFund fund;
      fund.index = static_cast<std::uint32_t>(s.funds.size());
      fund.type = GUIDANCE_FUND;
      fund.stage = EARLY_STAGE;
      fund.last_investment_year = 1 << 20;  // evergreen: invests while it has money
      fund.vertex = world.network.add_institution(VertexKind::FUND, GUIDANCE_FUND, 0, fund.index);
      fund.account = world.book.open(FUND_ACCOUNT, recipient_class_of(FUND_ACCOUNT));
      s.guidance = static_cast<int>(s.funds.size());
      s.funds.push_back(fund);
    }
    context.series->at(VC_UNDER_MANAGEMENT, 0) = to_wan_value(under_management(world));
    context.series->at(EQUITY_FIRMS_BACKED, 0) = 0.0;
    context.series->at(EQUITY_PRIVATE_PER_PUBLIC, 0) = 0.0;
  }

  void rounds(World& world, const StepContext& context, StepTotals& totals) const override {
    if (context.burn_in || world.equity.funds.empty()) return;
    write_offs(world, context, totals);
    EquityState& s = world.equity;
    if (s.guidance >= 0 && context.when.starts_year()) {
      // The yearly capital call: paid at the end of this step from the programme's budget.
      const VentureFund& fund = s.funds[static_cast<std::size_t>(s.guidance)];
      Application call;
      call.trigger = Trigger::GUIDANCE_FUND_CAPITAL;
      call.base = sim::Money(p_.equity_guidance_commitment);
      call.account = static_cast<std::int32_t>(fund.account);
      call.institution = fund.index;
      world.applications.push_back(call);
    }
    if (!context.when.contains_month(static_cast<int>(p_.equity_round_month))) return;
    exits(world, context, totals);
    invest(world, context, totals);
  }

  void payments(World& world, const StepContext& context, StepTotals&) const override {
    if (context.burn_in || world.equity.funds.empty()) return;
    EquityState& s = world.equity;
    for (const InstitutionPayment& payment : world.institution_payments) {
      for (VentureFund& fund : s.funds) {
        if (payment.account != static_cast<std::int32_t>(fund.account)) continue;
        const sim::Yuan yuan = sim::to_yuan(payment.amount);
        const Trigger trigger = instruments_.all()[payment.instrument].trigger;
        if (trigger == Trigger::GUIDANCE_FUND_CAPITAL && fund.type == GUIDANCE_FUND) {
          fund.capital += yuan;
        } else if (trigger == Trigger::INVESTMENT_LOSS) {
          // The investor risk subsidy is the investors': the fund passes it on.
          world.book.transfer(fund.account, world.accounts.private_investors, yuan);
        }
      }
    }
  }

  void record(World& world, const StepContext& context, const StepTotals&) const override {
    const EquityState& s = world.equity;
    const auto point = static_cast<std::size_t>(context.when.step + 1);
    std::size_t backed = 0;
    std::uint32_t last_firm = 0;
    for (const auto& [key, holding] : s.holdings) {  // keyed by firm id first
      if (backed == 0 || key.first != last_firm) ++backed;
      last_firm = key.first;
    }
    context.series->at(VC_UNDER_MANAGEMENT, point) = to_wan_value(under_management(world));
    context.series->at(EQUITY_FIRMS_BACKED, point) = static_cast<double>(backed);
    context.series->at(EQUITY_PRIVATE_PER_PUBLIC, point) =
        s.public_invested > 0
            ? static_cast<double>(s.private_alongside) / static_cast<double>(s.public_invested)
            : 0.0;
  }

 private:
  static double to_wan_value(sim::Yuan yuan) { return sim::to_wan(yuan).value(); }

  /// Cash of every fund plus the cost of the live holdings.
  static sim::Yuan under_management(const World& world) {
    sim::Yuan total = 0;
    for (const VentureFund& fund : world.equity.funds)
      total += fund.held + world.book.balance(fund.account);
    return total;
  }

  [[nodiscard]] EquityStage stage_of(const FirmView& f, std::size_t row) const {
    const double years = f.age_months[row] / 12.0;
    const double revenue = f.revenue[row];
    if (years <= p_.equity_seed_max_age_years && revenue <= p_.equity_seed_max_revenue)
      return SEED_STAGE;
    const bool grew = f.revenue_y2[row] > 0.0f &&
                      f.revenue_y1[row] >= (1.0 + p_.equity_min_growth) * f.revenue_y2[row];
    if (!grew) return NO_STAGE;
    if (years <= p_.equity_early_max_age_years && revenue <= p_.equity_early_max_revenue)
      return EARLY_STAGE;
    return GROWTH_STAGE;
  }

  [[nodiscard]] double ticket_of(std::uint8_t stage) const {
    return stage == SEED_STAGE    ? p_.equity_ticket_seed
           : stage == EARLY_STAGE ? p_.equity_ticket_early
                                  : p_.equity_ticket_growth;
  }

  /// 财企〔2007〕128号 art. 11's early-stage tech SME: the guidance fund's target.
  [[nodiscard]] bool guidance_target(const FirmView& f, std::size_t row, int step) const {
    return f.tech_sme_until[row] > step &&
           f.age_months[row] / 12.0 <= p_.equity_early_max_age_years &&
           f.revenue[row] <= p_.equity_early_max_revenue;
  }

  void write_offs(World& world, const StepContext& context, StepTotals& totals) const;
  void exits(World& world, const StepContext& context, StepTotals& totals) const;
  void invest(World& world, const StepContext& context, StepTotals& totals) const;
  /// A round of private fund `k` in the firm in `row`, with the guidance fund alongside where
  /// the rule lets it.
  void round(World& world, const StepContext& context, std::size_t row, std::size_t k,
             sim::Yuan ticket, VentureFund* guidance, std::int32_t month,
             const sim::StreamKey& order, StepTotals& totals) const;
  /// Ends a holding: proceeds (may be 0) from the buyers (the firms' side) to the fund and on to
  /// its investors; the cost not recovered is a loss.
  Holdings::iterator close(World& world, Holdings::iterator holding, sim::Yuan proceeds) const;

  const CityParams& p_;
  const InstrumentSet& instruments_;
  int survival_steps_;
  int guidance_instrument_ = -1;
  int loss_instrument_ = -1;
};

void Equity::write_offs(World& world, const StepContext& context, StepTotals& totals) const {
  EquityState& s = world.equity;
  const FirmView f(world.firms);
  const bool subsidised = loss_instrument_ >= 0;
  for (auto it = s.holdings.begin(); it != s.holdings.end();) {
    const std::size_t row =
        world.network.row_of(boost::target(it->second.edge, world.network.graph()));
    if (row != Network::NO_ROW && f.alive[row] != 0) {
      ++it;
      continue;
    }
    VentureFund& fund = s.funds[it->first.second];
    const sim::Yuan loss = it->second.cost;
    fund.lost += loss;
    totals[EQUITY_WRITE_OFFS] += 1.0;
    if (subsidised && fund.type == PRIVATE_FUND && instruments_.pays_on(Trigger::INVESTMENT_LOSS)) {
      // The investor risk subsidy (郑州 （十九）): the fund claims on the cost lost.
      Application claim;
      claim.firm_id = it->first.first;
      claim.trigger = Trigger::INVESTMENT_LOSS;
      claim.base = sim::to_wan(loss);
      claim.account = static_cast<std::int32_t>(fund.account);
      claim.institution = fund.index;
      world.applications.push_back(claim);
    }
    (void)context;
    it = close(world, it, 0);
  }
}

Holdings::iterator Equity::close(World& world, Holdings::iterator holding,
                                 sim::Yuan proceeds) const {
  EquityState& s = world.equity;
  VentureFund& fund = s.funds[holding->first.second];
  if (proceeds > 0) {
    // The buyers (the market at an IPO, the acquirer in a trade sale) stand on the firms' side
    // of the book; the firm's own cash does not change.
    world.book.transfer(world.accounts.firms, fund.account, proceeds);
    const sim::AccountBook::AccountId to =
        fund.type == GUIDANCE_FUND
            ? world.ledger.programme_account(static_cast<std::size_t>(guidance_instrument_))
            : world.accounts.private_investors;
    world.book.transfer(fund.account, to, proceeds);
    fund.returned += proceeds;
  }
  fund.held -= holding->second.cost;
  world.network.end(holding->second.edge);
  return s.holdings.erase(holding);
}

void Equity::exits(World& world, const StepContext& context, StepTotals& totals) const {
  EquityState& s = world.equity;
  const FirmView f(world.firms);
  const sim::StreamKey stream = context.stream(PURPOSE_EQUITY);
  const float trade_sale = static_cast<float>(1.0 - std::exp(-p_.equity_trade_sale_rate));
  // Exits are the firm's: when it lists, or a buyer takes it over, every fund holding it sells
  // (so the guidance fund is never left alone or first among the holders: its leverage rule
  // holds for as long as it holds). Holdings are keyed by firm id first, so a firm's are
  // adjacent.
  for (auto it = s.holdings.begin(); it != s.holdings.end();) {
    const std::uint32_t id = it->first.first;
    const std::size_t row =
        world.network.row_of(boost::target(it->second.edge, world.network.graph()));
    const bool listed = (f.flags[row] & FLAG_LISTED) != 0;
    double multiple = 0.0;
    if (listed) {
      multiple = p_.equity_ipo_multiple;
    } else if (sim::bernoulli(stream.block(id, FIRM_BLOCK)[1], trade_sale)) {
      multiple = p_.equity_trade_sale_multiple;
    }
    if (multiple == 0.0 && !listed) {
      while (it != s.holdings.end() && it->first.first == id) ++it;
      continue;
    }
    const Metric route = listed ? EQUITY_EXITS_IPO : EQUITY_EXITS_TRADE_SALE;
    while (it != s.holdings.end() && it->first.first == id) {
      totals[route] += 1.0;
      it = close(world, it, std::llround(static_cast<double>(it->second.cost) * multiple));
    }
  }
}

void Equity::invest(World& world, const StepContext& context, StepTotals& totals) const {
  EquityState& s = world.equity;
  const FirmView f(world.firms);
  const int step = context.when.step;
  const sim::StreamKey stream = context.stream(PURPOSE_EQUITY);
  const sim::StreamKey order = context.stream(PURPOSE_ORDER);
  const std::int32_t month = month_index(context.when.year, context.when.first_month);
  VentureFund* guidance =
      s.guidance >= 0 ? &s.funds[static_cast<std::size_t>(s.guidance)] : nullptr;
  const double max_share = p_.equity_guidance_max_share;
  // Funds expect the guidance fund alongside in its targets while it has money: the private
  // money at risk in such a round is (1 - max_share) of it, and the deal probability rises by
  // 1 / (1 - max_share) (an elasticity of 1). Without guidance money it is exactly 1.
  const bool guidance_money = guidance != nullptr && world.book.balance(guidance->account) > 0;
  const double guidance_factor = guidance_money ? 1.0 / (1.0 - max_share) : 1.0;
  const std::size_t private_funds = static_cast<std::size_t>(p_.equity_private_funds);
  for (std::size_t k = 0; k < private_funds; ++k) {
    VentureFund& fund = s.funds[k];
    if (context.when.year > fund.last_investment_year) continue;
    const double ticket = ticket_of(fund.stage);
    const sim::Yuan ticket_yuan = sim::to_yuan(sim::Money(ticket));
    if (ticket_yuan <= 0) continue;
    // The share of a written-off round funds expect the investor risk subsidy to pay.
    double cover = 0.0;
    if (loss_instrument_ >= 0 &&
        instruments_.all()[static_cast<std::size_t>(loss_instrument_)].active_in(
            context.when.year)) {
      const sim::Money expected = world.ledger.expected_payment(
          static_cast<std::size_t>(loss_instrument_), sim::Money(ticket));
      cover = std::min(p_.equity_risk_cover_max, expected.value() / ticket);
    }
    const double risk_factor = 1.0 / (1.0 - cover);
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] == 0 || f.tier[row] == CANDIDATE) continue;
      const std::uint32_t id = f.id[row];
      const auto held = s.holdings.find({id, static_cast<std::uint32_t>(k)});
      double probability = 0.0;
      if (held != s.holdings.end()) {
        const bool grew =
            f.revenue[row] >= (1.0 + p_.equity_follow_on_growth) * held->second.revenue_at_round;
        if (!grew) continue;
        probability = p_.equity_follow_on_rate;
      } else {
        const EquityStage stage = stage_of(f, row);
        if (stage != fund.stage) continue;
        const bool tech_sme = f.tech_sme_until[row] > step;
        probability = p_.equity_deal_probability;
        if (guidance_target(f, row, step)) probability *= guidance_factor;
        if (tech_sme && stage != GROWTH_STAGE) probability *= risk_factor;
      }
      // The draw after the cheap tests: a fund draws only for the firms it considers.
      if (!sim::bernoulli(stream.block(id, fund.index)[0],
                          static_cast<float>(std::min(1.0, probability))))
        continue;
      round(world, context, row, k, ticket_yuan, guidance, month, order, totals);
    }
  }
}

void Equity::round(World& world, const StepContext& context, std::size_t row, std::size_t k,
                   sim::Yuan ticket, VentureFund* guidance, std::int32_t month,
                   const sim::StreamKey& order, StepTotals& totals) const {
  EquityState& s = world.equity;
  const FirmView f(world.firms);
  const std::uint32_t id = f.id[row];
  VentureFund& fund = s.funds[k];
  // What the firm holds already: the guidance fund's stake, the private funds' total and the
  // largest private stake.
  sim::Yuan guidance_cost = 0, private_cost = 0, largest_private = 0;
  bool first_investment = true;
  for (auto it = s.holdings.lower_bound({id, 0}); it != s.holdings.end() && it->first.first == id;
       ++it) {
    first_investment = false;
    if (s.funds[it->first.second].type == GUIDANCE_FUND) {
      guidance_cost += it->second.cost;
    } else {
      private_cost += it->second.cost;
      if (it->first.second != k) largest_private = std::max(largest_private, it->second.cost);
    }
  }
  const auto mine = s.holdings.find({id, static_cast<std::uint32_t>(k)});
  const sim::Yuan my_cost = mine != s.holdings.end() ? mine->second.cost : 0;
  // The guidance fund's part: max_share of the round in its targets, cut so that its stake in
  // the firm stays at most max_share of the venture money (財企〔2007〕128号 art. 14) and below
  // the largest private stake, and to what it holds. Computed with the private part at its
  // least (ticket - wanted): when the cuts leave the private fund more to pay, both bounds
  // only loosen.
  sim::Yuan from_guidance = 0;
  if (guidance != nullptr && guidance_target(f, row, context.when.step)) {
    const double share = p_.equity_guidance_max_share;
    const auto wanted = static_cast<sim::Yuan>(std::floor(share * static_cast<double>(ticket)));
    const sim::Yuan private_after = private_cost + ticket - wanted;
    const sim::Yuan largest_after = std::max(largest_private, my_cost + ticket - wanted);
    const auto share_bound = static_cast<sim::Yuan>(std::floor(
                                 share * static_cast<double>(private_after) / (1.0 - share))) -
                             guidance_cost - 1;
    const sim::Yuan largest_bound = largest_after - 1 - guidance_cost;
    from_guidance = std::max<sim::Yuan>(
        0, std::min({wanted, share_bound, largest_bound, world.book.balance(guidance->account)}));
  }
  const sim::Yuan from_fund = ticket - from_guidance;
  // A fund never invests more than it holds: without the money, no round.
  if (world.book.balance(fund.account) < from_fund) return;
  const std::uint8_t tier = f.tier[row];
  world.book.transfer(fund.account, world.accounts.firms, from_fund, tier);
  if (from_guidance > 0)
    world.book.transfer(guidance->account, world.accounts.firms, from_guidance, tier);
  const sim::Money money = sim::to_wan(ticket);
  // Paid-in capital arriving as cash: net assets (equity_base + cash - debt) rise by the round
  // through cash, so equity_base, the non-cash part, stays as it is (raising it too would count
  // the round twice).
  f.cash[row] += sim::MoneyColumn(money);
  // Backed firms fail less in the years after a round (Puri & Zarutskie 2012): the survival
  // support the exit hazard reads (exit.cpp), kept at the longer and deeper of this and any
  // instrument's.
  if (p_.equity_survival_cut > 0.0 && survival_steps_ > 0) {
    f.survival_until[row] = static_cast<std::uint16_t>(
        std::min(65535, std::max<int>(f.survival_until[row], context.when.step + survival_steps_)));
    f.survival_hazard_cut[row] =
        std::max(f.survival_hazard_cut[row], static_cast<float>(p_.equity_survival_cut));
  }
  const Network::Vertex vertex = world.network.firm_vertex(f, row);
  const auto add = [&](VentureFund& investor, std::uint32_t position, sim::Yuan amount) {
    EquityHolding& holding = s.holdings[{id, position}];
    if (holding.cost == 0) {
      holding.edge =
          world.network.connect(investor.vertex, vertex, {EdgeType::EQUITY, month, -1, 0.0f});
    }
    holding.cost += amount;
    holding.revenue_at_round = f.revenue[row];
    world.network[holding.edge].amount = static_cast<float>(sim::to_wan(holding.cost).value());
    investor.invested += amount;
    investor.held += amount;
  };
  add(fund, static_cast<std::uint32_t>(k), from_fund);
  if (from_guidance > 0) {
    add(*guidance, static_cast<std::uint32_t>(s.guidance), from_guidance);
    s.private_alongside += from_fund;
    s.public_invested += from_guidance;
  }
  const bool tech_sme = f.tech_sme_until[row] > context.when.step;
  totals[EQUITY_ROUNDS] += 1.0;
  totals[EQUITY_INVESTED] += money.value();
  if (tech_sme) totals[EQUITY_ROUNDS_TECH_SME] += 1.0;
  // 郑州 （十九）: a tech SME that obtains an investment is rewarded (the first one).
  if (tech_sme && first_investment)
    instruments_.claim(world.applications, static_cast<std::uint32_t>(row), id,
                       Trigger::LOAN_OBTAINED, order, money);
}

}  // namespace

std::unique_ptr<Module> make_equity(const ModuleSetup& setup) { return make_module<Equity>(setup); }

}  // namespace innosim::models::city

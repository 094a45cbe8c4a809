// Incubation (docs/model.md §3.8.3): incubators and maker spaces at city, provincial and national
// level, each with tenant places, a service value, an account and a vertex. Young firms apply in
// quarterly rounds and are admitted up to capacity by a score (knowledge and revenue plus a draw
// keyed by the firm id); a tenancy is an edge incubator -> firm and the firm's column
// incubated_until_step, which exit reads (lower market hazard in incubation) and which ends at
// graduation (the time limit or a size threshold) or when the tenant exits. Admission gives the
// tenant the incubator's application services (application_support, which the high-tech
// application subtracts from its cost). Each December the incubators that meet the next level's
// criteria are upgraded; the upgrade raises `incubator_upgraded`, on which an instrument may pay
// the incubator an award, which the incubator turns into places. A plan opens new city-level
// incubators each January.
#include <algorithm>
#include <array>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

namespace {
constexpr const char* TORCH_RULE =
    "科技部《科技企业孵化器管理办法》国科发区〔2018〕300号 (docs/references.md §1.1)";
}  // namespace

const ParameterTable& incubation_parameters() {
  static const ParameterTable table({
      integer("incubators_city", 0, 0, 10000, "incubators",
              "incubators and maker spaces recognised at city level at the start",
              "scenario input; default 0: no incubation unless the scenario names carriers "
              "(docs/seed-documents.md gives provincial+ counts only)",
              FIELD(incubators_city)),
      integer("incubators_provincial", 0, 0, 10000, "incubators",
              "incubators and maker spaces recognised at provincial level at the start",
              "scenario input; 信阳 2022: 17 provincial+ carriers (docs/seed-documents.md §1)",
              FIELD(incubators_provincial)),
      integer("incubators_national", 0, 0, 10000, "incubators",
              "incubators and maker spaces recognised at national level at the start",
              "scenario input; Henan 2023: 153 of 466 provincial+ carriers national (郑州日报 "
              "2023-06-02, docs/references.md §4.1)",
              FIELD(incubators_national)),
      real("incubator_maker_space_share", 0.5, 0.0, 1.0, "1",
           "share of the carriers that are maker spaces (众创空间); the type is descriptive "
           "(the model gives all types the same rules)",
           "calibrated: Henan's carriers mix maker spaces and incubators; no count by type for "
           "the seed cities",
           FIELD(incubator_maker_space_share)),
      real("incubator_science_park_share", 0.1, 0.0, 1.0, "1",
           "share of the carriers that are science parks (科技园)",
           "calibrated: a few parks per city (docs/seed-documents.md, incubation chain)",
           FIELD(incubator_science_park_share)),
      integer("incubator_capacity", 50, 0, 100000, "firms",
              "tenant places of a carrier (at the start and when it opens)",
              "Henan: 2.28万 tenants in 466 provincial+ carriers ≈ 49; nationally 65.8万 in "
              "13,206 ≈ 50 (docs/references.md §4.1)",
              FIELD(incubator_capacity)),
      real("incubator_modelled_tenant_share", 0.35, 0.0, 1.0, "1",
           "share of a carrier's tenants that are technology firms of the modelled population "
           "(the rest: teams not yet registered, non-technology start-ups): the places open to "
           "modelled firms, and the scale at which their count meets the recognition criteria",
           "calibrated: Henan's 2.28万 tenants against about 10万 young technology firms would "
           "put about 23% of young firms in incubation (docs/references.md §4.1); 0.35 in "
           "0.2-0.5 until fitted",
           FIELD(incubator_modelled_tenant_share)),
      real("incubator_start_occupancy", 0.8, 0.0, 1.0, "1",
           "share of the places taken at the start (starting tenants drawn from young firms)",
           "calibrated: carriers are mostly full (national rule: ≥ 75% of the area used by "
           "tenants, 国科发区〔2018〕300号)",
           FIELD(incubator_start_occupancy)),
      real("incubators_opened_per_year", 0.0, 0.0, 1000.0, "incubators/year",
           "new city-level carriers opened each January by the plan (floor of the running total)",
           "scenario input; 信阳: 17 provincial+ carriers in 2022, 30 targeted by 2025 "
           "(docs/seed-documents.md §1)",
           FIELD(incubators_opened_per_year)),
      integer("tenant_entry_max_age_months", 24, 0, 600, "months",
              "oldest a firm may be when it enters an incubator", TORCH_RULE,
              FIELD(tenant_entry_max_age_months)),
      integer("max_incubation_months", 48, 1, 600, "months",
              "longest tenancy: the tenant graduates when it ends", TORCH_RULE,
              FIELD(max_incubation_months)),
      real("incubation_apply_share", 0.3, 0.0, 1.0, "1",
           "chance that an eligible young firm applies in a quarterly admission round",
           "calibrated: Henan's carriers hold about 2.3万 tenants against about 10万 young "
           "technology firms; places, not applications, bind in the example city",
           FIELD(incubation_apply_share)),
      real("incubation_graduation_revenue", 1000.0, 0.0, HUGE_MONEY, "万元/year",
           "a tenant graduates early once its revenue reaches this",
           "calibrated: the national graduation criteria were not found (docs/references.md "
           "§1.1); commonly quoted criteria include a revenue threshold",
           FIELD(incubation_graduation_revenue)),
      real("incubation_hazard_factor", 0.9, 0.0, 2.0, "1",
           "the market exit hazard of a tenant is multiplied by this during its tenancy",
           "calibrated, range 0.7-1.1: incubation lowers initial exit rates (Amezcua 2011, "
           "18,909 US incubated firms, docs/references.md §2); no hazard ratio is published",
           FIELD(incubation_hazard_factor)),
      real("incubation_service_value", 1.0, 0.0, 1000.0, "万元",
           "application services (consulting for certification) a tenant gets at admission, "
           "held in application_support",
           "calibrated, range 0-3: services of the size of a cultivation voucher; mentoring "
           "raises graduation in China, less outside tier-1 cities (Xiao & North 2017, "
           "docs/references.md §2)",
           FIELD(incubation_service_value)),
      real("incubator_place_cost", 20.0, 0.01, HUGE_MONEY, "万元",
           "what one more tenant place costs a carrier (an award buys places)",
           "calibrated, range 10-40: about 220 m² per tenant in Henan (docs/references.md "
           "§4.1) at a fit-out cost of about 1,000 元/m²",
           FIELD(incubator_place_cost)),
      integer("incubator_upgrade_min_years", 3, 0, 100, "years",
              "years at its level before a carrier can be recognised at the next",
              "国科发区〔2018〕300号: operating ≥ 3 years for national recognition",
              FIELD(incubator_upgrade_min_years)),
      integer("provincial_incubator_min_tenants", 20, 0, 100000, "firms",
              "tenants a city-level carrier needs for provincial recognition",
              "provincial rules read: Qinghai ≥ 40, Shenzhen ≥ 20, Huizhou (city) ≥ 10; Henan's "
              "own not found (docs/references.md §1.1)",
              FIELD(provincial_incubator_min_tenants)),
      integer("provincial_incubator_min_graduates", 8, 0, 100000, "firms",
              "cumulative graduates a city-level carrier needs for provincial recognition",
              "Shenzhen rule: ≥ 8 graduates (docs/references.md §1.1)",
              FIELD(provincial_incubator_min_graduates)),
      integer("national_incubator_min_tenants", 50, 0, 100000, "firms",
              "tenants a provincial carrier needs for national recognition", TORCH_RULE,
              FIELD(national_incubator_min_tenants)),
      integer("national_incubator_min_graduates", 20, 0, 100000, "firms",
              "cumulative graduates a provincial carrier needs for national recognition",
              TORCH_RULE, FIELD(national_incubator_min_graduates)),
  });
  return table;
}

namespace {

/// Draw blocks of PURPOSE_INCUBATION: per firm, admission rounds and the start; per incubator,
/// its upgrade claim's place in the paying order.
enum IncubationDraw : std::uint32_t { DRAW_APPLY = 0, DRAW_UPGRADE_ORDER = 1, DRAW_START = 2 };

/// A standard Gumbel variate from a word (never infinite).
double gumbel(std::uint32_t word) {
  const double u = (static_cast<double>(word) + 0.5) / 4294967296.0;
  return -std::log(-std::log(u));
}

struct Candidate {
  double score;
  std::uint32_t id;
  std::uint32_t row;
};

class Incubation final : public Module {
 public:
  explicit Incubation(const ModuleSetup& setup)
      : p_(setup.params), instruments_(setup.instruments), time_(setup.time) {
    const int months = time_.step_months;
    tenancy_steps_ = static_cast<int>((p_.max_incubation_months + months - 1) / months);
  }

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "incubation",
        "incubators and maker spaces: young firms admitted up to capacity, tenancy lowers the "
        "exit hazard and gives application services, graduation, yearly upgrades and awards",
        {Phase::START, Phase::YEAR_START, Phase::ROUNDS, Phase::PAYMENTS, Phase::RECORD},
        {"incubated_until_step"},
        {"alive", "age_months", "revenue", "knowledge", "application_support", "graph_vertex"},
        {INCUBATORS_CITY, INCUBATORS_PROVINCIAL, INCUBATORS_NATIONAL, INCUBATORS_PROVINCIAL_PLUS,
         INCUBATION_PLACES, FIRMS_INCUBATED, INCUBATION_ADMISSIONS, INCUBATION_GRADUATIONS,
         INCUBATOR_UPGRADES},
        {{PURPOSE_INCUBATION, 0, ALL_BLOCKS}}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    const int ready = context.when.year - static_cast<int>(p_.incubator_upgrade_min_years);
    for (const auto& [level, count] : {std::pair{NATIONAL_LEVEL, p_.incubators_national},
                                       std::pair{PROVINCIAL_LEVEL, p_.incubators_provincial},
                                       std::pair{CITY_LEVEL, p_.incubators_city}}) {
      for (std::int64_t n = 0; n < count; ++n) {
        Incubator& incubator = open(world, level, ready);
        // A recognised carrier met its level's criteria, graduates included.
        incubator.graduates = static_cast<std::int32_t>(std::lround(
            p_.incubator_modelled_tenant_share *
            static_cast<double>(level == NATIONAL_LEVEL     ? p_.national_incubator_min_graduates
                                : level == PROVINCIAL_LEVEL ? p_.provincial_incubator_min_graduates
                                                            : 0)));
      }
    }
    start_tenants(world, context);
    record_at(world, context, 0);
  }

  void year_start(World& world, const StepContext& context) const override {
    if (context.burn_in) return;
    IncubationState& state = world.incubation;
    const int years = context.when.year - time_.start_year;
    const auto planned = static_cast<std::int64_t>(
        std::floor(p_.incubators_opened_per_year * static_cast<double>(years) + 1e-9));
    for (; state.opened_by_plan < planned; ++state.opened_by_plan)
      open(world, CITY_LEVEL, context.when.year);
  }

  void rounds(World& world, const StepContext& context, StepTotals& totals) const override {
    if (context.burn_in || world.incubation.incubators.empty()) return;
    settle_tenancies(world, context, totals);
    const StepCalendar& when = context.when;
    if (when.contains_month(1) || when.contains_month(4) || when.contains_month(7) ||
        when.contains_month(10))
      admit(world, context, totals);
    if (when.contains_month(12)) upgrade(world, context, totals);
  }

  void payments(World& world, const StepContext& context, StepTotals&) const override {
    if (context.burn_in) return;
    IncubationState& state = world.incubation;
    for (const InstitutionPayment& payment : world.institution_payments) {
      if (payment.institution >= state.incubators.size()) continue;
      Incubator& incubator = state.incubators[payment.institution];
      if (static_cast<std::int64_t>(incubator.account) != payment.account) continue;
      // The award buys places (the money stays on the carrier's account, which pays the fit-out).
      incubator.award_unspent += payment.amount.value();
      // Places for modelled firms: a place costs the same whoever takes it.
      const double cost =
          p_.incubator_place_cost / std::max(p_.incubator_modelled_tenant_share, 1e-9);
      const double places = std::floor(incubator.award_unspent / cost);
      incubator.capacity += static_cast<std::int32_t>(places);
      incubator.award_unspent -= places * cost;
    }
  }

  void record(World& world, const StepContext& context, const StepTotals&) const override {
    record_at(world, context, static_cast<std::size_t>(context.when.step + 1));
  }

 private:
  /// Opens a carrier: its type by a fixed low-discrepancy sequence of its index (the shares
  /// hold for any count, and opening one more changes no other's type), vertex and account.
  Incubator& open(World& world, Level level, int ready_year) const {
    IncubationState& state = world.incubation;
    Incubator incubator;
    incubator.index = static_cast<std::uint32_t>(state.incubators.size());
    const double position = std::fmod((incubator.index + 0.5) * 0.6180339887498949, 1.0);
    incubator.type = position < p_.incubator_maker_space_share ? MAKER_SPACE
                     : position < p_.incubator_maker_space_share + p_.incubator_science_park_share
                         ? SCIENCE_PARK
                         : INCUBATOR_PROPER;
    incubator.level = level;
    incubator.vertex = world.network.add_institution(VertexKind::INCUBATOR, incubator.type, level,
                                                     incubator.index);
    incubator.account =
        world.book.open(INCUBATOR_ACCOUNT, recipient_class_of(INCUBATOR_ACCOUNT), false);
    incubator.capacity = static_cast<std::int32_t>(std::lround(
        static_cast<double>(p_.incubator_capacity) * p_.incubator_modelled_tenant_share));
    incubator.service_value = static_cast<float>(p_.incubation_service_value);
    incubator.opened_year = ready_year;
    state.incubators.push_back(incubator);
    return state.incubators.back();
  }

  /// The carriers in the order they fill: higher level first, then by index.
  static std::vector<std::size_t> fill_order(const IncubationState& state) {
    std::vector<std::size_t> order(state.incubators.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return state.incubators[a].level > state.incubators[b].level;
    });
    return order;
  }

  /// Places the best candidates (by score, then id) in the carriers' free places, in fill order.
  /// `until` gives a candidate's end of tenancy; `services` whether it gets the services now.
  template <class Until>
  std::size_t place(World& world, const StepCalendar& when, std::vector<Candidate>& candidates,
                    Until until, bool services) const {
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.score != b.score ? a.score > b.score : a.id < b.id;
    });
    IncubationState& state = world.incubation;
    const FirmView f(world.firms);
    std::size_t next = 0;
    for (const std::size_t i : fill_order(state)) {
      Incubator& incubator = state.incubators[i];
      while (incubator.tenants < incubator.capacity && next < candidates.size()) {
        const std::uint32_t row = candidates[next++].row;
        const Network::Vertex firm = world.network.firm_vertex(f, row);
        const std::uint16_t end = until(row);
        world.network.connect(
            incubator.vertex, firm,
            {EdgeType::TENANCY, month_index(when.year, when.first_month),
             month_index(when.year, when.first_month) + (end - when.step) * time_.step_months,
             0.0f});
        f.incubated_until[row] = end;
        if (services) f.application_support[row] += incubator.service_value;
        ++incubator.tenants;
      }
    }
    return next;
  }

  /// Score of a candidate: knowledge and revenue on log scales plus a Gumbel draw (the
  /// carrier's judgement), keyed by the firm id.
  static double score(const FirmView& f, std::size_t row, std::uint32_t word) {
    return std::log1p(static_cast<double>(f.knowledge[row])) +
           std::log1p(static_cast<double>(std::max(0.0f, f.revenue[row]))) + gumbel(word);
  }

  /// Starting tenants: firms young enough to be inside (entered at most tenant_entry_max_age
  /// months old, tenancy not yet over), up to the occupancy of each carrier.
  void start_tenants(World& world, const StepContext& context) const {
    IncubationState& state = world.incubation;
    if (state.incubators.empty()) return;
    const FirmView f(world.firms);
    const sim::StreamKey stream = context.stream(PURPOSE_INCUBATION);
    const auto entry_age = p_.tenant_entry_max_age_months;
    std::vector<Candidate> candidates;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] == 0 || f.age_months[row] >= entry_age + p_.max_incubation_months) continue;
      const sim::PhiloxBlock words = stream.block(f.id[row], DRAW_START);
      candidates.push_back({score(f, row, words[0]), f.id[row], static_cast<std::uint32_t>(row)});
    }
    // Fill only to the occupancy: capacity is restored after.
    std::vector<std::int32_t> capacity;
    for (Incubator& incubator : state.incubators) {
      capacity.push_back(incubator.capacity);
      incubator.capacity =
          static_cast<std::int32_t>(std::floor(p_.incubator_start_occupancy * incubator.capacity));
    }
    const int step_months = time_.step_months;
    place(
        world, context.when, candidates,
        [&](std::uint32_t row) {
          const std::int64_t age = f.age_months[row];
          const std::int64_t inside = age - std::min(age, entry_age);
          const std::int64_t left = p_.max_incubation_months - inside;
          return static_cast<std::uint16_t>(
              std::max<std::int64_t>(1, (left + step_months - 1) / step_months));
        },
        false);
    for (std::size_t i = 0; i < state.incubators.size(); ++i)
      state.incubators[i].capacity = capacity[i];
  }

  /// Ends the tenancies of tenants that exited, reached the time limit or the size threshold.
  void settle_tenancies(World& world, const StepContext& context, StepTotals& totals) const {
    IncubationState& state = world.incubation;
    const FirmView f(world.firms);
    const int step = context.when.step;
    std::vector<Network::Edge> ending;
    for (Incubator& incubator : state.incubators) {
      ending.clear();
      for (auto [edge, last] = boost::out_edges(incubator.vertex, world.network.graph());
           edge != last; ++edge) {
        if (world.network[*edge].type != EdgeType::TENANCY) continue;
        const std::size_t row = world.network.row_of(boost::target(*edge, world.network.graph()));
        if (row == Network::NO_ROW) continue;
        const bool exited = f.alive[row] == 0;
        const bool time_up = f.incubated_until[row] <= step + 1;
        const bool grown = f.revenue[row] >= p_.incubation_graduation_revenue;
        if (!exited && !time_up && !grown) continue;
        ending.push_back(*edge);
        f.incubated_until[row] = 0;
        --incubator.tenants;
        if (exited) continue;
        ++incubator.graduates;
        totals[INCUBATION_GRADUATIONS] += 1.0;
        if (f.age_months[row] <= p_.tenant_entry_max_age_months) state.graduated.insert(f.id[row]);
      }
      for (const Network::Edge edge : ending) world.network.end(edge);
    }
  }

  /// A quarterly admission round: eligible young firms apply with incubation_apply_share, the
  /// best are admitted up to the free places.
  void admit(World& world, const StepContext& context, StepTotals& totals) const {
    const IncubationState& state = world.incubation;
    const FirmView f(world.firms);
    const sim::StreamKey stream = context.stream(PURPOSE_INCUBATION);
    const auto apply = static_cast<float>(p_.incubation_apply_share);
    std::vector<Candidate> candidates;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] == 0 || f.age_months[row] > p_.tenant_entry_max_age_months ||
          f.incubated_until[row] != 0)
        continue;
      const sim::PhiloxBlock words = stream.block(f.id[row], DRAW_APPLY);
      if (!sim::bernoulli(words[0], apply) || state.graduated.count(f.id[row]) != 0) continue;
      candidates.push_back({score(f, row, words[1]), f.id[row], static_cast<std::uint32_t>(row)});
    }
    const std::uint16_t until = static_cast<std::uint16_t>(context.when.step + 1 + tenancy_steps_);
    totals[INCUBATION_ADMISSIONS] += static_cast<double>(place(
        world, context.when, candidates, [&](std::uint32_t) { return until; }, true));
  }

  /// December: each carrier that meets the next level's criteria (years at its level, tenants,
  /// cumulative graduates) is recognised one level up and claims any upgrade award.
  void upgrade(World& world, const StepContext& context, StepTotals& totals) const {
    IncubationState& state = world.incubation;
    const sim::StreamKey stream = context.stream(PURPOSE_INCUBATION);
    const int year = context.when.year;
    for (Incubator& incubator : state.incubators) {
      if (incubator.level == NATIONAL_LEVEL ||
          year - incubator.opened_year < p_.incubator_upgrade_min_years)
        continue;
      const bool provincial = incubator.level == PROVINCIAL_LEVEL;
      const std::int64_t tenants =
          provincial ? p_.national_incubator_min_tenants : p_.provincial_incubator_min_tenants;
      const std::int64_t graduates =
          provincial ? p_.national_incubator_min_graduates : p_.provincial_incubator_min_graduates;
      // The criteria count every tenant: the modelled ones are incubator_modelled_tenant_share.
      const double share = std::max(p_.incubator_modelled_tenant_share, 1e-9);
      if (incubator.tenants < static_cast<double>(tenants) * share ||
          incubator.graduates < static_cast<double>(graduates) * share)
        continue;
      ++incubator.level;
      incubator.opened_year = year;  // years at the new level count from now
      world.network[incubator.vertex].level = incubator.level;
      totals[INCUBATOR_UPGRADES] += 1.0;
      if (!instruments_.pays_on(Trigger::INCUBATOR_UPGRADED)) continue;
      Application claim;
      claim.trigger = Trigger::INCUBATOR_UPGRADED;
      claim.order_key = stream.block(incubator.index, DRAW_UPGRADE_ORDER)[0];
      claim.account = static_cast<std::int32_t>(incubator.account);
      claim.institution = incubator.index;
      world.applications.push_back(claim);
    }
  }

  void record_at(const World& world, const StepContext& context, std::size_t point) const {
    std::array<double, 3> levels{};
    double places = 0.0, tenants = 0.0;
    for (const Incubator& incubator : world.incubation.incubators) {
      levels[incubator.level] += 1.0;
      places += incubator.capacity;
      tenants += incubator.tenants;
    }
    sim::SeriesBuffer& out = *context.series;
    out.at(INCUBATORS_CITY, point) = levels[CITY_LEVEL];
    out.at(INCUBATORS_PROVINCIAL, point) = levels[PROVINCIAL_LEVEL];
    out.at(INCUBATORS_NATIONAL, point) = levels[NATIONAL_LEVEL];
    out.at(INCUBATORS_PROVINCIAL_PLUS, point) = levels[PROVINCIAL_LEVEL] + levels[NATIONAL_LEVEL];
    out.at(INCUBATION_PLACES, point) = places;
    out.at(FIRMS_INCUBATED, point) = tenants;
  }

  const CityParams& p_;
  const InstrumentSet& instruments_;
  sim::TimeAxis time_;
  int tenancy_steps_ = 1;
};

}  // namespace

std::unique_ptr<Module> make_incubation(const ModuleSetup& setup) {
  return make_module<Incubation>(setup);
}

}  // namespace innosim::models::city

// Entry (docs/model.md §3.1, §3.2.1): the initial population and new firms of every channel
// (registrations, spin-offs, talent teams), with their attributes drawn at birth.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/rules.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

namespace {

/// The starting population: counts per register, and the burn-in that makes their firms.
std::vector<ParameterEntry> initial_population() {
  return {
      integer("initial_candidates", DERIVED_CANDIDATES, DERIVED_CANDIDATES, 50000000, "firms",
              "technology firms in no register at the start; -1: as many per registered firm "
              "as the burn-in city has",
              "method: no document counts them; -1 keeps the start consistent with the model's "
              "own registration rates (docs/model.md §3.1)",
              FIELD(initial_candidates)),
      real("initial_candidates_per_registered", 0.0, 0.0, 1000.0, "1",
           "with initial_candidates = -1 and this positive: technology firms in no register at "
           "the start per firm registered without a certificate (0: the burn-in city's ratio)",
           "calibrated: no document counts these firms; a ratio, so that places started at "
           "different scales share one value; fitted to the registers' growth "
           "in Henan and 郑州 2019-2022 (docs/calibration.md §2, §4): scenarios take the "
           "posterior with [posterior]",
           FIELD(initial_candidates_per_registered)),
      integer("initial_tech_sme", 503, 0, 50000000, "firms",
              "size of the tech-SME register at the start, certified firms that registered "
              "included",
              FACTS_XINYANG, FIELD(initial_tech_sme)),
      integer("initial_high_tech", 233, 0, 50000000, "firms",
              "certified high-tech enterprises at the start", FACTS_XINYANG,
              FIELD(initial_high_tech)),
      real("initial_high_tech_in_tech_sme", 0.5, 0.0, 1.0, "1",
           "share of the initial high-tech enterprises that are also in the tech-SME register "
           "(the certificate admits them directly; registering is their choice)",
           "calibrated (not yet fitted): no count of the overlap is published; docs/model.md §3.7, "
           "to be fitted",
           FIELD(initial_high_tech_in_tech_sme)),
      integer("burn_in_years", 10, 4, 100, "years",
              "years the model's own processes run before the start year to make the starting "
              "firms' histories of sales, R&D, IP and certificates",
              "method: at least the four years of history the rules read (docs/model.md §3.1)",
              FIELD(burn_in_years)),
      real("burn_in_pool_factor", 2.0, 1.0, 100.0, "1",
           "the burn-in city's seed firms and entry rates are this multiple of the scenario's "
           "initial firms and entry rates; the starting firms are drawn from it",
           "method: enough firms of every register to draw from (docs/model.md §3.1)",
           FIELD(burn_in_pool_factor)),
      real("initial_age_mean_years", 6.0, 0.0, 100.0, "years",
           "mean of the exponential age of the burn-in's seed firms",
           "assumption; the burn-in ages the seeds and adds younger firms (docs/model.md §3.1)",
           FIELD(initial_age_mean_years)),
      real("initial_revenue_median", 160.0, 0.01, HUGE_MONEY, "万元/year",
           "median revenue of the burn-in's seed firms",
           "calibrated: firm R&D at the start, 65% of 0.8% of GDP (docs/model.md §3.7); fitted to "
           "Henan and 郑州 2019-2022 (docs/calibration.md §4): "
           "scenarios take the posterior with [posterior]",
           FIELD(initial_revenue_median)),
      real("initial_revenue_log_sd", 1.2, 0.0, 5.0, "1",
           "sigma of log revenue of the burn-in's seed firms",
           "calibrated: firm R&D at the start (docs/model.md §3.7); lognormal body (Axtell 2001)",
           FIELD(initial_revenue_log_sd)),
  };
}

/// The entry channels and the attributes of new firms.
std::vector<ParameterEntry> entry_channels() {
  std::vector<ParameterEntry> e = {
      real("registrations_per_year", 13000.0, 0.0, 1.0e8, "firms/year",
           "new enterprises registered in the city per year, of every kind",
           "docs/seed-documents.md §3.2: 新乡 13,000 a year", FIELD(registrations_per_year)),
      real("tech_firm_share", 0.03, 0.0, 1.0, "1",
           "share of registrations that are technology firms (they enter the model, Poisson)",
           "assumption: ~3% of new enterprises are technology-based", FIELD(tech_firm_share)),
      real("spinoffs_per_year", 10.0, 0.0, 1.0e6, "firms/year",
           "university and laboratory spin-offs per year (Poisson)", "assumption",
           FIELD(spinoffs_per_year)),
      real("talent_teams_per_year", 20.0, 0.0, 1.0e6, "firms/year",
           "firms founded by recruited innovation/entrepreneur talent teams per year",
           "docs/seed-documents.md §5.2: 焦作 80 (2020) -> 180 (2025) teams, 20 a year",
           FIELD(talent_teams_per_year)),
      real("entry_revenue_median", 100.0, 0.01, HUGE_MONEY, "万元/year",
           "median first-year revenue of a newly registered technology firm",
           "calibrated (not yet fitted): the size distribution of young firms; docs/model.md §3.7, "
           "to be fitted",
           FIELD(entry_revenue_median)),
      real("spinoff_revenue_median", 50.0, 0.01, HUGE_MONEY, "万元/year",
           "median first-year revenue of a spin-off", "assumption", FIELD(spinoff_revenue_median)),
      real("talent_team_revenue_median", 200.0, 0.01, HUGE_MONEY, "万元/year",
           "median first-year revenue of a talent-team firm", "assumption",
           FIELD(talent_team_revenue_median)),
      real("entry_revenue_log_sd", 1.2, 0.0, 5.0, "1", "sigma of log revenue at entry",
           "calibrated (not yet fitted): the size distribution of young firms; docs/model.md §3.7, "
           "to be fitted",
           FIELD(entry_revenue_log_sd)),
      real("rd_propensity_median", 0.03, 0.0, 1.0, "1",
           "median R&D intensity a firm chooses at its reference cost (the start year's tax "
           "regime in its steady tax position, docs/model.md §3.2.3)",
           "calibrated: enough firms of each register in the burn-in city to draw the start "
           "from, with firm R&D at the start (docs/model.md §3.7); fitted to Henan and 郑州 "
           "2019-2022 (docs/calibration.md §4): "
           "scenarios take the posterior with [posterior]",
           FIELD(rd_propensity_median)),
      real("rd_propensity_log_sd", 0.7, 0.0, 5.0, "1", "sigma of log R&D propensity",
           "calibrated (not yet fitted): firms' R&D intensities; docs/model.md §3.7, to be fitted",
           FIELD(rd_propensity_log_sd)),
      real("spinoff_rd_factor", 1.5, 0.0, 100.0, "1",
           "R&D propensity and knowledge of spin-offs and talent teams relative to others",
           "assumption", FIELD(spinoff_rd_factor)),
      real("high_tech_share_median", 0.7, 0.001, 0.999, "1",
           "median share of revenue from high-tech products (logit-normal, fixed per firm)",
           "calibrated: certified firms relative to the tech-SME register (信阳 2022 233 : 503; "
           "docs/model.md §3.7); fitted to Henan and 郑州 2019-2022 (docs/calibration.md §4): "
           "scenarios take the posterior with [posterior]",
           FIELD(high_tech_share_median)),
      real("high_tech_share_logit_sd", 1.0, 0.0, 10.0, "1", "sigma of its logit",
           "calibrated (not yet fitted): certified firms relative to the tech-SME register; "
           "docs/model.md §3.7, to be fitted",
           FIELD(high_tech_share_logit_sd)),
      real("spinoff_class1_ip_mean", 1.0, 0.0, 1000.0, "items",
           "mean class-I IP a spin-off brings (Poisson); others bring a tenth of it", "assumption",
           FIELD(spinoff_class1_ip_mean)),
      real("entry_class2_ip_mean", 0.5, 0.0, 1000.0, "items", "mean class-II IP at entry (Poisson)",
           "assumption", FIELD(entry_class2_ip_mean)),
      real("direct_route_probability", 0.01, 0.0, 1.0, "1",
           "chance a firm has a direct tech-SME admission route (award, institution, standard)",
           "assumption", FIELD(direct_route_probability)),
      real("spinoff_direct_route_probability", 0.2, 0.0, 1.0, "1",
           "the same for spin-offs and talent teams", "assumption",
           FIELD(spinoff_direct_route_probability)),

  };
  for (int sector = 0; sector < SECTOR_COUNT; ++sector) {
    static constexpr double SHARES[SECTOR_COUNT] = {0.20, 0.25, 0.12, 0.10, 0.10, 0.08, 0.15};
    static const std::array<std::string, SECTOR_COUNT> KEYS = [] {
      std::array<std::string, SECTOR_COUNT> keys;
      for (int s = 0; s < SECTOR_COUNT; ++s)
        keys[s] = "sector_share_" + std::string(SECTOR_NAMES[s]);
      return keys;
    }();
    static constexpr double& (*FIELDS[SECTOR_COUNT])(CityParams&) = {
        FIELD(sector_shares[0]), FIELD(sector_shares[1]), FIELD(sector_shares[2]),
        FIELD(sector_shares[3]), FIELD(sector_shares[4]), FIELD(sector_shares[5]),
        FIELD(sector_shares[6])};
    e.push_back(real(KEYS[sector].c_str(), SHARES[sector], 0.0, 1.0e6, "1",
                     "relative weight of the sector among new and initial firms (normalised)",
                     "assumption: the seed documents' industries", FIELDS[sector]));
  }
  return e;
}

}  // namespace

const ParameterTable& entry_parameters() {
  static const ParameterTable table([] {
    std::vector<ParameterEntry> entries = initial_population();
    for (ParameterEntry& entry : entry_channels()) entries.push_back(std::move(entry));
    return entries;
  }());
  return table;
}

namespace {

float logistic(float x) { return 1.0f / (1.0f + std::exp(-x)); }

std::uint8_t draw_sector(float uniform, const std::array<double, SECTOR_COUNT>& shares) {
  double total = 0.0;
  for (const double share : shares) total += share;
  double cumulative = 0.0;
  for (int sector = 0; sector < SECTOR_COUNT - 1; ++sector) {
    cumulative += shares[sector] / total;
    if (uniform < cumulative) return static_cast<std::uint8_t>(sector);
  }
  return SECTOR_COUNT - 1;
}

struct EntryProfile {
  double revenue_median;
  double revenue_log_sd;
  double rd_factor;
  double class1_mean;
  double direct_route_probability;
};

class Entry final : public Module {
 public:
  explicit Entry(const ModuleSetup& setup) : p_(setup.params), time_(setup.time) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "entry",
        "the burn-in's seed firms; the starting firms drawn from the burn-in to the scenario's "
        "register counts; new firms of each channel with their attributes",
        {Phase::INITIAL, Phase::START, Phase::STEP},
        {"firm_id", "sector", "origin", "rd_propensity", "high_tech_revenue_share"},
        {"alive", "flags", "age_months", "revenue", "employees", "ip_class1", "ip_class2",
         "knowledge", "cash", "tech_sme_until_step", "high_tech_until_step", "revenue_y1",
         "revenue_y2", "revenue_y3", "revenue_y4", "rd_reported_last_year", "rd_reported_y2",
         "rd_reported_y3"},
        {ENTRIES_REGISTRATION, ENTRIES_SPINOFF, ENTRIES_TALENT_TEAM},
        // Attributes: blocks 0 and 2, and words 2-3 of block 1 (words 0-1 are rd_choice's).
        {{PURPOSE_ATTRIBUTES, 0, 0},
         {PURPOSE_ATTRIBUTES, 1, 1, 0b1100},
         {PURPOSE_ATTRIBUTES, 2, 2},
         {PURPOSE_ENTRY_IP, 0, ALL_BLOCKS},
         {PURPOSE_BIRTHS, 0, ALL_BLOCKS},
         {PURPOSE_START, 0, 0}}};
    return info;
  }

  void initial(World& world, const StepContext& context) const override;
  void start(World& world, const StepContext& context) const override;
  void step(World& world, const StepContext& context, StepTotals& totals) const override;

 private:
  void draw_attributes(World& world, std::size_t first_row, std::size_t count,
                       std::uint32_t first_id, Origin origin, const EntryProfile& profile,
                       bool initial, const StepContext& context) const;
  void add_entrants(World& world, Origin origin, std::size_t count,
                    const StepContext& context) const;
  /// The step at which a tech-SME admission given at the start ends: the first evaluation
  /// round of the run (a year on if that round is in step 0).
  [[nodiscard]] int first_tech_sme_round(const StepContext& context) const;

  const CityParams& p_;
  sim::TimeAxis time_;
};

/// Writes the attributes of rows [first_row, first_row + count) with ids from first_id.
void Entry::draw_attributes(World& world, std::size_t first_row, std::size_t count,
                            std::uint32_t first_id, Origin origin, const EntryProfile& profile,
                            bool initial, const StepContext& context) const {
  const CityParams& p = p_;
  FirmView f(world.firms);
  const sim::StreamKey attributes(context.seed, PURPOSE_ATTRIBUTES, context.replication, 0);
  const sim::StreamKey entry_ip(context.seed, PURPOSE_ENTRY_IP, context.replication, 0);
  for (std::size_t row = first_row; row < first_row + count; ++row) {
    const auto id = static_cast<std::uint32_t>(first_id + (row - first_row));
    const sim::PhiloxBlock block0 = attributes.block(id, 0);
    const sim::PhiloxBlock block1 = attributes.block(id, 1);  // words 0-1: tech-staff deviation
    const sim::PhiloxBlock block2 = attributes.block(id, 2);
    const sim::NormalPair z = sim::normal_pair(block0[0], block0[1]);
    const float z_share = sim::normal(block0[2], block0[3]);
    f.id[row] = id;
    f.alive[row] = 1;
    f.origin[row] = origin;
    f.sector[row] = draw_sector(sim::u01_closed_open(block1[2]), p.sector_shares);
    std::uint8_t flags = 0;
    if (sim::bernoulli(block1[3], static_cast<float>(profile.direct_route_probability)))
      flags |= FLAG_DIRECT_ROUTE;
    f.flags[row] = flags;
    const float revenue =
        std::max(static_cast<float>(p.min_revenue),
                 sim::lognormal_from_normal(static_cast<float>(profile.revenue_median),
                                            static_cast<float>(profile.revenue_log_sd), z.first));
    f.revenue[row] = revenue;
    f.employees[row] = std::max(1.0f, revenue / static_cast<float>(p.revenue_per_employee));
    f.rd_propensity[row] = std::min(
        static_cast<float>(p.rd_max),
        static_cast<float>(profile.rd_factor) *
            sim::lognormal_from_normal(static_cast<float>(p.rd_propensity_median),
                                       static_cast<float>(p.rd_propensity_log_sd), z.second));
    const float logit_median = std::log(static_cast<float>(p.high_tech_share_median) /
                                        (1.0f - static_cast<float>(p.high_tech_share_median)));
    f.high_tech_share[row] =
        logistic(logit_median + static_cast<float>(p.high_tech_share_logit_sd) * z_share);
    f.cash[row] = sim::MoneyColumn(revenue * static_cast<float>(p.cash_buffer_months / 12.0));

    sim::DrawSequence ip_draws(entry_ip, id);
    f.ip_class1[row] = static_cast<std::uint16_t>(
        std::min<std::int64_t>(65535, sim::poisson(ip_draws, profile.class1_mean)));
    f.ip_class2[row] = static_cast<std::uint16_t>(
        std::min<std::int64_t>(65535, sim::poisson(ip_draws, p.entry_class2_ip_mean)));

    if (initial) {
      // Initial firms have an age and a past: exponential ages, revenue history growing 10%
      // a year back from today's revenue, R&D at their propensity, knowledge in steady state.
      const float age_years =
          static_cast<float>(p.initial_age_mean_years) * -std::log(sim::u01_open_closed(block2[1]));
      f.age_months[row] =
          static_cast<std::uint16_t>(std::min(600.0f, std::floor(age_years * 12.0f)));
      float* history[] = {f.revenue_y1, f.revenue_y2, f.revenue_y3, f.revenue_y4};
      float* rd_history[] = {f.rd_reported_y1, f.rd_reported_y2, f.rd_reported_y3};
      float past = revenue;
      for (int year = 0; year < 4; ++year) {
        past /= 1.1f;
        const bool existed = age_years >= static_cast<float>(year + 1);
        history[year][row] = existed ? past : 0.0f;
        if (year < 3) rd_history[year][row] = existed ? past * f.rd_propensity[row] : 0.0f;
      }
      f.knowledge[row] = revenue * f.rd_propensity[row] /
                         static_cast<float>(std::max(0.01, p.knowledge_depreciation)) *
                         std::min(1.0f, age_years / 5.0f);
    } else {
      // Spin-offs and talent teams bring knowledge: a year of their R&D, doubled.
      f.knowledge[row] = origin == REGISTRATION ? 0.0f : 2.0f * revenue * f.rd_propensity[row];
    }
  }
}

int Entry::first_tech_sme_round(const StepContext& context) const {
  const int round = context.model.first_step_in_month(0, static_cast<int>(p_.tech_sme_month));
  return round == 0 ? context.model.steps_per_year() : round;
}

/// The burn-in's seed firms: burn_in_pool_factor times the scenario's initial firms, drawn as
/// entrants are but with ages and a past (draw_attributes); the burn-in replaces that past.
void Entry::initial(World& world, const StepContext& context) const {
  const CityParams& p = p_;
  const double total = starting_firms_to_draw_from(p);
  if (total <= 0.0) return;
  const auto seeds = static_cast<std::size_t>(std::ceil(p.burn_in_pool_factor * total));
  world.firms.reserve(seeds + seeds / 4);
  const EntryProfile profile = {p.initial_revenue_median, p.initial_revenue_log_sd, 1.0,
                                0.1 * p.spinoff_class1_ip_mean, p.direct_route_probability};
  const std::size_t first_row = world.firms.append(seeds);
  draw_attributes(world, first_row, seeds, 0, INITIAL, profile, true, context);
}

/// Initial certified firms that are also in the tech-SME register.
std::int64_t certified_in_register_count(const CityParams& p) {
  return std::llround(p.initial_high_tech_in_tech_sme * static_cast<double>(p.initial_high_tech));
}

/// Rows of one register group, in the order of their random keys: the first n are chosen.
struct Group {
  std::vector<std::uint32_t> rows;
  void order(const std::vector<std::uint64_t>& keys) {
    std::sort(rows.begin(), rows.end(),
              [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  }
};

/// The starting firms: from the burn-in city, exactly the scenario's number of certified firms
/// (initial_high_tech_in_tech_sme of them in the tech-SME register), of other registered firms
/// and of candidates, each drawn at random from the firms of that standing. A group with too
/// few firms is completed with copies of its firms under new ids (docs/model.md §3.1).
void Entry::start(World& world, const StepContext& context) const {
  const CityParams& p = p_;
  if (world.firms.size() == 0) return;
  FirmView f(world.firms);
  const sim::StreamKey stream(context.seed, PURPOSE_START, context.replication, 0);
  std::vector<std::uint64_t> keys(world.firms.size());
  Group certified, registered, candidates;
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const sim::PhiloxBlock words = stream.block(f.id[row]);
    keys[row] = static_cast<std::uint64_t>(words[0]) << 32 | words[1];
    const auto row32 = static_cast<std::uint32_t>(row);
    if (f.high_tech_until[row] > 0) {
      certified.rows.push_back(row32);
    } else if (f.tech_sme_until[row] > 0) {
      registered.rows.push_back(row32);
    } else {
      candidates.rows.push_back(row32);
    }
  }
  const std::size_t certified_found = certified.rows.size();
  const std::size_t registered_found = registered.rows.size();
  const std::size_t candidates_found = candidates.rows.size();
  const std::int64_t sme_only = p.initial_tech_sme - certified_in_register_count(p);
  // Derived: the given ratio, or the burn-in city's candidates per firm registered without a
  // certificate.
  const std::int64_t candidate_count =
      p.initial_candidates != DERIVED_CANDIDATES ? p.initial_candidates
      : p.initial_candidates_per_registered > 0.0
          ? std::llround(p.initial_candidates_per_registered * static_cast<double>(sme_only))
      : registered.rows.empty() ? 0
                                : std::llround(static_cast<double>(candidates.rows.size()) *
                                               static_cast<double>(sme_only) /
                                               static_cast<double>(registered.rows.size()));
  const std::int64_t certified_in_register = certified_in_register_count(p);
  const std::pair<Group*, std::int64_t> wanted[] = {
      {&certified, p.initial_high_tech}, {&registered, sme_only}, {&candidates, candidate_count}};
  std::vector<std::uint8_t> keep(world.firms.size(), 0);
  struct Copy {
    Group* group;
    std::uint32_t from;
  };
  std::vector<Copy> copies;  // for groups with too few firms
  for (const auto& [group, count] : wanted) {
    group->order(keys);
    const auto n = static_cast<std::size_t>(std::max<std::int64_t>(0, count));
    if (n > 0 && group->rows.empty())
      throw std::runtime_error(
          "city: the burn-in made no firm of a register group the scenario starts with (" +
          std::to_string(count) +
          " wanted); raise city.burn_in_pool_factor or check the certification parameters");
    for (std::size_t i = group->rows.size(); i < n; ++i)
      copies.push_back({group, group->rows[i % group->rows.size()]});
    group->rows.resize(std::min(n, group->rows.size()));
    for (const std::uint32_t row : group->rows) keep[row] = 1;
  }
  const std::size_t first_copy = world.firms.append(copies.size());
  keep.resize(world.firms.size(), 1);
  f = FirmView(world.firms);
  for (std::size_t i = 0; i < copies.size(); ++i) {
    const std::size_t from = copies[i].from;
    const std::size_t to = first_copy + i;
#define INNOSIM_CITY_COPY_ROW(member, ...) f.member[to] = f.member[from];
    INNOSIM_CITY_FIRM_COLUMNS(INNOSIM_CITY_COPY_ROW)
#undef INNOSIM_CITY_COPY_ROW
    f.id[to] = FIRST_COPY_ID + static_cast<std::uint32_t>(i);
    copies[i].group->rows.push_back(static_cast<std::uint32_t>(to));
  }
  // Certified firms in the register: those the burn-in registered first, then at random.
  std::stable_partition(certified.rows.begin(), certified.rows.end(),
                        [&](std::uint32_t row) { return f.tech_sme_until[row] > 0; });
  const auto sme_until = static_cast<std::uint16_t>(first_tech_sme_round(context));
  for (std::size_t i = 0; i < certified.rows.size(); ++i) {
    const std::uint32_t row = certified.rows[i];
    const bool in_register = static_cast<std::int64_t>(i) < certified_in_register;
    f.tech_sme_until[row] =
        in_register ? std::max(f.tech_sme_until[row], sme_until) : std::uint16_t{0};
  }
  const std::size_t alive_before = certified_found + registered_found + candidates_found;
  world.firms.compact(keep);
  world.exited_rows = 0;
  // What firms expect of each instrument in the first year comes from the claims of the
  // burn-in's last year (Ledger::expected_fill), in a city of the start's size.
  if (alive_before > 0)
    world.ledger.scale_claims(static_cast<double>(world.firms.size()) /
                              static_cast<double>(alive_before));
  // Firms at the start count as initial, whichever way they entered the burn-in city.
  f = FirmView(world.firms);
  for (std::size_t row = 0; row < world.firms.size(); ++row) f.origin[row] = INITIAL;
  select_initial_labels(p, world, context);
}

void Entry::add_entrants(World& world, Origin origin, std::size_t count,
                         const StepContext& context) const {
  if (count == 0) return;
  const CityParams& p = p_;
  const double median = origin == SPINOFF       ? p.spinoff_revenue_median
                        : origin == TALENT_TEAM ? p.talent_team_revenue_median
                                                : p.entry_revenue_median;
  const bool science_based = origin != REGISTRATION;
  const EntryProfile profile = {
      median, p.entry_revenue_log_sd, science_based ? p.spinoff_rd_factor : 1.0,
      science_based ? p.spinoff_class1_ip_mean : 0.1 * p.spinoff_class1_ip_mean,
      science_based ? p.spinoff_direct_route_probability : p.direct_route_probability};
  const std::size_t first_row = world.firms.append(count);
  draw_attributes(world, first_row, count,
                  entrant_id(origin, context.when.step, 0, context.burn_in), origin, profile, false,
                  context);
  context.model.entrants_arrived(world, first_row, origin, context);
}

void Entry::step(World& world, const StepContext& context, StepTotals& totals) const {
  const double dt = time_.step_months / 12.0;
  // The burn-in city is burn_in_pool_factor times the scenario's, entry included.
  const double scale = context.burn_in ? p_.burn_in_pool_factor : 1.0;
  const double rates[] = {0.0, scale * p_.registrations_per_year * p_.tech_firm_share,
                          scale * p_.spinoffs_per_year * world.knowledge.spinoff_rate_factor,
                          scale * p_.talent_teams_per_year};
  const sim::StreamKey births = context.stream(PURPOSE_BIRTHS);
  for (int origin = REGISTRATION; origin <= TALENT_TEAM; ++origin) {
    sim::DrawSequence draws(births, static_cast<std::uint32_t>(origin));
    // The cap is unreachable: the scenario check keeps the mean at most half of it.
    const std::int64_t count =
        std::min<std::int64_t>(sim::poisson(draws, rates[origin] * dt), MAX_ENTRANTS_PER_STEP);
    add_entrants(world, static_cast<Origin>(origin), static_cast<std::size_t>(count), context);
    totals[static_cast<Metric>(ENTRIES_REGISTRATION + origin - REGISTRATION)] =
        static_cast<double>(count);
  }
}

}  // namespace

std::unique_ptr<Module> make_entry(const ModuleSetup& setup) { return make_module<Entry>(setup); }

}  // namespace innosim::models::city

// Knowledge sources (docs/model.md §3.8.6): universities, key labs, new R&D institutions and
// platforms sell technology contracts to the firms (money firm -> source through the book; the
// buyer's knowledge stock rises, and its class-I IP when the contract transfers a patent), claim
// the transfer subsidies, father spin-offs (a LINEAGE edge per spin-off) and are created each year
// at documented rates (enterprise labs, platforms, new R&D institutions, national key labs), which
// instruments may fund. The city's technology-contract turnover is the modelled contracts plus a
// series for the contracts of everyone else, as context.cpp does for R&D.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "models/city/city_model.hpp"
#include "models/city/modules/knowledge_rules.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

namespace {
constexpr const char* REPORT_2024 =
    "《中国科技成果转化2024年度报告(高等院校与科研院所篇)》 (2024): 37,741 deals of 4,028 "
    "universities and institutes in 2023, ≈ 9.4 each, mean 63.9万";
}  // namespace

const ParameterTable& knowledge_parameters() {
  static const ParameterTable table({
      integer(
          "knowledge_universities", 3, 0, 1.0e4, "institutions",
          "universities in the city at the start (provincial level)",
          "assumption: 信阳's undergraduate universities (信阳师范大学, 信阳农林学院, 信阳学院)",
          FIELD(knowledge_universities)),
      integer("knowledge_key_labs_provincial", 7, 0, 1.0e4, "labs",
              "provincial key laboratories at the start", FACTS_XINYANG,
              FIELD(knowledge_key_labs_provincial)),
      integer("knowledge_key_labs_national", 0, 0, 1.0e4, "labs",
              "national key laboratories at the start",
              "docs/seed-documents.md §1: 信阳 counts 7 provincial+ labs, none named national",
              FIELD(knowledge_key_labs_national)),
      integer("knowledge_platforms_provincial", 105, 0, 1.0e5, "platforms",
              "provincial innovation platforms at the start", FACTS_XINYANG,
              FIELD(knowledge_platforms_provincial)),
      integer("knowledge_platforms_national", 0, 0, 1.0e5, "platforms",
              "national innovation platforms at the start",
              "assumption: 信阳's 105 provincial+ platforms are counted as provincial",
              FIELD(knowledge_platforms_national)),
      integer("knowledge_rd_institutions", 0, 0, 1.0e4, "institutions",
              "provincial new R&D institutions (新型研发机构) at the start",
              "assumption: city counts are missing (Henan: 102 at the end of 十三五, 大河网 "
              "2021-01-18)",
              FIELD(knowledge_rd_institutions)),
      real("contracts_per_university", 9.4, 0.0, 1.0e4, "contracts/year",
           "technology contracts a university can sell a year (its transfer capacity)", REPORT_2024,
           FIELD(contracts_per_university)),
      real("contracts_per_key_lab", 9.4, 0.0, 1.0e4, "contracts/year",
           "transfer capacity of a provincial key lab",
           "calibrated: the report's mean over universities and institutes, applied to labs",
           FIELD(contracts_per_key_lab)),
      real("contracts_per_rd_institution", 9.4, 0.0, 1.0e4, "contracts/year",
           "transfer capacity of a provincial new R&D institution",
           "calibrated: the report's mean over universities and institutes",
           FIELD(contracts_per_rd_institution)),
      real("contracts_per_platform", 1.0, 0.0, 1.0e4, "contracts/year",
           "transfer capacity of a provincial platform",
           "calibrated: platforms (engineering centres, enterprise technology centres) serve "
           "mostly their host; no count found",
           FIELD(contracts_per_platform)),
      real("knowledge_national_factor", 2.0, 0.0, 100.0, "1",
           "transfer capacity and research output of a national source relative to a provincial "
           "one (a city-level source: 1 / this)",
           "calibrated: no source", FIELD(knowledge_national_factor)),
      real("research_output_university", 3.0, 0.0, 1.0e4, "1",
           "research output of a provincial university, relative to a provincial key lab (1)",
           "calibrated: weights of the spin-off lineage", FIELD(research_output_university)),
      real("research_output_rd_institution", 1.0, 0.0, 1.0e4, "1",
           "research output of a provincial new R&D institution (key lab = 1)", "calibrated",
           FIELD(research_output_rd_institution)),
      real("research_output_platform", 0.2, 0.0, 1.0e4, "1",
           "research output of a provincial platform (key lab = 1)", "calibrated",
           FIELD(research_output_platform)),
      real("tech_contract_value_mean", 63.9, 0.0, HUGE_MONEY, "万元",
           "mean value of a technology contract (lognormal)", REPORT_2024,
           FIELD(tech_contract_value_mean)),
      real("tech_contract_value_log_sd", 1.0, 0.0, 5.0, "1",
           "log standard deviation of contract values",
           "calibrated: the evidence calls the distribution very skewed (no dispersion found)",
           FIELD(tech_contract_value_log_sd)),
      integer("tech_contract_months", 12, 1, 240, "months",
              "duration of a technology contract (its edge ends after it)",
              "assumption: a one-year transfer or licence project", FIELD(tech_contract_months)),
      real("tech_contract_knowledge_gain", 0.5, 0.0, 10.0, "1",
           "the buyer's knowledge stock rises by this times the contract value",
           "calibrated: no causal estimate exists; contract values include services and "
           "consulting, hence < 1",
           FIELD(tech_contract_knowledge_gain)),
      real("tech_contract_patent_share", 0.61, 0.0, 1.0, "1",
           "share of contracts that transfer a patent (the buyer's class-I IP rises by one)",
           "《中国科技成果转化2024年度报告》: 23,006 of 37,741 deals are transfers",
           FIELD(tech_contract_patent_share)),
      real("tech_contract_outside", 21.7, 0.0, 1.0e6, "亿元/year",
           "technology-contract turnover of sellers and buyers outside the model, start year",
           "calibrated: 信阳 2022 turnover 23亿 (docs/seed-documents.md §1) less the modelled "
           "sources' expected 1.3亿",
           FIELD(tech_contract_outside)),
      real("tech_contract_outside_growth", 0.33, -1.0, 10.0, "1/year", "growth of that turnover",
           "Henan technology-contract turnover 2023: 1,367亿, +33% (河南省科技厅 via 河南日报 "
           "2024-02); fitted to Henan and 郑州 2019-2022 (docs/calibration.md §4): "
           "scenarios take the posterior with [posterior]",
           FIELD(tech_contract_outside_growth)),
      real("transfer_cost_per_contract", 30.0, 0.001, HUGE_MONEY, "万元/contract",
           "what one more contract a year costs a source (transfer office staff, brokers): "
           "subsidy money / this = extra contracts in the next round",
           "calibrated: about half the mean contract value (no source; a subsidy should not buy "
           "contracts at a multiple of their value)",
           FIELD(transfer_cost_per_contract)),
      real("new_enterprise_labs_per_year", 1.0, 0.0, 1.0e4, "labs/year",
           "provincial key labs built by firms each year (the host firm chosen by R&D)",
           "calibrated: 信阳's 2022-25 path of key labs, 7 to 10 (docs/seed-documents.md §1)",
           FIELD(new_enterprise_labs_per_year)),
      real("new_national_key_labs_per_year", 0.0, 0.0, 1.0e4, "labs/year",
           "national key labs created each year", "assumption: none in 信阳",
           FIELD(new_national_key_labs_per_year)),
      real("new_platforms_per_year", 15.0, 0.0, 1.0e4, "platforms/year",
           "provincial platforms created each year",
           "calibrated: 信阳's 2022-25 path of platforms, 105 to 150 (docs/seed-documents.md §1)",
           FIELD(new_platforms_per_year)),
      real("new_rd_institutions_per_year", 0.5, 0.0, 1.0e4, "institutions/year",
           "provincial new R&D institutions recognised each year",
           "assumption: Henan's 102 over 十三五 (大河网 2021-01-18) spread over 18 cities",
           FIELD(new_rd_institutions_per_year)),
      real("enterprise_lab_knowledge", 100.0, 0.0, HUGE_MONEY, "万元",
           "knowledge a firm gains when it builds a provincial key lab",
           "calibrated: of the order of the lab award (郑州 clause 七: 100万)",
           FIELD(enterprise_lab_knowledge)),
      real("spinoff_output_elasticity", 1.0, 0.0, 5.0, "1",
           "the spin-off rate scales with (research output / starting output)^this",
           "calibrated: spin-offs per university are proportional to its deals (《中国科技成果转化"
           "2024年度报告》: 472 equity deals of 37,741)",
           FIELD(spinoff_output_elasticity)),
      real("talent_teams_initial", 0.0, 0.0, 1.0e6, "teams",
           "talent teams in the city at the start (the cumulative count starts here)",
           "assumption: city stocks are set per scenario (郑州 75, docs/seed-documents.md §2)",
           FIELD(talent_teams_initial)),
  });
  return table;
}

namespace {

/// Block offsets of PURPOSE_KNOWLEDGE: draw sequences of sources and of the yearly creation
/// (agents: the source index, or CREATION_AGENT + kind) use blocks from 0; a firm's draws use
/// single blocks from FIRM_BLOCK, so the two never meet.
constexpr std::uint32_t FIRM_BLOCK = 1u << 30;
constexpr std::uint32_t BUYER_BLOCK = FIRM_BLOCK;
constexpr std::uint32_t SPINOFF_BLOCK = FIRM_BLOCK + 1;
constexpr std::uint32_t HOST_BLOCK = FIRM_BLOCK + 2;
constexpr std::uint32_t ORDER_BLOCK = FIRM_BLOCK + 3;  ///< a source's claim order
constexpr std::uint32_t CREATION_AGENT = 0xFFFF'FF00u;

class KnowledgeModule final : public Module {
 public:
  explicit KnowledgeModule(const ModuleSetup& setup)
      : p_(setup.params), instruments_(setup.instruments), time_(setup.time) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "knowledge",
        "universities, labs, new R&D institutions and platforms: technology contracts to "
        "firms, transfer subsidies, spin-off lineage, new sources each year",
        {Phase::START, Phase::ENTRANTS, Phase::YEAR_START, Phase::ROUNDS, Phase::PAYMENTS,
         Phase::RECORD},
        {},
        {"alive", "knowledge", "rd_reported_last_year", "cash", "ip_class1", "graph_vertex",
         "tier"},
        {TECH_CONTRACT_TURNOVER, TECH_CONTRACT_TURNOVER_MODELLED, TECH_CONTRACT_TURNOVER_GROWTH,
         TECH_CONTRACTS, SPINOFFS_LINKED, KEY_LABS, KEY_LABS_NATIONAL, PLATFORMS,
         NEW_RD_INSTITUTIONS, TALENT_TEAMS_TOTAL},
        {{PURPOSE_KNOWLEDGE, 0, ALL_BLOCKS}}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    KnowledgeState& k = world.knowledge;
    const auto add_many = [&](std::int64_t count, std::uint8_t type, std::uint8_t level) {
      for (std::int64_t i = 0; i < count; ++i) add_source(world, type, level);
    };
    add_many(p_.knowledge_universities, UNIVERSITY, PROVINCIAL_LEVEL);
    add_many(p_.knowledge_key_labs_provincial, KEY_LAB, PROVINCIAL_LEVEL);
    add_many(p_.knowledge_key_labs_national, KEY_LAB, NATIONAL_LEVEL);
    add_many(p_.knowledge_rd_institutions, NEW_RD_INSTITUTION, PROVINCIAL_LEVEL);
    add_many(p_.knowledge_platforms_provincial, PLATFORM, PROVINCIAL_LEVEL);
    add_many(p_.knowledge_platforms_national, PLATFORM, NATIONAL_LEVEL);
    k.research_output_start = research_output(k);
    k.talent_teams_total = p_.talent_teams_initial;
    record_at(world, context, 0);
  }

  void entrants(World& world, std::size_t first_row, Origin origin,
                const StepContext& context) const override {
    if (context.burn_in) return;
    KnowledgeState& k = world.knowledge;
    if (origin == TALENT_TEAM) {
      k.talent_teams_total += static_cast<double>(world.firms.size() - first_row);
      return;
    }
    if (origin != SPINOFF || k.sources.empty()) return;
    const double total = research_output(k);
    if (total <= 0.0) return;
    FirmView f(world.firms);
    const sim::StreamKey stream = context.stream(PURPOSE_KNOWLEDGE);
    const std::int32_t month = month_index(context.when.year, context.when.first_month);
    for (std::size_t row = first_row; row < world.firms.size(); ++row) {
      // The parent: a source drawn by research output, keyed by the entrant's id.
      const sim::PhiloxBlock words = stream.block(f.id[row], SPINOFF_BLOCK);
      const double target = sim::u01_double(words[0], words[1]) * total;
      std::size_t parent = 0;
      double cumulative = 0.0;
      for (; parent + 1 < k.sources.size(); ++parent) {
        cumulative += k.sources[parent].research_output;
        if (target < cumulative) break;
      }
      world.network.connect(k.sources[parent].vertex, world.network.firm_vertex(f, row),
                            {EdgeType::LINEAGE, month, -1, 0.0f});
      k.spinoffs_linked += 1.0;
    }
  }

  void year_start(World& world, const StepContext& context) const override {
    if (context.burn_in) return;
    KnowledgeState& k = world.knowledge;
    for (KnowledgeSource& source : k.sources) {
      source.turnover_last_year = source.turnover_year;
      source.turnover_year = 0.0;
    }
    k.turnover_last_year = k.turnover_year;
    k.turnover_year = 0.0;
    k.contracts_year = 0.0;
    // The scenario's starting stocks are the start year's figures: new sources from the next
    // year on.
    if (context.when.year > context.model.calendar(0).year) create_sources(world, context);
    sell_contracts(world, context);
    for (KnowledgeSource& source : k.sources) source.capacity_bonus = 0.0;
    // The spin-off channel of entry.cpp scales with the sources' research output.
    const double output = research_output(k);
    k.spinoff_rate_factor =
        k.research_output_start > 0.0 && output != k.research_output_start
            ? std::pow(output / k.research_output_start, p_.spinoff_output_elasticity)
            : 1.0;
  }

  void rounds(World& world, const StepContext& context, StepTotals&) const override {
    if (context.burn_in || !context.when.starts_year()) return;
    // Transfer subsidies (郑州 clauses 十四, 十五): each source claims on last year's turnover.
    const sim::StreamKey stream = context.stream(PURPOSE_KNOWLEDGE);
    const KnowledgeState& k = world.knowledge;
    for (std::size_t index = 0; index < k.sources.size(); ++index) {
      const KnowledgeSource& source = k.sources[index];
      if (source.turnover_last_year <= 0.0) continue;
      const auto key = static_cast<std::uint32_t>(index);
      const sim::PhiloxBlock order = stream.block(key, ORDER_BLOCK);
      claim(world, Trigger::TECH_TRANSFER, source, key, order[0],
            sim::Money(source.turnover_last_year));
      claim(world, Trigger::CONTRACT_REGISTRATION, source, key, order[1],
            sim::Money(source.turnover_last_year));
    }
  }

  void payments(World& world, const StepContext& context, StepTotals&) const override {
    if (context.burn_in) return;
    KnowledgeState& k = world.knowledge;
    // Money paid to a source buys transfer capacity for the next round.
    for (const InstitutionPayment& payment : world.institution_payments) {
      if (!is_knowledge_trigger(instruments_.all()[payment.instrument].trigger)) continue;
      KnowledgeSource& source = k.sources[payment.institution];
      source.capacity_bonus += payment.amount.value() / p_.transfer_cost_per_contract;
    }
    // Contracts end at their term, or with the buyer (before the network releases its vertex).
    const std::int32_t month = month_index(context.when.year, context.when.last_month);
    end_relations(world, k.contracts, month);
  }

  void record(World& world, const StepContext& context, const StepTotals&) const override {
    record_at(world, context, static_cast<std::size_t>(context.when.step + 1));
  }

 private:
  void add_source(World& world, std::uint8_t type, std::uint8_t level) const {
    KnowledgeState& k = world.knowledge;
    KnowledgeSource source;
    source.type = type;
    source.level = level;
    source.vertex = world.network.add_institution(VertexKind::KNOWLEDGE_SOURCE, type, level,
                                                  static_cast<std::uint32_t>(k.sources.size()));
    source.account =
        world.book.open(KNOWLEDGE_ACCOUNT, recipient_class_of(KNOWLEDGE_ACCOUNT), false);
    const double scale = level == NATIONAL_LEVEL ? p_.knowledge_national_factor
                         : level == CITY_LEVEL   ? 1.0 / p_.knowledge_national_factor
                                                 : 1.0;
    const double capacity[] = {p_.contracts_per_university, p_.contracts_per_key_lab,
                               p_.contracts_per_rd_institution, p_.contracts_per_platform};
    const double output[] = {p_.research_output_university, 1.0, p_.research_output_rd_institution,
                             p_.research_output_platform};
    source.transfer_capacity = scale * capacity[type];
    source.research_output = scale * output[type];
    k.sources.push_back(source);
  }

  [[nodiscard]] static double research_output(const KnowledgeState& k) {
    double total = 0.0;
    for (const KnowledgeSource& source : k.sources) total += source.research_output;
    return total;
  }

  void claim(World& world, Trigger trigger, const KnowledgeSource& source, std::uint32_t index,
             std::uint32_t order, sim::Money base) const {
    if (!instruments_.pays_on(trigger)) return;
    Application application;
    application.trigger = trigger;
    application.order_key = order;
    application.base = base;
    application.account = static_cast<std::int32_t>(source.account);
    application.institution = index;
    world.applications.push_back(application);
  }

  /// New sources of the year (a yearly rule at documented rates): national key labs, platforms
  /// and new R&D institutions claim their award as institutions; a lab built by a firm adds to
  /// the host's knowledge and the host claims enterprise_lab_created.
  void create_sources(World& world, const StepContext& context) const {
    const sim::StreamKey stream = context.stream(PURPOSE_KNOWLEDGE);
    const double rates[] = {p_.new_national_key_labs_per_year, p_.new_platforms_per_year,
                            p_.new_rd_institutions_per_year, p_.new_enterprise_labs_per_year};
    const std::uint8_t types[] = {KEY_LAB, PLATFORM, NEW_RD_INSTITUTION, KEY_LAB};
    const std::uint8_t levels[] = {NATIONAL_LEVEL, PROVINCIAL_LEVEL, PROVINCIAL_LEVEL,
                                   PROVINCIAL_LEVEL};
    const Trigger triggers[] = {Trigger::KEY_LAB_CREATED, Trigger::PLATFORM_CREATED,
                                Trigger::RD_INSTITUTION_RECOGNISED,
                                Trigger::ENTERPRISE_LAB_CREATED};
    for (std::uint32_t kind = 0; kind < 4; ++kind) {
      if (rates[kind] <= 0.0) continue;
      sim::DrawSequence draws(stream, CREATION_AGENT + kind);
      const std::int64_t count = sim::poisson(draws, rates[kind]);
      for (std::int64_t i = 0; i < count; ++i) {
        const std::size_t host = kind == 3 ? lab_host(world, context, i) : Network::NO_ROW;
        if (kind == 3 && host == Network::NO_ROW) break;
        add_source(world, types[kind], levels[kind]);
        const auto index = static_cast<std::uint32_t>(world.knowledge.sources.size() - 1);
        if (kind == 3) {
          FirmView f(world.firms);
          f.knowledge[host] += static_cast<float>(p_.enterprise_lab_knowledge);
          world.knowledge.enterprise_labs += 1.0;
          instruments_.claim(world.applications, static_cast<std::uint32_t>(host), f.id[host],
                             Trigger::ENTERPRISE_LAB_CREATED, stream);
        } else {
          claim(world, triggers[kind], world.knowledge.sources.back(), index,
                stream.block(index, ORDER_BLOCK)[2], {});
        }
      }
    }
  }

  /// The firm that builds the `nth` enterprise lab of the year: among alive firms with R&D
  /// last year, the nth smallest race key (weight: last year's R&D, keyed by the firm id), so
  /// the year's hosts are distinct.
  std::size_t lab_host(World& world, const StepContext& context, std::int64_t nth) const {
    const ConstFirmView f(world.firms);
    const sim::StreamKey stream = context.stream(PURPOSE_KNOWLEDGE);
    std::vector<std::pair<double, std::uint32_t>> keys;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] == 0 || f.rd_reported_y1[row] <= 0.0f) continue;
      keys.emplace_back(race_key(stream.block(f.id[row], HOST_BLOCK)[0], f.rd_reported_y1[row]),
                        static_cast<std::uint32_t>(row));
    }
    if (static_cast<std::int64_t>(keys.size()) <= nth) return Network::NO_ROW;
    const auto at = keys.begin() + nth;
    std::nth_element(keys.begin(), at, keys.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : f.id[a.second] < f.id[b.second];
    });
    return at->second;
  }

  /// The year's round: each source sells Poisson(capacity + bonus) contracts (drawn from its
  /// own sequence, keyed by its index); the buyers are the firms with the smallest race keys
  /// E / (knowledge + last year's R&D), E exponential keyed by the firm id (weighted sampling
  /// without replacement: at most one contract per firm and year), taken by the sources in
  /// index order.
  void sell_contracts(World& world, const StepContext& context) const {
    KnowledgeState& k = world.knowledge;
    const sim::StreamKey stream = context.stream(PURPOSE_KNOWLEDGE);
    std::vector<std::int64_t> counts(k.sources.size(), 0);
    std::vector<sim::DrawSequence> draws;
    draws.reserve(k.sources.size());
    std::int64_t total = 0;
    for (std::size_t index = 0; index < k.sources.size(); ++index) {
      draws.emplace_back(stream, static_cast<std::uint32_t>(index));
      const double mean = k.sources[index].transfer_capacity + k.sources[index].capacity_bonus;
      counts[index] = mean > 0.0 ? sim::poisson(draws.back(), mean) : 0;
      total += counts[index];
    }
    if (total == 0) return;
    FirmView f(world.firms);
    std::vector<std::pair<double, std::uint32_t>> keys;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      const float weight = f.knowledge[row] + f.rd_reported_y1[row];
      if (f.alive[row] == 0 || !(weight > 0.0f)) continue;
      keys.emplace_back(race_key(stream.block(f.id[row], BUYER_BLOCK)[0], weight),
                        static_cast<std::uint32_t>(row));
    }
    const auto by_key = [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : f.id[a.second] < f.id[b.second];
    };
    const std::size_t buyers = std::min(keys.size(), static_cast<std::size_t>(total));
    std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(buyers), keys.end(),
                      by_key);
    const std::int32_t month = month_index(context.when.year, context.when.first_month);
    const double sigma = p_.tech_contract_value_log_sd;
    const double median = p_.tech_contract_value_mean * std::exp(-0.5 * sigma * sigma);
    std::size_t next = 0;
    for (std::size_t index = 0; index < k.sources.size() && next < buyers; ++index) {
      KnowledgeSource& source = k.sources[index];
      for (std::int64_t c = 0; c < counts[index] && next < buyers; ++c, ++next) {
        const std::uint32_t row = keys[next].second;
        const double u1 = draws[index].next_u01();
        const double u2 = draws[index].next_u01();
        const double z =
            std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * std::numbers::pi * u2);
        const sim::Yuan yuan = sim::to_yuan(sim::Money(median * std::exp(sigma * z)));
        if (yuan <= 0) continue;
        const double value = sim::to_wan(yuan).value();
        world.book.transfer(world.accounts.firms, source.account, yuan);
        f.cash[row] -= sim::MoneyColumn(static_cast<float>(value));
        f.knowledge[row] += static_cast<float>(p_.tech_contract_knowledge_gain * value);
        if (draws[index].next_u01() < p_.tech_contract_patent_share && f.ip_class1[row] < 0xFFFF) {
          f.ip_class1[row] = static_cast<std::uint16_t>(f.ip_class1[row] + 1);
          // The seller's patent leaves the stock outside the firms (context module).
          k.patents_transferred += 1.0;
        }
        const Network::Vertex buyer = world.network.firm_vertex(f, row);
        const Network::Edge edge =
            world.network.connect(source.vertex, buyer,
                                  {EdgeType::TECH_CONTRACT, month,
                                   month + static_cast<std::int32_t>(p_.tech_contract_months),
                                   static_cast<float>(value)});
        k.contracts.push_back(
            {edge, buyer, month + static_cast<std::int32_t>(p_.tech_contract_months)});
        source.turnover_year += value;
        k.turnover_year += value;
        k.contracts_year += 1.0;
      }
    }
  }

  void record_at(const World& world, const StepContext& context, std::size_t point) const {
    const KnowledgeState& k = world.knowledge;
    sim::SeriesBuffer& out = *context.series;
    const int year = point == 0 ? context.model.calendar(0).year : context.when.year;
    const double outside =
        p_.tech_contract_outside *
        std::pow(1.0 + p_.tech_contract_outside_growth, year - context.model.calendar(0).year);
    const double outside_last =
        p_.tech_contract_outside *
        std::pow(1.0 + p_.tech_contract_outside_growth, year - 1 - context.model.calendar(0).year);
    const double city = outside + k.turnover_year / 1.0e4;
    const double city_last = outside_last + k.turnover_last_year / 1.0e4;
    out.at(TECH_CONTRACT_TURNOVER, point) = city;
    out.at(TECH_CONTRACT_TURNOVER_MODELLED, point) = k.turnover_year / 1.0e4;
    out.at(TECH_CONTRACT_TURNOVER_GROWTH, point) =
        point > 0 && city_last > 0.0 ? city / city_last - 1.0 : 0.0;
    out.at(TECH_CONTRACTS, point) = k.contracts_year;
    out.at(SPINOFFS_LINKED, point) = k.spinoffs_linked;
    double labs = 0.0, labs_national = 0.0, platforms = 0.0, institutions = 0.0;
    for (const KnowledgeSource& source : k.sources) {
      if (source.level < PROVINCIAL_LEVEL) continue;
      labs += source.type == KEY_LAB ? 1.0 : 0.0;
      labs_national += source.type == KEY_LAB && source.level == NATIONAL_LEVEL ? 1.0 : 0.0;
      platforms += source.type == PLATFORM ? 1.0 : 0.0;
      institutions += source.type == NEW_RD_INSTITUTION ? 1.0 : 0.0;
    }
    out.at(KEY_LABS, point) = labs;
    out.at(KEY_LABS_NATIONAL, point) = labs_national;
    out.at(PLATFORMS, point) = platforms;
    out.at(NEW_RD_INSTITUTIONS, point) = institutions;
    out.at(TALENT_TEAMS_TOTAL, point) = k.talent_teams_total;
  }

  const CityParams& p_;
  const InstrumentSet& instruments_;
  sim::TimeAxis time_;
};

}  // namespace

std::unique_ptr<Module> make_knowledge(const ModuleSetup& setup) {
  return make_module<KnowledgeModule>(setup);
}

}  // namespace innosim::models::city

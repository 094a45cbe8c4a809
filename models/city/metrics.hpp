// The city model's metrics, declared once in INNOSIM_CITY_METRICS: the enum, the names, units,
// kinds (stock or flow) and descriptions that the HDF5 attributes and the terminal summary use
// are generated from it, and docs/hdf5-layout.md is checked against it. Adding a metric: a line
// here, the module that fills it (docs/architecture.md, "How to add a metric").
// One spending metric per instrument follows the fixed ones (then claims and payments per
// instrument, then the flow block: flow_metric_base()).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "sim/run/model.hpp"

namespace innosim::models::city {

// clang-format off
/// X(enumerator, name, unit, kind, description). Stocks are read at a point; flows (unit
/// "…/step") are amounts during the step that ends at the point.
#define INNOSIM_CITY_METRICS(X)                                                                   \
  X(FIRMS_ALIVE, "firms_alive", "firms", STOCK, "alive firms")                                    \
  X(FIRMS_CANDIDATE, "firms_candidate", "firms", STOCK,                                           \
    "alive firms in no register (tier candidate)")                                                \
  X(FIRMS_TECH_SME, "firms_tech_sme", "firms", STOCK,                                             \
    "tier tech_sme: in the tech-SME register, no higher rung")                                    \
  X(FIRMS_HIGH_TECH, "firms_high_tech", "firms", STOCK,                                           \
    "tier high_tech: certified, neither gazelle nor leader")                                      \
  X(FIRMS_GAZELLE, "firms_gazelle", "firms", STOCK, "tier gazelle: gazelle label, not leader")    \
  X(FIRMS_LEADER, "firms_leader", "firms", STOCK, "tier leader: innovation-leader label")         \
  X(REGISTER_TECH_SME, "register_tech_sme", "firms", STOCK,                                       \
    "firms in the tech-SME register (the documents' count)")                                      \
  X(REGISTER_HIGH_TECH, "register_high_tech", "firms", STOCK,                                     \
    "firms with a valid high-tech certificate")                                                   \
  X(LABEL_GAZELLE, "label_gazelle", "firms", STOCK, "firms labelled gazelle (瞪羚)")              \
  X(LABEL_LEADER, "label_leader", "firms", STOCK, "firms labelled innovation leader (创新龙头)")  \
  X(LABEL_LITTLE_GIANT, "label_little_giant", "firms", STOCK,                                     \
    "firms labelled little giant (专精特新小巨人)")                                               \
  X(LABEL_FLEDGLING, "label_fledgling", "firms", STOCK, "firms labelled fledgling (雏鹰)")        \
  X(FIRMS_LISTED, "firms_listed", "firms", STOCK, "alive listed firms")                           \
  X(FIRMS_OUT_OF_FUNDS, "firms_out_of_funds", "firms", STOCK,                                     \
    "alive firms out of cash and credit (they stop R&D and face the distress hazard)")            \
  X(ENTRIES_REGISTRATION, "entries_registration", "firms/step", FLOW,                             \
    "new technology firms registered in the step")                                                \
  X(ENTRIES_SPINOFF, "entries_spinoff", "firms/step", FLOW,                                       \
    "university and laboratory spin-offs founded")                                                \
  X(ENTRIES_TALENT_TEAM, "entries_talent_team", "firms/step", FLOW, "talent-team firms founded")  \
  X(EXITS_MARKET, "exits_market", "firms/step", FLOW,                                             \
    "exits attributed to the age and size hazard")                                                \
  X(EXITS_DISTRESS, "exits_distress", "firms/step", FLOW,                                         \
    "exits attributed to distress (out of cash and credit)")                                      \
  X(TECH_SME_ADMITTED, "tech_sme_admitted", "firms/step", FLOW,                                   \
    "tech-SME admissions (new and renewed)")                                                      \
  X(TECH_SME_REJECTED, "tech_sme_rejected", "firms/step", FLOW, "tech-SME applications refused")  \
  X(HIGH_TECH_GRANTED, "high_tech_granted", "firms/step", FLOW, "new high-tech certificates")      \
  X(HIGH_TECH_RENEWED, "high_tech_renewed", "firms/step", FLOW,                                   \
    "high-tech certificates renewed at expiry")                                                   \
  X(HIGH_TECH_FAILED, "high_tech_failed", "firms/step", FLOW,                                     \
    "high-tech applications refused (criteria or review)")                                        \
  X(HIGH_TECH_LAPSED, "high_tech_lapsed", "firms/step", FLOW,                                     \
    "certificates that expired without renewal")                                                  \
  X(HIGH_TECH_REVOKED, "high_tech_revoked", "firms/step", FLOW,                                   \
    "certificates revoked at the mid-term check")                                                 \
  X(HIGH_TECH_APPLICATIONS, "high_tech_applications", "firms/step", FLOW,                         \
    "high-tech applications, first and renewal (pass rate: (granted + renewed) / this)")          \
  X(HIGH_TECH_PASS_RATE, "high_tech_pass_rate", "1/step", FLOW,                                 \
    "share of the step's high-tech applications that passed, (granted + renewed) / applications " \
    "(gross of renewals, as published counts are); 0 without applications: the round is once a " \
    "year, so the sum over a year is that year's pass rate")                                     \
  X(HIGH_TECH_IP_BOUGHT, "high_tech_ip_bought", "items/step", FLOW,                               \
    "class-II IP items bought or licensed for a high-tech application")                          \
  X(HIGH_TECH_QUALIFIED, "high_tech_qualified", "firms/step", FLOW,                               \
    "firms in a high-tech round whose self-check passes (applying is then their choice)")          \
  X(HIGH_TECH_GAPS_CLOSED, "high_tech_gaps_closed", "firms/step", FLOW,                           \
    "applicants that hired tech staff or moved revenue into high-tech products to qualify")        \
  X(REVENUE_TOTAL, "revenue_total", "万元/year", STOCK, "revenue of alive firms (annual rate)")    \
  X(RD_REAL, "rd_real", "万元/step", FLOW,                                                        \
    "real R&D spending in the step (including what rd grants pay for, spent over the year)")      \
  X(RD_REPORTED, "rd_reported", "万元/step", FLOW, "R&D reported in the step (real plus relabelled)") \
  X(KNOWLEDGE_TOTAL, "knowledge_total", "万元", STOCK, "knowledge stock of alive firms")          \
  X(EMPLOYEES_TOTAL, "employees_total", "employees", STOCK, "employees of alive firms")           \
  X(IP_CLASS1, "ip_class1", "items", STOCK, "class-I IP held by alive firms")                     \
  X(IP_CLASS2, "ip_class2", "items", STOCK, "class-II IP held by alive firms")                    \
  X(IP_CLASS1_NEW, "ip_class1_new", "items/step", FLOW, "class-I IP granted in the step")         \
  X(IP_CLASS2_NEW, "ip_class2_new", "items/step", FLOW, "class-II IP granted in the step")        \
  X(SPENDING_RD_SUPER_DEDUCTION, "spending_rd_super_deduction", "万元/step", FLOW,                \
    "tax forgone through the R&D super-deduction (national instrument)")                          \
  X(SPENDING_HIGH_TECH_TAX_RATE, "spending_high_tech_tax_rate", "万元/step", FLOW,                \
    "tax forgone through the 15% rate of high-tech firms (national instrument)")                  \
  X(SPENDING_INSTRUMENTS, "spending_instruments", "万元/step", FLOW,                              \
    "paid by all scenario instruments together")                                                  \
  X(CITY_GDP, "city_gdp", "亿元/year", STOCK, "the city's GDP (scenario series)")                  \
  X(CITY_POPULATION, "city_population", "万人", STOCK, "resident population (scenario series)")    \
  X(CITY_RD_FIRMS, "city_rd_firms", "亿元/year", STOCK,                                            \
    "R&D the modelled firms report, at the point's annual rate")                                 \
  X(CITY_RD_TOTAL, "city_rd_total", "亿元/year", STOCK,                                            \
    "the city's R&D: the firms' plus the series outside them")                                  \
  X(CITY_RD_INTENSITY, "city_rd_intensity", "% of GDP", STOCK, "the city's R&D / GDP")           \
  X(CITY_PATENTS_PER_10K, "city_patents_per_10k", "items per 10,000 people", STOCK,               \
    "invention patents (the firms' class-I IP plus the series outside them) per 10,000 people")  \
  X(FIRMS_LINKED, "firms_linked", "firms", STOCK,                                                 \
    "alive firms with a relation in the network (a vertex)")                                      \
  /* Outputs of the network and the money (docs/model.md §3.8.8). */                              \
  X(PRIVATE_PER_PUBLIC, "private_per_public_yuan", "yuan per yuan", STOCK,                        \
    "private money leveraged per public yuan: cumulative flows from private investors into "      \
    "funds and firms / cumulative flows from programmes (0 before any public yuan)")              \
  X(NETWORK_EDGES, "network_edges", "edges", STOCK, "live relations (edges) of every type")       \
  X(NETWORK_COMPONENTS, "network_components", "components", STOCK,                                \
    "weakly connected components among linked vertices, at the last year end")                    \
  X(NETWORK_LARGEST_COMPONENT, "network_largest_component", "vertices", STOCK,                    \
    "vertices of the largest weakly connected component, at the last year end")                   \
  X(NETWORK_MAX_INSTITUTION_DEGREE, "network_max_institution_degree", "edges", STOCK,             \
    "most relations of any one institution (in + out degree), at the last year end")  \
  X(INCUBATORS_CITY, "incubators_city", "incubators", STOCK,                                       \
    "incubators and maker spaces recognised at city level")                                       \
  X(INCUBATORS_PROVINCIAL, "incubators_provincial", "incubators", STOCK,                           \
    "incubators and maker spaces recognised at provincial level")                                 \
  X(INCUBATORS_NATIONAL, "incubators_national", "incubators", STOCK,                               \
    "incubators and maker spaces recognised at national level")                                   \
  X(INCUBATORS_PROVINCIAL_PLUS, "incubators_provincial_plus", "incubators", STOCK,                 \
    "provincial and national incubators and maker spaces (the documents' target)")                \
  X(INCUBATION_PLACES, "incubation_places", "firms", STOCK, "tenant places of all incubators")    \
  X(FIRMS_INCUBATED, "firms_incubated", "firms", STOCK, "alive firms in incubation (tenants)")     \
  X(INCUBATION_ADMISSIONS, "incubation_admissions", "firms/step", FLOW,                           \
    "young firms admitted as tenants in the step")                                                \
  X(INCUBATION_GRADUATIONS, "incubation_graduations", "firms/step", FLOW,                         \
    "tenants that graduated in the step (time limit or size)")                                    \
  X(INCUBATOR_UPGRADES, "incubator_upgrades", "incubators/step", FLOW,                            \
    "incubators recognised at a higher level in the step")  \
  X(LOANS_APPROVED, "loans_approved", "loans/step", FLOW,                                         \
    "technology loans approved by the banks (docs/model.md §3.8.4)")                              \
  X(LOANS_TECH_SME, "loans_tech_sme", "loans/step", FLOW,                                         \
    "technology loans approved to firms in the tech-SME register")                                \
  X(LOANS_OUTSTANDING, "loans_outstanding", "loans", STOCK, "technology loans outstanding")        \
  X(LOANS_OUTSTANDING_AMOUNT, "loans_outstanding_amount", "万元", STOCK,                          \
    "principal of the technology loans outstanding")                                              \
  X(LOAN_DEFAULTS, "loan_defaults", "loans/step", FLOW,                                           \
    "technology loans defaulted (the borrower exited or ran out of funds)")                       \
  X(LOAN_POOL_COMPENSATION, "loan_pool_compensation", "万元/step", FLOW,                          \
    "principal losses the loss-compensation pool (loan_loss instruments) paid the banks")         \
  X(LOAN_POOL_BALANCE, "loan_pool_balance", "万元", STOCK,                                        \
    "what is left of this year's budget of the loss-compensation pool (loan_loss instruments)")  \
  /* knowledge (docs/model.md §3.8.6) */                                                          \
  X(TECH_CONTRACT_TURNOVER, "tech_contract_turnover", "亿元/year", STOCK,                          \
    "the city's technology-contract turnover this calendar year: the modelled contracts plus "   \
    "the series outside them")                                                                    \
  X(TECH_CONTRACT_TURNOVER_MODELLED, "tech_contract_turnover_modelled", "亿元/year", STOCK,        \
    "value of the contracts the modelled sources sold to modelled firms this calendar year")      \
  X(TECH_CONTRACT_TURNOVER_GROWTH, "tech_contract_turnover_growth", "1", STOCK,                   \
    "the city's turnover this year over last year's, less 1")                                    \
  X(TECH_CONTRACTS, "tech_contracts", "contracts/year", STOCK,                                    \
    "contracts the modelled sources sold this calendar year")                                    \
  X(SPINOFFS_LINKED, "spinoffs_linked", "firms", STOCK,                                           \
    "spin-offs of the run linked to a knowledge source (cumulative)")                            \
  X(KEY_LABS, "key_labs", "labs", STOCK, "provincial and national key laboratories")             \
  X(KEY_LABS_NATIONAL, "key_labs_national", "labs", STOCK, "national key laboratories")          \
  X(PLATFORMS, "platforms", "platforms", STOCK, "provincial and national innovation platforms")  \
  X(NEW_RD_INSTITUTIONS, "new_rd_institutions", "institutions", STOCK,                            \
    "provincial and national new R&D institutions")                                              \
  X(TALENT_TEAMS_TOTAL, "talent_teams_total", "teams", STOCK,                                     \
    "talent teams: the starting stock plus the talent-team firms founded in the run")            \
  /* spillovers (docs/model.md §3.8.7) */                                                         \
  X(SUPPLY_EDGES, "supply_edges", "edges", STOCK, "supply relations of leaders and gazelles")    \
  X(SUPPLIERS_REACHED, "suppliers_reached", "firms", STOCK,                                       \
    "firms a leader reached over supply edges in the year's spillover round")                    \
  X(SPILLOVER_KNOWLEDGE, "spillover_knowledge", "万元/year", STOCK,                               \
    "knowledge the year's spillover round added to suppliers")  \
  X(VC_UNDER_MANAGEMENT, "vc_under_management", "万元", STOCK,                                    \
    "venture capital managed by the city's funds: their cash plus the cost of live holdings")     \
  X(EQUITY_ROUNDS, "equity_rounds", "rounds/step", FLOW,                                          \
    "investments made (a fund's round in a firm, first or follow-on; co-investment counts once)") \
  X(EQUITY_INVESTED, "equity_invested", "万元/step", FLOW, "money invested in firms by the funds") \
  X(EQUITY_ROUNDS_TECH_SME, "equity_rounds_tech_sme", "rounds/step", FLOW,                        \
    "investments made in registered tech SMEs")                                                   \
  X(EQUITY_EXITS_IPO, "equity_exits_ipo", "holdings/step", FLOW,                                  \
    "holdings sold after the firm listed")                                                        \
  X(EQUITY_EXITS_TRADE_SALE, "equity_exits_trade_sale", "holdings/step", FLOW,                    \
    "holdings sold to a buyer (trade sale, share transfer or buy-back)")                          \
  X(EQUITY_WRITE_OFFS, "equity_write_offs", "holdings/step", FLOW,                                \
    "holdings written off because the firm exited")                                               \
  X(EQUITY_FIRMS_BACKED, "equity_firms_backed", "firms", STOCK,                                   \
    "firms in which some fund holds a stake")                                                     \
  X(EQUITY_PRIVATE_PER_PUBLIC, "equity_private_per_public", "1", STOCK,                           \
    "private money invested alongside the guidance fund per yuan it invested, cumulative")
// clang-format on

enum Metric : std::size_t {
#define INNOSIM_CITY_METRIC_ENUM(enumerator, ...) enumerator,
  INNOSIM_CITY_METRICS(INNOSIM_CITY_METRIC_ENUM)
#undef INNOSIM_CITY_METRIC_ENUM
      FIXED_METRIC_COUNT
};

/// Index of the first metric of the flow block (/flows): after the fixed metrics and the
/// spending, claims and payments of each instrument. Metric flow_metric_base + source kind ×
/// RECIPIENT_CLASS_COUNT + recipient class holds the step's flow in yuan.
[[nodiscard]] constexpr std::size_t flow_metric_base(std::size_t instruments) {
  return FIXED_METRIC_COUNT + 3 * instruments;
}

/// The fixed metrics, in enum order.
[[nodiscard]] const std::vector<sim::MetricInfo>& fixed_metrics();

/// Flows gathered during a step, by metric (stocks stay 0). Chunks of the firm pass each fill
/// their own and are summed in chunk order, so the sums never depend on the thread count.
struct StepTotals {
  std::array<double, FIXED_METRIC_COUNT> values{};

  double& operator[](Metric metric) { return values[metric]; }
  double operator[](Metric metric) const { return values[metric]; }
  void add(const StepTotals& other) {
    for (std::size_t metric = 0; metric < FIXED_METRIC_COUNT; ++metric)
      values[metric] += other.values[metric];
  }
};

}  // namespace innosim::models::city

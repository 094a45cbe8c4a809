#include "models/city/city_params.hpp"

#include <variant>

namespace innosim::models::city {

namespace {

using sim::ParameterSpec;
using sim::ParameterType;

/// Where a parameter's value lives in CityParams (a captureless accessor per key), so that the
/// dictionary below is the only list of keys: specs, reading and docs cannot drift apart.
using Field =
    std::variant<double& (*)(CityParams&), std::int64_t& (*)(CityParams&), int& (*)(CityParams&),
                 std::string& (*)(CityParams&), sim::IntegerList& (*)(CityParams&)>;
#define FIELD(member) +[](CityParams& p) -> decltype(auto) { return (p.member); }

struct Entry {
  ParameterSpec spec;
  Field field;
};

ParameterSpec make_spec(const char* key, ParameterType type, sim::ParameterValue value,
                        double minimum, double maximum, const char* unit, const char* meaning,
                        const char* source) {
  return ParameterSpec::make(std::string("city.") + key, type, std::move(value), minimum, maximum,
                             unit, meaning, source);
}

Entry real(const char* key, double value, double minimum, double maximum, const char* unit,
           const char* meaning, const char* source, Field field) {
  return {make_spec(key, ParameterType::REAL, value, minimum, maximum, unit, meaning, source),
          field};
}

Entry integer(const char* key, std::int64_t value, double minimum, double maximum, const char* unit,
              const char* meaning, const char* source, Field field) {
  return {make_spec(key, ParameterType::INTEGER, value, minimum, maximum, unit, meaning, source),
          field};
}

constexpr double HUGE_MONEY = 1.0e12;  // 万元: an upper bound no real amount reaches
constexpr const char* RULES_SME = "rules.md (国科发政〔2017〕115号)";
constexpr const char* RULES_HTE = "rules.md (国科发火〔2016〕32号)";
constexpr const char* RULES_UPPER = "rules.md, upper tiers";
constexpr const char* FACTS_XINYANG = "facts.md 000 (信阳 2022)";
constexpr const char* STYLIZED = "rules.md, firm dynamics";

const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = [] {
    std::vector<Entry> e = {
        // --- initial population
        integer("initial_candidates", 3000, 0, 50000000, "firms",
                "technology firms in no register at the start",
                "assumption: about 4x the registered firms, as in Henan cities' firm censuses",
                FIELD(initial_candidates)),
        integer("initial_tech_sme", 503, 0, 50000000, "firms",
                "firms in the tech-SME register at the start (not high-tech)", FACTS_XINYANG,
                FIELD(initial_tech_sme)),
        integer("initial_high_tech", 233, 0, 50000000, "firms",
                "certified high-tech enterprises at the start", FACTS_XINYANG,
                FIELD(initial_high_tech)),
        real("initial_age_mean_years", 6.0, 0.0, 100.0, "years",
             "mean of the exponential age of initial firms",
             "assumption: China's ~6%/year exit rate gives a mean age near 6-8 years",
             FIELD(initial_age_mean_years)),
        real("initial_revenue_median", 600.0, 0.01, HUGE_MONEY, "万元/year",
             "median revenue of initial candidates", "assumption", FIELD(initial_revenue_median)),
        real("initial_tech_sme_revenue_median", 2000.0, 0.01, HUGE_MONEY, "万元/year",
             "median revenue of initial tech SMEs", "assumption",
             FIELD(initial_tech_sme_revenue_median)),
        real("initial_high_tech_revenue_median", 8000.0, 0.01, HUGE_MONEY, "万元/year",
             "median revenue of initial high-tech enterprises",
             "assumption: Henan HTE median revenue is several thousand 万元",
             FIELD(initial_high_tech_revenue_median)),
        real("initial_revenue_log_sd", 1.5, 0.0, 5.0, "1", "sigma of log revenue of initial firms",
             "assumption: lognormal body of the size distribution (Axtell 2001)",
             FIELD(initial_revenue_log_sd)),
        // --- entry
        real("registrations_per_year", 13000.0, 0.0, 1.0e8, "firms/year",
             "new enterprises registered in the city per year, of every kind",
             "facts.md 002: 新乡 13,000 a year", FIELD(registrations_per_year)),
        real("tech_firm_share", 0.03, 0.0, 1.0, "1",
             "share of registrations that are technology firms (they enter the model, Poisson)",
             "assumption: ~3% of new enterprises are technology-based", FIELD(tech_firm_share)),
        real("spinoffs_per_year", 10.0, 0.0, 1.0e6, "firms/year",
             "university and laboratory spin-offs per year (Poisson)", "assumption",
             FIELD(spinoffs_per_year)),
        real("talent_teams_per_year", 20.0, 0.0, 1.0e6, "firms/year",
             "firms founded by recruited innovation/entrepreneur talent teams per year",
             "facts.md 004: 焦作 80 (2020) -> 180 (2025) teams, 20 a year",
             FIELD(talent_teams_per_year)),
        real("entry_revenue_median", 100.0, 0.01, HUGE_MONEY, "万元/year",
             "median first-year revenue of a newly registered technology firm", "assumption",
             FIELD(entry_revenue_median)),
        real("spinoff_revenue_median", 50.0, 0.01, HUGE_MONEY, "万元/year",
             "median first-year revenue of a spin-off", "assumption",
             FIELD(spinoff_revenue_median)),
        real("talent_team_revenue_median", 200.0, 0.01, HUGE_MONEY, "万元/year",
             "median first-year revenue of a talent-team firm", "assumption",
             FIELD(talent_team_revenue_median)),
        real("entry_revenue_log_sd", 1.2, 0.0, 5.0, "1", "sigma of log revenue at entry",
             "assumption", FIELD(entry_revenue_log_sd)),
        real("rd_propensity_median", 0.02, 0.0, 1.0, "1",
             "median R&D intensity a firm chooses at baseline cost (no super-deduction, 25% tax)",
             "assumption: Henan industrial R&D/revenue ~1-3%", FIELD(rd_propensity_median)),
        real("rd_propensity_log_sd", 0.7, 0.0, 5.0, "1", "sigma of log R&D propensity",
             "assumption", FIELD(rd_propensity_log_sd)),
        real("spinoff_rd_factor", 1.5, 0.0, 100.0, "1",
             "R&D propensity and knowledge of spin-offs and talent teams relative to others",
             "assumption", FIELD(spinoff_rd_factor)),
        real("rd_max", 0.5, 0.0, 1.0, "1", "cap on real R&D intensity", "assumption",
             FIELD(rd_max)),
        real("high_tech_share_median", 0.55, 0.001, 0.999, "1",
             "median share of revenue from high-tech products (logit-normal, fixed per firm)",
             "assumption", FIELD(high_tech_share_median)),
        real("high_tech_share_logit_sd", 1.0, 0.0, 10.0, "1", "sigma of its logit", "assumption",
             FIELD(high_tech_share_logit_sd)),
        real("tech_staff_base", 0.05, 0.0, 1.0, "1",
             "tech-staff share of a firm with no R&D; the share follows base + per_rd x intensity",
             "assumption", FIELD(tech_staff_base)),
        real("tech_staff_per_rd", 4.0, 0.0, 100.0, "1",
             "tech-staff share added per unit of real R&D intensity", "assumption",
             FIELD(tech_staff_per_rd)),
        real("tech_staff_log_sd", 0.3, 0.0, 5.0, "1",
             "sigma of a firm's persistent log deviation from that share", "assumption",
             FIELD(tech_staff_log_sd)),
        real("revenue_per_employee", 60.0, 0.01, HUGE_MONEY, "万元/employee/year",
             "revenue per employee; employees follow revenue",
             "assumption: Chinese tech SMEs' labour productivity", FIELD(revenue_per_employee)),
        real("spinoff_class1_ip_mean", 1.0, 0.0, 1000.0, "items",
             "mean class-I IP a spin-off brings (Poisson); others bring a tenth of it",
             "assumption", FIELD(spinoff_class1_ip_mean)),
        real("entry_class2_ip_mean", 0.5, 0.0, 1000.0, "items",
             "mean class-II IP at entry (Poisson)", "assumption", FIELD(entry_class2_ip_mean)),
        real("direct_route_probability", 0.01, 0.0, 1.0, "1",
             "chance a firm has a direct tech-SME admission route (award, institution, standard)",
             "assumption", FIELD(direct_route_probability)),
        real("spinoff_direct_route_probability", 0.2, 0.0, 1.0, "1",
             "the same for spin-offs and talent teams", "assumption",
             FIELD(spinoff_direct_route_probability)),
        real("niche_probability", 0.3, 0.0, 1.0, "1",
             "chance a firm meets the little-giant criteria the model does not represent "
             "(main business >= 90%, niche market share)",
             "assumption", FIELD(niche_probability)),
        // --- growth
        real("growth_drift", 0.04, -1.0, 1.0, "1/year",
             "drift of log revenue (nominal) of an old, large firm without knowledge",
             "assumption, calibrated to the Pareto tail (docs/model.md)", FIELD(growth_drift)),
        real("growth_young", 0.15, 0.0, 5.0, "1/year",
             "extra drift of a newborn small firm; decays with age and size",
             "rules.md: small and young firms grow faster", FIELD(growth_young)),
        real("growth_young_age_years", 3.0, 0.01, 100.0, "years",
             "age scale over which the young-firm drift decays (exponentially)", "assumption",
             FIELD(growth_young_age_years)),
        real("growth_young_size", 1000.0, 0.01, HUGE_MONEY, "万元/year",
             "revenue at which the young-firm drift is halved", "assumption",
             FIELD(growth_young_size)),
        real("growth_knowledge", 0.05, 0.0, 5.0, "1/year",
             "drift added at saturating knowledge; k/(1+k) of it at knowledge k = stock/revenue",
             "assumption; Chen et al. (AER 2021): doubling real R&D raises productivity ~9%",
             FIELD(growth_knowledge)),
        real("growth_sd", 0.45, 0.0, 5.0, "1/year",
             "standard deviation of annual log growth at the reference size (Laplace shocks)",
             "assumption; Bottazzi & Secchi: Laplace growth rates", FIELD(growth_sd)),
        real("growth_sd_size_reference", 1000.0, 0.01, HUGE_MONEY, "万元/year",
             "revenue at which growth_sd applies", "assumption", FIELD(growth_sd_size_reference)),
        real("growth_sd_size_exponent", 0.2, 0.0, 2.0, "1",
             "volatility falls with size as (revenue/reference)^-exponent", STYLIZED,
             FIELD(growth_sd_size_exponent)),
        real("growth_sd_min", 0.2, 0.0, 5.0, "1/year", "lower bound of that volatility",
             "assumption", FIELD(growth_sd_min)),
        real("growth_sd_max", 1.0, 0.0, 5.0, "1/year", "upper bound of that volatility",
             "assumption", FIELD(growth_sd_max)),
        real("min_revenue", 1.0, 0.0, HUGE_MONEY, "万元/year", "revenue never falls below this",
             "assumption", FIELD(min_revenue)),
        real("employee_adjustment_years", 1.0, 0.0, 100.0, "years",
             "time constant of employees (and tech staff) following revenue (and R&D)",
             "assumption", FIELD(employee_adjustment_years)),
        // --- R&D, knowledge, IP
        real("rd_price_elasticity", 1.0, 0.0, 10.0, "1",
             "R&D intensity scales as (user cost / baseline user cost)^-elasticity",
             "assumption: long-run user-cost elasticity ~1 (Bloom, Griffith & Van Reenen 2002)",
             FIELD(rd_price_elasticity)),
        real("knowledge_depreciation", 0.15, 0.0, 1.0, "1/year",
             "depreciation rate of the knowledge stock", "assumption: the conventional 15% (Hall)",
             FIELD(knowledge_depreciation)),
        real("class1_ip_knowledge", 2400.0, 1.0e-6, HUGE_MONEY, "万元 year",
             "knowledge stock per class-I IP item a year (Poisson rate = stock / this)",
             "assumption: ~360万 of R&D per Chinese invention patent, stock ~6.7x annual R&D",
             FIELD(class1_ip_knowledge)),
        real("class2_ip_knowledge", 600.0, 1.0e-6, HUGE_MONEY, "万元 year",
             "knowledge stock per class-II IP item a year", "assumption: 4x as many as class I",
             FIELD(class2_ip_knowledge)),
        real("bunching_window", 0.3, 0.0, 1.0, "1",
             "firms whose real R&D ratio is within this share below the high-tech threshold may "
             "bunch just above it",
             "rules.md: bunching at the thresholds (Chen et al. 2021)", FIELD(bunching_window)),
        real("bunching_probability", 0.5, 0.0, 1.0, "1", "chance such a firm bunches in a year",
             "assumption", FIELD(bunching_probability)),
        real("bunching_margin", 0.05, 0.0, 1.0, "1", "bunchers report threshold x (1 + margin)",
             "assumption", FIELD(bunching_margin)),
        real("relabel_share", 0.24, 0.0, 1.0, "1",
             "at most this share of a buncher's reported R&D is relabelled other cost",
             "rules.md: relabelling ~24% of reported R&D (Chen et al., AER 2021)",
             FIELD(relabel_share)),
        real("super_deduction_fixed_rate", 1.0, 0.0, 10.0, "1",
             "extra deduction rate when super_deduction = \"fixed\"", "scenario lever",
             FIELD(super_deduction_fixed_rate)),
        real("corporate_tax_rate", 0.25, 0.0, 1.0, "1", "standard corporate income tax rate",
             "rules.md", FIELD(corporate_tax_rate)),
        real("high_tech_tax_rate", 0.15, 0.0, 1.0, "1",
             "income tax rate of certified high-tech enterprises", RULES_HTE,
             FIELD(high_tech_tax_rate)),
        // --- cash and exit
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
        real("exit_hazard", 0.12, 0.0, 10.0, "1/year",
             "exit hazard of a newborn firm at the reference size",
             "rules.md: ~6% of Chinese firms exit a year", FIELD(exit_hazard)),
        real("exit_age_exponent", 0.5, 0.0, 5.0, "1",
             "hazard falls with age as (1 + age in years)^-exponent",
             "rules.md: exit hazard falls with age", FIELD(exit_age_exponent)),
        real("exit_size_reference", 500.0, 0.01, HUGE_MONEY, "万元/year",
             "revenue at which the size factor of the hazard is 1", "assumption",
             FIELD(exit_size_reference)),
        real("exit_size_exponent", 0.15, 0.0, 5.0, "1",
             "hazard falls with size as (revenue/reference)^-exponent (capped at 3x)",
             "rules.md: small firms exit more often", FIELD(exit_size_exponent)),
        real("distress_hazard", 0.6, 0.0, 100.0, "1/year",
             "added hazard per unit of debt/revenue above distress_leverage (cash shortfall)",
             "assumption", FIELD(distress_hazard)),
        real("distress_leverage", 0.5, 0.0, 100.0, "years",
             "debt / annual revenue above which distress adds to the hazard", "assumption",
             FIELD(distress_leverage)),
        // --- tech SME evaluation
        integer("tech_sme_month", 3, 1, 12, "month",
                "month of the annual evaluation round (admission lasts one year)",
                "rules.md: re-submit by end of March", FIELD(tech_sme_month)),
        real("tech_sme_apply_probability", 0.6, 0.0, 1.0, "1/year",
             "chance a firm outside the register applies in a round", "assumption",
             FIELD(tech_sme_apply_probability)),
        real("tech_sme_reapply_probability", 0.95, 0.0, 1.0, "1/year",
             "chance a registered firm re-submits", "assumption",
             FIELD(tech_sme_reapply_probability)),
        real("tech_sme_max_employees", 500.0, 0.0, 1.0e9, "employees", "size cap", RULES_SME,
             FIELD(tech_sme_rules.max_employees)),
        real("tech_sme_max_sales", 20000.0, 0.0, HUGE_MONEY, "万元/year", "size cap (2亿)",
             RULES_SME, FIELD(tech_sme_rules.max_sales)),
        real("tech_sme_max_assets", 20000.0, 0.0, HUGE_MONEY, "万元", "size cap (2亿)", RULES_SME,
             FIELD(tech_sme_rules.max_total_assets)),
        integer("tech_sme_pass_score", 60, 0, 100, "points", "minimum score", RULES_SME,
                FIELD(tech_sme_rules.pass_score)),
        // --- high-tech certification
        integer("high_tech_month", 10, 1, 12, "month", "month of the annual certification round",
                "assumption: Henan batches are reviewed in autumn", FIELD(high_tech_month)),
        real("high_tech_apply_probability", 0.5, 0.0, 1.0, "1/year",
             "chance an uncertified firm with IP and a year of age applies in a round",
             "assumption", FIELD(high_tech_apply_probability)),
        real("high_tech_reapply_probability", 0.9, 0.0, 1.0, "1",
             "chance a firm whose certificate expires re-applies", "assumption",
             FIELD(high_tech_reapply_probability)),
        real("high_tech_review_pass_rate", 0.77, 0.0, 1.0, "1",
             "chance the expert review passes an application that meets every criterion",
             "rules.md: observed pass rates 75-79% in Henan cities",
             FIELD(high_tech_review_pass_rate)),
        integer("high_tech_validity_years", 3, 1, 20, "years", "certificate validity", RULES_HTE,
                FIELD(high_tech_validity_years)),
        real("high_tech_audit_probability", 0.05, 0.0, 1.0, "1/year",
             "chance a certified firm below the R&D ratio in a year is found and revoked",
             "assumption: ~4,000 revocations of ~460,000 HTEs (2025), ~1 in 5 below the ratio",
             FIELD(high_tech_audit_probability)),
        real("high_tech_min_tech_staff", 0.10, 0.0, 1.0, "1", "tech staff / employees", RULES_HTE,
             FIELD(high_tech_rules.min_tech_staff_share)),
        real("high_tech_rd_ratio_small", 0.05, 0.0, 1.0, "1",
             "R&D / sales over three years, latest sales <= high_tech_small_sales", RULES_HTE,
             FIELD(high_tech_rules.rd_ratio_small)),
        real("high_tech_rd_ratio_medium", 0.04, 0.0, 1.0, "1",
             "the same up to high_tech_medium_sales", RULES_HTE,
             FIELD(high_tech_rules.rd_ratio_medium)),
        real("high_tech_rd_ratio_large", 0.03, 0.0, 1.0, "1", "the same above it", RULES_HTE,
             FIELD(high_tech_rules.rd_ratio_large)),
        real("high_tech_small_sales", 5000.0, 0.0, HUGE_MONEY, "万元/year",
             "upper end of the small band (5,000万)", RULES_HTE,
             FIELD(high_tech_rules.small_sales_limit)),
        real("high_tech_medium_sales", 20000.0, 0.0, HUGE_MONEY, "万元/year",
             "upper end of the medium band (2亿)", RULES_HTE,
             FIELD(high_tech_rules.medium_sales_limit)),
        real("high_tech_min_product_share", 0.60, 0.0, 1.0, "1",
             "high-tech products/services / revenue", RULES_HTE,
             FIELD(high_tech_rules.min_high_tech_revenue_share)),
        integer("high_tech_pass_score", 70, 0, 100, "points",
                "the innovation score must exceed this", RULES_HTE,
                FIELD(high_tech_rules.pass_score)),
        integer("high_tech_assessed_points", 56, 0, 72, "points",
                "points the model gives every applicant for the items it does not represent "
                "(IP quality 22, commercialisation 30, R&D management 20 of 72)",
                "assumption: 78% of them, the typical pass share",
                FIELD(high_tech_rules.assessed_points)),
        // --- labels
        integer("label_month", 6, 1, 12, "month",
                "month of the annual gazelle, leader, little-giant and fledgling selections",
                "assumption", FIELD(label_month)),
        real("gazelle_max_age_years", 15.0, 0.0, 200.0, "years", "gazelles are at most this old",
             RULES_UPPER, FIELD(label_rules.gazelle_max_age_years)),
        real("gazelle_min_base_sales", 1000.0, 0.0, HUGE_MONEY, "万元/year",
             "sales of the base year (three years before the last) must exceed this", RULES_UPPER,
             FIELD(label_rules.gazelle_min_base_sales)),
        real("gazelle_min_growth", 0.20, -1.0, 100.0, "1/year",
             "compound sales growth over three years", RULES_UPPER,
             FIELD(label_rules.gazelle_min_growth)),
        real("gazelle_min_rd_ratio", 0.025, 0.0, 1.0, "1", "R&D / sales must exceed this",
             RULES_UPPER, FIELD(label_rules.gazelle_min_rd_ratio)),
        real("leader_min_sales", 100000.0, 0.0, HUGE_MONEY, "万元/year",
             "sales of an innovation leader (10亿; 100亿 for 新乡's and 焦作's top group)",
             "facts.md 002, 004; rules.md", FIELD(label_rules.leader_min_sales)),
        real("leader_min_rd_ratio", 0.03, 0.0, 1.0, "1", "R&D / sales of a leader",
             "rules.md: many leaders have R&D >= 5% (assumption: 3%)",
             FIELD(label_rules.leader_min_rd_ratio)),
        real("little_giant_min_age_years", 3.0, 0.0, 200.0, "years", "years in its niche",
             RULES_UPPER, FIELD(label_rules.little_giant_min_age_years)),
        real("little_giant_min_sales", 5000.0, 0.0, HUGE_MONEY, "万元/year", "sales", RULES_UPPER,
             FIELD(label_rules.little_giant_min_sales)),
        real("little_giant_min_growth", 0.05, -1.0, 100.0, "1/year",
             "compound sales growth over two years", RULES_UPPER,
             FIELD(label_rules.little_giant_min_growth)),
        real("little_giant_max_debt_ratio", 0.75, 0.0, 100.0, "1", "debt / total assets",
             RULES_UPPER, FIELD(label_rules.little_giant_max_debt_ratio)),
        real("little_giant_min_rd_two_years", 1200.0, 0.0, HUGE_MONEY, "万元",
             "reported R&D over the last two years", RULES_UPPER,
             FIELD(label_rules.little_giant_min_rd_two_years)),
        real("little_giant_min_rd_ratio", 0.03, 0.0, 1.0, "1", "R&D / sales in each of them",
             RULES_UPPER, FIELD(label_rules.little_giant_min_rd_ratio)),
        integer("little_giant_min_class1_ip", 4, 0, 100000, "items", "class-I IP", RULES_UPPER,
                FIELD(label_rules.little_giant_min_class1_ip)),
        real("fledgling_max_age_years", 5.0, 0.0, 200.0, "years",
             "fledglings (from the tech-SME and high-tech pools) are at most this old",
             "assumption: 雏鹰 is a young-firm reserve",
             FIELD(label_rules.fledgling_max_age_years)),
        real("fledgling_min_growth", 0.20, -1.0, 100.0, "1/year", "last year's sales growth",
             "assumption", FIELD(label_rules.fledgling_min_growth)),
        integer("gazelle_quota", 0, 0, 1000000000, "firms/year",
                "at most this many gazelles a year, fastest growers first (0: no quota)",
                "scenario lever", FIELD(gazelle_quota)),
        integer("leader_quota", 0, 0, 1000000000, "firms/year",
                "at most this many leaders a year, largest first (0: no quota)", "scenario lever",
                FIELD(leader_quota)),
        integer("little_giant_quota", 0, 0, 1000000000, "firms/year",
                "at most this many little giants a year, most class-I IP first (0: no quota)",
                "scenario lever", FIELD(little_giant_quota)),
        integer("fledgling_quota", 0, 0, 1000000000, "firms/year",
                "at most this many fledglings a year, fastest growers first (0: no quota)",
                "facts.md 003: 许昌 >= 30", FIELD(fledgling_quota)),
        // --- IPO pipeline
        real("ipo_min_revenue", 30000.0, 0.0, HUGE_MONEY, "万元/year",
             "high-tech firms from this revenue may start IPO counselling", "assumption: 3亿",
             FIELD(ipo_min_revenue)),
        real("ipo_counselling_rate", 0.05, 0.0, 100.0, "1/year",
             "rate of starting IPO counselling (辅导备案)", "assumption",
             FIELD(ipo_counselling_rate)),
        real("ipo_acceptance_rate", 1.0, 0.0, 100.0, "1/year",
             "rate of the application being accepted after counselling", "assumption",
             FIELD(ipo_acceptance_rate)),
        real("ipo_listing_rate", 0.7, 0.0, 100.0, "1/year", "rate of listing after acceptance",
             "assumption", FIELD(ipo_listing_rate)),
        integer("rd_award_month", 6, 1, 12, "month",
                "month in which instruments on last year's R&D (annual_rd, top_rd_investor) pay",
                "assumption: after annual reports", FIELD(rd_award_month)),
    };
    ParameterSpec schedule = make_spec(
        "super_deduction", ParameterType::TEXT, std::string("national"), 0, 0, "choice",
        "R&D super-deduction: the national schedule by year, none, or super_deduction_fixed_rate",
        "rules.md (研发费用加计扣除)");
    schedule.choices = {"national", "none", "fixed"};
    e.push_back({schedule, FIELD(super_deduction)});
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
  }();
  return table;
}

}  // namespace

const std::vector<sim::ParameterSpec>& parameter_specs() {
  static const std::vector<sim::ParameterSpec> specs = [] {
    std::vector<sim::ParameterSpec> list;
    for (const Entry& entry : entries()) list.push_back(entry.spec);
    return list;
  }();
  return specs;
}

CityParams CityParams::from(const sim::ParameterSet& values) {
  CityParams params;
  for (const Entry& entry : entries()) {
    const std::string& key = entry.spec.key;
    std::visit(
        [&](auto field) {
          auto& target = field(params);
          using Target = std::decay_t<decltype(target)>;
          if constexpr (std::is_same_v<Target, double>) {
            target = values.real(key);
          } else if constexpr (std::is_same_v<Target, std::string>) {
            target = values.text(key);
          } else if constexpr (std::is_same_v<Target, sim::IntegerList>) {
            target = values.integer_list(key);
          } else {
            target = static_cast<Target>(values.integer(key));
          }
        },
        entry.field);
  }
  return params;
}

CityParams CityParams::defaults() { return from(sim::defaults_of(parameter_specs())); }

}  // namespace innosim::models::city

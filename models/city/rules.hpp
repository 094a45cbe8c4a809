// The national certification rules (docs/policy-rules.md §1-§2; docs/model.md §3.3)
// as pure functions of a firm's reported figures, so every threshold and score band
// can be tested at its limits without running a simulation. Money in 万元, shares in [0, 1].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace innosim::models::city {

// ---------------------------------------------------------------------------------------------
// 科技型中小企业 — tech SME evaluation (国科发政〔2017〕115号)

struct TechSmeRules {
  double max_employees = 500.0;
  double max_sales = 20000.0;         ///< 2亿
  double max_total_assets = 20000.0;  ///< 2亿
  int pass_score = 60;
};

struct TechSmeInputs {
  double employees = 0.0;
  double sales = 0.0;  ///< last completed year
  double total_assets = 0.0;
  double tech_staff_share = 0.0;  ///< tech staff / employees
  double rd = 0.0;                ///< reported R&D of the last completed year
  double total_cost = 0.0;        ///< total cost of the last completed year
  int ip_class1 = 0;
  int ip_class2 = 0;
  bool high_tech = false;           ///< holds a valid high-tech certificate (direct admission)
  bool other_direct_route = false;  ///< S&T award, provincial+ R&D institution or standard
};

struct TechSmeResult {
  bool size_ok = false;       ///< basic conditions: the size caps
  int tech_staff_points = 0;  ///< 0-20
  int rd_points = 0;          ///< 0-50, the better of the two R&D indicators
  int ip_points = 0;          ///< 0-30
  bool direct = false;        ///< admitted by a direct route
  bool admitted = false;
  [[nodiscard]] int score() const { return tech_staff_points + rd_points + ip_points; }
};

[[nodiscard]] int tech_sme_tech_staff_points(double tech_staff_share);
[[nodiscard]] int tech_sme_rd_points(double rd_to_sales, double rd_to_total_cost);
[[nodiscard]] int tech_sme_ip_points(int ip_class1, int ip_class2);
[[nodiscard]] TechSmeResult evaluate_tech_sme(const TechSmeInputs& firm, const TechSmeRules& rules);

// ---------------------------------------------------------------------------------------------
// 高新技术企业 — high-tech enterprise certification (国科发火〔2016〕32号; the score of its work
// guideline 国科发火〔2016〕195号, docs/policy-rules.md §2.3)

struct HighTechRules {
  double min_age_months = 12.0;
  double min_tech_staff_share = 0.10;
  double rd_ratio_small = 0.05;   ///< latest sales <= small_sales_limit
  double rd_ratio_medium = 0.04;  ///< small_sales_limit < sales <= medium_sales_limit
  double rd_ratio_large = 0.03;   ///< sales > medium_sales_limit
  double small_sales_limit = 5000.0;
  double medium_sales_limit = 20000.0;
  double min_high_tech_revenue_share = 0.60;
  int pass_score = 70;  ///< the score must exceed this
};

/// What the experts grade, as the model derives it from the firm (docs/model.md §3.3). Grades
/// are in [0, 1]: the position of the firm on an item's scale of points.
struct HighTechScoreInputs {
  int ip_class1 = 0;
  int ip_class2 = 0;              ///< class-II items not yet used for a certification
  int ip_bought = 0;              ///< of the items counted, those bought or licensed
  double advancement = 0.0;       ///< grade of the IP's technical advancement
  double core_support = 0.0;      ///< grade of the IP's support of the main products
  bool standards = false;         ///< took part in drafting a national or industry standard
  double conversions = 0.0;       ///< results commercialised a year, mean of three years
  double organisation = 0.0;      ///< grade of the R&D organisation and management items
  double sales_growth = 0.0;      ///< by the guideline's formula (high_tech_growth)
  double net_asset_growth = 0.0;  ///< the same formula over year-end net assets
};

/// The points of each scored item (docs/policy-rules.md §2.3).
struct HighTechScore {
  int advancement = 0;        ///< 0-8
  int core_support = 0;       ///< 0-8
  int quantity = 0;           ///< 0-8
  int acquisition = 0;        ///< 0-6
  int standards = 0;          ///< 0-2
  int commercialisation = 0;  ///< 0-30
  int management = 0;         ///< 0-6: management rules and R&D accounts
  int institution = 0;        ///< 0-6: R&D unit and cooperation
  int incentives = 0;         ///< 0-4: commercialisation rules, open platforms
  int talent = 0;             ///< 0-4: training, recruitment, rewards
  int net_asset_growth = 0;   ///< 0-10
  int sales_growth = 0;       ///< 0-10
  /// IP: the five items, at most 30 (the standards bonus cannot lift it above).
  [[nodiscard]] int ip() const;
  [[nodiscard]] int organisation() const { return management + institution + incentives + talent; }
  [[nodiscard]] int growth() const { return net_asset_growth + sales_growth; }
  [[nodiscard]] int total() const { return ip() + commercialisation + organisation() + growth(); }
};

struct HighTechInputs {
  double age_months = 0.0;
  double tech_staff_share = 0.0;
  double rd_recent_years = 0.0;     ///< reported R&D summed over up to the last three years
  double sales_recent_years = 0.0;  ///< sales over the same years
  double latest_sales = 0.0;
  double high_tech_revenue_share = 0.0;
  HighTechScoreInputs score;  ///< its IP counts are also the criterion "owns IP"
};

enum class HighTechFailure : std::uint8_t {
  NONE,
  AGE,
  NO_IP,
  TECH_STAFF,
  RD_RATIO,
  HIGH_TECH_REVENUE,
  SCORE,
};

struct HighTechResult {
  HighTechFailure failure = HighTechFailure::NONE;
  int score = 0;  ///< the score before the expert review's noise
  [[nodiscard]] bool passes() const { return failure == HighTechFailure::NONE; }
};

/// The R&D / sales ratio required for a firm whose latest sales are `latest_sales`.
[[nodiscard]] double high_tech_rd_threshold(double latest_sales, const HighTechRules& rules);
/// Points of a graded item worth `max` points: the grade times `max`, rounded to the nearest
/// integer (the guideline's grades A-E are bands of two points on the 8-point items).
[[nodiscard]] int high_tech_graded_points(double grade, int max);
/// IP quantity points (max 8): class-I >= 2: 8, 1: 7; class-II >= 5: 6, 3-4: 4, 1-2: 2.
[[nodiscard]] int high_tech_ip_points(int ip_class1, int ip_class2);
/// Acquisition-mode points (max 6): some IP of the firm's own R&D 1-6, only bought, licensed,
/// gifted or merged 1-3. The model: own share s of the items counted gives round(3 + 3s);
/// no IP gives 0.
[[nodiscard]] int high_tech_acquisition_points(int items, int bought);
/// Commercialisation points (max 30) for `conversions` a year (mean of three years): >= 5:
/// 25-30, >= 4: 19-24, >= 3: 13-18, >= 2: 7-12, >= 1: 1-6, below 1: 0. Within a band the points
/// rise with the fraction of the way to the next band (one point a sixth); above 5, one point
/// for each further conversion a year.
[[nodiscard]] int high_tech_commercialisation_points(double conversions);
/// Growth points for one growth indicator (max 10): >= 35%: 10, >= 25%: 8, >= 15%: 6,
/// >= 5%: 4, > 0: 2, otherwise 0 (the top of each band of the rule).
[[nodiscard]] int high_tech_growth_points(double growth);
/// The guideline's growth formula ((x2/x1 + x3/x2)/2 - 1) over up to three year-end values,
/// oldest first. A non-positive oldest value (the firm was younger, or its net assets were
/// negative) leaves the last ratio alone; a non-positive value in either later year gives 0 (the
/// formula does not apply to negative net assets; the model scores such growth as none).
[[nodiscard]] double high_tech_growth(double x_y3, double x_y2, double x_y1);
/// The rule's sales-growth formula (high_tech_growth over three years of sales).
[[nodiscard]] double high_tech_sales_growth(double sales_y3, double sales_y2, double sales_y1);
/// Every scored item of the guideline (the expert review's noise is applied by the model).
[[nodiscard]] HighTechScore score_high_tech(const HighTechScoreInputs& firm);
/// Every hard criterion, then the score. (The expert review's noise is applied by the model.)
[[nodiscard]] HighTechResult evaluate_high_tech(const HighTechInputs& firm,
                                                const HighTechRules& rules);
/// The class-II items a successful application uses up: none when a class-I item gives the
/// quantity points, otherwise as many available items as the quantity score counts (at most 5;
/// more add no point). Class-I items may support later certifications (docs/policy-rules.md
/// §2.2).
[[nodiscard]] int high_tech_class2_claimed(int ip_class1, int ip_class2_available);
/// The self-check before applying, of first applicants and of firms due for renewal alike: every
/// criterion met and the firm's own score above the pass mark by more than `margin` points.
[[nodiscard]] bool high_tech_self_check(const HighTechResult& result, const HighTechRules& rules,
                                        double margin);

/// A firm's class-II items as the one-use rule sees them.
struct Class2Ledger {
  int held = 0;    ///< valid items
  int used = 0;    ///< of them, used by a certification
  int bought = 0;  ///< of the unused ones, bought or licensed
  [[nodiscard]] int available() const { return held - used; }
};
/// After a successful application: the claimed items (high_tech_class2_claimed) are used, the
/// bought ones first (they were bought for it).
[[nodiscard]] Class2Ledger class2_after_certification(Class2Ledger ledger, int ip_class1);
/// After `lapsed` items lapse (at most those held; used items first, being the older) and
/// `granted` new ones arrive.
[[nodiscard]] Class2Ledger class2_after_lapse(Class2Ledger ledger, int lapsed, int granted);

// ---------------------------------------------------------------------------------------------
// Upper tiers and labels (docs/policy-rules.md §4); each returns whether the firm qualifies.
// Gazelles and fledglings are picked from the tech-SME and high-tech pools, leaders from
// high-tech enterprises (docs/seed-documents.md §4.3, §6; docs/policy-rules.md §4).

struct LabelRules {
  // 瞪羚 gazelle
  double gazelle_max_age_years = 15.0;
  double gazelle_min_base_sales = 1000.0;  ///< sales of the base year, three years back
  double gazelle_min_growth = 0.20;        ///< compound annual growth over three years
  double gazelle_min_rd_ratio = 0.025;     ///< strictly above
  // 创新龙头 leader
  double leader_min_sales = 100000.0;  ///< 10亿
  double leader_min_rd_ratio = 0.03;
  // 专精特新“小巨人” little giant
  double little_giant_min_years_in_niche = 3.0;
  double little_giant_min_main_business_share = 0.90;  ///< main business / revenue
  double little_giant_min_market_share = 0.10;         ///< share of its niche market
  double little_giant_min_sales = 5000.0;
  double little_giant_min_growth = 0.05;  ///< per year over two years
  double little_giant_max_debt_ratio = 0.75;
  double little_giant_min_rd_two_years = 1200.0;
  double little_giant_min_rd_ratio = 0.03;  ///< each of the two years
  int little_giant_min_class1_ip = 4;
  // 雏鹰 fledgling
  double fledgling_max_age_years = 5.0;
  double fledgling_min_growth = 0.20;  ///< last year's sales growth
};

struct LabelInputs {
  double age_years = 0.0;
  double sales_y1 = 0.0;  ///< last completed year
  double sales_y2 = 0.0;
  double sales_y3 = 0.0;
  double sales_y4 = 0.0;  ///< four years back: the gazelle's base year
  double rd_y1 = 0.0;     ///< reported R&D
  double rd_y2 = 0.0;
  double debt_ratio = 0.0;  ///< debt / total assets
  int ip_class1 = 0;
  bool high_tech = false;  ///< valid certificate
  bool tech_sme = false;   ///< in this year's register
  // The niche the 专精特新 criteria name (docs/model.md §3.3: drawn per firm, see niche_traits).
  double main_business_share = 0.0;  ///< main business / revenue
  double years_in_niche = 0.0;
  double market_share = 0.0;  ///< last year's sales / its niche market
};

/// How many criteria of each label there are; the *_criteria_met functions count those a firm
/// meets, and it qualifies when it meets all (the initial selection ranks the rest by the count).
inline constexpr int GAZELLE_CRITERIA = 5;
inline constexpr int LEADER_CRITERIA = 3;
inline constexpr int LITTLE_GIANT_CRITERIA = 10;
inline constexpr int FLEDGLING_CRITERIA = 3;

/// Compound annual growth from `base` to `latest` over `years`; -1 when base is not positive.
[[nodiscard]] double compound_growth(double base, double latest, double years);
[[nodiscard]] int gazelle_criteria_met(const LabelInputs& firm, const LabelRules& rules);
[[nodiscard]] int leader_criteria_met(const LabelInputs& firm, const LabelRules& rules);
[[nodiscard]] int little_giant_criteria_met(const LabelInputs& firm, const LabelRules& rules);
[[nodiscard]] int fledgling_criteria_met(const LabelInputs& firm, const LabelRules& rules);
[[nodiscard]] bool qualifies_gazelle(const LabelInputs& firm, const LabelRules& rules);
[[nodiscard]] bool qualifies_leader(const LabelInputs& firm, const LabelRules& rules);
[[nodiscard]] bool qualifies_little_giant(const LabelInputs& firm, const LabelRules& rules);
[[nodiscard]] bool qualifies_fledgling(const LabelInputs& firm, const LabelRules& rules);

/// The distributions a firm's niche attributes are drawn from (docs/model.md §3.3).
struct NicheTraitParams {
  double main_business_median = 0.85;  ///< median main-business share
  double main_business_logit_sd = 1.0;
  double since_founding_probability = 0.5;  ///< in its niche since founding; else it moved in
  double market_median = 200000.0;          ///< 万元/year: median size of a niche market
  double market_log_sd = 1.0;
};

/// A firm's persistent niche attributes, from two standard normals and two uniforms in [0, 1).
struct NicheTraits {
  double main_business_share = 0.0;
  double niche_life_share = 1.0;  ///< share of its life the firm has spent in its niche
  double market_size = 0.0;       ///< 万元/year
};
[[nodiscard]] NicheTraits niche_traits(const NicheTraitParams& params, double z_main,
                                       double z_market, double u_since_founding, double u_moved_in);

/// One firm at a selection round. A holder whose label has not expired keeps it unexamined;
/// at expiry it is renewed if it still qualifies (a review, outside the quota), else it loses
/// the label. Qualifying non-holders are newly selected, at most `quota` a round (0: no quota),
/// by priority, ties to the lower id.
struct LabelCandidate {
  std::uint32_t id = 0;
  bool holds = false;     ///< holds the label before the round
  bool expiring = false;  ///< its hold ends at this round
  bool qualifies = false;
  double priority = 0.0;  ///< larger first when the quota binds
};
enum class LabelOutcome : std::uint8_t {
  NONE,      ///< neither held nor selected
  KEPT,      ///< held, hold not over
  RENEWED,   ///< held, hold over, still qualifies: a new hold, no new selection
  LAPSED,    ///< held, hold over, no longer qualifies
  SELECTED,  ///< newly selected: the event rewards pay on
};
[[nodiscard]] std::vector<LabelOutcome> decide_label_round(const std::vector<LabelCandidate>& firms,
                                                           std::int64_t quota);

/// A firm ranked for the initial label stock: all criteria met first, by priority; then the
/// closest (most criteria met), by priority; ties to the lower id.
struct InitialLabelCandidate {
  std::uint32_t id = 0;
  int criteria_met = 0;
  double priority = 0.0;
};
/// Indices into `firms` of the `count` firms that start with the label (all if fewer).
[[nodiscard]] std::vector<std::size_t> pick_initial_labels(
    const std::vector<InitialLabelCandidate>& firms, std::int64_t count);

// ---------------------------------------------------------------------------------------------
// 研发费用加计扣除 — the R&D super-deduction schedule

/// The extra deduction rate (share of R&D deducted on top of the expense itself) in `year`:
/// 2016-17 50%; from 2017 75% for tech SMEs; 2018-20 75% for all; 2021 100% for manufacturing;
/// 2022 100% for tech SMEs; from 2023 100% for all. Years before 2016 use 50%.
[[nodiscard]] double super_deduction_rate(int year, bool tech_sme, bool manufacturing);

}  // namespace innosim::models::city

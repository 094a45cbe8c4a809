// Limit cases of every certification rule (docs/policy-rules.md §1-§2): a firm just below and
// just above each threshold, and each score band at its edges.
#include <gtest/gtest.h>

#include "models/city/rules.hpp"

namespace innosim::models::city {
namespace {

// ------------------------------------------------------------------ tech SME evaluation

TEST(TechSmeRules, TechStaffBandsAtTheirEdges) {
  EXPECT_EQ(tech_sme_tech_staff_points(0.0), 0);
  EXPECT_EQ(tech_sme_tech_staff_points(0.0999), 0);
  EXPECT_EQ(tech_sme_tech_staff_points(0.10), 4);
  EXPECT_EQ(tech_sme_tech_staff_points(0.1499), 4);
  EXPECT_EQ(tech_sme_tech_staff_points(0.15), 8);
  EXPECT_EQ(tech_sme_tech_staff_points(0.1999), 8);
  EXPECT_EQ(tech_sme_tech_staff_points(0.20), 12);
  EXPECT_EQ(tech_sme_tech_staff_points(0.2499), 12);
  EXPECT_EQ(tech_sme_tech_staff_points(0.25), 16);
  EXPECT_EQ(tech_sme_tech_staff_points(0.2999), 16);
  EXPECT_EQ(tech_sme_tech_staff_points(0.30), 20);
  EXPECT_EQ(tech_sme_tech_staff_points(1.0), 20);
}

TEST(TechSmeRules, RdBandsOnSalesAndOnCostTakeTheBetter) {
  const double sales_edges[] = {0.02, 0.03, 0.04, 0.05, 0.06};
  const double cost_edges[] = {0.10, 0.15, 0.20, 0.25, 0.30};
  const int points[] = {10, 20, 30, 40, 50};
  for (int band = 0; band < 5; ++band) {
    const int below = band == 0 ? 0 : points[band - 1];
    EXPECT_EQ(tech_sme_rd_points(sales_edges[band] - 1e-9, 0.0), below) << band;
    EXPECT_EQ(tech_sme_rd_points(sales_edges[band], 0.0), points[band]) << band;
    EXPECT_EQ(tech_sme_rd_points(0.0, cost_edges[band] - 1e-9), below) << band;
    EXPECT_EQ(tech_sme_rd_points(0.0, cost_edges[band]), points[band]) << band;
  }
  EXPECT_EQ(tech_sme_rd_points(0.02, 0.30), 50);  // the cost indicator wins
  EXPECT_EQ(tech_sme_rd_points(0.06, 0.10), 50);  // the sales indicator wins
}

TEST(TechSmeRules, IpPoints) {
  EXPECT_EQ(tech_sme_ip_points(0, 0), 0);
  EXPECT_EQ(tech_sme_ip_points(0, 1), 6);
  EXPECT_EQ(tech_sme_ip_points(0, 2), 12);
  EXPECT_EQ(tech_sme_ip_points(0, 3), 18);
  EXPECT_EQ(tech_sme_ip_points(0, 4), 24);
  EXPECT_EQ(tech_sme_ip_points(0, 40), 24);
  EXPECT_EQ(tech_sme_ip_points(1, 0), 30);
  EXPECT_EQ(tech_sme_ip_points(3, 9), 30);
}

TechSmeInputs passing_sme() {
  TechSmeInputs firm;
  firm.employees = 100;
  firm.sales = 5000;
  firm.total_assets = 4000;
  firm.tech_staff_share = 0.12;  // 4 points
  firm.rd = 300;                 // 6% of sales: 50 points
  firm.total_cost = 4500;
  firm.ip_class2 = 1;  // 6 points: 60 in all
  return firm;
}

TEST(TechSmeRules, ScoreSixtyPassesFiftyFourFails) {
  const TechSmeRules rules;
  TechSmeInputs firm = passing_sme();
  EXPECT_EQ(evaluate_tech_sme(firm, rules).score(), 60);
  EXPECT_TRUE(evaluate_tech_sme(firm, rules).admitted);
  firm.ip_class2 = 0;
  EXPECT_EQ(evaluate_tech_sme(firm, rules).score(), 54);
  EXPECT_FALSE(evaluate_tech_sme(firm, rules).admitted);
}

TEST(TechSmeRules, ZeroTechStaffScoreRefusesEvenAHighScore) {
  TechSmeInputs firm = passing_sme();
  firm.tech_staff_share = 0.0999;
  firm.ip_class1 = 1;  // 50 + 30 = 80 points, but tech staff scores 0
  const TechSmeResult result = evaluate_tech_sme(firm, TechSmeRules{});
  EXPECT_EQ(result.score(), 80);
  EXPECT_FALSE(result.admitted);
}

TEST(TechSmeRules, SizeCapsAreInclusive) {
  const TechSmeRules rules;
  TechSmeInputs firm = passing_sme();
  firm.employees = 500;
  firm.sales = 20000;
  firm.total_assets = 20000;
  firm.rd = 1200;  // keep 6%
  EXPECT_TRUE(evaluate_tech_sme(firm, rules).admitted);
  TechSmeInputs too_many = firm;
  too_many.employees = 501;
  EXPECT_FALSE(evaluate_tech_sme(too_many, rules).admitted);
  TechSmeInputs too_large = firm;
  too_large.sales = 20000.01;
  EXPECT_FALSE(evaluate_tech_sme(too_large, rules).admitted);
  TechSmeInputs too_rich = firm;
  too_rich.total_assets = 20000.01;
  EXPECT_FALSE(evaluate_tech_sme(too_rich, rules).admitted);
}

TEST(TechSmeRules, DirectRoutesAdmitWithinTheSizeCapsOnly) {
  const TechSmeRules rules;
  TechSmeInputs firm;  // scores nothing
  firm.employees = 10;
  firm.sales = 100;
  firm.total_assets = 100;
  EXPECT_FALSE(evaluate_tech_sme(firm, rules).admitted);
  firm.high_tech = true;
  EXPECT_TRUE(evaluate_tech_sme(firm, rules).admitted);
  firm.high_tech = false;
  firm.other_direct_route = true;
  EXPECT_TRUE(evaluate_tech_sme(firm, rules).admitted);
  firm.employees = 501;
  EXPECT_FALSE(evaluate_tech_sme(firm, rules).admitted);
}

// ------------------------------------------------------------------ high-tech certification

TEST(HighTechRules, RdThresholdBands) {
  const HighTechRules rules;
  EXPECT_DOUBLE_EQ(high_tech_rd_threshold(100, rules), 0.05);
  EXPECT_DOUBLE_EQ(high_tech_rd_threshold(5000, rules), 0.05);
  EXPECT_DOUBLE_EQ(high_tech_rd_threshold(5000.01, rules), 0.04);
  EXPECT_DOUBLE_EQ(high_tech_rd_threshold(20000, rules), 0.04);
  EXPECT_DOUBLE_EQ(high_tech_rd_threshold(20000.01, rules), 0.03);
}

// The guideline (国科发火〔2016〕195号, docs/policy-rules.md §2.3) item by item at its band
// limits. Each fails if a band edge moves, a band's points change or an item's maximum is lost.
TEST(HighTechScore, IpQuantityBands) {
  EXPECT_EQ(high_tech_ip_points(0, 0), 0);
  EXPECT_EQ(high_tech_ip_points(0, 1), 2);
  EXPECT_EQ(high_tech_ip_points(0, 2), 2);
  EXPECT_EQ(high_tech_ip_points(0, 3), 4);
  EXPECT_EQ(high_tech_ip_points(0, 4), 4);
  EXPECT_EQ(high_tech_ip_points(0, 5), 6);
  EXPECT_EQ(high_tech_ip_points(0, 50), 6);
  EXPECT_EQ(high_tech_ip_points(1, 0), 7);
  EXPECT_EQ(high_tech_ip_points(2, 0), 8);
}

TEST(HighTechScore, GradedItemsSpanTheirPoints) {
  // Technical advancement and core support (8 each): grades A-E, two points a grade.
  EXPECT_EQ(high_tech_graded_points(0.0, 8), 0);
  EXPECT_EQ(high_tech_graded_points(-1.0, 8), 0);
  EXPECT_EQ(high_tech_graded_points(0.0624, 8), 0);  // 0.499 rounds down
  EXPECT_EQ(high_tech_graded_points(0.0625, 8), 1);  // 0.5 rounds up
  EXPECT_EQ(high_tech_graded_points(0.5, 8), 4);
  EXPECT_EQ(high_tech_graded_points(1.0, 8), 8);
  EXPECT_EQ(high_tech_graded_points(2.0, 8), 8);  // never above the item's maximum
  // R&D organisation: 6 + 6 + 4 + 4.
  EXPECT_EQ(high_tech_graded_points(1.0, 6), 6);
  EXPECT_EQ(high_tech_graded_points(1.0, 4), 4);
  EXPECT_EQ(high_tech_graded_points(0.5, 6), 3);
}

TEST(HighTechScore, AcquisitionModeOwnUpToSixBoughtUpToThree) {
  EXPECT_EQ(high_tech_acquisition_points(0, 0), 0);
  EXPECT_EQ(high_tech_acquisition_points(1, 0), 6);  // own R&D only: top of 1-6
  EXPECT_EQ(high_tech_acquisition_points(1, 1), 3);  // bought only: top of 1-3
  EXPECT_EQ(high_tech_acquisition_points(5, 5), 3);
  EXPECT_EQ(high_tech_acquisition_points(2, 1), 5);  // 3 + 1.5 rounds up
  EXPECT_EQ(high_tech_acquisition_points(3, 2), 4);  // 3 + 1
  EXPECT_EQ(high_tech_acquisition_points(3, 9), 3);  // bought is capped at the items
}

TEST(HighTechScore, CommercialisationBands) {
  EXPECT_EQ(high_tech_commercialisation_points(0.0), 0);
  EXPECT_EQ(high_tech_commercialisation_points(0.999), 0);
  EXPECT_EQ(high_tech_commercialisation_points(1.0), 1);  // >= 1: 1-6
  EXPECT_EQ(high_tech_commercialisation_points(1.99), 6);
  EXPECT_EQ(high_tech_commercialisation_points(2.0), 7);  // >= 2: 7-12
  EXPECT_EQ(high_tech_commercialisation_points(2.99), 12);
  EXPECT_EQ(high_tech_commercialisation_points(3.0), 13);  // >= 3: 13-18
  EXPECT_EQ(high_tech_commercialisation_points(3.99), 18);
  EXPECT_EQ(high_tech_commercialisation_points(4.0), 19);  // >= 4: 19-24
  EXPECT_EQ(high_tech_commercialisation_points(4.99), 24);
  EXPECT_EQ(high_tech_commercialisation_points(5.0), 25);  // >= 5: 25-30
  EXPECT_EQ(high_tech_commercialisation_points(5.99), 25);
  EXPECT_EQ(high_tech_commercialisation_points(6.0), 26);
  EXPECT_EQ(high_tech_commercialisation_points(10.0), 30);
  EXPECT_EQ(high_tech_commercialisation_points(1000.0), 30);
}

TEST(HighTechScore, GrowthBandsAndFormula) {
  EXPECT_EQ(high_tech_growth_points(-0.1), 0);
  EXPECT_EQ(high_tech_growth_points(0.0), 0);
  EXPECT_EQ(high_tech_growth_points(1e-9), 2);
  EXPECT_EQ(high_tech_growth_points(0.0499), 2);
  EXPECT_EQ(high_tech_growth_points(0.05), 4);
  EXPECT_EQ(high_tech_growth_points(0.1499), 4);
  EXPECT_EQ(high_tech_growth_points(0.15), 6);
  EXPECT_EQ(high_tech_growth_points(0.2499), 6);
  EXPECT_EQ(high_tech_growth_points(0.25), 8);
  EXPECT_EQ(high_tech_growth_points(0.3499), 8);
  EXPECT_EQ(high_tech_growth_points(0.35), 10);
  // (x2/x1 + x3/x2)/2 - 1, computed by hand.
  EXPECT_DOUBLE_EQ(high_tech_sales_growth(100, 110, 132), (1.1 + 1.2) / 2 - 1);
  EXPECT_DOUBLE_EQ(high_tech_sales_growth(0, 100, 150), 0.5);  // two years of sales
  EXPECT_DOUBLE_EQ(high_tech_sales_growth(0, 0, 150), 0.0);    // one year: no growth score
  EXPECT_DOUBLE_EQ(high_tech_growth(-50, 100, 125), 0.25);     // negative oldest: last ratio
  EXPECT_DOUBLE_EQ(high_tech_growth(100, -5, 10), 0.0);        // negative net assets: none
  EXPECT_DOUBLE_EQ(high_tech_growth(100, 110, -1), 0.0);
}

TEST(HighTechScore, IpIsCappedAtThirtyAndTheTotalAddsTheItems) {
  HighTechScoreInputs firm;
  firm.ip_class1 = 2;        // 8
  firm.advancement = 1.0;    // 8
  firm.core_support = 1.0;   // 8
  firm.standards = true;     // 2
  firm.conversions = 12.0;   // 30
  firm.organisation = 1.0;   // 20
  firm.sales_growth = 0.35;  // 10
  firm.net_asset_growth = 0.35;
  const HighTechScore score = score_high_tech(firm);
  EXPECT_EQ(score.acquisition, 6);
  EXPECT_EQ(score.ip(), 30);  // 8 + 8 + 8 + 6 + 2 = 32, capped
  EXPECT_EQ(score.organisation(), 20);
  EXPECT_EQ(score.growth(), 20);
  EXPECT_EQ(score.total(), 100);
  // Net-asset growth is scored on its own: flat net assets lose their 10 points only.
  firm.net_asset_growth = 0.0;
  EXPECT_EQ(score_high_tech(firm).total(), 90);
}

/// A firm that meets every criterion at its edge with a score of exactly 71.
HighTechInputs passing_high_tech() {
  HighTechInputs firm;
  firm.age_months = 12;
  firm.tech_staff_share = 0.10;
  firm.latest_sales = 4000;
  firm.sales_recent_years = 10000;
  firm.rd_recent_years = 500;  // exactly 5%
  firm.high_tech_revenue_share = 0.60;
  firm.score.ip_class1 = 1;        // quantity 7, acquisition 6
  firm.score.advancement = 0.5;    // 4
  firm.score.core_support = 0.6;   // 4.8: 5  (IP 22)
  firm.score.conversions = 5.0;    // 25
  firm.score.organisation = 1.0;   // 20
  firm.score.sales_growth = 0.05;  // 4
  firm.score.net_asset_growth = 0.0;
  return firm;  // 22 + 25 + 20 + 4 = 71 > 70
}

TEST(HighTechRules, EveryCriterionAtItsEdge) {
  const HighTechRules rules;
  const HighTechInputs firm = passing_high_tech();
  EXPECT_TRUE(evaluate_high_tech(firm, rules).passes());
  EXPECT_EQ(evaluate_high_tech(firm, rules).score, 71);

  HighTechInputs young = firm;
  young.age_months = 11.99;
  EXPECT_EQ(evaluate_high_tech(young, rules).failure, HighTechFailure::AGE);
  HighTechInputs no_ip = firm;
  no_ip.score.ip_class1 = 0;
  EXPECT_EQ(evaluate_high_tech(no_ip, rules).failure, HighTechFailure::NO_IP);
  HighTechInputs few_staff = firm;
  few_staff.tech_staff_share = 0.0999;
  EXPECT_EQ(evaluate_high_tech(few_staff, rules).failure, HighTechFailure::TECH_STAFF);
  HighTechInputs low_rd = firm;
  low_rd.rd_recent_years = 499.99;
  EXPECT_EQ(evaluate_high_tech(low_rd, rules).failure, HighTechFailure::RD_RATIO);
  HighTechInputs medium = firm;  // above 5,000万 the ratio is 4%: 4.5% passes
  medium.latest_sales = 6000;
  medium.rd_recent_years = 450;
  EXPECT_TRUE(evaluate_high_tech(medium, rules).passes());
  HighTechInputs products = firm;
  products.high_tech_revenue_share = 0.5999;
  EXPECT_EQ(evaluate_high_tech(products, rules).failure, HighTechFailure::HIGH_TECH_REVENUE);
}

TEST(HighTechRules, ScoreMustExceedSeventy) {
  const HighTechRules rules;
  HighTechInputs firm = passing_high_tech();
  firm.score.sales_growth = 0.0499;  // 2 points: 69
  EXPECT_EQ(evaluate_high_tech(firm, rules).score, 69);
  EXPECT_EQ(evaluate_high_tech(firm, rules).failure, HighTechFailure::SCORE);
  firm.score.net_asset_growth = 1e-9;  // +2: 71
  EXPECT_TRUE(evaluate_high_tech(firm, rules).passes());
  firm.score.core_support = 0.56;  // 4.48: 4 points, 70: not above 70
  EXPECT_EQ(evaluate_high_tech(firm, rules).score, 70);
  EXPECT_EQ(evaluate_high_tech(firm, rules).failure, HighTechFailure::SCORE);
}

// The self-check firms run before applying, first applicants and renewals alike: it fails if a
// firm applies without a passing score or with a failed criterion, or ignores the margin.
TEST(HighTechRules, SelfCheckAppliesOnlyAboveThePassMarkPlusTheMargin) {
  const HighTechRules rules;
  const HighTechInputs firm = passing_high_tech();  // 71
  const HighTechResult result = evaluate_high_tech(firm, rules);
  EXPECT_TRUE(high_tech_self_check(result, rules, 0.0));
  EXPECT_TRUE(high_tech_self_check(result, rules, 0.99));
  EXPECT_FALSE(high_tech_self_check(result, rules, 1.0));  // 71 is not above 71
  EXPECT_TRUE(high_tech_self_check(evaluate_high_tech(firm, rules), rules, -5.0));
  // A firm due for renewal whose sales went flat keeps the growth points of its net assets:
  // sales growth 0 and net-asset growth 15% give 71 - 4 + 6 = 73 and it re-applies; with both
  // flat (67) it does not, and with a failed criterion it does not whatever its score.
  HighTechInputs renewal = firm;
  renewal.score.sales_growth = 0.0;
  renewal.score.net_asset_growth = 0.15;
  EXPECT_EQ(evaluate_high_tech(renewal, rules).score, 73);
  EXPECT_TRUE(high_tech_self_check(evaluate_high_tech(renewal, rules), rules, 0.0));
  renewal.score.net_asset_growth = 0.0;
  EXPECT_FALSE(high_tech_self_check(evaluate_high_tech(renewal, rules), rules, 0.0));
  HighTechInputs below_ratio = firm;
  below_ratio.score.conversions = 12.0;  // score 76, but R&D under 5%
  below_ratio.rd_recent_years = 499.0;
  EXPECT_FALSE(high_tech_self_check(evaluate_high_tech(below_ratio, rules), rules, -10.0));
}

// Class-II items count toward one certification only (docs/policy-rules.md §2.2). Fails if a
// firm could re-use its items, if class-I items were used up, or if lapses left used or bought
// counts above what is held.
TEST(HighTechRules, ClassTwoIpCountsForOneCertificationOnly) {
  EXPECT_EQ(high_tech_class2_claimed(1, 7), 0);  // a class-I item gives the quantity points
  EXPECT_EQ(high_tech_class2_claimed(0, 7), 5);  // five is the top of the class-II bands
  EXPECT_EQ(high_tech_class2_claimed(0, 3), 3);
  EXPECT_EQ(high_tech_class2_claimed(0, 0), 0);

  const HighTechRules rules;
  HighTechInputs firm = passing_high_tech();
  firm.score.ip_class1 = 0;
  Class2Ledger ledger{5, 0, 2};  // five items, two of them bought
  firm.score.ip_class2 = ledger.available();
  firm.score.ip_bought = ledger.bought;
  firm.score.conversions = 7.0;  // 27; quantity 6 + acquisition 5 (3 + 3 x 3/5) + 9: IP 20; 71
  EXPECT_TRUE(evaluate_high_tech(firm, rules).passes());
  ledger = class2_after_certification(ledger, firm.score.ip_class1);
  EXPECT_EQ(ledger.used, 5);
  EXPECT_EQ(ledger.bought, 0);
  EXPECT_EQ(ledger.available(), 0);
  // Three years on, with no new item, the same items cannot support the renewal.
  firm.score.ip_class2 = ledger.available();
  firm.score.ip_bought = ledger.bought;
  EXPECT_EQ(evaluate_high_tech(firm, rules).failure, HighTechFailure::NO_IP);
  // A firm with a class-I item keeps its class-II items.
  Class2Ledger with_class1{4, 0, 0};
  with_class1 = class2_after_certification(with_class1, 1);
  EXPECT_EQ(with_class1.available(), 4);
  // Of 7 held (5 used, 2 unused and bought), 6 lapse: the 5 used, then one unused; one item is
  // left and at most it is bought; 3 new items arrive.
  Class2Ledger old{7, 5, 2};
  old = class2_after_lapse(old, 6, 3);
  EXPECT_EQ(old.held, 4);
  EXPECT_EQ(old.used, 0);
  EXPECT_EQ(old.bought, 1);
  // Lapses never exceed what is held.
  Class2Ledger few{2, 1, 1};
  few = class2_after_lapse(few, 9, 0);
  EXPECT_EQ(few.held, 0);
  EXPECT_EQ(few.used, 0);
  EXPECT_EQ(few.bought, 0);
}

// ------------------------------------------------------------------ labels

LabelInputs gazelle() {
  LabelInputs firm;
  firm.age_years = 15;
  firm.tech_sme = true;
  firm.sales_y4 = 1000.01;
  firm.sales_y1 = 1000.01 * 1.2 * 1.2 * 1.2 * 1.000001;
  firm.rd_y1 = 0.0251 * firm.sales_y1;
  return firm;
}

TEST(LabelRules, GazelleEdges) {
  const LabelRules rules;
  EXPECT_TRUE(qualifies_gazelle(gazelle(), rules));
  LabelInputs old = gazelle();
  old.age_years = 15.01;
  EXPECT_FALSE(qualifies_gazelle(old, rules));
  LabelInputs small_base = gazelle();
  small_base.sales_y4 = 1000.0;  // must exceed 1,000万
  EXPECT_FALSE(qualifies_gazelle(small_base, rules));
  LabelInputs slow = gazelle();
  slow.sales_y1 = 1000.01 * 1.2 * 1.2 * 1.2 * 0.999;
  EXPECT_FALSE(qualifies_gazelle(slow, rules));
  LabelInputs low_rd = gazelle();
  low_rd.rd_y1 = 0.025 * low_rd.sales_y1;  // must exceed 2.5%
  EXPECT_FALSE(qualifies_gazelle(low_rd, rules));
  LabelInputs outside = gazelle();
  outside.tech_sme = false;  // picked from the registers only
  EXPECT_FALSE(qualifies_gazelle(outside, rules));
}

TEST(LabelRules, LeaderEdges) {
  const LabelRules rules;
  LabelInputs firm;
  firm.high_tech = true;
  firm.sales_y1 = 100000;
  firm.rd_y1 = 3000;
  EXPECT_TRUE(qualifies_leader(firm, rules));
  LabelInputs smaller = firm;
  smaller.sales_y1 = 99999;
  smaller.rd_y1 = 3000;
  EXPECT_FALSE(qualifies_leader(smaller, rules));
  LabelInputs low_rd = firm;
  low_rd.rd_y1 = 2999;
  EXPECT_FALSE(qualifies_leader(low_rd, rules));
  LabelInputs uncertified = firm;
  uncertified.high_tech = false;
  EXPECT_FALSE(qualifies_leader(uncertified, rules));
}

LabelInputs little_giant() {
  LabelInputs firm;
  firm.main_business_share = 0.90;
  firm.years_in_niche = 3;
  firm.market_share = 0.10;
  firm.sales_y3 = 5000;
  firm.sales_y2 = 5300;
  firm.sales_y1 = 5000 * 1.05 * 1.05 * 1.000001;
  firm.rd_y1 = 0.03 * firm.sales_y1 + 1;
  firm.rd_y2 = 1200 - firm.rd_y1;  // 1,200万 over two years exactly
  firm.sales_y2 = firm.rd_y2 / 0.03;
  firm.debt_ratio = 0.75;
  firm.ip_class1 = 4;
  return firm;
}

TEST(LabelRules, LittleGiantEdges) {
  const LabelRules rules;
  ASSERT_TRUE(qualifies_little_giant(little_giant(), rules));
  auto fails = [&](auto change) {
    LabelInputs firm = little_giant();
    change(firm);
    return !qualifies_little_giant(firm, rules);
  };
  EXPECT_TRUE(fails([](LabelInputs& f) { f.years_in_niche = 2.99; }));
  EXPECT_TRUE(fails([](LabelInputs& f) { f.main_business_share = 0.8999; }));
  EXPECT_TRUE(fails([](LabelInputs& f) { f.market_share = 0.0999; }));
  EXPECT_TRUE(fails([](LabelInputs& f) { f.sales_y1 = 4999; }));
  EXPECT_TRUE(fails([](LabelInputs& f) { f.sales_y1 = 5000 * 1.05 * 1.05 * 0.999; }));
  EXPECT_TRUE(fails([](LabelInputs& f) { f.debt_ratio = 0.7501; }));
  EXPECT_TRUE(fails([](LabelInputs& f) { f.rd_y2 -= 0.01; }));  // below 1,200万 and 3%
  EXPECT_TRUE(fails([](LabelInputs& f) { f.rd_y1 = 0.0299 * f.sales_y1; }));
  EXPECT_TRUE(fails([](LabelInputs& f) { f.ip_class1 = 3; }));
}

TEST(LabelRules, FledglingEdges) {
  const LabelRules rules;
  LabelInputs firm;
  firm.tech_sme = true;
  firm.age_years = 5;
  firm.sales_y2 = 100;
  firm.sales_y1 = 120.0001;
  EXPECT_TRUE(qualifies_fledgling(firm, rules));
  LabelInputs old = firm;
  old.age_years = 5.01;
  EXPECT_FALSE(qualifies_fledgling(old, rules));
  LabelInputs slow = firm;
  slow.sales_y1 = 119.99;
  EXPECT_FALSE(qualifies_fledgling(slow, rules));
  LabelInputs unregistered = firm;
  unregistered.tech_sme = false;
  EXPECT_FALSE(qualifies_fledgling(unregistered, rules));
  unregistered.high_tech = true;
  EXPECT_TRUE(qualifies_fledgling(unregistered, rules));
}

// ------------------------------------------------------------------ R&D super-deduction

TEST(SuperDeduction, NationalScheduleByYear) {
  EXPECT_DOUBLE_EQ(super_deduction_rate(2016, true, true), 0.5);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2017, false, true), 0.5);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2017, true, false), 0.75);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2018, false, false), 0.75);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2020, false, false), 0.75);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2021, false, true), 1.0);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2021, true, false), 0.75);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2022, true, false), 1.0);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2022, false, false), 0.75);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2023, false, false), 1.0);
  EXPECT_DOUBLE_EQ(super_deduction_rate(2030, false, false), 1.0);
}

}  // namespace
}  // namespace innosim::models::city

// What each yuan of an instrument buys (docs/attribution.md): from replications of a scenario
// with the instrument and without it (its budget set to zero) on the same random numbers, the
// paired differences of the outcomes, the cost per additional certified firm, the additional
// R&D per yuan and the deadweight share of its payments, each with a 95% interval.
#pragma once

#include <span>
#include <vector>

#include "sim/experiment/sensitivity.hpp"

namespace innosim::sim {

/// Mean of `values` with its two-sided Student-t interval (n - 1 degrees of freedom). For paired
/// differences pass the differences: this is the paired t interval. Fewer than two values: NaN
/// bounds; values all equal: both bounds equal the mean.
[[nodiscard]] Interval mean_with_t_interval(std::span<const double> values,
                                            double confidence = 0.95);

/// How a ratio of means treats a denominator that is not positive.
enum class RatioKind {
  /// numerator / denominator for denominator > 0; +inf when the denominator is <= 0 and the
  /// numerator positive (money spent, nothing bought); NaN when both are 0.
  COST,
  /// numerator / denominator for denominator > 0, else NaN.
  PLAIN,
  /// PLAIN capped to [0, 1].
  SHARE,
};

/// The ratio of the means of `numerator` and `denominator` (pairs (numerator[r],
/// denominator[r]), one per replication) with a percentile bootstrap interval: the pairs are
/// resampled together. Resamples where the ratio is undefined count as unbounded above. NaN
/// bounds when the estimate itself is undefined.
[[nodiscard]] Interval ratio_of_means(std::span<const double> numerator,
                                      std::span<const double> denominator, RatioKind kind,
                                      const BootstrapOptions& bootstrap);

/// One outcome per replication in the run with the instrument and in the run without it.
struct PairedOutcome {
  std::vector<double> with;
  std::vector<double> without;
  [[nodiscard]] std::vector<double> differences() const;  ///< with - without
};

/// Per replication, over the evaluation window (docs/attribution.md).
struct AttributionInput {
  std::vector<double> spending;  ///< paid by the instrument (万元), in the run with it
  std::vector<double> payments;  ///< its payments (count), in the run with it
  PairedOutcome high_tech;       ///< high-tech register at the end of the evaluation year
  PairedOutcome tech_sme;        ///< tech-SME register at the end of the evaluation year
  PairedOutcome rd_real;         ///< real R&D over the window (万元)
  PairedOutcome claims;          ///< the instrument's claims (paid or not for want of budget)
};

struct Attribution {
  Interval spending;            ///< mean, t interval (万元)
  Interval delta_high_tech;     ///< with - without: mean, paired t interval (firms)
  Interval delta_tech_sme;      ///< (firms)
  Interval delta_rd_real;       ///< (万元)
  Interval cost_per_high_tech;  ///< spending / delta_high_tech (万元 per firm), bootstrap
  Interval cost_per_tech_sme;   ///< (万元 per firm)
  Interval rd_per_yuan;         ///< delta_rd_real / spending (1), bootstrap
  /// claims without / claims with, capped to [0, 1], bootstrap; NaN when nothing was paid
  Interval deadweight;
  double claims_with = 0.0;  ///< means over replications
  double claims_without = 0.0;
  double payments = 0.0;
};

/// Every statistic of one instrument. A cost's upper bound is +inf whenever the paired t
/// interval of its difference reaches 0 or below (the additional count may be nil), whatever
/// the bootstrap says.
[[nodiscard]] Attribution attribute(const AttributionInput& input,
                                    const BootstrapOptions& bootstrap);

}  // namespace innosim::sim

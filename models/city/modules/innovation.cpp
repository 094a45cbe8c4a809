// Innovation (docs/model.md §3.2.4): R&D spending of the step adds to the knowledge stock, which
// depreciates; class-I and class-II IP arrive as Poisson processes in knowledge and lapse at a
// constant hazard (their legal lives cap what they can last; most are dropped earlier).
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/rules.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& innovation_parameters() {
  static const ParameterTable table({
      real("knowledge_depreciation", 0.15, 0.0, 1.0, "1/year",
           "depreciation rate of the knowledge stock", "assumption: the conventional 15% (Hall)",
           FIELD(knowledge_depreciation)),
      real("class1_ip_knowledge", 5300.0, 1.0e-6, HUGE_MONEY, "万元 year",
           "knowledge stock per class-I IP item a year (Poisson rate = stock / this)",
           "calibrated: invention patents per 10,000 people at the start, 1.4 for 信阳 2022 "
           "(docs/model.md §3.7); fitted to Henan and 郑州 2019-2022 (docs/calibration.md §4): "
           "scenarios take the posterior with [posterior]",
           FIELD(class1_ip_knowledge)),
      real("class2_ip_knowledge", 600.0, 1.0e-6, HUGE_MONEY, "万元 year",
           "knowledge stock per class-II IP item a year", "assumption: 4x as many as class I",
           FIELD(class2_ip_knowledge)),
      real("class1_ip_life", 10.0, 0.1, 20.0, "years",
           "mean life of a class-I item (lapse hazard 1 / this; an invention patent lasts at most "
           "20 years from filing)",
           "calibrated: to the stock of valid class-I IP per firm; at most the legal term of 20 "
           "years (专利法 Art. 42, docs/references.md)",
           FIELD(class1_ip_life)),
      real("class2_ip_life", 5.0, 0.1, 10.0, "years",
           "mean life of a class-II item (lapse hazard 1 / this; a utility model lasts at most "
           "10 years from filing)",
           "calibrated: to the stock of valid class-II IP per firm; at most the legal term of 10 "
           "years (专利法 Art. 42, docs/references.md)",
           FIELD(class2_ip_life)),
  });
  return table;
}

namespace {

/// The IP events of one firm-step: arrivals of each class and lapses of each class.
struct IpArrivals {
  std::int64_t class1 = 0;
  std::int64_t class2 = 0;
  std::int64_t class1_lapsed = 0;
  std::int64_t class2_lapsed = 0;
};

/// IP events of one firm-step: N ~ Poisson(mean1 + mean2 + lapse1 + lapse2) by inversion, each
/// event of a kind with probability its mean / the total (the four counts are then independent
/// Poissons). Lapses are Poisson with mean items x hazard x dt, the Poisson approximation of the
/// binomial (exact to first order in hazard x dt, which is below 2% a step); the caller caps
/// them at the items held. Most firm-steps have none, decided by one Philox call and one exp.
IpArrivals ip_arrivals(const sim::StreamKey& stream, std::uint32_t firm_id, double mean1,
                       double mean2, double lapse1, double lapse2) {
  IpArrivals arrivals;
  const double mean = mean1 + mean2 + lapse1 + lapse2;
  if (!(mean > 0.0)) return arrivals;
  const sim::PhiloxBlock words = stream.block(firm_id, 0);
  const double u = sim::u01_double(words[0], words[1]);
  double probability = std::exp(-mean);
  double cumulative = probability;
  if (u <= cumulative) return arrivals;
  if (mean >= 10.0) {  // far beyond what firms see; exact, slower path
    sim::DrawSequence draws(stream, firm_id);
    for (int skip = 0; skip < 4; ++skip) draws.next_word();
    arrivals.class1 = sim::poisson(draws, mean1);
    arrivals.class2 = sim::poisson(draws, mean2);
    arrivals.class1_lapsed = sim::poisson(draws, lapse1);
    arrivals.class2_lapsed = sim::poisson(draws, lapse2);
    return arrivals;
  }
  std::int64_t count = 0;
  while (u > cumulative && count < 1000) {
    ++count;
    probability *= mean / static_cast<double>(count);
    cumulative += probability;
  }
  // Cumulative shares of the kinds: class-I arrival, class-II arrival, class-I lapse, the rest
  // class-II lapses.
  const double to_class1 = mean1 / mean;
  const double to_class2 = (mean1 + mean2) / mean;
  const double to_lapse1 = (mean1 + mean2 + lapse1) / mean;
  // Block 0 decided the count (words 0-1; word 2 is the IPO draw); the split uses block 1 on.
  sim::DrawSequence draws(stream, firm_id);
  for (int skip = 0; skip < 4; ++skip) draws.next_word();
  for (std::int64_t event = 0; event < count; ++event) {
    const double kind = sim::u01_closed_open(draws.next_word());
    if (kind < to_class1) {
      ++arrivals.class1;
    } else if (kind < to_class2) {
      ++arrivals.class2;
    } else if (kind < to_lapse1) {
      ++arrivals.class1_lapsed;
    } else {
      ++arrivals.class2_lapsed;
    }
  }
  return arrivals;
}

/// Adds a firm-step's arrivals and removes its lapses (class2_after_lapse: used class-II items
/// lapse first, being the older; bought ones stay at most the unused items left).
void update_ip(const FirmView& f, std::size_t row, const IpArrivals& ip) {
  const std::int64_t class1_lapsed = std::min<std::int64_t>(f.ip_class1[row], ip.class1_lapsed);
  f.ip_class1[row] = static_cast<std::uint16_t>(
      std::min<std::int64_t>(65535, f.ip_class1[row] - class1_lapsed + ip.class1));
  const Class2Ledger ledger = class2_after_lapse(
      {f.ip_class2[row], f.ip_class2_used[row], f.ip_bought[row]},
      static_cast<int>(std::min<std::int64_t>(f.ip_class2[row], ip.class2_lapsed)),
      static_cast<int>(std::min<std::int64_t>(65535, ip.class2)));
  f.ip_class2[row] = static_cast<std::uint16_t>(std::min(65535, ledger.held));
  f.ip_class2_used[row] = static_cast<std::uint16_t>(ledger.used);
  f.ip_bought[row] = static_cast<std::uint16_t>(ledger.bought);
}

struct InnovationConstants {
  float dt, knowledge_keep;
  double class1_rate, class2_rate, class1_lapse, class2_lapse;
};

/// The knowledge update of a chunk and, per row, whether an IP event may occur: one vectorised
/// pass as in growth (restrict column parameters, selects only; rows that are not alive change
/// nothing). A firm-step has no event when its uniform u is at most exp(-mean) (ip_arrivals);
/// since exp(-mean) > 1 - mean for mean > 0, u <= 1 - mean - 1e-9 already decides "none" without
/// the exp (the margin is far above the rounding of either side), so the exact draw runs only for
/// the rows left: the same events, for a fraction of the Philox calls and exps.
void update_knowledge(const InnovationConstants c, const sim::StreamKey stream, std::size_t rows,
                      const std::uint32_t* __restrict ids,
                      const std::uint8_t* __restrict alive_flags, const float* __restrict revenues,
                      const float* __restrict rd_reals, const std::uint16_t* __restrict class1,
                      const std::uint16_t* __restrict class2, float* __restrict knowledge,
                      std::uint8_t* __restrict maybe_event) {
  for (std::size_t row = 0; row < rows; ++row) {
    const std::int32_t alive = alive_flags[row] != 0 ? 1 : 0;
    const float sales = revenues[row] * c.dt;
    const float rd_real = rd_reals[row] * sales;
    const float before = knowledge[row];
    const float after = before * c.knowledge_keep + rd_real;
    knowledge[row] = alive != 0 ? after : before;
    const double mean = after * c.class1_rate + after * c.class2_rate +
                        class1[row] * c.class1_lapse + class2[row] * c.class2_lapse;
    const sim::PhiloxBlock words = stream.block(ids[row], 0);
    const double u = sim::u01_double(words[0], words[1]);
    const std::int32_t positive = mean > 0.0 ? 1 : 0;
    const std::int32_t surely_none = u <= 1.0 - mean - 1e-9 ? 1 : 0;
    maybe_event[row] = static_cast<std::uint8_t>(alive & positive & (1 - surely_none));
  }
}

class Innovation final : public Module {
 public:
  explicit Innovation(const ModuleSetup& setup) {
    const float dt = setup.dt();
    c_.dt = dt;
    c_.knowledge_keep = std::exp(-static_cast<float>(setup.params.knowledge_depreciation) * dt);
    c_.class1_rate = dt / setup.params.class1_ip_knowledge;
    c_.class2_rate = dt / setup.params.class2_ip_knowledge;
    c_.class1_lapse = dt / setup.params.class1_ip_life;
    c_.class2_lapse = dt / setup.params.class2_ip_life;
  }

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "innovation",
        "R&D spending into a depreciating knowledge stock; class-I/II IP as Poisson in "
        "knowledge, lapsing at a constant hazard",
        {Phase::ROWS},
        {"knowledge", "ip_class1", "ip_class2"},
        {"alive", "revenue", "rd_intensity_real", "rd_intensity_reported", "ip_class2_used",
         "ip_bought"},
        {RD_REAL, RD_REPORTED, IP_CLASS1_NEW, IP_CLASS2_NEW},
        // Block 0 words 0-1 decide the count, blocks 1 on split it; word 2 of block 0 is IPO's.
        {{PURPOSE_IP, 0, 0, 0b1011}, {PURPOSE_IP, 1, ALL_BLOCKS}}};
    return info;
  }

  void rows(World& world, const StepContext& context, ChunkWork& work) const override {
    const FirmView f(world.firms);
    const sim::StreamKey ip_stream = context.stream(PURPOSE_IP);
    const std::size_t begin = work.begin;
    work.ip_maybe.resize(work.end - begin);
    update_knowledge(c_, ip_stream, work.end - begin, f.id + begin, f.alive + begin,
                     f.revenue + begin, f.rd_real + begin, f.ip_class1 + begin, f.ip_class2 + begin,
                     f.knowledge + begin, work.ip_maybe.data());
    // Sums in locals, added to the chunk's totals once: a store through the reference in the
    // loop costs throughput. Each starts at 0, so the totals are the same bits.
    double rd_real_sum = 0.0, rd_reported_sum = 0.0, class1_new = 0.0, class2_new = 0.0;
    for (std::size_t row = begin; row < work.end; ++row) {
      if (f.alive[row] == 0) continue;
      const float sales = f.revenue[row] * c_.dt;
      rd_real_sum += f.rd_real[row] * sales;
      rd_reported_sum += f.rd_reported[row] * sales;
      if (work.ip_maybe[row - begin] == 0) continue;
      const IpArrivals ip =
          ip_arrivals(ip_stream, f.id[row], f.knowledge[row] * c_.class1_rate,
                      f.knowledge[row] * c_.class2_rate, f.ip_class1[row] * c_.class1_lapse,
                      f.ip_class2[row] * c_.class2_lapse);
      if (ip.class1 + ip.class2 + ip.class1_lapsed + ip.class2_lapsed > 0) {
        update_ip(f, row, ip);
        class1_new += static_cast<double>(ip.class1);
        class2_new += static_cast<double>(ip.class2);
      }
    }
    work.totals[RD_REAL] += rd_real_sum;
    work.totals[RD_REPORTED] += rd_reported_sum;
    work.totals[IP_CLASS1_NEW] += class1_new;
    work.totals[IP_CLASS2_NEW] += class2_new;
  }

 private:
  InnovationConstants c_{};
};

}  // namespace

std::unique_ptr<Module> make_innovation(const ModuleSetup& setup) {
  return make_module<Innovation>(setup);
}

}  // namespace innosim::models::city

// Innovation (docs/model.md §3.2.4): R&D spending of the step adds to the knowledge stock, which
// depreciates; class-I and class-II IP arrive as Poisson processes in knowledge.
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& innovation_parameters() {
  static const ParameterTable table({
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
  });
  return table;
}

namespace {

struct IpArrivals {
  std::int64_t class1 = 0;
  std::int64_t class2 = 0;
};

/// IP arrivals of one firm-step: N ~ Poisson(mean1 + mean2) by inversion, each arrival of
/// class I with probability mean1 / (mean1 + mean2) (the two counts are then independent
/// Poissons). Most firm-steps have none, decided by one Philox call and one exp.
IpArrivals ip_arrivals(const sim::StreamKey& stream, std::uint32_t firm_id, double mean1,
                       double mean2) {
  IpArrivals arrivals;
  const double mean = mean1 + mean2;
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
    return arrivals;
  }
  std::int64_t count = 0;
  while (u > cumulative && count < 1000) {
    ++count;
    probability *= mean / static_cast<double>(count);
    cumulative += probability;
  }
  const double class1_share = mean1 / mean;
  // Block 0 decided the count (words 0-1; word 2 is the IPO draw); the split uses block 1 on.
  sim::DrawSequence draws(stream, firm_id);
  for (int skip = 0; skip < 4; ++skip) draws.next_word();
  for (std::int64_t arrival = 0; arrival < count; ++arrival) {
    if (sim::u01_closed_open(draws.next_word()) < class1_share) {
      ++arrivals.class1;
    } else {
      ++arrivals.class2;
    }
  }
  return arrivals;
}

class Innovation final : public Module {
 public:
  explicit Innovation(const ModuleSetup& setup) {
    dt_ = setup.dt();
    knowledge_keep_ = std::exp(-static_cast<float>(setup.params.knowledge_depreciation) * dt_);
    class1_rate_ = dt_ / setup.params.class1_ip_knowledge;
    class2_rate_ = dt_ / setup.params.class2_ip_knowledge;
  }

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "innovation",
        "R&D spending into a depreciating knowledge stock; class-I/II IP as Poisson in knowledge",
        {Phase::ROWS},
        {"knowledge", "ip_class1", "ip_class2"},
        {"alive", "revenue", "rd_intensity_real", "rd_intensity_reported"},
        {RD_REAL, RD_REPORTED, IP_CLASS1_NEW, IP_CLASS2_NEW},
        // Block 0 words 0-1 decide the count, blocks 1 on split it; word 2 of block 0 is IPO's.
        {{PURPOSE_IP, 0, 0, 0b1011}, {PURPOSE_IP, 1, ALL_BLOCKS}}};
    return info;
  }

  void rows(World& world, const StepContext& context, ChunkWork& work) const override {
    const FirmView f(world.firms);
    const sim::StreamKey ip_stream = context.stream(PURPOSE_IP);
    // Sums in locals, added to the chunk's totals once: a store through the reference in the
    // loop costs throughput. Each starts at 0, so the totals are the same bits.
    double rd_real_sum = 0.0, rd_reported_sum = 0.0, class1_new = 0.0, class2_new = 0.0;
    for (std::size_t row = work.begin; row < work.end; ++row) {
      if (f.alive[row] == 0) continue;
      const float sales = f.revenue[row] * dt_;
      const float rd_real = f.rd_real[row] * sales;
      const float rd_reported = f.rd_reported[row] * sales;
      f.knowledge[row] = f.knowledge[row] * knowledge_keep_ + rd_real;
      rd_real_sum += rd_real;
      rd_reported_sum += rd_reported;
      const IpArrivals ip = ip_arrivals(ip_stream, f.id[row], f.knowledge[row] * class1_rate_,
                                        f.knowledge[row] * class2_rate_);
      if (ip.class1 + ip.class2 > 0) {
        f.ip_class1[row] =
            static_cast<std::uint16_t>(std::min<std::int64_t>(65535, f.ip_class1[row] + ip.class1));
        f.ip_class2[row] =
            static_cast<std::uint16_t>(std::min<std::int64_t>(65535, f.ip_class2[row] + ip.class2));
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
  float dt_;
  float knowledge_keep_;
  double class1_rate_;
  double class2_rate_;
};

}  // namespace

std::unique_ptr<Module> make_innovation(const ModuleSetup& setup) {
  return make_module<Innovation>(setup);
}

}  // namespace innosim::models::city

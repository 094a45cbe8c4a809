#include "models/testfunctions/test_functions.hpp"

#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "sim/params/parameter_table.hpp"

namespace innosim::models::testfunctions {

namespace {

const char* SOURCE = "test function (docs/experiments.md)";

/// A model whose every point records the constant y.
class ConstantModel final : public sim::Model {
 public:
  ConstantModel(double y, const sim::TimeAxis& time) : y_(y), time_(time) {}
  [[nodiscard]] const std::vector<sim::MetricInfo>& metrics() const override {
    static const std::vector<sim::MetricInfo> metrics = {{"y", "1", "the test function's value"}};
    return metrics;
  }
  [[nodiscard]] sim::TimeAxis time_axis() const override { return time_; }
  bool run_replication(const sim::ReplicationContext& context,
                       sim::SeriesBuffer& out) const override {
    for (int point = 0; point < time_.points(); ++point)
      out.at(0, static_cast<std::size_t>(point)) = y_;
    for (int step = 0; step < time_.steps; ++step) context.step_completed();
    return true;
  }

 private:
  double y_;
  sim::TimeAxis time_;
};

/// The inputs and coefficients of each function, filled from its parameter table.
struct IshigamiParams {
  double x1 = 0, x2 = 0, x3 = 0, a = 0, b = 0;
};
struct SobolGParams {
  std::array<double, SOBOL_G_FACTORS> x{}, a{};
};

template <class Params>
sim::ParameterEntry<Params> real(const std::string& key, double value, double minimum,
                                 double maximum, const std::string& meaning,
                                 sim::ParameterField<Params> field) {
  return {sim::ParameterSpec::make(key, sim::ParameterType::REAL, value, minimum, maximum, "1",
                                   meaning, SOURCE),
          field};
}

const sim::ParameterTable<IshigamiParams>& ishigami_table() {
  using P = IshigamiParams;
  constexpr double PI = std::numbers::pi;
  static const sim::ParameterTable<P> table({
      real<P>("ishigami.x1", 0.0, -PI, PI, "input x1", INNOSIM_FIELD(P, x1)),
      real<P>("ishigami.x2", 0.0, -PI, PI, "input x2", INNOSIM_FIELD(P, x2)),
      real<P>("ishigami.x3", 0.0, -PI, PI, "input x3", INNOSIM_FIELD(P, x3)),
      real<P>("ishigami.a", 7.0, -100.0, 100.0, "coefficient a", INNOSIM_FIELD(P, a)),
      real<P>("ishigami.b", 0.1, -100.0, 100.0, "coefficient b", INNOSIM_FIELD(P, b)),
  });
  return table;
}

/// Every x_i, then every a_i (the accessors need the index at compile time).
template <std::size_t... I>
std::vector<sim::ParameterEntry<SobolGParams>> sobol_g_entries(std::index_sequence<I...>) {
  using P = SobolGParams;
  static constexpr double A[SOBOL_G_FACTORS] = {0, 1, 4.5, 9, 99, 99, 99, 99};
  std::vector<sim::ParameterEntry<P>> entries;
  (entries.push_back(real<P>(
       "sobol_g.x" + std::to_string(I + 1), 0.5, 0.0, 1.0, "input x" + std::to_string(I + 1),
       +[](P& p) -> double& { return p.x[I]; })),
   ...);
  (entries.push_back(real<P>(
       "sobol_g.a" + std::to_string(I + 1), A[I], 0.0, 1.0e6,
       "importance coefficient of x" + std::to_string(I + 1) + " (0: most)",
       +[](P& p) -> double& { return p.a[I]; })),
   ...);
  return entries;
}

const sim::ParameterTable<SobolGParams>& sobol_g_table() {
  static const sim::ParameterTable<SobolGParams> table(
      sobol_g_entries(std::make_index_sequence<SOBOL_G_FACTORS>()));
  return table;
}

}  // namespace

double ishigami(double x1, double x2, double x3, double a, double b) {
  const double s2 = std::sin(x2);
  return std::sin(x1) + a * s2 * s2 + b * x3 * x3 * x3 * x3 * std::sin(x1);
}

double sobol_g(const double* x, const double* a, int factors) {
  double y = 1.0;
  for (int i = 0; i < factors; ++i) y *= (std::fabs(4.0 * x[i] - 2.0) + a[i]) / (1.0 + a[i]);
  return y;
}

const std::vector<sim::ParameterSpec>& ishigami_specs() { return ishigami_table().specs(); }

const std::vector<sim::ParameterSpec>& sobol_g_specs() { return sobol_g_table().specs(); }

std::unique_ptr<sim::Model> create_ishigami(const sim::ParameterSet& values,
                                            const sim::TimeAxis& time) {
  const IshigamiParams p = ishigami_table().fill(values);
  return std::make_unique<ConstantModel>(ishigami(p.x1, p.x2, p.x3, p.a, p.b), time);
}

std::unique_ptr<sim::Model> create_sobol_g(const sim::ParameterSet& values,
                                           const sim::TimeAxis& time) {
  const SobolGParams p = sobol_g_table().fill(values);
  return std::make_unique<ConstantModel>(sobol_g(p.x.data(), p.a.data(), SOBOL_G_FACTORS), time);
}

}  // namespace innosim::models::testfunctions

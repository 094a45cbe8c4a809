#include "models/testfunctions/test_functions.hpp"

#include <cmath>
#include <numbers>
#include <string>

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

sim::ParameterSpec real(const std::string& key, double value, double minimum, double maximum,
                        const std::string& meaning) {
  return sim::ParameterSpec::make(key, sim::ParameterType::REAL, value, minimum, maximum, "1",
                                  meaning, SOURCE);
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

const std::vector<sim::ParameterSpec>& ishigami_specs() {
  static const std::vector<sim::ParameterSpec> specs = [] {
    std::vector<sim::ParameterSpec> list;
    for (int i = 1; i <= 3; ++i) {
      list.push_back(real("ishigami.x" + std::to_string(i), 0.0, -std::numbers::pi,
                          std::numbers::pi, "input x" + std::to_string(i)));
    }
    list.push_back(real("ishigami.a", 7.0, -100.0, 100.0, "coefficient a"));
    list.push_back(real("ishigami.b", 0.1, -100.0, 100.0, "coefficient b"));
    return list;
  }();
  return specs;
}

const std::vector<sim::ParameterSpec>& sobol_g_specs() {
  static const std::vector<sim::ParameterSpec> specs = [] {
    static constexpr double A[SOBOL_G_FACTORS] = {0, 1, 4.5, 9, 99, 99, 99, 99};
    std::vector<sim::ParameterSpec> list;
    for (int i = 1; i <= SOBOL_G_FACTORS; ++i)
      list.push_back(
          real("sobol_g.x" + std::to_string(i), 0.5, 0.0, 1.0, "input x" + std::to_string(i)));
    for (int i = 1; i <= SOBOL_G_FACTORS; ++i) {
      list.push_back(real("sobol_g.a" + std::to_string(i), A[i - 1], 0.0, 1.0e6,
                          "importance coefficient of x" + std::to_string(i) + " (0: most)"));
    }
    return list;
  }();
  return specs;
}

std::unique_ptr<sim::Model> create_ishigami(const sim::ParameterSet& values,
                                            const sim::TimeAxis& time) {
  return std::make_unique<ConstantModel>(
      ishigami(values.real("ishigami.x1"), values.real("ishigami.x2"), values.real("ishigami.x3"),
               values.real("ishigami.a"), values.real("ishigami.b")),
      time);
}

std::unique_ptr<sim::Model> create_sobol_g(const sim::ParameterSet& values,
                                           const sim::TimeAxis& time) {
  double x[SOBOL_G_FACTORS], a[SOBOL_G_FACTORS];
  for (int i = 0; i < SOBOL_G_FACTORS; ++i) {
    x[i] = values.real("sobol_g.x" + std::to_string(i + 1));
    a[i] = values.real("sobol_g.a" + std::to_string(i + 1));
  }
  return std::make_unique<ConstantModel>(sobol_g(x, a, SOBOL_G_FACTORS), time);
}

}  // namespace innosim::models::testfunctions

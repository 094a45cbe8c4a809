#include "sim/experiment/factor.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>

namespace innosim::sim {

const char* distribution_name(FactorDistribution distribution) {
  switch (distribution) {
    case FactorDistribution::UNIFORM:
      return "uniform";
    case FactorDistribution::LOG_UNIFORM:
      return "log_uniform";
    case FactorDistribution::NORMAL:
      return "normal";
    case FactorDistribution::TRIANGULAR:
      return "triangular";
    case FactorDistribution::CHOICE:
      return "choice";
  }
  return "";
}

namespace {

/// The continuous value at u of a non-choice factor.
double continuous_at(const Factor& f, double u) {
  switch (f.distribution) {
    case FactorDistribution::UNIFORM:
      return f.low + u * (f.high - f.low);
    case FactorDistribution::LOG_UNIFORM:
      return f.low * std::pow(f.high / f.low, u);
    case FactorDistribution::TRIANGULAR: {
      const double width = f.high - f.low;
      const double split = width > 0.0 ? (f.mode - f.low) / width : 0.0;
      if (u < split) return f.low + std::sqrt(u * width * (f.mode - f.low));
      return f.high - std::sqrt((1.0 - u) * width * (f.high - f.mode));
    }
    case FactorDistribution::NORMAL: {
      // Truncated to [low, high]: u is mapped into the CDF's range over the bounds.
      const boost::math::normal_distribution<double> normal(f.mean, f.sd);
      const double lower = std::isfinite(f.low) ? boost::math::cdf(normal, f.low) : 0.0;
      const double upper = std::isfinite(f.high) ? boost::math::cdf(normal, f.high) : 1.0;
      const double p = std::clamp(lower + u * (upper - lower), 1e-12, 1.0 - 1e-12);
      return std::clamp(boost::math::quantile(normal, p), f.low, f.high);
    }
    case FactorDistribution::CHOICE:
      break;
  }
  return 0.0;
}

std::size_t choice_index(const Factor& f, double u) {
  const auto count = f.choices.size();
  return std::min(count - 1, static_cast<std::size_t>(u * static_cast<double>(count)));
}

}  // namespace

ParameterValue Factor::value_at(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  if (distribution == FactorDistribution::CHOICE) return choices[choice_index(*this, u)];
  if (type == ParameterType::INTEGER) {
    if (distribution == FactorDistribution::UNIFORM) {
      // Whole numbers low..high, each with probability 1/(high - low + 1).
      const double count = std::floor(high) - std::ceil(low) + 1.0;
      return static_cast<std::int64_t>(
          std::min(std::floor(high), std::ceil(low) + std::floor(u * count)));
    }
    return static_cast<std::int64_t>(std::llround(continuous_at(*this, u)));
  }
  return continuous_at(*this, u);
}

double Factor::recorded_at(double u) const {
  if (distribution == FactorDistribution::CHOICE)
    return static_cast<double>(choice_index(*this, std::clamp(u, 0.0, 1.0)));
  const ParameterValue value = value_at(u);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return static_cast<double>(*integer);
  return std::get<double>(value);
}

std::string Factor::describe() const {
  std::string text = distribution_name(distribution);
  auto number = [](double value) { return to_toml_text(value); };
  switch (distribution) {
    case FactorDistribution::UNIFORM:
    case FactorDistribution::LOG_UNIFORM:
      return text + "(" + number(low) + ", " + number(high) + ")";
    case FactorDistribution::TRIANGULAR:
      return text + "(" + number(low) + ", " + number(mode) + ", " + number(high) + ")";
    case FactorDistribution::NORMAL:
      return text + "(" + number(mean) + ", " + number(sd) + ") on [" + number(low) + ", " +
             number(high) + "]";
    case FactorDistribution::CHOICE: {
      std::string list;
      for (const auto& choice : choices) list += (list.empty() ? "" : ", ") + to_toml_text(choice);
      return text + "[" + list + "]";
    }
  }
  return text;
}

std::vector<double> Factor::grid_coordinates(int levels) const {
  std::vector<double> coordinates;
  if (distribution == FactorDistribution::CHOICE) {
    const auto count = choices.size();
    for (std::size_t i = 0; i < count; ++i)
      coordinates.push_back((static_cast<double>(i) + 0.5) / static_cast<double>(count));
    return coordinates;
  }
  if (type == ParameterType::INTEGER && distribution == FactorDistribution::UNIFORM) {
    // Every whole number once when there are at most `levels` of them.
    const double count = std::floor(high) - std::ceil(low) + 1.0;
    if (count <= levels) {
      for (int i = 0; i < static_cast<int>(count); ++i) coordinates.push_back((i + 0.5) / count);
      return coordinates;
    }
  }
  if (levels == 1) return {0.5};
  // Finite supports include their ends; a normal's grid is at the levels' cell midpoints.
  const bool midpoints = distribution == FactorDistribution::NORMAL;
  for (int i = 0; i < levels; ++i) {
    coordinates.push_back(midpoints ? (i + 0.5) / levels
                                    : static_cast<double>(i) / static_cast<double>(levels - 1));
  }
  return coordinates;
}

}  // namespace innosim::sim

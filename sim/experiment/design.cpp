#include "sim/experiment/design.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "sim/experiment/sobol_sequence.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::sim {

namespace {

constexpr StreamPurpose PURPOSE_DESIGN = 200;  ///< distinct from every model's purposes

/// Uniform double in [0, 1) for (design seed, which, index, draw).
double design_uniform(std::uint64_t seed, std::uint32_t which, std::uint32_t index,
                      std::uint32_t draw) {
  const PhiloxBlock words = StreamKey(seed, PURPOSE_DESIGN, which, 0).block(index, draw);
  return u01_double(words[0], words[1]);
}

std::uint64_t grid_size(const std::vector<Factor>& factors, std::uint64_t levels) {
  std::uint64_t size = 1;
  for (const Factor& factor : factors) {
    size *=
        factor.grid_coordinates(static_cast<int>(std::min<std::uint64_t>(levels, 1u << 20))).size();
    if (size > (1ull << 40)) return size;
  }
  return size;
}

void grid(const std::vector<Factor>& factors, Design& design) {
  std::vector<std::vector<double>> axes;
  for (const Factor& factor : factors)
    axes.push_back(factor.grid_coordinates(static_cast<int>(design.options.n)));
  const std::uint64_t total = grid_size(factors, design.options.n);
  design.unit.resize(total * factors.size());
  // The last factor varies fastest.
  for (std::uint64_t point = 0; point < total; ++point) {
    std::uint64_t rest = point;
    for (std::size_t f = factors.size(); f-- > 0;) {
      design.unit[point * factors.size() + f] = axes[f][rest % axes[f].size()];
      rest /= axes[f].size();
    }
  }
}

void latin_hypercube(Design& design) {
  const std::size_t n = design.options.n;
  const std::size_t d = design.factors;
  design.unit.resize(n * d);
  for (std::size_t f = 0; f < d; ++f) {
    // A random permutation of the strata (Fisher–Yates on identity-keyed draws), jittered.
    std::vector<std::size_t> strata(n);
    std::iota(strata.begin(), strata.end(), 0);
    for (std::size_t i = n; i-- > 1;) {
      const double u = design_uniform(design.options.seed, 1, static_cast<std::uint32_t>(f),
                                      static_cast<std::uint32_t>(i));
      std::swap(strata[i], strata[static_cast<std::size_t>(u * static_cast<double>(i + 1))]);
    }
    for (std::size_t point = 0; point < n; ++point) {
      const double jitter = design_uniform(design.options.seed, 2, static_cast<std::uint32_t>(f),
                                           static_cast<std::uint32_t>(point));
      design.unit[point * d + f] =
          (static_cast<double>(strata[point]) + jitter) / static_cast<double>(n);
    }
  }
}

void saltelli(Design& design) {
  const std::size_t d = design.factors;
  const std::size_t n = design.options.n;
  SobolSequence sequence(static_cast<int>(2 * d));
  if (design.options.scramble) sequence.scramble(design.options.seed);
  sequence.skip(1);  // the first point: unscrambled the origin, where a normal factor's CDF is 0
  std::vector<double> base(2 * d);
  const std::size_t block = design.sobol_block();
  design.unit.resize(n * block * d);
  for (std::size_t j = 0; j < n; ++j) {
    sequence.next(base.data());
    const double* a = base.data();
    const double* b = base.data() + d;
    double* out = &design.unit[j * block * d];
    std::copy(a, a + d, out);  // A
    for (std::size_t i = 0; i < d; ++i) {
      double* ab = out + (1 + i) * d;  // AB_i: A with column i from B
      std::copy(a, a + d, ab);
      ab[i] = b[i];
    }
    if (design.options.second_order) {
      for (std::size_t i = 0; i < d; ++i) {
        double* ba = out + (1 + d + i) * d;  // BA_i: B with column i from A
        std::copy(b, b + d, ba);
        ba[i] = a[i];
      }
    }
    std::copy(b, b + d, out + (block - 1) * d);  // B
  }
}

void morris(Design& design) {
  const std::size_t d = design.factors;
  const std::size_t r = design.options.n;
  const int p = design.options.morris_levels;
  const double delta = p / (2.0 * (p - 1));
  const std::uint64_t seed = design.options.seed;
  design.unit.resize(r * (d + 1) * d);
  for (std::size_t t = 0; t < r; ++t) {
    const auto trajectory = static_cast<std::uint32_t>(t);
    std::vector<double> x(d);
    std::vector<double> step(d);
    for (std::size_t f = 0; f < d; ++f) {
      // Start on one of the p/2 lowest levels; a step goes up by Δ, or down from Δ above.
      const auto level = static_cast<int>(
          design_uniform(seed, 3, trajectory, static_cast<std::uint32_t>(f)) * (p / 2));
      const double low = level / static_cast<double>(p - 1);
      const bool up = design_uniform(seed, 4, trajectory, static_cast<std::uint32_t>(f)) < 0.5;
      x[f] = up ? low : low + delta;
      step[f] = up ? delta : -delta;
    }
    std::vector<std::size_t> order(d);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = d; i-- > 1;) {
      const double u = design_uniform(seed, 5, trajectory, static_cast<std::uint32_t>(i));
      std::swap(order[i], order[static_cast<std::size_t>(u * static_cast<double>(i + 1))]);
    }
    double* out = &design.unit[t * (d + 1) * d];
    std::copy(x.begin(), x.end(), out);
    for (std::size_t k = 0; k < d; ++k) {
      x[order[k]] += step[order[k]];
      std::copy(x.begin(), x.end(), out + (k + 1) * d);
    }
  }
}

}  // namespace

const char* design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::GRID:
      return "grid";
    case DesignKind::LHS:
      return "lhs";
    case DesignKind::SOBOL:
      return "sobol";
    case DesignKind::MORRIS:
      return "morris";
  }
  return "";
}

std::uint64_t design_points(const std::vector<Factor>& factors, const DesignOptions& options) {
  const std::uint64_t d = factors.size();
  switch (options.kind) {
    case DesignKind::GRID:
      return grid_size(factors, options.n);
    case DesignKind::LHS:
      return options.n;
    case DesignKind::SOBOL:
      return options.n * (options.second_order ? 2 * d + 2 : d + 2);
    case DesignKind::MORRIS:
      return options.n * (d + 1);
  }
  return 0;
}

Design make_design(const std::vector<Factor>& factors, const DesignOptions& options) {
  if (factors.empty()) {
    throw std::invalid_argument(
        "the scenario declares no factors: add [uncertainties.<name>] or [levers.<name>] tables");
  }
  if (options.n == 0) throw std::invalid_argument("the design needs n >= 1");
  Design design;
  design.options = options;
  design.factors = factors.size();
  switch (options.kind) {
    case DesignKind::GRID:
      grid(factors, design);
      break;
    case DesignKind::LHS:
      latin_hypercube(design);
      break;
    case DesignKind::SOBOL:
      if (2 * factors.size() > static_cast<std::size_t>(SobolSequence::max_dimensions())) {
        throw std::invalid_argument("a Sobol design supports at most " +
                                    std::to_string(SobolSequence::max_dimensions() / 2) +
                                    " factors");
      }
      saltelli(design);
      break;
    case DesignKind::MORRIS:
      if (options.morris_levels < 2 || options.morris_levels % 2 != 0) {
        throw std::invalid_argument("Morris levels must be even and at least 2");
      }
      morris(design);
      break;
  }
  return design;
}

}  // namespace innosim::sim

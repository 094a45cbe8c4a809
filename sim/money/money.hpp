// Amounts of money as a type of their own, in 万元 (10,000 yuan), the unit of the seed documents.
// A bare float says nothing of its unit and mixes freely with rates and shares; Wan does not:
// it adds and subtracts only with Wan, scales by plain numbers, and a ratio of two amounts is a
// plain number. Payments, budgets and the firms' cash and debt go through it, so an exact ledger
// can move the representation to integers in one place. docs/reproducibility.md states the
// precision.
#pragma once

#include <compare>
#include <type_traits>

namespace innosim::sim {

template <class Rep>
class Wan {
 public:
  static_assert(std::is_arithmetic_v<Rep>);
  using rep = Rep;

  constexpr Wan() = default;
  constexpr explicit Wan(Rep value) : value_(value) {}
  /// Between representations (float columns, double budgets): explicit, as it may round.
  template <class Other>
  constexpr explicit Wan(Wan<Other> other) : value_(static_cast<Rep>(other.value())) {}

  /// The number of 万元.
  [[nodiscard]] constexpr Rep value() const { return value_; }

  constexpr Wan& operator+=(Wan other) {
    value_ += other.value_;
    return *this;
  }
  constexpr Wan& operator-=(Wan other) {
    value_ -= other.value_;
    return *this;
  }
  friend constexpr Wan operator+(Wan a, Wan b) { return Wan(a.value_ + b.value_); }
  friend constexpr Wan operator-(Wan a, Wan b) { return Wan(a.value_ - b.value_); }
  friend constexpr Wan operator-(Wan a) { return Wan(-a.value_); }
  friend constexpr Wan operator*(Wan a, Rep factor) { return Wan(a.value_ * factor); }
  friend constexpr Wan operator*(Rep factor, Wan a) { return Wan(factor * a.value_); }
  friend constexpr Wan operator/(Wan a, Rep divisor) { return Wan(a.value_ / divisor); }
  friend constexpr Rep operator/(Wan a, Wan b) { return a.value_ / b.value_; }
  friend constexpr auto operator<=>(Wan a, Wan b) = default;

 private:
  Rep value_{};
};

/// Budgets, amounts paid and flows (double: exact to the yuan up to 9 × 10^11 万元).
using Money = Wan<double>;
/// Stocks held per agent in its table's columns (float: 4 bytes an agent; relative precision
/// 6 × 10^-8: exact to the yuan below 1,677 万元, within 6 yuan at 1亿).
using MoneyColumn = Wan<float>;
static_assert(sizeof(MoneyColumn) == sizeof(float) && std::is_standard_layout_v<MoneyColumn>);

}  // namespace innosim::sim

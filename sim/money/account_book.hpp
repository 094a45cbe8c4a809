// Exact double-entry accounts (docs/model.md §3.8.2, "Money, exactly"). Every amount is an integer
// number of yuan; a transfer debits one account and credits another by the same amount, so the
// sum of all balances is zero at every moment and each account's closing balance is its opening
// balance plus what arrived less what left, exactly. Accounts that stand for the world outside
// the model (the city's treasury, private investors, the firms' own operations) may go negative:
// their balance is what they put in. The book also sums each step's flows by the kind of the
// paying account and the class of the recipient, the /flows output.
//
// Floating-point money (sim::Money) stays the behavioural currency of the firms' columns; the
// book is where every yuan that changes hands between agents is counted, and to_yuan() is the
// one place an amount in 万元 is rounded to the yuan.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/money/money.hpp"

namespace innosim::sim {

using Yuan = std::int64_t;

/// An amount in 万元, rounded to the nearest yuan (half away from zero).
[[nodiscard]] inline Yuan to_yuan(Money amount) { return std::llround(amount.value() * 1e4); }
/// Yuan as 万元 (exact below 9 × 10^15 yuan).
[[nodiscard]] inline Money to_wan(Yuan yuan) { return Money(static_cast<double>(yuan) / 1e4); }

class AccountBook {
 public:
  using AccountId = std::uint32_t;

  /// `source_kinds`: how many kinds of account there are (the rows of the flow matrix);
  /// `recipient_classes`: how many classes a recipient is counted in (its columns).
  AccountBook(std::size_t source_kinds, std::size_t recipient_classes);

  /// Opens an account of `kind` (< source_kinds) whose receipts are counted in
  /// `recipient_class`; `overdraft` lets its balance go below zero (an outside source).
  AccountId open(std::uint8_t kind, std::uint8_t recipient_class, bool overdraft = false);

  /// Moves `amount` (≥ 0) from `from` to `to`. The recipient is counted in `recipient_class`
  /// (for the firms' account: the paid firm's tier), or in the account's own class if negative.
  /// Refuses (returns false, moves nothing) when `from` may not overdraw and holds less.
  bool transfer(AccountId from, AccountId to, Yuan amount, int recipient_class = -1);

  [[nodiscard]] Yuan balance(AccountId account) const { return accounts_[account].balance; }
  [[nodiscard]] std::uint8_t kind(AccountId account) const { return accounts_[account].kind; }
  [[nodiscard]] std::size_t size() const { return accounts_.size(); }
  [[nodiscard]] std::size_t source_kinds() const { return source_kinds_; }
  [[nodiscard]] std::size_t recipient_classes() const { return recipient_classes_; }

  /// The step's flows in yuan, row-major [source kind][recipient class], since the last
  /// take_flows(); then reset to zero.
  std::vector<Yuan> take_flows();

  /// Whether the books balance: the balances sum to zero and, for every account, opening
  /// balance + received − paid = balance since the last close_period(). Returns the problems
  /// found (empty when they balance), for tests and for a debug check of each step.
  [[nodiscard]] std::vector<std::string> audit() const;
  /// Starts a new period for audit(): the current balances become the opening balances.
  void close_period();

  /// Totals of the current period per account (for tests).
  [[nodiscard]] Yuan received(AccountId account) const { return accounts_[account].received; }
  [[nodiscard]] Yuan paid(AccountId account) const { return accounts_[account].paid; }

 private:
  struct Account {
    Yuan balance = 0;
    Yuan opening = 0;
    Yuan received = 0;
    Yuan paid = 0;
    std::uint8_t kind = 0;
    std::uint8_t recipient_class = 0;
    bool overdraft = false;
  };
  std::size_t source_kinds_;
  std::size_t recipient_classes_;
  std::vector<Account> accounts_;
  std::vector<Yuan> flows_;
};

}  // namespace innosim::sim

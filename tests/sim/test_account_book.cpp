// The double-entry book: exact integer transfers, refusals, the audit, and the flow matrix.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "sim/money/account_book.hpp"

namespace innosim::sim {
namespace {

TEST(AccountBook, RoundsWanToTheNearestYuanOnce) {
  // Fails if an amount in 万元 were truncated (0.00016万 = 1.6 yuan -> 2) or scaled wrongly.
  EXPECT_EQ(to_yuan(Money(1.0)), 10'000);
  EXPECT_EQ(to_yuan(Money(0.00016)), 2);
  EXPECT_EQ(to_yuan(Money(0.00014)), 1);
  EXPECT_EQ(to_yuan(Money(2500.0)), 25'000'000);
  EXPECT_DOUBLE_EQ(to_wan(25'000'000).value(), 2500.0);
}

TEST(AccountBook, RefusesToOverdrawAnAccountThatHoldsItsOwnMoney) {
  AccountBook book(2, 2);
  const auto outside = book.open(0, 0, true);
  const auto fund = book.open(1, 1);
  EXPECT_TRUE(book.transfer(outside, fund, 100));
  // Fails if a non-overdraft account could pay more than it holds.
  EXPECT_FALSE(book.transfer(fund, outside, 101));
  EXPECT_EQ(book.balance(fund), 100);
  EXPECT_TRUE(book.transfer(fund, outside, 100));
  EXPECT_EQ(book.balance(fund), 0);
  EXPECT_TRUE(book.audit().empty());
}

TEST(AccountBook, StaysBalancedToTheYuanOverAMillionRandomTransfers) {
  // Amounts up to 10^11 yuan (10亿万): a float or double book would drift here; the audit
  // checks every account's opening + received - paid == balance and that balances sum to 0.
  AccountBook book(4, 3);
  std::vector<AccountBook::AccountId> accounts;
  for (int i = 0; i < 12; ++i)
    accounts.push_back(
        book.open(static_cast<std::uint8_t>(i % 4), static_cast<std::uint8_t>(i % 3), i % 3 == 0));
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::size_t> pick(0, accounts.size() - 1);
  std::uniform_int_distribution<Yuan> amount(0, 100'000'000'000);
  Yuan moved = 0, refused = 0;
  for (int t = 0; t < 1'000'000; ++t) {
    const Yuan yuan = amount(random);
    if (book.transfer(accounts[pick(random)], accounts[pick(random)], yuan)) {
      moved += yuan;
    } else {
      ++refused;
    }
    if (t % 250'000 == 0) {
      EXPECT_TRUE(book.audit().empty());
      book.close_period();
    }
  }
  EXPECT_GT(refused, 0);  // the refusal path was exercised
  const std::vector<std::string> problems = book.audit();
  EXPECT_TRUE(problems.empty()) << problems.front();
  // The flow matrix holds every yuan moved (since the start: no take_flows yet).
  Yuan flowed = 0;
  for (const Yuan flow : book.take_flows()) flowed += flow;
  EXPECT_EQ(flowed, moved);
  for (const Yuan flow : book.take_flows()) EXPECT_EQ(flow, 0);  // reset
}

TEST(AccountBook, CountsARecipientInTheClassTheTransferNames) {
  AccountBook book(2, 3);
  const auto payer = book.open(1, 0, true);
  const auto firms = book.open(0, 0, true);
  book.transfer(payer, firms, 5, 2);  // e.g. a firm of tier 2
  book.transfer(payer, firms, 7);     // the account's own class, 0
  const std::vector<Yuan> flows = book.take_flows();
  // Row-major [source kind][recipient class]: source kind 1.
  EXPECT_EQ(flows[1 * 3 + 2], 5);
  EXPECT_EQ(flows[1 * 3 + 0], 7);
}

}  // namespace
}  // namespace innosim::sim

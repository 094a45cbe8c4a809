#include "sim/money/account_book.hpp"

#include <algorithm>
#include <stdexcept>

namespace innosim::sim {

AccountBook::AccountBook(std::size_t source_kinds, std::size_t recipient_classes)
    : source_kinds_(source_kinds),
      recipient_classes_(recipient_classes),
      flows_(source_kinds * recipient_classes, 0) {}

AccountBook::AccountId AccountBook::open(std::uint8_t kind, std::uint8_t recipient_class,
                                         bool overdraft) {
  if (kind >= source_kinds_ || recipient_class >= recipient_classes_)
    throw std::logic_error("AccountBook::open: kind or recipient class out of range");
  Account account;
  account.kind = kind;
  account.recipient_class = recipient_class;
  account.overdraft = overdraft;
  accounts_.push_back(account);
  return static_cast<AccountId>(accounts_.size() - 1);
}

bool AccountBook::transfer(AccountId from, AccountId to, Yuan amount, int recipient_class) {
  if (amount < 0) throw std::logic_error("AccountBook::transfer: negative amount");
  Account& payer = accounts_[from];
  if (!payer.overdraft && payer.balance < amount) return false;
  Account& payee = accounts_[to];
  payer.balance -= amount;
  payer.paid += amount;
  payee.balance += amount;
  payee.received += amount;
  const std::size_t column =
      recipient_class >= 0 ? static_cast<std::size_t>(recipient_class) : payee.recipient_class;
  flows_[payer.kind * recipient_classes_ + column] += amount;
  return true;
}

std::vector<Yuan> AccountBook::take_flows() {
  std::vector<Yuan> taken = flows_;
  std::fill(flows_.begin(), flows_.end(), 0);
  return taken;
}

std::vector<std::string> AccountBook::audit() const {
  std::vector<std::string> problems;
  Yuan total = 0;
  for (std::size_t index = 0; index < accounts_.size(); ++index) {
    const Account& account = accounts_[index];
    total += account.balance;
    if (account.opening + account.received - account.paid != account.balance)
      problems.push_back(
          "account " + std::to_string(index) + ": opening " + std::to_string(account.opening) +
          " + received " + std::to_string(account.received) + " - paid " +
          std::to_string(account.paid) + " != balance " + std::to_string(account.balance));
    if (!account.overdraft && account.balance < 0)
      problems.push_back("account " + std::to_string(index) +
                         " is overdrawn: " + std::to_string(account.balance));
  }
  if (total != 0) problems.push_back("balances sum to " + std::to_string(total) + ", not 0");
  return problems;
}

void AccountBook::close_period() {
  for (Account& account : accounts_) {
    account.opening = account.balance;
    account.received = 0;
    account.paid = 0;
  }
}

}  // namespace innosim::sim

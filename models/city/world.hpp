// One replication's state.
#pragma once

#include <vector>

#include "models/city/calendar.hpp"
#include "models/city/firms.hpp"
#include "models/city/institutions/equity.hpp"
#include "models/city/institutions/incubation.hpp"
#include "models/city/institutions/knowledge.hpp"
#include "models/city/institutions/loans.hpp"
#include "models/city/instruments.hpp"
#include "models/city/network/accounts.hpp"
#include "models/city/network/network.hpp"
#include "sim/money/account_book.hpp"

namespace innosim::models::city {

/// The accounts every replication has, whatever its institutions.
struct CommonAccounts {
  sim::AccountBook::AccountId firms = 0;
  sim::AccountBook::AccountId private_investors = 0;
  sim::AccountBook::AccountId depositors = 0;
};

/// One replication's state. Not copied or moved: the ledger refers to the book.
struct World {
  explicit World(const std::vector<Instrument>& instruments)
      : book(ACCOUNT_KIND_COUNT, RECIPIENT_CLASS_COUNT), ledger(instruments) {
    accounts.firms = book.open(FIRMS_ACCOUNT, 0, true);
    accounts.private_investors =
        book.open(PRIVATE_INVESTORS_ACCOUNT, recipient_class_of(PRIVATE_INVESTORS_ACCOUNT), true);
    accounts.depositors =
        book.open(DEPOSITORS_ACCOUNT, recipient_class_of(DEPOSITORS_ACCOUNT), true);
    ledger.keep_accounts(book, accounts.firms);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Firms firms;
  std::vector<Application> applications;  ///< events of the step, paid at its end
  sim::AccountBook book;                  ///< every yuan that changes hands, in whole yuan
  CommonAccounts accounts;
  Ledger ledger;
  LedgerStep instrument_step;  ///< paid and claimed per instrument in the step
  /// Payments of the step to institutions, for their mechanisms (PAYMENTS phase).
  std::vector<InstitutionPayment> institution_payments;
  Network network;
  IncubationState incubation;
  LoanState loans;
  EquityState equity;
  KnowledgeState knowledge;
  std::size_t exited_rows = 0;  ///< rows of exited firms not yet compacted away
};

}  // namespace innosim::models::city

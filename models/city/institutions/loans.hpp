// Per-replication state of the loans mechanism (docs/model.md §3.8.4): the partner banks, the
// guarantee agencies and the technology loans outstanding. Each loan is also an edge bank ->
// borrower of the network (and a guaranteed one an edge guarantor -> borrower); this list keeps
// what the edges do not: the terms, in the order the loans were made (so every pass over them is
// in a fixed order, whatever the thread count).
#pragma once

#include <cstdint>
#include <vector>

#include "models/city/network/network.hpp"
#include "sim/money/account_book.hpp"
#include "sim/money/money.hpp"

namespace innosim::models::city {

struct Bank {
  Network::Vertex vertex = 0;
  sim::AccountBook::AccountId account = 0;
  sim::Yuan written_off = 0;  ///< principal losses written off its book, net of recoveries
};

struct Guarantor {
  Network::Vertex vertex = 0;
  sim::AccountBook::AccountId account = 0;
  sim::Yuan guaranteed = 0;  ///< guaranteed principal outstanding
};

struct Loan {
  Network::Edge edge{};            ///< bank -> borrower
  Network::Edge guarantee_edge{};  ///< guarantor -> borrower (if guaranteed)
  Network::Vertex borrower = 0;    ///< the firm's vertex (its row: Network::row_of)
  std::uint32_t firm_id = 0;
  std::uint32_t bank = 0;       ///< index of the bank
  std::int32_t guarantor = -1;  ///< index of the guarantor, -1 none
  sim::Yuan principal = 0;
  sim::Yuan guaranteed = 0;         ///< the guarantor's part of the principal
  double rate = 0.0;                ///< annual lending rate
  double loss_given_default = 1.0;  ///< share of the principal lost (after collateral)
  std::int32_t maturity_step = 0;   ///< repaid in this step
  /// The borrower was registered (tech SME or high-tech) when the loan was made: the
  /// loss-compensation pool covers such loans only.
  bool pool_eligible = false;
};

struct LoanState {
  std::vector<Bank> banks;
  std::vector<Guarantor> guarantors;
  std::vector<Loan> loans;    ///< outstanding, in the order they were made
  sim::Money pool_paid_year;  ///< paid by loan_loss instruments this calendar year
  // Flows of the step, for the metrics.
  double approved = 0.0;
  double approved_tech_sme = 0.0;
  double defaults = 0.0;
  double compensation = 0.0;  ///< 万元
};

}  // namespace innosim::models::city

// The kinds of account money moves between (docs/model.md §3.8.2, "Money, exactly") and the
// classes a recipient is counted in for /flows: a firm by its tier, an institution by its kind.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "models/city/firms.hpp"

namespace innosim::models::city {

/// Who holds an account. PROGRAMME, PRIVATE_INVESTORS, FIRMS and DEPOSITORS stand for the
/// world outside the institutions: they may go negative (their balance is what they put in, or
/// what they took out). Every other account pays only what it holds.
enum AccountKind : std::uint8_t {
  PROGRAMME_ACCOUNT = 0,      ///< an instrument's budget (the ledger enforces its yearly limit)
  FIRMS_ACCOUNT,              ///< the firms (one account; recipients counted by tier)
  INCUBATOR_ACCOUNT,          ///< an incubator or maker space
  FUND_ACCOUNT,               ///< a venture fund (guidance or private)
  PRIVATE_INVESTORS_ACCOUNT,  ///< limited partners and co-investors outside the model
  BANK_ACCOUNT,               ///< a bank's lending book
  DEPOSITORS_ACCOUNT,  ///< the banks' funding from outside (deposits, central-bank re-lending)
  GUARANTOR_ACCOUNT,   ///< a guarantee agency
  KNOWLEDGE_ACCOUNT,   ///< a university, lab, new R&D institution or platform
  ACCOUNT_KIND_COUNT
};
inline constexpr std::array<std::string_view, ACCOUNT_KIND_COUNT> ACCOUNT_KIND_NAMES = {
    "programme",  "firms",     "incubator",       "fund", "private_investors", "bank",
    "depositors", "guarantor", "knowledge_source"};

/// Recipient classes of /flows: the five firm tiers, then every account kind but the firms.
inline constexpr std::size_t RECIPIENT_CLASS_COUNT = TIER_COUNT + ACCOUNT_KIND_COUNT - 1;
/// The recipient class of an account of `kind` (not FIRMS_ACCOUNT: a firm counts by its tier).
[[nodiscard]] constexpr std::uint8_t recipient_class_of(AccountKind kind) {
  return static_cast<std::uint8_t>(TIER_COUNT + (kind < FIRMS_ACCOUNT ? kind : kind - 1));
}
/// The name of recipient class `index`.
[[nodiscard]] constexpr std::string_view recipient_class_name(std::size_t index) {
  if (index < TIER_COUNT) return TIER_NAMES[index];
  const std::size_t kind = index - TIER_COUNT;
  return ACCOUNT_KIND_NAMES[kind < FIRMS_ACCOUNT ? kind : kind + 1];
}

}  // namespace innosim::models::city

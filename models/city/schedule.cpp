#include "models/city/schedule.hpp"

#include <algorithm>
#include <map>

namespace innosim::models::city {

const std::vector<ModuleRegistration>& schedule() {
  static const std::vector<ModuleRegistration> modules = {
      {"entry", &entry_parameters, &make_entry},
      {"tiers", &tiers_parameters, &make_tiers},
      {"rd_choice", &rd_choice_parameters, &make_rd_choice},
      {"growth", &growth_parameters, &make_growth},
      {"exit", &exit_parameters, &make_exit},
      {"employment", &employment_parameters, &make_employment},
      {"innovation", &innovation_parameters, &make_innovation},
      {"cash_tax", &cash_tax_parameters, &make_cash_tax},
      {"ipo", &ipo_parameters, &make_ipo},
      {"accounts", &accounts_parameters, &make_accounts},
      {"tech_sme", &tech_sme_parameters, &make_tech_sme},
      {"high_tech", &high_tech_parameters, &make_high_tech},
      {"labels", &labels_parameters, &make_labels},
      {"instruments", &instruments_parameters, &make_instruments},
      {"incubation", &incubation_parameters, &make_incubation},
      {"context", &context_parameters, &make_context},
      {"network", &no_parameters, &make_network},
      {"loans", &loans_parameters, &make_loans},
      {"knowledge", &knowledge_parameters, &make_knowledge},
      {"spillovers", &spillovers_parameters, &make_spillovers},
      {"equity", &equity_parameters, &make_equity},
      {"recording", &recording_parameters, &make_recording},
  };
  return modules;
}

const sim::ParameterTable<CityParams>& no_parameters() {
  static const sim::ParameterTable<CityParams> none;
  return none;
}

namespace {

bool overlap(const StreamClaim& a, const StreamClaim& b) {
  return a.purpose == b.purpose && a.first_block <= b.last_block && b.first_block <= a.last_block &&
         (a.words & b.words) != 0;
}

std::string describe(const StreamClaim& claim) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict, PR105329) on "literal" + string.
  std::string text = "purpose ";
  text.append(std::to_string(claim.purpose)).append(", blocks ");
  text.append(std::to_string(claim.first_block));
  if (claim.last_block == ALL_BLOCKS) {
    text.append(" on");
  } else {
    text.append("-").append(std::to_string(claim.last_block));
  }
  return text.append(", words mask ").append(std::to_string(static_cast<int>(claim.words)));
}

}  // namespace

std::vector<std::string> check_modules(const std::vector<std::unique_ptr<Module>>& modules) {
  std::vector<std::string> problems;
  std::map<std::string_view, std::string_view> owner;
  for (const FirmColumnInfo& column : firm_columns()) owner[column.name] = "";
  struct Claimed {
    std::string_view module;
    StreamClaim claim;
  };
  std::vector<Claimed> claims;
  std::vector<std::string_view> metric_filler(FIXED_METRIC_COUNT);
  for (std::size_t index = 0; index < modules.size(); ++index) {
    const ModuleInfo& info = modules[index]->info();
    if (index < schedule().size() && info.name != schedule()[index].name)
      problems.push_back("schedule entry " + std::string(schedule()[index].name) +
                         " builds module " + std::string(info.name));
    for (const std::string_view column : info.owns) {
      const auto found = owner.find(column);
      if (found == owner.end()) {
        problems.push_back(std::string(info.name) + " owns " + std::string(column) +
                           ", which is no firm column");
      } else if (!found->second.empty()) {
        problems.push_back(std::string(column) + " is owned by both " + std::string(found->second) +
                           " and " + std::string(info.name));
      } else {
        found->second = info.name;
      }
    }
    for (const std::string_view column : info.uses) {
      if (owner.count(column) == 0)
        problems.push_back(std::string(info.name) + " uses " + std::string(column) +
                           ", which is no firm column");
    }
    for (const Metric metric : info.metrics) {
      if (!metric_filler[metric].empty())
        problems.push_back(fixed_metrics()[metric].name + " is filled by both " +
                           std::string(metric_filler[metric]) + " and " + std::string(info.name));
      metric_filler[metric] = info.name;
    }
    for (const StreamClaim& claim : info.streams) {
      for (const Claimed& other : claims) {
        if (overlap(claim, other.claim))
          problems.push_back(std::string(info.name) + " and " + std::string(other.module) +
                             " claim the same random words (" + describe(claim) + " against " +
                             describe(other.claim) + ")");
      }
      claims.push_back({info.name, claim});
    }
  }
  for (std::size_t metric = 0; metric < FIXED_METRIC_COUNT; ++metric) {
    if (metric_filler[metric].empty())
      problems.push_back("no module fills the metric " + fixed_metrics()[metric].name);
  }
  for (const auto& [column, module] : owner) {
    if (module.empty()) problems.push_back("no module owns the firm column " + std::string(column));
  }
  return problems;
}

}  // namespace innosim::models::city

// One parameter mechanism for every dictionary: a table of entries, each a spec (key, type,
// default, range, unit, meaning, source) and the field of a plain struct that receives the
// value. The table is the only list of keys: specs, reading and the generated docs cannot drift
// apart, and a struct's defaults are its specs' defaults (fill it from defaults_of(specs)).
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/params/parameter_spec.hpp"

namespace innosim::sim {

/// Where a value lives in `Struct`: a captureless accessor (reaches nested members too).
template <class Struct>
using ParameterField =
    std::variant<double& (*)(Struct&), float& (*)(Struct&), std::int64_t& (*)(Struct&),
                 int& (*)(Struct&), std::string& (*)(Struct&), TextList& (*)(Struct&),
                 IntegerList& (*)(Struct&)>;

/// The accessor of `member` (a data member path such as `rules.max_employees`).
#define INNOSIM_FIELD(Struct, member) +[](Struct& s) -> decltype(auto) { return (s.member); }

template <class Struct>
struct ParameterEntry {
  ParameterSpec spec;
  ParameterField<Struct> field;
};

template <class Struct>
class ParameterTable {
 public:
  ParameterTable() = default;
  explicit ParameterTable(std::vector<ParameterEntry<Struct>> entries) {
    for (auto& entry : entries) add(std::move(entry));
  }

  /// Adds the entries of another table (e.g. one module's parameters to the model's).
  void append(const ParameterTable& other) {
    for (const auto& entry : other.entries_) add(entry);
  }

  [[nodiscard]] const std::vector<ParameterSpec>& specs() const { return specs_; }
  [[nodiscard]] const std::vector<ParameterEntry<Struct>>& entries() const { return entries_; }

  /// Reads every key (`prefix` + spec key) from a resolved set into a new struct.
  [[nodiscard]] Struct fill(const ParameterSet& values, const std::string& prefix = "") const {
    Struct target{};
    std::string prefixed;  // without a prefix the spec's own key, not a copy (sweeps fill often)
    for (const auto& entry : entries_) {
      if (!prefix.empty()) prefixed = prefix + entry.spec.key;
      read(values, prefix.empty() ? entry.spec.key : prefixed, entry.field, target);
    }
    return target;
  }

  /// The struct as a scenario that sets nothing gets it (required keys, which have no default,
  /// stay value-initialised).
  [[nodiscard]] Struct defaults() const {
    const ParameterSet values = defaults_of(specs_);
    Struct target{};
    for (const auto& entry : entries_) {
      if (entry.spec.default_value) read(values, entry.spec.key, entry.field, target);
    }
    return target;
  }

 private:
  static void read(const ParameterSet& values, const std::string& key,
                   const ParameterField<Struct>& field, Struct& target) {
    std::visit(
        [&](auto accessor) {
          auto& value = accessor(target);
          using Value = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<Value, double>) {
            value = values.real(key);
          } else if constexpr (std::is_same_v<Value, float>) {  // kernels in single precision
            value = static_cast<float>(values.real(key));
          } else if constexpr (std::is_same_v<Value, std::string>) {
            value = values.text(key);
          } else if constexpr (std::is_same_v<Value, TextList>) {
            value = values.text_list(key);
          } else if constexpr (std::is_same_v<Value, IntegerList>) {
            value = values.integer_list(key);
          } else {
            value = static_cast<Value>(values.integer(key));
          }
        },
        field);
  }

  /// A key declared twice would be read into two fields with two defaults: refused.
  void add(ParameterEntry<Struct> entry) {
    for (const auto& spec : specs_) {
      if (spec.key == entry.spec.key)
        throw std::logic_error("parameter " + spec.key + " is declared twice");
    }
    specs_.push_back(entry.spec);
    entries_.push_back(std::move(entry));
  }

  std::vector<ParameterEntry<Struct>> entries_;
  std::vector<ParameterSpec> specs_;
};

}  // namespace innosim::sim

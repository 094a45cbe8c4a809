// The calendar position of a step.
#pragma once

namespace innosim::models::city {

/// Calendar position of a step.
struct StepCalendar {
  int step = 0;
  int year = 0;
  int first_month = 1;  ///< months [first_month, last_month] of `year` fall in the step
  int last_month = 1;
  [[nodiscard]] bool contains_month(int month) const {
    return month >= first_month && month <= last_month;
  }
  [[nodiscard]] bool starts_year() const { return first_month == 1; }
  [[nodiscard]] bool ends_year() const { return last_month == 12; }
};

}  // namespace innosim::models::city

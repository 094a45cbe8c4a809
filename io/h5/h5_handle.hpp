// RAII ownership of HDF5 identifiers and error translation. The HDF5 C API is used directly
// (the C++ bindings add little and are not in every HDF5 build); every call that can fail is
// checked and turned into an exception that says what was being done.
#pragma once

#include <hdf5.h>

#include <stdexcept>
#include <string>

namespace innosim::io::h5 {

class H5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Throws H5Error("while <what>") if status is negative.
inline herr_t check(herr_t status, const std::string& what) {
  if (status < 0) throw H5Error("HDF5 failed while " + what);
  return status;
}

/// Owns one hid_t and closes it with the matching H5*close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, const std::string& what) : id_(id), closer_(closer) {
    if (id < 0) throw H5Error("HDF5 failed while " + what);
  }
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      closer_ = other.closer_;
      other.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  [[nodiscard]] hid_t get() const { return id_; }
  [[nodiscard]] bool valid() const { return id_ >= 0; }
  operator hid_t() const { return id_; }  // NOLINT: handles pass straight into H5 calls
  /// Closes now and reports failure (a file's close is where buffered data is flushed).
  void close(const std::string& what) {
    if (id_ >= 0) {
      const herr_t status = closer_(id_);
      id_ = -1;
      check(status, what);
    }
  }

 private:
  void reset() {
    if (id_ >= 0) closer_(id_);
    id_ = -1;
  }
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

/// Silences HDF5's own error printing (we report errors ourselves) for the program's lifetime.
void silence_library_errors();
/// True: HDF5's exit handler is not registered (it crashes after a failed close).
bool exit_handler_disabled();

}  // namespace innosim::io::h5

// Flat byte messages for the MPI back-end: a writer that appends trivially copyable values,
// arrays and strings, and a reader that takes them back in the same order. Hand-written
// rather than Boost.Serialization (through Boost.MPI): a task's results are a few arrays of
// doubles and strings, and a flat buffer sent with MPI_BYTE is all the back-end needs.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace innosim::sim {

class ByteWriter {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    append(&value, sizeof(T));
  }
  template <class T>
  void put_array(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(values.size());
    append(values.data(), values.size_bytes());
  }
  void put_string(const std::string& text) {
    put_array(std::span<const char>(text.data(), text.size()));
  }
  [[nodiscard]] std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  // resize + memcpy rather than vector::insert, whose inlined form GCC 12 flags with a false
  // -Wstringop-overflow.
  void append(const void* data, std::size_t count) {
    if (count == 0) return;
    const std::size_t at = bytes_.size();
    bytes_.resize(at + count);
    std::memcpy(bytes_.data() + at, data, count);
  }
  std::vector<std::uint8_t> bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  template <class T>
  std::vector<T> get_array() {
    const auto count = static_cast<std::size_t>(get<std::uint64_t>());
    if (count > (bytes_.size() - at_) / sizeof(T)) throw std::length_error("truncated message");
    std::vector<T> values(count);
    if (count > 0) std::memcpy(values.data(), take(count * sizeof(T)), count * sizeof(T));
    return values;
  }
  std::string get_string() {
    const std::vector<char> text = get_array<char>();
    return {text.begin(), text.end()};
  }
  [[nodiscard]] bool done() const { return at_ == bytes_.size(); }

 private:
  const std::uint8_t* take(std::size_t count) {
    if (count > bytes_.size() - at_) throw std::length_error("truncated message");
    const std::uint8_t* start = bytes_.data() + at_;
    at_ += count;
    return start;
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

}  // namespace innosim::sim

// Cache-line aligned allocation for table columns, so vector loads never split a line.
// (std::allocator only guarantees alignof(T); Boost.Align would do the same in more code.)
#pragma once

#include <cstddef>
#include <new>

namespace innosim::sim {

template <class T, std::size_t ALIGNMENT = 64>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() noexcept = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U, ALIGNMENT>&) noexcept {}
  template <class U>
  struct rebind {
    using other = AlignedAllocator<U, ALIGNMENT>;
  };

  T* allocate(std::size_t count) {
    return static_cast<T*>(::operator new (count * sizeof(T), std::align_val_t{ALIGNMENT}));
  }
  void deallocate(T* pointer, std::size_t) noexcept {
    ::operator delete (pointer, std::align_val_t{ALIGNMENT});
  }
  friend bool operator==(const AlignedAllocator&, const AlignedAllocator&) noexcept { return true; }
};

}  // namespace innosim::sim

// The few pieces of the C++ standard library the kernel needs, in namespace kstd. The kernel has
// no libstdc++; host builds use these same definitions so both builds run identical code.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kstd {

template <typename T>
struct remove_reference {
  using type = T;
};
template <typename T>
struct remove_reference<T&> {
  using type = T;
};
template <typename T>
struct remove_reference<T&&> {
  using type = T;
};
template <typename T>
using remove_reference_t = typename remove_reference<T>::type;

template <typename T>
constexpr remove_reference_t<T>&& move(T&& value) {
  return static_cast<remove_reference_t<T>&&>(value);
}

template <typename T>
constexpr T&& forward(remove_reference_t<T>& value) {
  return static_cast<T&&>(value);
}

template <typename A, typename B>
inline constexpr bool is_same_v = false;
template <typename A>
inline constexpr bool is_same_v<A, A> = true;

template <typename T>
inline constexpr bool is_integral_v = false;
#define KSTD_INTEGRAL(T, SIGNED)                 \
  template <>                                    \
  inline constexpr bool is_integral_v<T> = true; \
  template <>                                    \
  inline constexpr bool is_signed_int_v<T> = SIGNED;
template <typename T>
inline constexpr bool is_signed_int_v = false;
KSTD_INTEGRAL(bool, false)
KSTD_INTEGRAL(char, static_cast<char>(-1) < 0)
KSTD_INTEGRAL(signed char, true)
KSTD_INTEGRAL(unsigned char, false)
KSTD_INTEGRAL(short, true)
KSTD_INTEGRAL(unsigned short, false)
KSTD_INTEGRAL(int, true)
KSTD_INTEGRAL(unsigned int, false)
KSTD_INTEGRAL(long, true)
KSTD_INTEGRAL(unsigned long, false)
KSTD_INTEGRAL(long long, true)
KSTD_INTEGRAL(unsigned long long, false)
#undef KSTD_INTEGRAL

template <typename T>
struct remove_cv {
  using type = T;
};
template <typename T>
struct remove_cv<const T> {
  using type = T;
};
template <typename T>
struct remove_cv<volatile T> {
  using type = T;
};
template <typename T>
struct remove_cv<const volatile T> {
  using type = T;
};
template <typename T>
using remove_cvref_t = typename remove_cv<remove_reference_t<T>>::type;

template <typename T>
constexpr void swap(T& a, T& b) {
  T tmp = move(a);
  a = move(b);
  b = move(tmp);
}

template <typename T>
constexpr const T& min(const T& a, const T& b) {
  return b < a ? b : a;
}

template <typename T>
constexpr const T& max(const T& a, const T& b) {
  return a < b ? b : a;
}

template <typename T, size_t N>
constexpr size_t size(const T (&)[N]) {
  return N;
}

inline constexpr uint64_t U64_MAX = ~uint64_t{0};

// Overflow-checked arithmetic for address ranges: false when the result wrapped.
constexpr bool checked_add(uint64_t a, uint64_t b, uint64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

constexpr bool is_power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }
constexpr uint64_t align_down(uint64_t x, uint64_t align) { return x & ~(align - 1); }
// Rounds up; the caller checks that x + align - 1 does not wrap (see checked_align_up).
constexpr uint64_t align_up(uint64_t x, uint64_t align) { return (x + align - 1) & ~(align - 1); }
constexpr bool checked_align_up(uint64_t x, uint64_t align, uint64_t* out) {
  uint64_t bumped = 0;
  if (!checked_add(x, align - 1, &bumped)) return false;
  *out = bumped & ~(align - 1);
  return true;
}

}  // namespace kstd

# Chooses the SIMD level: AVX-512 (with IFMA), AVX2 or portable. "auto" picks the best level the
# build machine runs. Every level builds the same algorithms; the kernels are selected at compile
# time by the TENSORSTARK_SIMD_* macro.
set(TENSORSTARK_SIMD "auto" CACHE STRING "SIMD level: auto, avx512, avx2 or portable")
set_property(CACHE TENSORSTARK_SIMD PROPERTY STRINGS auto avx512 avx2 portable)

if(TENSORSTARK_SIMD STREQUAL "auto")
  include(CheckCXXSourceRuns)
  set(CMAKE_REQUIRED_QUIET ON)
  check_cxx_source_runs("
    int main() {
      __builtin_cpu_init();
      return (__builtin_cpu_supports(\"avx512f\") && __builtin_cpu_supports(\"avx512bw\") &&
              __builtin_cpu_supports(\"avx512dq\") && __builtin_cpu_supports(\"avx512vl\") &&
              __builtin_cpu_supports(\"avx512ifma\") && __builtin_cpu_supports(\"bmi2\")) ? 0 : 1;
    }" TENSORSTARK_HOST_HAS_AVX512)
  check_cxx_source_runs("
    int main() {
      __builtin_cpu_init();
      return (__builtin_cpu_supports(\"avx2\") && __builtin_cpu_supports(\"bmi2\")) ? 0 : 1;
    }" TENSORSTARK_HOST_HAS_AVX2)
  if(TENSORSTARK_HOST_HAS_AVX512)
    set(TENSORSTARK_SIMD_LEVEL avx512)
  elseif(TENSORSTARK_HOST_HAS_AVX2)
    set(TENSORSTARK_SIMD_LEVEL avx2)
  else()
    set(TENSORSTARK_SIMD_LEVEL portable)
  endif()
else()
  set(TENSORSTARK_SIMD_LEVEL ${TENSORSTARK_SIMD})
endif()

if(TENSORSTARK_SIMD_LEVEL STREQUAL "avx512")
  set(TENSORSTARK_SIMD_FLAGS -mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx512ifma -mavx2 -mbmi2
      -madx -mtune=native)
  set(TENSORSTARK_SIMD_DEFINE TENSORSTARK_SIMD_AVX512=1)
elseif(TENSORSTARK_SIMD_LEVEL STREQUAL "avx2")
  set(TENSORSTARK_SIMD_FLAGS -mavx2 -mbmi2 -madx)
  set(TENSORSTARK_SIMD_DEFINE TENSORSTARK_SIMD_AVX2=1)
elseif(TENSORSTARK_SIMD_LEVEL STREQUAL "portable")
  set(TENSORSTARK_SIMD_FLAGS "")
  set(TENSORSTARK_SIMD_DEFINE TENSORSTARK_SIMD_PORTABLE=1)
else()
  message(FATAL_ERROR "TENSORSTARK_SIMD must be auto, avx512, avx2 or portable, not '${TENSORSTARK_SIMD}'")
endif()
message(STATUS "tensorstark SIMD level: ${TENSORSTARK_SIMD_LEVEL}")

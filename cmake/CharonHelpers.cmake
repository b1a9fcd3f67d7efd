# Helpers that keep every library, test and benchmark built the same way.

set(CHARON_WARNINGS -Wall -Wextra -Wnon-virtual-dtor)
# CI builds with -DCHARON_WERROR=ON so that a new warning fails the build.
if(CHARON_WERROR)
  list(APPEND CHARON_WARNINGS -Werror)
endif()

if(CHARON_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Fuzzing instruments every library for coverage (fuzzer-no-link) and the sanitizers; only the
# fuzz targets link libFuzzer's main (charon_fuzzer below).
if(CHARON_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# charon_library(NAME SRCS a.cc b.cc DEPS x y)
function(charon_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${CHARON_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# charon_test(NAME SRCS a_test.cc DEPS x [LABELS e2e] [TIMEOUT s] [BINARY] [ENV "K=V" ...]): links
# gtest, gmock and the status matchers (testing/status_matchers.h) besides DEPS. BINARY: the test
# runs the charon binary, built first and named by CHARON_BINARY.
function(charon_test name)
  cmake_parse_arguments(ARG "BINARY" "TIMEOUT" "SRCS;DEPS;LABELS;ENV" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${CHARON_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} charon_status_matchers GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  set(timeout 120)
  if(ARG_TIMEOUT)
    set(timeout ${ARG_TIMEOUT})
  endif()
  set(env "CHARON_SOURCE_DIR=${PROJECT_SOURCE_DIR}" "CHARON_BINARY_DIR=${PROJECT_BINARY_DIR}" ${ARG_ENV})
  if(ARG_BINARY)
    add_dependencies(${name} charon)
    list(APPEND env "CHARON_BINARY=$<TARGET_FILE:charon>")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT ${timeout} ENVIRONMENT "${env}")
endfunction()

# charon_benchmark(NAME SRCS a_bench.cc DEPS x)
function(charon_benchmark name)
  if(NOT CHARON_BENCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${CHARON_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark benchmark::benchmark_main)
endfunction()

# charon_fuzzer(NAME SRCS a_fuzz.cc DEPS x): libFuzzer target, only with CHARON_FUZZ and clang.
function(charon_fuzzer name)
  if(NOT CHARON_FUZZ)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

#!/usr/bin/env bash
# innosim developer entry point. Every command first installs the Debian packages that are
# missing (scripts/debian-packages.txt), then configures and builds what it needs.
#
#   bash dev.sh run [SCENARIO] [innosim run options]   build (Release) and run a scenario
#                                                      (default: scenarios/cities/xinyang.toml)
#   bash dev.sh test                 build with warnings as errors, with the MPI back-end, and run
#                                    every test (ctest), the MPI ones under mpirun -np 1, 2, 4
#   bash dev.sh mpi                  the same build; only the MPI tests (ctest -L mpi)
#   bash dev.sh asan                 build with AddressSanitizer + UBSan and run every test
#   bash dev.sh tsan                 build with ThreadSanitizer and run every test
#   bash dev.sh bench [ARGS]         build and run the benchmarks (ARGS go to Google Benchmark)
#   bash dev.sh regression [--update]  build and compare with the regression baseline (--update
#                                    rewrites it: commit it with the reason)
#   bash dev.sh crash [--short]      build and kill -9 run and sweep at random moments, fill a
#                                    small disk: outputs absent or complete, resumes identical
#   bash dev.sh build                install and build only (Release, build/release)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

# install_missing_packages [LIST...]: scripts/debian-packages.txt and the lists given.
install_missing_packages() {
  local wanted missing=()
  wanted=$(cat scripts/debian-packages.txt "$@" | grep -v '^\s*#' | grep -v '^\s*$')
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing missing Debian packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# configure_and_build DIR CMAKE_ARGS...
configure_and_build() {
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" --parallel "$JOBS"
}

run_tests() {
  local dir=$1
  ctest --test-dir "$dir" --output-on-failure --parallel "$JOBS" --timeout 600
}

command=${1:-run}
[ $# -gt 0 ] && shift
case "$command" in
  run)
    install_missing_packages
    configure_and_build build/release -DCMAKE_BUILD_TYPE=Release -DINNOSIM_BUILD_TESTS=OFF
    scenario=${1:-scenarios/cities/xinyang.toml}
    [ $# -gt 0 ] && shift
    exec build/release/apps/innosim run "$scenario" "$@"
    ;;
  build)
    install_missing_packages
    configure_and_build build/release -DCMAKE_BUILD_TYPE=Release
    ;;
  # The test build includes the MPI back-end (docs/cluster.md): without a launcher the program
  # runs as one process, exactly as the default build, so every test holds for both, and the
  # default build's side of the MPI files is compiled too (innosim_without_mpi_check).
  test)
    install_missing_packages scripts/debian-packages-mpi.txt
    configure_and_build build/ci -DCMAKE_BUILD_TYPE=Release -DINNOSIM_WERROR=ON -DINNOSIM_MPI=ON
    run_tests build/ci
    ;;
  mpi)
    install_missing_packages scripts/debian-packages-mpi.txt
    configure_and_build build/ci -DCMAKE_BUILD_TYPE=Release -DINNOSIM_WERROR=ON -DINNOSIM_MPI=ON
    ctest --test-dir build/ci --output-on-failure --timeout 600 -L mpi
    ;;
  # Sanitizer builds do not use -Werror: instrumentation makes GCC's flow warnings
  # (-Wmaybe-uninitialized) report false positives in the standard library. The Release build
  # of `test` enforces warnings.
  asan)
    install_missing_packages
    configure_and_build build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINNOSIM_WERROR=OFF \
      -DINNOSIM_SANITIZE=address,undefined
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 run_tests build/asan
    ;;
  tsan)
    install_missing_packages
    configure_and_build build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINNOSIM_WERROR=OFF \
      -DINNOSIM_SANITIZE=thread
    TSAN_OPTIONS=halt_on_error=1 run_tests build/tsan
    ;;
  regression)
    install_missing_packages
    configure_and_build build/release -DCMAKE_BUILD_TYPE=Release
    exec /usr/bin/python3 tests/regression/regression.py --innosim build/release/apps/innosim "$@"
    ;;
  crash)
    install_missing_packages
    configure_and_build build/release -DCMAKE_BUILD_TYPE=Release
    exec /usr/bin/python3 scripts/crash_safety.py --innosim build/release/apps/innosim "$@"
    ;;
  bench)
    install_missing_packages
    configure_and_build build/release -DCMAKE_BUILD_TYPE=Release
    exec build/release/bench/innosim_bench "$@"
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac

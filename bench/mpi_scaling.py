"""Parallel efficiency of the MPI back-end, its overhead against threads, and a scaling model.

A benchmark (docs/performance.md), not a test: it times `innosim sweep` of the example city
(compute-bound, a city run per task) and of the Ishigami function (overhead-bound: microsecond
tasks, so the engine, the farm and the file cost everything) on one process with 1 and 2
threads and under mpirun with 1, 2 and 4 ranks of one thread each, checks that every file equals
the single-process one, reads rank 0's "MPI: ..." line (chunks, serving time, sink time, bytes)
and projects the scaling to 100 nodes from the measured per-task cost and per-chunk cost.

    /usr/bin/python3 bench/mpi_scaling.py --innosim build/ci/apps/innosim [--repeat 3]
"""
import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "mpi"))
import h5_same  # noqa: E402

SCENARIOS = os.path.join(HERE, "..", "scenarios")
WORKLOADS = {
    "city": ([os.path.join(SCENARIOS, "examples", "city_sweep.toml"), "--design", "morris",
              "-n", "2", "-r", "6"], "example city, Morris n = 2 (30 points) x 6 replications",
             180),
    "ref1": ([os.path.join(SCENARIOS, "tests", "ref1_sweep.toml"), "--design", "morris",
              "-n", "300"], "REF-1, Morris n = 300 (1,200 points) x 4 replications: "
             "millisecond tasks", 4800),
    "ishigami": ([os.path.join(SCENARIOS, "tests", "ishigami.toml"), "--design", "sobol",
                  "-n", "65536"], "Ishigami, Sobol N = 65536 (327,680 one-step tasks)", 327680),
}
MPI_LINE = re.compile(r"MPI: (\d+) ranks, (\d+) tasks in (\d+) chunks over ([\d.]+) s .*rank 0 served "
                      r"for ([\d.]+) s \((\d+) us per chunk\), its sink took ([\d.]+) s, ([\d.]+) MB")


def run(command, cwd):
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return seconds, result.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--innosim", required=True)
    parser.add_argument("--mpirun", default="mpirun --oversubscribe --allow-run-as-root")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workloads", default="city,ref1,ishigami")
    args = parser.parse_args()
    innosim = os.path.abspath(args.innosim)
    mpirun = shlex.split(args.mpirun)
    configurations = [("1 process, 1 thread", [], "1"), ("1 process, 2 threads", [], "2"),
                      ("mpirun -np 1, 1 thread", ["-np", "1"], "1"),
                      ("mpirun -np 2, 1 thread each", ["-np", "2"], "1"),
                      ("mpirun -np 4, 1 thread each (oversubscribed)", ["-np", "4"], "1")]
    measured = {}
    with tempfile.TemporaryDirectory(prefix="innosim-mpi-bench-") as directory:
        for workload in args.workloads.split(","):
            sweep, described, _ = WORKLOADS[workload]
            times = {name: [] for name, _, _ in configurations}
            lines = {}
            # Rounds of every configuration in turn, so that a slow spell of the machine does not
            # fall on one configuration only; the median of the rounds is reported.
            for round_ in range(args.repeat):
                for index, (name, ranks, threads) in enumerate(configurations):
                    output = f"{workload}_{round_}_{index}.h5"
                    command = ([*mpirun, *ranks] if ranks else []) + [
                        innosim, "sweep", *sweep, "-q", "-t", threads, "-o", output]
                    seconds, stderr = run(command, directory)
                    times[name].append(seconds)
                    found = MPI_LINE.search(stderr)
                    if found:
                        lines[name] = found.groups()
                    reference = f"{workload}_0_0.h5"
                    if output != reference:
                        differences = h5_same.differences(os.path.join(directory, reference),
                                                          os.path.join(directory, output))
                        if differences:
                            sys.exit(f"{name}: the file differs from one process's: "
                                     f"{differences[:3]}")
            print(f"\n## {workload}: {described}\n")
            print("| configuration | wall s (each round) | median | speed-up vs 1 thread | "
                  "efficiency per core | chunks | rank 0 us/chunk | sink s | MB sent |")
            print("|---|---|---|---|---|---|---|---|---|")
            base = statistics.median(times[configurations[0][0]])
            for name, ranks, threads in configurations:
                middle = statistics.median(times[name])
                cores = min(2, int(ranks[-1]) * int(threads) if ranks else int(threads))
                speed_up = base / middle
                line = lines.get(name)
                cells = [line[2], line[5], line[6], line[7]] if line else ["-"] * 4
                print(f"| {name} | {', '.join(f'{t:.2f}' for t in times[name])} | {middle:.2f} | "
                      f"{speed_up:.2f} | {speed_up / cores:.0%} | {' | '.join(cells)} |")
                measured[(workload, name)] = (middle, line)
    print()
    for workload in args.workloads.split(","):
        threaded = measured.get((workload, "1 process, 2 threads"))
        farm = measured.get((workload, "mpirun -np 2, 1 thread each"))
        if threaded and farm:
            print(f"MPI back-end (2 ranks x 1 thread) against threads (1 process x 2 threads) on "
                  f"the same 2 cores, {workload}: {farm[0] / threaded[0] - 1:+.1%}")
    scaling_model(measured)


def scaling_model(measured):
    """Rank 0 serves chunks one at a time and its sink takes every task: with P ranks of c cores,
    t seconds per task, chunks of d seconds, s seconds of serving per chunk and w seconds of sink
    per task, rank 0 is busy a fraction U = P s / d + (P c / t) w of its main thread's time;
    beyond U = 1 it is the bottleneck. The last chunks end unevenly: about d / 2 lost per run."""
    if ("city", "1 process, 1 thread") not in measured:
        return
    city_seconds = measured[("city", "1 process, 1 thread")][0]
    t = city_seconds / WORKLOADS["city"][2]
    city_line = measured.get(("city", "mpirun -np 2, 1 thread each"), (0, None))[1]
    ishigami_line = measured.get(("ishigami", "mpirun -np 2, 1 thread each"), (0, None))[1]
    s = float(city_line[5]) * 1e-6 if city_line else 0.0
    if ishigami_line:  # the sink's cost per task of a sweep file, from the tiny tasks
        w = float(ishigami_line[6]) / float(ishigami_line[1])
    else:
        w = 0.0
    d = 0.5
    print(f"\nScaling model: t = {t * 1e3:.1f} ms per city task (1 core), s = {s * 1e6:.0f} us per "
          f"chunk, w = {w * 1e6:.2f} us of sink per task, d = {d} s per chunk")
    print("\n| nodes x cores | tasks/s | rank 0 busy U | 4.3 M-run Sobol study | efficiency |")
    print("|---|---|---|---|---|")
    work = 4.3e6 * t
    for nodes, cores in [(1, 2), (1, 64), (10, 64), (100, 64), (1000, 64)]:
        rate = nodes * cores / t
        busy = nodes * s / d + rate * w
        ideal = work / (nodes * cores)
        actual = ideal * max(1.0, busy) + d / 2
        print(f"| {nodes} x {cores} | {rate:,.0f} | {busy:.2%} | {actual / 3600:.2f} h | "
              f"{ideal / actual:.0%} |")


if __name__ == "__main__":
    main()

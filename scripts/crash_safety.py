#!/usr/bin/python3
"""Crash safety of innosim's files (docs/reliability.md).

kill -9 `innosim run` and `innosim sweep` at random moments (a fixed seed chooses them), then
check that every output is either absent or complete (opened with h5py: attribute complete = 1
and the datasets present), that no temporary file outlives the next command, and that
`sweep --resume` after each kill gives outcomes bit-identical to an uninterrupted sweep. Then a
full disk: a small tmpfs (when this machine lets us mount one; skipped with the reason
otherwise) on which run and sweep must fail with exit 1 (no signal), keep no partial output of a
run, keep a sweep's completed points with their values, and resume once space is freed.

    /usr/bin/python3 scripts/crash_safety.py [--short] [--innosim PATH] [--seed N]

`bash dev.sh crash [--short]` builds the program and runs this. Exit status 0 when every check
held; the last lines give the figures (cases, kill -9 trials, resume equality).
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RUN_SCENARIO = """\
[scenario]
name = "crash_run"
model = "ref1"
steps = 36

[run]
replications = 400
seed = 11

[ref1]
initial_firms = 2000
births_per_step = 4.0
"""


def sweep_scenario(firms, steps):
    with open(os.path.join(ROOT, "scenarios", "tests", "ref1_sweep.toml"), encoding="utf-8") as f:
        text = f.read()
    return (text.replace("initial_firms = 20000", f"initial_firms = {firms}")
            .replace("steps = 120", f"steps = {steps}").replace("@2031", "@2022"))


class Checker:
    def __init__(self, innosim, work):
        self.innosim = innosim
        self.work = work
        self.failures = []
        self.figures = {"run kills": 0, "sweep kills": 0, "resumes identical": 0,
                        "resumes": 0, "full-disk cases": 0, "checks": 0}

    def check(self, condition, message):
        self.figures["checks"] += 1
        if not condition:
            self.failures.append(message)
            print("FAIL:", message, flush=True)

    def call(self, args, timeout=600):
        return subprocess.run([self.innosim, *args], capture_output=True, text=True, cwd=self.work,
                              timeout=timeout)

    def kill_after(self, args, delay):
        process = subprocess.Popen([self.innosim, *args], cwd=self.work, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()
        return process.returncode

    def complete_or_absent(self, path, what):
        if not os.path.exists(path):
            return
        try:
            with h5py.File(path, "r") as f:
                self.check(int(f.attrs["complete"]) == 1, f"{what}: {path} not marked complete")
                self.check("series" in f or "experiments" in f, f"{what}: {path} has no data")
        except OSError as error:
            self.check(False, f"{what}: {path} unreadable: {error}")

    def leftovers(self, directory, allowed):
        return sorted(set(os.listdir(directory)) - set(allowed))

    def outcomes(self, path):
        with h5py.File(path, "r") as f:
            group = f["experiments/outcomes"]
            return {name: group[name][...] for name in group
                    if name not in ("point", "replication")}


def run_kills(checker, rng, trials, scenario):
    """kill -9 a run at random moments: the output is absent or complete; temporaries of the
    dead process are removed by the next run."""
    started = time.monotonic()
    result = checker.call(["run", scenario, "-q", "-o", "reference.h5"])
    duration = time.monotonic() - started
    checker.check(result.returncode == 0, f"reference run failed: {result.stderr}")
    for trial in range(trials):
        output = f"run{trial}.h5"
        delay = rng.uniform(0.0, duration * 1.1)
        checker.kill_after(["run", scenario, "-q", "-o", output], delay)
        checker.figures["run kills"] += 1
        checker.complete_or_absent(os.path.join(checker.work, output), f"run killed at {delay:.2f} s")
        # The next run in the directory removes the dead process's temporary files.
        result = checker.call(["run", scenario, "-q", "-o", output])
        checker.check(result.returncode == 0, f"run after kill: {result.stderr}")
        stale = [name for name in os.listdir(checker.work) if ".tmp-" in name]
        checker.check(not stale, f"temporaries left after kill at {delay:.2f} s: {stale}")
        with h5py.File(os.path.join(checker.work, output), "r") as a, \
                h5py.File(os.path.join(checker.work, "reference.h5"), "r") as b:
            same = all(np.array_equal(a["series"][name][...], b["series"][name][...])
                       for name in b["series"] if name not in ("time", "replication"))
            checker.check(same, f"run after kill differs from the reference")
        os.remove(os.path.join(checker.work, output))


def sweep_kills(checker, rng, trials, scenario, args):
    """kill -9 a sweep at random moments (some within 0.1 s of its start), then resume: the
    outcomes equal an uninterrupted sweep's."""
    started = time.monotonic()
    result = checker.call(["sweep", scenario, *args, "-o", "reference_sweep.h5"])
    duration = time.monotonic() - started
    checker.check(result.returncode == 0, f"reference sweep failed: {result.stderr}")
    reference = checker.outcomes(os.path.join(checker.work, "reference_sweep.h5"))
    for trial in range(trials):
        output = f"sweep{trial}.h5"
        partial = os.path.join(checker.work, f"sweep{trial}.partial.h5")
        delay = rng.uniform(0.0, 0.1) if trial % 3 == 0 else rng.uniform(0.0, duration)
        kills = 1 + trial % 2  # some trials are killed twice before resuming
        for _ in range(kills):
            if os.path.exists(os.path.join(checker.work, output)):
                break  # finished before the kill: starting it again would be a new sweep
            extra = ["--resume"] if os.path.exists(partial) else []
            checker.kill_after(["sweep", scenario, *args, "-o", output, *extra], delay)
            checker.figures["sweep kills"] += 1
        checker.complete_or_absent(os.path.join(checker.work, output), f"sweep killed at {delay:.2f} s")
        if not os.path.exists(os.path.join(checker.work, output)):
            extra = ["--resume"] if os.path.exists(partial) else []
            result = checker.call(["sweep", scenario, *args, "-o", output, *extra])
            checker.check(result.returncode == 0,
                          f"sweep {'resume' if extra else 'restart'} after kill at {delay:.3f} s "
                          f"failed: {result.stderr}")
        checker.figures["resumes"] += 1
        if os.path.exists(os.path.join(checker.work, output)):
            outcomes = checker.outcomes(os.path.join(checker.work, output))
            same = all(np.array_equal(outcomes[name], reference[name]) for name in reference)
            checker.check(same, f"resumed sweep (kill at {delay:.3f} s) differs")
            checker.figures["resumes identical"] += int(same)
            os.remove(os.path.join(checker.work, output))
        stale = [name for name in os.listdir(checker.work) if f"sweep{trial}." in name]
        checker.check(not stale, f"files left after the sweep: {stale}")


def full_disk(checker, run_scenario, sweep_scenario_path, sweep_args):
    disk = os.path.join(checker.work, "disk")
    os.mkdir(disk)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"full disk: skipped, cannot mount a tmpfs here ({mounted.stderr.strip()})")
        return
    try:
        result = checker.call(["run", run_scenario, "-q", "-o", os.path.join(disk, "run.h5")])
        checker.figures["full-disk cases"] += 1
        checker.check(result.returncode == 1, f"full-disk run: exit {result.returncode} (want 1): "
                      f"{result.stderr[-300:]}")
        checker.check(os.listdir(disk) == [], f"full-disk run left {os.listdir(disk)}")

        # The sweep's file fits when created and the disk fills at the end, in the analysis.
        subprocess.run(["mount", "-o", "remount,size=192k", disk], check=True)
        output = os.path.join(disk, "sweep.h5")
        partial = os.path.join(disk, "sweep.partial.h5")
        result = checker.call(["sweep", sweep_scenario_path, *sweep_args, "-o", output])
        checker.figures["full-disk cases"] += 1
        checker.check(result.returncode == 1, f"full-disk sweep: exit {result.returncode} (want 1): "
                      f"{result.stderr[-300:]}")
        if os.path.exists(partial):
            with h5py.File(partial, "r") as f:
                done = f["experiments/completed"][...] == 1
                for name, values in checker.outcomes(partial).items():
                    checker.check(np.isfinite(values[done]).all(),
                                  f"full disk: completed points of {name} without values")
        subprocess.run(["mount", "-o", "remount,size=64m", disk], check=True)
        extra = ["--resume"] if os.path.exists(partial) else []
        result = checker.call(["sweep", sweep_scenario_path, *sweep_args, "-o", output, *extra])
        checker.figures["full-disk cases"] += 1
        checker.check(result.returncode == 0, f"resume after freeing space: {result.stderr}")
        checker.figures["resumes"] += 1
        if result.returncode == 0:
            reference = checker.call(["sweep", sweep_scenario_path, *sweep_args, "-o",
                                      "full_disk_reference.h5"])
            checker.check(reference.returncode == 0, reference.stderr)
            a = checker.outcomes(output)
            b = checker.outcomes(os.path.join(checker.work, "full_disk_reference.h5"))
            same = all(np.array_equal(a[name], b[name]) for name in b)
            checker.check(same, "full disk: resumed sweep differs from an uninterrupted one")
            checker.figures["resumes identical"] += int(same)
    finally:
        subprocess.run(["umount", "-l", disk])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="few trials (about a minute)")
    parser.add_argument("--innosim", default=os.environ.get("INNOSIM",
                                                           os.path.join(ROOT, "build/release/apps/innosim")))
    parser.add_argument("--seed", type=int, default=20261123)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    run_trials, sweep_trials = (4, 6) if options.short else (20, 30)
    work = tempfile.mkdtemp(prefix="innosim-crash-")
    try:
        checker = Checker(os.path.abspath(options.innosim), work)
        run_scenario = os.path.join(work, "crash_run.toml")
        with open(run_scenario, "w", encoding="utf-8") as f:
            f.write(RUN_SCENARIO)
        sweep_path = os.path.join(work, "crash_sweep.toml")
        with open(sweep_path, "w", encoding="utf-8") as f:
            f.write(sweep_scenario(2000, 24))
        sweep_args = ["-q", "--design", "morris", "-n", "6", "-r", "4", "-t", "2"]
        full_sweep_path = os.path.join(work, "full_sweep.toml")
        with open(full_sweep_path, "w", encoding="utf-8") as f:
            f.write(sweep_scenario(100, 12))
        full_sweep_args = ["-q", "--design", "morris", "-n", "40", "-r", "40", "-t", "2"]
        run_kills(checker, rng, run_trials, run_scenario)
        sweep_kills(checker, rng, sweep_trials, sweep_path, sweep_args)
        full_disk(checker, run_scenario, full_sweep_path, full_sweep_args)
        figures = checker.figures
        print(f"crash safety (seed {options.seed}{', short' if options.short else ''}): "
              f"{figures['run kills']} run kills, {figures['sweep kills']} sweep kills, "
              f"{figures['resumes identical']} of {figures['resumes']} resumes identical, "
              f"{figures['full-disk cases']} full-disk cases, {figures['checks']} checks, "
              f"{len(checker.failures)} failures")
        return 1 if checker.failures else 0
    finally:
        subprocess.run(["umount", "-l", os.path.join(work, "disk")], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""One-at-a-time ±50% check of the example city's parameters (docs/parameters.md).

For every numeric [city] key, runs the scenario with the key at 0.5x and 1.5x its default
(clipped to its range; integers rounded) on the base run's seed (common random numbers) and
reports the relative change of an outcome, by default the high-tech register at the end of the
run. Keys that move it by more than --threshold must be sourced or marked calibrated
(docs/model.md §3.7); the table lists each key's source as docs/parameters.md gives it.

  /usr/bin/python3 scripts/one_at_a_time.py [-r N] [-j JOBS] [--metric M] [--threshold 0.05]
"""
import argparse
import concurrent.futures
import os
import re
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import city_targets  # noqa: E402

ROOT = city_targets.ROOT


def parameters(path):
    """(key, default, minimum, maximum, integer, source) of every numeric [city] key."""
    rows = []
    pattern = re.compile(r"^\| `city\.([a-z0-9_]+)` \| (.*?) \| (.*?) \| `([^`]*)` \| (.*?) \| (.*) \|$")
    with open(path, encoding="utf-8") as f:
        for line in f:
            match = pattern.match(line.strip())
            if not match:
                continue
            key, _, _, default, accepted, source = match.groups()
            try:
                value = float(default)
            except ValueError:
                continue  # text choices
            bounds = re.findall(r"-?[0-9.]+(?:e[+-]?[0-9]+)?", accepted)
            low, high = (float(bounds[0]), float(bounds[1])) if len(bounds) >= 2 else (-1e300, 1e300)
            integer = "integer" in accepted or ("." not in default and "e" not in default)
            rows.append((key, value, low, high, integer, source))
    return rows


def outcome(series, metric):
    return float(np.median(series[metric][:, -1]))


def run_with(args, text, overrides):
    with tempfile.TemporaryDirectory() as directory:
        series = city_targets.run(args.innosim, city_targets.with_overrides(text, overrides),
                                  args.replications, args.seed, directory)
    return outcome(series, args.metric)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=os.path.join(ROOT, "scenarios/examples/city.toml"))
    parser.add_argument("--parameters", default=os.path.join(ROOT, "docs/parameters.md"))
    parser.add_argument("-r", "--replications", type=int, default=40)
    parser.add_argument("-s", "--seed", type=int, default=1)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--metric", default="register_high_tech")
    parser.add_argument("--threshold", type=float, default=0.05)
    parser.add_argument("--innosim", default=os.path.join(ROOT, "build/ci/apps/innosim"))
    args = parser.parse_args()
    with open(args.scenario, encoding="utf-8") as f:
        text = f.read()
    base = run_with(args, text, [])
    jobs = []
    for key, value, low, high, integer, source in parameters(args.parameters):
        if value == 0:
            continue  # a zero default has no ±50%
        for factor in (0.5, 1.5):
            moved = min(max(value * factor, low), high)
            if integer:
                moved = round(moved)
            if moved != value:
                jobs.append((key, factor, moved, source))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_with, args, text, [(key, repr(moved))]): (key, factor)
                   for key, factor, moved, _ in jobs}
        for future in concurrent.futures.as_completed(futures):
            key, factor = futures[future]
            try:
                results[(key, factor)] = future.result() / base - 1.0
            except Exception as error:  # a value the scenario check refuses
                results[(key, factor)] = float("nan")
                print(f"{key} x{factor}: {error}", file=sys.stderr)
    sources = {key: source for key, _, _, source in jobs}
    print(f"{args.metric} at the end, base median {base:g} ({args.replications} replications, "
          f"seed {args.seed}); keys moving it more than {100 * args.threshold:g}%:\n")
    print("| key | at 0.5x | at 1.5x | source |\n|---|---|---|---|")
    for key in sorted(sources, key=lambda k: -max(abs(np.nan_to_num(results.get((k, f), 0.0)))
                                                  for f in (0.5, 1.5))):
        low, high = results.get((key, 0.5), float("nan")), results.get((key, 1.5), float("nan"))
        if max(abs(np.nan_to_num(low)), abs(np.nan_to_num(high))) <= args.threshold:
            continue
        print(f"| `{key}` | {100 * low:+.1f}% | {100 * high:+.1f}% | {sources[key]} |")


if __name__ == "__main__":
    sys.exit(main())

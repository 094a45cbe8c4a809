#!/usr/bin/env python3
"""The city model's calibration targets (docs/model.md §3.7) on a scenario, with [city] overrides.

Runs `innosim run` on the scenario with KEY=VALUE overrides appended to its [city] table and
prints, next to each observed value and its tolerance, what the runs give (medians over the
replications): firm R&D, R&D/GDP and invention patents per 10,000 people at t = 0; the high-tech
pass rate and revocations; the exit rate; the registers and the high-tech stock by year.

  /usr/bin/python3 scripts/city_targets.py [--scenario S] [-r N] [--innosim BIN] [KEY=VALUE ...]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def with_overrides(text, overrides):
    """The scenario text with KEY = VALUE lines set in its [city] table."""
    lines = text.splitlines()
    keys = {k for k, _ in overrides}
    out, in_city = [], False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            if in_city:
                out.extend(f"{k} = {v}" for k, v in overrides)
            in_city = stripped == "[city]"
        elif in_city and stripped.split("=")[0].strip() in keys:
            continue
        out.append(line)
    if in_city:
        out.extend(f"{k} = {v}" for k, v in overrides)
    if "[city]" not in [l.strip() for l in lines]:
        out.append("[city]")
        out.extend(f"{k} = {v}" for k, v in overrides)
    return "\n".join(out) + "\n"


def run(innosim, scenario_text, replications, seed, directory):
    scenario = os.path.join(directory, "scenario.toml")
    output = os.path.join(directory, "out.h5")
    with open(scenario, "w", encoding="utf-8") as f:
        f.write(scenario_text)
    if os.path.exists(output):
        os.remove(output)
    subprocess.run([innosim, "run", scenario, "-o", output, "-r", str(replications), "-s",
                    str(seed), "-q"], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(output) as f:
        series = {name: np.asarray(f["series"][name]) for name in f["series"]
                  if name not in ("time", "replication")}
    # datasets are (replication, point) or (point, replication): make them (replication, point)
    points = len(next(iter(series.values()))[0]) if series else 0
    for name, values in series.items():
        if values.shape[0] != replications:
            series[name] = values.T
    return series


def year_flow(series, name, year_index, steps_per_year=12):
    """Per replication: a flow summed over the year_index-th year of the run."""
    values = series[name]
    first = 1 + year_index * steps_per_year
    return values[:, first:first + steps_per_year].sum(axis=1)


def targets(series):
    years = (series["register_high_tech"].shape[1] - 1) // 12
    rows = []
    median = lambda v: float(np.median(v))
    rows.append(("firm R&D at t=0 (亿元/yr)", median(series["city_rd_firms"][:, 0]), "16.6 ±10%"))
    rows.append(("R&D / GDP at t=0 (%)", median(series["city_rd_intensity"][:, 0]), "0.8 ±10%"))
    rows.append(("patents per 10k at t=0", median(series["city_patents_per_10k"][:, 0]),
                 "1.4 ±10%"))
    for year in range(years):
        applications = year_flow(series, "high_tech_applications", year)
        granted = year_flow(series, "high_tech_granted", year) + year_flow(
            series, "high_tech_renewed", year)
        revoked = year_flow(series, "high_tech_revoked", year)
        stock = series["register_high_tech"][:, 12 * year]
        alive = series["firms_alive"][:, 12 * year]
        exits = year_flow(series, "exits_market", year) + year_flow(series, "exits_distress", year)
        rows.append((f"year {year}: pass rate (%)",
                     100 * median(granted) / max(1e-9, median(applications)), "75-79"))
        rows.append((f"year {year}: revocations / stock (%)",
                     100 * median(revoked) / max(1e-9, median(stock)), "0.2-0.9"))
        rows.append((f"year {year}: exits / firms (%)", 100 * median(exits) / median(alive), "~6"))
    for name in ("register_tech_sme", "register_high_tech", "firms_alive", "label_gazelle",
                 "label_leader", "label_little_giant", "label_fledgling"):
        rows.append((name + " by year", [round(median(series[name][:, 12 * y]), 1)
                                         for y in range(years + 1)], ""))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=os.path.join(ROOT, "scenarios/examples/city.toml"))
    parser.add_argument("-r", "--replications", type=int, default=40)
    parser.add_argument("-s", "--seed", type=int, default=1)
    parser.add_argument("--innosim", default=os.path.join(ROOT, "build/ci/apps/innosim"))
    parser.add_argument("overrides", nargs="*", help="KEY=VALUE of the [city] table")
    args = parser.parse_args()
    overrides = [tuple(o.split("=", 1)) for o in args.overrides]
    with open(args.scenario, encoding="utf-8") as f:
        text = with_overrides(f.read(), overrides)
    with tempfile.TemporaryDirectory() as directory:
        series = run(args.innosim, text, args.replications, args.seed, directory)
    for name, value, target in targets(series):
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        print(f"{name:34s} {shown:>14s}   {target}")


if __name__ == "__main__":
    sys.exit(main())

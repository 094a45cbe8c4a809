#!/usr/bin/env python3
"""Regenerates docs/cities.md: for each seed city (scenarios/cities/<city>.toml), what its
document says and what the scenario assumes (the hand-written docs/cities/<city>.md), then the
tables innosim computes — each target's projection and probability, the variants side by side on
common random numbers (probabilities, registers, spending, cost per additional high-tech
enterprise), the backtests against published figures, the assumptions and the targets the model
cannot compute — stamped with the date, the innosim version and the command.

    /usr/bin/python3 scripts/cities_report.py [-r REPLICATIONS] [--innosim BIN] [--only CITY]

Takes about 25 minutes on 2 cores with the default 200 replications (郑州 is most of it).
Reads only the results files (h5py, numpy from Debian)."""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The order of docs/seed-documents.md §1-§5.
CITIES = ["xinyang", "zhengzhou", "xinxiang", "xuchang", "jiaozuo"]
TITLES = {"xinyang": "信阳 Xinyang", "zhengzhou": "郑州 Zhengzhou", "xinxiang": "新乡 Xinxiang",
          "xuchang": "许昌 Xuchang", "jiaozuo": "焦作 Jiaozuo"}


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def figure(value):
    if value is None or not np.isfinite(value):
        return "n/a" if value is None or np.isnan(value) else ("inf" if value > 0 else "-inf")
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def percent(value):
    return "n/a" if value is None or not np.isfinite(value) else f"{100 * value:.0f}%"


def interval(estimate, low, high, as_percent=False):
    show = percent if as_percent else figure
    return f"{show(estimate)} [{show(low)}, {show(high)}]"


def innosim(binary, *args, cwd):
    result = subprocess.run([binary, *args], capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        sys.exit(f"innosim {' '.join(args)} failed:\n{result.stderr}")
    return result


def variants_of(scenario):
    import tomllib
    with open(scenario, "rb") as f:
        return list(tomllib.load(f).get("variants", {}).keys())


def city_section(binary, city, replications, directory):
    scenario = os.path.join(ROOT, "scenarios", "cities", f"{city}.toml")
    out = [f"## {CITIES.index(city) + 1}. {TITLES[city]}", ""]
    prose = os.path.join(ROOT, "docs", "cities", f"{city}.md")
    if os.path.exists(prose):
        with open(prose, encoding="utf-8") as f:
            lines = f.read().splitlines()
        # The prose file's own title is replaced by the section heading; its headings go down a level.
        lines = [("#" + line) if line.startswith("#") else line for line in lines
                 if not line.startswith("# ")]
        out += lines + [""]
    run_file = os.path.join(directory, f"{city}.h5")
    innosim(binary, "run", scenario, "-r", str(replications), "-q", "-o", run_file,
            "--force", cwd=directory)
    variants = variants_of(scenario)
    compare_file = os.path.join(directory, f"{city}_compare.h5")
    innosim(binary, "compare", scenario, "--variants", ",".join(variants), "-r",
            str(replications), "-q", "-o", compare_file, "--force", cwd=directory)
    out += [f"### {TITLES[city]}: projections ({replications} replications, seed "
            f"{1}; `scenarios/cities/{city}.toml`)", ""]
    with h5py.File(run_file) as f:
        targets = f["targets"] if "targets" in f else {}
        out += ["| target | metric | by the end of | document | median | 90% band | "
                "P(reach) [95% interval] |", "|---|---|---|---|---|---|---|"]
        for name in targets:
            t = targets[name]
            factor = t.attrs["unit_factor"]
            symbol = {"at_least": "≥", "more_than": ">", "at_most": "≤"}[text(t.attrs["comparison"])]
            out.append(
                f"| {name} | `{text(t.attrs['metric'])}` | {int(t.attrs['year'])} | "
                f"{symbol} {figure(t.attrs['document_value'])} ({text(t.attrs['document'])}) | "
                f"{figure(t.attrs['median'] / factor)} | "
                f"{figure(t.attrs['p05'] / factor)} – {figure(t.attrs['p95'] / factor)} | "
                f"{interval(t.attrs['probability'], t.attrs['probability_low'], t.attrs['probability_high'], True)} |")
        out.append("")
        if "backtests" in f:
            b = f["backtests"]
            out += ["Backtests (published figure against the run's 90% band):", "",
                    "| metric | year | published | median | 90% band | verdict | source |",
                    "|---|---|---|---|---|---|---|"]
            for i in range(len(b["metric"])):
                miss = b["miss"][i]
                verdict = "inside" if miss == 0 else (
                    f"band {'below' if miss < 0 else 'above'} by {abs(miss) * 100:.1f}%")
                prefix = "≥ " if b["lower_bound"][i] else ""
                out.append(f"| `{text(b['metric'][i])}` | {int(b['year'][i])} | "
                           f"{prefix}{figure(b['published'][i])} | {figure(b['median'][i])} | "
                           f"{figure(b['p05'][i])} – {figure(b['p95'][i])} | {verdict} | "
                           f"{text(b['source'][i])} |")
            out.append("")
        if "targets_not_modelled" in f:
            g = f["targets_not_modelled"]
            out += ["Targets of the document the model does not compute:", "",
                    "| target | clause | why not |", "|---|---|---|"]
            for i in range(len(g["target"])):
                out.append(f"| {text(g['target'][i])} | {text(g['clause'][i])} | "
                           f"{text(g['why'][i])} |")
            out.append("")
        if "assumptions" in f:
            g = f["assumptions"]
            out += ["Assumptions (where the document is silent):", "",
                    "| assumption | key | value | unit | source | reasoning |",
                    "|---|---|---|---|---|---|"]
            for i in range(len(g["name"])):
                key = text(g["key"][i])
                out.append(f"| {text(g['name'][i])} | {('`' + key + '`') if key else ''} | "
                           f"{text(g['value'][i])} | {text(g['unit'][i])} | "
                           f"{text(g['source'][i])} | {text(g['reasoning'][i])} |")
            out.append("")
    with h5py.File(compare_file) as f:
        c = f["compare"]
        names = [text(v) for v in c["variant"][:]]
        descriptions = [text(v) for v in c["description"][:]]
        target_names = [k[len("probability_"):] for k in c if k.startswith("probability_")
                        and not k.endswith(("_low", "_high"))]
        year = int(c.attrs["year"])
        out += [f"### {TITLES[city]}: variants on common random numbers", "",
                "Probability of each target per variant, with the paired difference against "
                "the baseline (95% intervals):", ""]
        header = "| variant | " + " | ".join(f"P({t}) | Δ" for t in target_names) + " |"
        out += [header, "|" + "---|" * (1 + 2 * len(target_names))]
        for v, name in enumerate(names):
            cells = [f"`{name}`"]
            for t in target_names:
                cells.append(interval(c[f"probability_{t}"][v], c[f"probability_{t}_low"][v],
                                      c[f"probability_{t}_high"][v], True))
                cells.append("" if v == 0 else interval(
                    c[f"delta_probability_{t}"][v], c[f"delta_probability_{t}_low"][v],
                    c[f"delta_probability_{t}_high"][v], True))
            out.append("| " + " | ".join(cells) + " |")
        out += ["", f"Registers at the end of {year}, the city's instrument spending over the "
                "run (万元), and what it buys: 万元 per additional high-tech enterprise against "
                "the baseline (the variant's change) and against `no_policy` (the whole "
                "package); 95% intervals, bootstrap for the ratios (inf: the additional count "
                "may be nil):", "",
                "| variant | high-tech | Δ high-tech | tech SME | spending 万元 | 万元 per Δ "
                "high-tech vs baseline | 万元 per high-tech vs no_policy |",
                "|---|---|---|---|---|---|---|"]
        for v, name in enumerate(names):
            def cell(key, skip=False):
                if skip:
                    return ""
                return interval(c[key][v], c[key + "_low"][v], c[key + "_high"][v])
            out.append(
                f"| `{name}` | {cell('register_high_tech')} | "
                f"{cell('delta_register_high_tech', v == 0)} | {cell('register_tech_sme')} | "
                f"{cell('spending')} | {cell('marginal_cost_per_high_tech', v == 0 or name == 'no_policy')} | "
                f"{cell('cost_per_additional_high_tech', name == 'no_policy')} |")
        out += ["", "Variants:", ""]
        out += [f"- `{n}`: {d}" for n, d in zip(names, descriptions)]
        out.append("")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--replications", type=int, default=200)
    parser.add_argument("--innosim", default=os.path.join(ROOT, "build", "release", "apps",
                                                          "innosim"))
    parser.add_argument("--only", choices=CITIES, help="regenerate one city (to stdout)")
    parser.add_argument("-o", "--output", default=os.path.join(ROOT, "docs", "cities.md"))
    args = parser.parse_args()
    args.innosim = os.path.abspath(args.innosim)
    version = subprocess.run([args.innosim, "--version"], capture_output=True,
                             text=True).stdout.strip()
    cities = [args.only] if args.only else CITIES
    lines = ["# The five seed cities: projections, packages and backtests", "",
             f"Generated on {datetime.date.today().isoformat()} by {version} with "
             f"`/usr/bin/python3 scripts/cities_report.py -r {args.replications}` (seed 1; "
             "every replication draws its own calibrated parameters from the posterior of "
             "[calibration.md](calibration.md) §7). Do not edit the tables by hand: edit "
             "`docs/cities/<city>.md` (the prose) or the scenario, then regenerate.", "",
             "Each city's scenario (`scenarios/cities/<city>.toml`) represents its policy "
             "document ([seed-documents.md](seed-documents.md)): the starting state the "
             "document gives, the rest from public statistics or stated assumptions; the "
             "document's instruments with their amounts and caps; its quantified targets. "
             "How to read and change them: [scenarios.md](scenarios.md) \"A city's document\". "
             "A probability is the share of replications that reach the target by the end of "
             "the year; it includes the uncertainty of the calibrated parameters but not that "
             "of the assumptions (change those with `--set` or a variant).", ""]
    with tempfile.TemporaryDirectory(prefix="innosim-cities-") as directory:
        for city in cities:
            print(f"{city} ...", file=sys.stderr, flush=True)
            lines += city_section(args.innosim, city, args.replications, directory)
    text_out = "\n".join(lines).rstrip() + "\n"
    if args.only:
        sys.stdout.write(text_out)
        return
    temporary = args.output + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text_out)
    os.replace(temporary, args.output)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

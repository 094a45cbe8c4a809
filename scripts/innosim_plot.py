#!/usr/bin/python3
"""Pictures from an innosim HDF5 file alone (docs/plots.md), as PNG and SVG:

- a run file (`innosim run`): a fan chart per target — median, 50% and 90% bands over time across
  replications, the target's threshold and year marked, its probability in the title — or, without
  targets, of the metrics given with --metrics;
- a comparison file (`innosim compare`): the probability of each target per variant, with 95%
  Wilson intervals;
- a sweep file (`innosim sweep`, Sobol or Morris): a tornado of the indices of each outcome.

    /usr/bin/python3 scripts/innosim_plot.py FILE [-o DIR] [--format png,svg] [--metrics a,b]

`innosim plot FILE` runs this script. Uses Debian's matplotlib (Agg), h5py and numpy only."""
import argparse
import os
import re
import sys

import h5py
import numpy as np

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
except ImportError:
    sys.exit("innosim plot: error: matplotlib is missing; install Debian's python3-matplotlib "
             "(apt-get install python3-matplotlib)")

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”]+")


def cjk_font():
    """A font with Chinese glyphs if one is installed (fonts-noto-cjk, fonts-wqy-*), else None."""
    for font in font_manager.fontManager.ttflist:
        if any(key in font.name for key in ("Noto Sans CJK", "Noto Serif CJK", "WenQuanYi",
                                            "Source Han", "AR PL")):
            return font.name
    return None


FONT = cjk_font()
if FONT:
    plt.rcParams["font.family"] = [FONT, "DejaVu Sans"]


def label(text):
    """Chinese text as is with a CJK font; without one, stripped (never boxes)."""
    text = text.decode() if isinstance(text, bytes) else str(text)
    if FONT:
        return text
    return re.sub(r"\s+", " ", re.sub(r"\(\s*\)", "", CJK.sub("", text))).strip()


def save(figure, directory, stem, formats):
    written = []
    for extension in formats:
        path = os.path.join(directory, f"{stem}.{extension}")
        figure.savefig(path, dpi=120, bbox_inches="tight")
        written.append(path)
    plt.close(figure)
    return written


def fan(ax, time, values, colour="C0"):
    """Median, 50% and 90% bands of values [replication, time]; returns the median line."""
    q05, q25, q50, q75, q95 = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    ax.fill_between(time, q05, q95, color=colour, alpha=0.18, linewidth=0, label="90% band")
    ax.fill_between(time, q25, q75, color=colour, alpha=0.35, linewidth=0, label="50% band")
    (line,) = ax.plot(time, q50, color=colour, linewidth=2, label="median")
    return line


def plot_run(f, directory, formats, metrics):
    written = []
    time = f["time"][:]
    scenario = label(f.attrs.get("scenario_name", ""))
    variant = f.attrs.get("variant", "baseline")
    variant = variant.decode() if isinstance(variant, bytes) else variant
    title_suffix = "" if variant == "baseline" else f" ({variant})"
    if "targets" in f and len(f["targets"]) > 0:
        for name in f["targets"]:
            target = f["targets"][name]
            metric = target.attrs["metric"]
            metric = metric.decode() if isinstance(metric, bytes) else metric
            series = f["series"][metric]
            unit = series.attrs.get("units", "")
            unit = unit.decode() if isinstance(unit, bytes) else unit
            figure, ax = plt.subplots(figsize=(7, 4.2))
            fan(ax, time, series[:])
            threshold = float(target.attrs["threshold"])
            ax.axhline(threshold, color="C3", linestyle="--", linewidth=1.2,
                       label=f"target {threshold:g}")
            ax.axvline(float(target.attrs["time"]), color="0.4", linestyle=":", linewidth=1.2,
                       label=f"end of {int(target.attrs['year'])}")
            p, low, high = (float(target.attrs[k]) for k in
                            ("probability", "probability_low", "probability_high"))
            ax.set_title(f"{scenario}{title_suffix}: {name}\n"
                         f"P(reach) = {p:.0%} [{low:.0%}, {high:.0%}] over {series.shape[0]} "
                         f"replications", fontsize=10)
            ax.set_xlabel("time (years)")
            ax.set_ylabel(label(f"{metric} ({unit})"))
            ax.legend(fontsize=8, loc="best")
            written += save(figure, directory, f"fan_{name}", formats)
    else:
        for metric in metrics:
            if metric not in f["series"]:
                sys.exit(f"innosim plot: error: {f.filename} has no /series/{metric}; "
                         f"accepted: {', '.join(sorted(f['series']))}")
            series = f["series"][metric]
            figure, ax = plt.subplots(figsize=(7, 4.2))
            fan(ax, time, series[:])
            ax.set_title(f"{scenario}{title_suffix}: {metric}", fontsize=10)
            ax.set_xlabel("time (years)")
            unit = series.attrs.get("units", "")
            ax.set_ylabel(label(f"{metric} ({unit.decode() if isinstance(unit, bytes) else unit})"))
            ax.legend(fontsize=8)
            written += save(figure, directory, f"fan_{metric}", formats)
    return written


def plot_compare(f, directory, formats):
    variants = [v.decode() if isinstance(v, bytes) else v for v in f["compare/variant"][:]]
    targets = sorted(f[f"variants/{variants[0]}/targets"])
    if not targets:
        sys.exit(f"innosim plot: error: {f.filename} compares no targets (the scenario has no "
                 "[targets])")
    figure, axes = plt.subplots(len(targets), 1, figsize=(7, 1.0 + 0.45 * len(variants) * len(targets)),
                                squeeze=False)
    for ax, target in zip(axes[:, 0], targets):
        p = np.array([f[f"variants/{v}/targets/{target}"].attrs["probability"] for v in variants])
        low = np.array([f[f"variants/{v}/targets/{target}"].attrs["probability_low"] for v in variants])
        high = np.array([f[f"variants/{v}/targets/{target}"].attrs["probability_high"] for v in variants])
        y = np.arange(len(variants))
        ax.barh(y, p, color=["0.55" if v == "baseline" else "C0" for v in variants])
        ax.errorbar(p, y, xerr=[p - low, high - p], fmt="none", ecolor="k", capsize=3, linewidth=1)
        ax.set_yticks(y, variants, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title(f"P({target}) with 95% Wilson intervals", fontsize=9)
    axes[-1, 0].set_xlabel("probability of reaching the target")
    scenario = label(f.attrs.get("scenario_name", ""))
    figure.suptitle(f"{scenario}: variants on common random numbers "
                    f"({int(f.attrs['replications'])} replications each)", fontsize=10)
    figure.tight_layout()
    return save(figure, directory, "probabilities", formats)


def plot_sweep(f, directory, formats):
    if "sensitivity" not in f:
        sys.exit(f"innosim plot: error: {f.filename} is a sweep without sensitivity indices (an "
                 "lhs or grid design, or unfinished); a tornado needs a sobol or morris sweep")
    written = []
    for outcome in f["sensitivity"]:
        group = f["sensitivity"][outcome]
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["factor_names"]]
        method = group.attrs["method"]
        method = method.decode() if isinstance(method, bytes) else method
        figure, ax = plt.subplots(figsize=(7, 0.8 + 0.4 * len(names)))
        y = np.arange(len(names))
        if method == "sobol":
            st, s1 = group["ST"][:], group["S1"][:]
            order = np.argsort(st)
            ax.barh(y, st[order], color="C0", alpha=0.5, label="total ST")
            ax.barh(y, s1[order], color="C0", height=0.4, label="first-order S1")
            for key, values, colour in (("ST", st, "C0"), ("S1", s1, "k")):
                low, high = group[f"{key}_low"][:][order], group[f"{key}_high"][:][order]
                ax.errorbar(values[order], y, xerr=[values[order] - low, high - values[order]],
                            fmt="none", ecolor=colour, capsize=2, linewidth=0.8)
            ax.set_xlabel("Sobol index (95% bootstrap intervals)")
        else:
            mu = group["mu_star"][:]
            order = np.argsort(mu)
            low, high = group["mu_star_low"][:][order], group["mu_star_high"][:][order]
            ax.barh(y, mu[order], color="C1")
            ax.errorbar(mu[order], y, xerr=[mu[order] - low, high - mu[order]], fmt="none",
                        ecolor="k", capsize=2)
            ax.set_xlabel("Morris mu* (95% bootstrap intervals)")
        ax.set_yticks(y, [names[i] for i in order], fontsize=8)
        ax.set_title(f"What moves {outcome}", fontsize=10)
        if method == "sobol":
            ax.legend(fontsize=8, loc="lower right")
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", outcome)
        written += save(figure, directory, f"tornado_{safe}", formats)
    return written


def main():
    parser = argparse.ArgumentParser(prog="innosim plot", description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("-o", "--output", help="directory (default: <file stem>_plots beside it)")
    parser.add_argument("--format", default="png,svg", help="comma-separated: png, svg, pdf")
    parser.add_argument("--metrics", default="register_high_tech,register_tech_sme",
                        help="run files without targets: the metrics to draw")
    args = parser.parse_args()
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    for extension in formats:
        if extension not in ("png", "svg", "pdf"):
            sys.exit(f"innosim plot: error: --format {extension} is not accepted; accepted: png, "
                     "svg, pdf")
    try:
        f = h5py.File(args.file, "r")
    except OSError as error:
        print(f"innosim plot: error: {args.file}: not an HDF5 file ({error})", file=sys.stderr)
        sys.exit(2)
    with f:
        kind = f.attrs.get("filetype", b"")
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind != "innosim-results":
            print(f"innosim plot: error: {args.file} is not an innosim results file (no "
                  "filetype = innosim-results)", file=sys.stderr)
            sys.exit(2)
        stem = os.path.splitext(os.path.basename(args.file))[0]
        directory = args.output or os.path.join(os.path.dirname(os.path.abspath(args.file)),
                                                f"{stem}_plots")
        os.makedirs(directory, exist_ok=True)
        if "compare" in f:
            written = plot_compare(f, directory, formats)
        elif "experiments" in f:
            written = plot_sweep(f, directory, formats)
        elif "series" in f:
            written = plot_run(f, directory, formats, args.metrics.split(","))
        else:
            print(f"innosim plot: error: {args.file} has no /series, /compare or /experiments: "
                  "nothing to plot (calibration and attribution files are read with "
                  "scripts/calibration_report.py and xarray)", file=sys.stderr)
            sys.exit(2)
    for path in written:
        print(path)


if __name__ == "__main__":
    main()

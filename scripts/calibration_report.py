#!/usr/bin/env python3
"""Markdown tables of a calibration's results file (what docs/calibration.md §3-§6 show):
diagnostics per generation, the posterior of each parameter against its prior (median, 90%
credible interval, its width against the prior's, and the Kolmogorov-Smirnov distance between
posterior and prior: near 0 means the data did not move it), and each observation against its
90% posterior predictive band.

    /usr/bin/python3 scripts/calibration_report.py data/calibration/henan_zhengzhou.h5

Reads only the HDF5 file (h5py, numpy, scipy from Debian)."""
import re
import sys

import h5py
import numpy as np
from scipy import stats


def prior_cdf(text):
    """The CDF of a prior as innosim describes it, e.g. 'uniform(0.5, 0.9)'."""
    name, arguments = re.match(r"(\w+)\((.*)\)", text.replace(") on [", ", ").rstrip("]") + ")"
                               if " on [" in text else text).groups()
    values = [float(v) for v in arguments.split(",")]
    if name == "uniform":
        return stats.uniform(values[0], values[1] - values[0]).cdf
    if name == "log_uniform":
        return stats.loguniform(values[0], values[1]).cdf
    if name == "triangular":
        low, mode, high = values
        return stats.triang((mode - low) / (high - low), low, high - low).cdf
    if name == "normal":  # normal(mean, sd) truncated to [low, high] when given
        mean, sd = values[:2]
        low, high = (values[2], values[3]) if len(values) >= 4 else (-np.inf, np.inf)
        return stats.truncnorm((low - mean) / sd, (high - mean) / sd, mean, sd).cdf
    raise ValueError(f"unknown prior {text}")


def weighted_ks(values, weights, cdf):
    """sup |F_posterior - F_prior| with the posterior's weighted empirical CDF."""
    order = np.argsort(values, kind="stable")
    x, w = values[order], weights[order] / weights.sum()
    after = np.cumsum(w)
    before = after - w
    prior = cdf(x)
    return float(max(np.max(np.abs(after - prior)), np.max(np.abs(before - prior))))


def number(value):
    if not np.isfinite(value):
        return "∞" if value > 0 else "−∞"
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-3 or magnitude >= 1e6):
        return f"{value:.3g}"
    return f"{value:.4g}"


def main(path):
    with h5py.File(path, "r") as f:
        c = f["calibration"]
        print(f"`{path}` — {f.attrs['created']}, innosim {f.attrs['innosim_version']} "
              f"({f.attrs['git_commit'][:12]}), complete = {f.attrs['complete']}; stopped: "
              f"{c.attrs['stop_reason']}\n")
        print("| generation | tolerance | acceptance | candidates | ESS | time |")
        print("|---|---|---|---|---|---|")
        for g in range(len(c["generation"])):
            print(f"| {g} | {number(c['tolerance'][g])} | {100 * c['acceptance_rate'][g]:.1f}% | "
                  f"{int(c['candidates'][g])} | {c['effective_sample_size'][g]:.0f} | "
                  f"{c['seconds'][g] / 60:.1f} min |")
        total = float(np.sum(c["seconds"][...]))
        print(f"\nTotal: {int(np.sum(c['candidates'][...]))} candidates, {total / 60:.1f} min.\n")

        last = c[f"generations/{len(c['generation']) - 1}"]
        values, weights = last["values"][...], last["weights"][...]
        print("| parameter | prior | posterior median | 90% credible interval | width / prior's | "
              "KS distance to the prior |")
        print("|---|---|---|---|---|---|")
        for k, key in enumerate(c["parameter"].asstr()[:]):
            prior = c["prior"].asstr()[k]
            cdf = prior_cdf(prior)
            support = values[:, k]
            # The prior's 5% and 95% quantiles, by inverting its CDF on a fine grid of its range.
            normalised = prior.replace(") on [", ", ").rstrip("]") + ")" if " on [" in prior \
                else prior
            name, arguments = re.match(r"(\w+)\((.*)\)", normalised).groups()
            bounds = [float(v) for v in arguments.split(",")]
            lo, hi = (bounds[0], bounds[-1]) if name != "normal" else (bounds[2], bounds[3])
            xs = np.exp(np.linspace(np.log(lo), np.log(hi), 20001)) if name == "log_uniform" \
                else np.linspace(lo, hi, 20001)
            ps = cdf(xs)
            prior_width = np.interp(0.95, ps, xs) - np.interp(0.05, ps, xs)
            median = c["posterior/median"][k]
            low, high = c["posterior/low"][k], c["posterior/high"][k]
            ks = weighted_ks(support, weights, cdf)
            print(f"| `{key}` | {prior} | {number(median)} | {number(low)} – {number(high)} | "
                  f"{(high - low) / prior_width:.2f} | {ks:.2f} |")

        print("\n| observation | observed (metric units) | posterior predictive median | 90% band | "
              "in band |")
        print("|---|---|---|---|---|")
        bands = c["predictive/observations"][...]
        for i, name in enumerate(c["observation"].asstr()[:]):
            observed = c["observed"][i]
            lower = c["lower_bound"][i] == 1
            held = " (held out)" if c["held_out"][i] == 1 else ""
            q = bands[i]
            inside = q[4] >= observed if lower else q[0] <= observed <= q[4]
            print(f"| {name}{held} | {'≥ ' if lower else ''}{number(observed)} | {number(q[2])} | "
                  f"{number(q[0])} – {number(q[4])} | {'yes' if inside else '**no**'} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

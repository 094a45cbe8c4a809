#!/usr/bin/python3
"""Regression baseline: stored reference results that every change keeps identical or updates
on purpose (as OpenMC's results_true with its update mode).

Each case runs the built program on a scenario of the repository and reduces the HDF5 file it
writes to a digest per dataset (SHA-256 of dtype, shape and raw values) plus a short
human-readable summary. Attributes (provenance: time, commit, command line) are not part of the
digest: they change on every run by design.

    regression.py                 compare every case with tests/regression/results_true/
    regression.py --update        rewrite the stored results (commit them with the reason)
    regression.py --case city     one case only

The program is $INNOSIM, or --innosim PATH. `bash dev.sh regression [--update]` builds it and
runs this script. A failure names each dataset whose digest changed and prints both summaries.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
TRUE_DIR = os.path.join(HERE, "results_true")

# name -> innosim arguments (the output path is appended as -o). Small enough for CI (seconds),
# large enough that every process of each model runs: the city case includes a firm snapshot,
# every instrument trigger of the example package and certification rounds in four years.
CASES = {
    "city": ["run", "scenarios/examples/city.toml", "--replications", "6", "--seed", "11"],
    "ref1": ["run", "scenarios/bench/ref1.toml", "--replications", "4", "--seed", "3"],
    "city_sweep": ["sweep", "scenarios/examples/city_sweep.toml", "--design", "morris", "-n", "2",
                   "-r", "2", "--seed", "5"],
}


def dataset_digest(dataset):
    data = dataset[()]
    array = np.asarray(data)
    digest = hashlib.sha256()
    digest.update(str(array.dtype).encode())
    digest.update(str(array.shape).encode())
    if array.dtype.kind in "OSU":  # strings: their text, element by element
        for item in array.reshape(-1):
            digest.update(item if isinstance(item, bytes) else str(item).encode())
            digest.update(b"\0")
    else:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest(), array


def summarise(array):
    """One line a person can read: shape, and for numbers the finite mean, min and max."""
    if array.dtype.kind in "OSU":
        return f"shape {list(array.shape)} text"
    values = array.astype(np.float64).reshape(-1)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return f"shape {list(array.shape)} no finite values"
    return (f"shape {list(array.shape)} mean {finite.mean():.10g} min {finite.min():.10g} "
            f"max {finite.max():.10g}")


def reduce_file(path):
    digests, summary = {}, {}

    def visit(name, item):
        if isinstance(item, h5py.Dataset):
            digests[name], array = dataset_digest(item)
            summary[name] = summarise(array)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return digests, summary


def run_case(innosim, name, directory):
    output = os.path.join(directory, name + ".h5")
    command = [innosim, *CASES[name], "-o", output, "--threads", "2", "--quiet"]
    result = subprocess.run(command, cwd=SOURCE_DIR, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}")
    return reduce_file(output)


def stored_path(name):
    return os.path.join(TRUE_DIR, name + ".json")


def compare(name, digests, summary):
    with open(stored_path(name), encoding="utf-8") as f:
        stored = json.load(f)
    problems = []
    for dataset in sorted(set(stored["digests"]) | set(digests)):
        if dataset not in digests:
            problems.append(f"  {dataset}: missing (stored: {stored['summary'][dataset]})")
        elif dataset not in stored["digests"]:
            problems.append(f"  {dataset}: new (now: {summary[dataset]})")
        elif digests[dataset] != stored["digests"][dataset]:
            problems.append(f"  {dataset}: changed\n    stored: {stored['summary'][dataset]}\n"
                            f"    now:    {summary[dataset]}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the stored results")
    parser.add_argument("--case", choices=sorted(CASES), action="append", help="run only these")
    parser.add_argument("--innosim", default=os.environ.get("INNOSIM"), help="the program")
    args = parser.parse_args()
    if not args.innosim:
        parser.error("set $INNOSIM or pass --innosim PATH")
    failed = False
    with tempfile.TemporaryDirectory(prefix="innosim-regression-") as directory:
        for name in args.case or sorted(CASES):
            digests, summary = run_case(args.innosim, name, directory)
            if args.update:
                os.makedirs(TRUE_DIR, exist_ok=True)
                with open(stored_path(name), "w", encoding="utf-8") as f:
                    json.dump({"command": ["innosim", *CASES[name]], "digests": digests,
                               "summary": summary}, f, indent=1, sort_keys=True, ensure_ascii=False)
                    f.write("\n")
                print(f"{name}: stored {len(digests)} datasets")
                continue
            problems = compare(name, digests, summary)
            if problems:
                failed = True
                print(f"{name}: {len(problems)} datasets differ from the baseline:")
                print("\n".join(problems))
            else:
                print(f"{name}: {len(digests)} datasets identical to the baseline")
    if failed:
        print("\nIf the change of results is intended, run `bash dev.sh regression --update` and "
              "commit tests/regression/results_true/ with the reason in the commit message.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fuzzes `innosim validate` with the seed scenarios of tests/fuzz/corpus/ and random mutations
of them, for a bounded time, with a fixed seed (the same run finds the same cases).

Fails (exit 1) on any signal, an exit code other than 0 (valid) and 2 (refused), a time-out, a
sanitizer report on stderr, or a refusal line that is not placed: every line of a refusal must be
`FILE:LINE:COLUMN: error: ...`, `FILE: error: ...` (a problem with no place, e.g. a missing
file), `FILE:LINE:COLUMN: warning: ...`, or the closing `FILE was refused (N problems).`.

    INNOSIM=build/ci/apps/innosim /usr/bin/python3 tests/fuzz/fuzz_validate.py --seconds 60
"""
import argparse
import concurrent.futures
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                   "WARNING: ThreadSanitizer")
VALUES = ["nan", "inf", "-inf", "-1", "0", "1e308", "1e-320", "99999999999999999999",
          "9223372036854775807", '"x"', '""', '"名字"', "true", "[]", "[1, 2]", "{ a = 1 }",
          "2147483647", '"firms_high_tech@2147483647"', '["tech_sme", "tech_sme"]']


def mutate(text, rng, corpus_texts):
    """One random mutation of a scenario's text."""
    lines = text.split("\n")
    kind = rng.randrange(10)
    if kind == 0 and lines:  # a value replaced
        i = rng.randrange(len(lines))
        if "=" in lines[i]:
            lines[i] = lines[i].split("=", 1)[0] + "= " + rng.choice(VALUES)
    elif kind == 1 and lines:  # a line deleted
        del lines[rng.randrange(len(lines))]
    elif kind == 2 and lines:  # a line repeated elsewhere
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
    elif kind == 3:  # a line of another case spliced in
        other = rng.choice(corpus_texts).split("\n")
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(other))
    elif kind == 4:  # truncated anywhere
        return text[: rng.randrange(len(text) + 1)]
    elif kind == 5 and text:  # bytes changed
        data = bytearray(text.encode("utf-8", "surrogateescape"))
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return data.decode("utf-8", "surrogateescape")
    elif kind == 6:  # deep nesting of one of the shapes the parser recurses on
        depth = rng.choice([63, 64, 65, 100, 2000, 40000])
        shape = rng.randrange(4)
        deep = ["[" + ".".join(["a"] * depth) + "]", ".".join(["a"] * depth) + " = 1",
                "x = " + "[" * depth + "]" * depth,
                "x = " + "{a = " * depth + "1" + "}" * depth][shape]
        lines.insert(rng.randrange(len(lines) + 1), deep)
    elif kind == 7:  # an experiment table with random numbers
        key = rng.choice(["low", "high", "mode", "mean", "sd"])
        lines += ["[uncertainties.fz]", 'parameter = "ref1.growth_sd"',
                  'distribution = "' + rng.choice(["uniform", "log_uniform", "normal",
                                                    "triangular"]) + '"',
                  "low = 0.01", "high = 0.1", f"{key} = {rng.choice(VALUES)}"]
    elif kind == 8:  # an outcome with a random year or target
        year = rng.choice(["2147483647", "-2147483648", "99999999999999999999", "2022", "",
                           "2023x", "0x7e6"])
        lines += ["[experiment]", f'outcomes = ["firms_high_tech@{year}'
                  + rng.choice(["", ">=nan", "<=inf", ">=1e999", ">=", ">>1"]) + '"]']
    else:  # many unknown keys, or one long one
        lines += [f"unknown_{i} = {i}" for i in range(rng.choice([1, 60, 3000]))]
        lines.append("k" * rng.choice([65, 10000]) + " = 1")
    return "\n".join(lines)


def check(innosim, path, timeout):
    """Validates one file; returns (exit code, None) or (exit code, why it is a failure)."""
    try:
        run = subprocess.run([innosim, "validate", path], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"no answer within {timeout} s"
    stderr = run.stderr.decode("utf-8", "replace")
    if run.returncode < 0:
        return run.returncode, f"killed by signal {-run.returncode}"
    if run.returncode not in (0, 2):
        return run.returncode, f"exit code {run.returncode}: {stderr[-500:]}"
    for mark in SANITIZER_MARKS:
        if mark in stderr:
            return run.returncode, f"sanitizer report: {stderr[-2000:]}"
    name = re.escape(path)
    placed = re.compile(rf"^{name}(:\d+:\d+)?: (error|warning): |^{name} was refused \(\d+ problems?\)\.$")
    for line in stderr.splitlines():
        if not placed.match(line):
            return run.returncode, f"unplaced line: {line[:300]!r}"
    if run.returncode == 2 and "error:" not in stderr:
        return run.returncode, "refused without a reason"
    return run.returncode, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="seconds of random mutations after the whole corpus (default 60)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30.0, help="per case (default 30 s)")
    parser.add_argument("--keep", help="directory to keep the failing cases in")
    args = parser.parse_args()
    innosim = os.environ.get("INNOSIM")
    if not innosim:
        sys.exit("set INNOSIM to the innosim executable")
    names = sorted(n for n in os.listdir(CORPUS) if n.endswith(".toml"))
    texts = []
    for name in names:
        with open(os.path.join(CORPUS, name), encoding="utf-8", errors="surrogateescape",
                  newline="") as f:
            texts.append(f.read())
    rng = random.Random(args.seed)
    counts = {"cases": 0, "mutations": 0, "accepted": 0, "refused": 0, "failures": 0,
              "crashes": 0}
    failures = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="innosim_fuzz_") as directory, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:

        def record(kind, label, text, result):
            code, why = result
            counts[kind] += 1
            if why is None:
                counts["accepted" if code == 0 else "refused"] += 1
                return
            counts["failures"] += 1
            if code is not None and code < 0:
                counts["crashes"] += 1
            failures.append((label, why, text))

        jobs = [pool.submit(check, innosim, os.path.join(CORPUS, name), args.timeout)
                for name in names]
        for name, text, job in zip(names, texts, jobs):
            record("cases", name, text, job.result())
        serial = 0
        mutations_started = time.monotonic()  # the corpus always runs whole; then the bound
        while time.monotonic() - mutations_started < args.seconds or serial == 0:
            batch = []
            for _ in range(args.jobs * 4):
                source = rng.randrange(len(texts))
                text = texts[source]
                for _ in range(rng.randint(1, 3)):
                    text = mutate(text, rng, texts)
                path = os.path.join(directory, f"mutation_{serial}.toml")
                with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
                    f.write(text)
                batch.append((f"mutation {serial} of {names[source]}", text, path,
                              pool.submit(check, innosim, path, args.timeout)))
                serial += 1
            for label, text, path, job in batch:
                record("mutations", label, text, job.result())
                os.remove(path)
    seconds = time.monotonic() - started
    print(f"fuzz_validate: {counts['cases']} corpus cases, {counts['mutations']} mutations in "
          f"{seconds:.0f} s (seed {args.seed}): {counts['accepted']} accepted, "
          f"{counts['refused']} refused with their place, {counts['crashes']} crashes, "
          f"{counts['failures']} failures")
    for label, why, text in failures[:20]:
        print(f"FAILED {label}: {why}")
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            safe = re.sub(r"[^A-Za-z0-9_.-]", "_", label)
            with open(os.path.join(args.keep, safe + ".toml"), "w", encoding="utf-8",
                      errors="surrogateescape", newline="") as f:
                f.write(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

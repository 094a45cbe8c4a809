#!/usr/bin/env python3
"""Writes tests/fuzz/corpus/: small seed scenarios for tests/fuzz/fuzz_validate.py.

Each case is one of the repository's scenarios (scenarios/**/*.toml) with one systematic
mutation: a key's value replaced by an out-of-range, wrong-type, NaN/inf, empty, huge or unicode
value; an experiment's factor or outcome made non-finite or out of the run; deep nesting;
duplicate tables; a truncated file. The output is deterministic: run it again after changing the
scenarios or the mutations and commit the result.

    /usr/bin/python3 scripts/make_fuzz_corpus.py        # rewrites tests/fuzz/corpus/
"""
import os
import re
import shutil

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(SOURCE_DIR, "tests", "fuzz", "corpus")

# Replacement values for `key = value` lines: every kind a key can be wrong in.
VALUES = [
    "-1", "-1.0e9", "1.0e300", "99999999999999999999", "9223372036854775807",
    "-9223372036854775808", "0", "0.5", "nan", "inf", "-inf", "+nan", "1e-320",
    '"text"', '""', '"名字 ✓"', '"\\u0000"', "true", "[]", "[1, 2]", '["a", "a"]', "{}",
    "{ a = 1 }", "1979-05-27", "2147483647", "-2147483648", "4294967296", "9007199254740993",
    '"' + "x" * 300 + '"', "[[1], [2]]",
]
KEY_LINE = re.compile(r'^(\s*[A-Za-z0-9_."-]+\s*=\s*)(.*)$')

STRUCTURAL = {
    "empty": "",
    "only_comment": "# nothing\n",
    "bom": "\ufeff[scenario]\nmodel = \"ref1\"\n",
    "crlf": "[scenario]\r\nmodel = \"ref1\"\r\nsteps = 12\r\n",
    "nul_bytes": "[scenario]\nmodel = \"ref1\0\"\n",
    "deep_header": "[scenario]\nmodel = \"ref1\"\n[" + ".".join(["a"] * 200) + "]\n",
    # The size that overflowed the parser's stack before nesting was limited (80 KB).
    "deep_header_40000": "[scenario]\nmodel = \"ref1\"\n[" + ".".join(["a"] * 40000) + "]\n",
    "deep_header_array": "[scenario]\nmodel = \"ref1\"\n[[" + ".".join(["a"] * 200) + "]]\n",
    "deep_dotted_key": "[scenario]\nmodel = \"ref1\"\n[ref1]\n" + ".".join(["a"] * 200) + " = 1\n",
    "deep_array": "[scenario]\nmodel = \"ref1\"\n[ref1]\nx = " + "[" * 200 + "]" * 200 + "\n",
    "deep_inline": "[scenario]\nmodel = \"ref1\"\nx = " + "{a = " * 200 + "1" + "}" * 200 + "\n",
    "nesting_at_limit": "[scenario]\nmodel = \"ref1\"\n[ref1]\nx = " + "[" * 60 + "]" * 60 + "\n",
    "duplicate_table": "[scenario]\nmodel = \"ref1\"\n[ref1]\nexit_hazard = 0.1\n[ref1]\n"
                       "exit_hazard = 0.2\n",
    "duplicate_key": "[scenario]\nmodel = \"ref1\"\nmodel = \"city\"\n",
    "table_and_key": "[scenario]\nmodel = \"ref1\"\n[ref1]\nx = 1\n[ref1.x]\ny = 2\n",
    "array_of_tables": "[[scenario]]\nmodel = \"ref1\"\n",
    "instruments_not_table": "[scenario]\nmodel = \"city\"\ninstruments = 1\n",
    "instrument_bad_name": "[scenario]\nmodel = \"city\"\n[instruments.\"Bad Name\"]\n"
                           "trigger = \"high_tech_certified\"\n",
    "instrument_newline_name": "[scenario]\nmodel = \"city\"\n[instruments.\"a\\nb\"]\n"
                               "trigger = \"high_tech_certified\"\n",
    "unknown_key_newline": "[scenario]\nmodel = \"ref1\"\n[ref1]\n\"a\\nb\" = 1\n",
    "long_unknown_key": "[scenario]\nmodel = \"ref1\"\n[ref1]\n" + "k" * 2000 + " = 1\n",
    "many_unknown_keys": "[scenario]\nmodel = \"ref1\"\n[ref1]\n"
                         + "".join(f"unknown_{i} = {i}\n" for i in range(300)),
    "outcome_int_max": "[scenario]\nmodel = \"ref1\"\nsteps = 24\n[experiment]\n"
                       "outcomes = [\"firms_high_tech@2147483647\", \"firms_high_tech@-2147483649\"]\n",
    "outcome_targets": "[scenario]\nmodel = \"ref1\"\nsteps = 24\n[experiment]\n"
                       "outcomes = [\"firms_high_tech@2022>=nan\", \"firms_high_tech@2022<=inf\","
                       " \"firms_high_tech@2022>=\", \"firms_high_tech@>=1\", \"@\", \"\"]\n",
    "factor_nan_mode": "[scenario]\nmodel = \"ref1\"\n[uncertainties.g]\nparameter = "
                       "\"ref1.growth_sd\"\ndistribution = \"triangular\"\nlow = 0.01\nmode = nan\n"
                       "high = 0.1\n",
    "factor_nan_mean": "[scenario]\nmodel = \"ref1\"\n[uncertainties.e]\nparameter = "
                       "\"ref1.exit_hazard\"\ndistribution = \"normal\"\nmean = nan\nsd = 0.01\n",
    "factor_log_uniform_denormal": "[scenario]\nmodel = \"ref1\"\n[uncertainties.s]\nparameter = "
                                   "\"ref1.high_tech_support\"\ndistribution = \"log_uniform\"\n"
                                   "low = 1e-320\nhigh = 5\n",
    "factor_integer_huge": "[scenario]\nmodel = \"ref1\"\n[levers.n]\nparameter = "
                           "\"ref1.initial_firms\"\nlow = -1e300\nhigh = 1e300\n",
    "snapshot_not_run": "[scenario]\nmodel = \"city\"\nsteps = 12\n[run]\nreplications = 2\n"
                        "[output]\nsnapshot_replications = [0, 7]\n",
    "city_contradictions": "[scenario]\nmodel = \"city\"\nsteps = 12\n[city]\n"
                           "high_tech_tax_rate = 0.3\ngrowth_sd_min = 0.9\ngrowth_sd_max = 0.5\n"
                           "high_tech_small_sales = 30000.0\nhigh_tech_medium_sales = 20000.0\n",
    "instrument_outside_run": "[scenario]\nmodel = \"city\"\nsteps = 12\n[instruments.old]\n"
                              "trigger = \"high_tech_certified\"\nfixed = 1.0\nfirst_year = 2000\n"
                              "last_year = 2001\n",
    "seed_above_2_53": "[scenario]\nmodel = \"ref1\"\n[run]\nseed = 9007199254740993\n",
    "unterminated_string": "[scenario]\nmodel = \"ref1\n",
    "unterminated_multiline": "[scenario]\nmodel = \"\"\"ref1\n",
    "unterminated_array": "[scenario]\nmodel = [\"ref1\"\n",
    "lone_bracket": "[\n",
    "binary": "\x00\x01\x02\xff\xfe[scenario]\n",
}


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    os.makedirs(CORPUS)
    cases = {}
    sources = []
    for root, _, files in os.walk(os.path.join(SOURCE_DIR, "scenarios")):
        sources += [os.path.join(root, name) for name in files if name.endswith(".toml")]
    for number, source in enumerate(sorted(sources)):
        stem = os.path.splitext(os.path.basename(source))[0]
        with open(source, encoding="utf-8") as f:
            lines = f.read().split("\n")
        cases[f"{stem}__original"] = "\n".join(lines)
        lines = [line for line in lines if not line.lstrip().startswith("#")]  # smaller cases
        for fraction in (25, 50, 75, 99):  # truncated files
            text = "\n".join(lines)
            cases[f"{stem}__truncated_{fraction}"] = text[: len(text) * fraction // 100]
        # The first table repeated at the end: a duplicate table.
        first_table = next(i for i, line in enumerate(lines) if line.startswith("["))
        cases[f"{stem}__duplicate_table"] = "\n".join(lines + lines[first_table:first_table + 3])
        # Every key line, twice, with values chosen systematically across the list.
        key_lines = [i for i, line in enumerate(lines) if KEY_LINE.match(line)]
        for position, index in enumerate(key_lines):
            for turn in (0, 1):
                value = VALUES[(position * 7 + number * 3 + turn * 13) % len(VALUES)]
                mutated = list(lines)
                mutated[index] = KEY_LINE.match(lines[index]).group(1) + value
                key = KEY_LINE.match(lines[index]).group(1).split("=")[0].strip()
                cases[f"{stem}__{position:02d}_{re.sub('[^a-z0-9_]', '', key)}_{turn}"] = (
                    "\n".join(mutated))
    for name, text in STRUCTURAL.items():
        cases[f"structural__{name}"] = text
    for name, text in sorted(cases.items()):
        with open(os.path.join(CORPUS, name + ".toml"), "w", encoding="utf-8",
                  errors="surrogateescape", newline="") as f:
            f.write(text)
    print(f"wrote {len(cases)} cases to {os.path.relpath(CORPUS, SOURCE_DIR)}")


if __name__ == "__main__":
    main()

"""End-to-end checks of targets and `innosim compare` on a small city: the probabilities and
Wilson intervals in /targets agree with scipy on the stored per-replication flags; the JSON
summary says what the file says; compare's paired differences have a smaller variance than
unpaired ones on a variant with a small effect (the reason it runs variants on common random
numbers); no_policy spends nothing; the paired intervals are scipy's t intervals."""
import json
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
from scipy import stats

INNOSIM = os.environ["INNOSIM"]

# The tests' small city, two years, a reward on certification and vouchers; a target the run
# reaches about half the time, so the probability and its interval are not degenerate.
SCENARIO = """
[scenario]
name = "small_targets"
model = "city"
start_year = 2022
steps = 24

[run]
replications = 60
seed = 5

[city]
initial_candidates = 1500
initial_tech_sme = 300
initial_high_tech = 150
registrations_per_year = 20000
spinoffs_per_year = 20
talent_teams_per_year = 20

[instruments.reward]
trigger = "high_tech_certified"
fixed = 20.0
budget_per_year = 2000.0

[instruments.vouchers]
trigger = "innovation_voucher"
events_per_year = 40.0
base_median = 20.0
share = 0.5
budget_per_year = 200.0
effect = "rd"

[targets.high_tech_2023]
metric = "register_high_tech"
year = 2023
at_least = {threshold}
document = "a test target"

[variants.no_policy]
description = "no instrument"
remove = ["instruments"]

[variants.slightly_larger_reward]
description = "a small change: the reward 20 -> 25"
[variants.slightly_larger_reward.instruments.reward]
fixed = 25.0
"""


def run(*args, cwd):
    return subprocess.run([INNOSIM, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


class TargetsAndCompare(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="innosim-targets-")
        cls.dir = cls.directory.name
        cls.scenario = os.path.join(cls.dir, "small.toml")
        # The threshold: the median of a first run, so about half the replications reach it.
        with open(cls.scenario, "w", encoding="utf-8") as f:
            f.write(SCENARIO.format(threshold=0))
        first = run("run", cls.scenario, "-q", "-t", "2", "-o", "probe.h5", cwd=cls.dir)
        assert first.returncode == 0, first.stderr
        with h5py.File(os.path.join(cls.dir, "probe.h5")) as f:
            cls.threshold = float(np.median(f["targets/high_tech_2023/value"][:]))
        with open(cls.scenario, "w", encoding="utf-8") as f:
            f.write(SCENARIO.format(threshold=cls.threshold))
        cls.run_result = run("run", cls.scenario, "-q", "-t", "2", "--summary-json", "small.json",
                      cwd=cls.dir)
        cls.compare_result = run("compare", cls.scenario, "--variants", "slightly_larger_reward", "-q",
                          "-t", "2", cwd=cls.dir)

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_run_writes_targets_that_scipy_agrees_with(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stderr)
        self.assertIn("P(reach)", self.run_result.stdout)
        with h5py.File(os.path.join(self.dir, "small.h5")) as f:  # named after the file
            target = f["targets/high_tech_2023"]
            values = target["value"][:]
            achieved = target["achieved"][:]
            self.assertEqual(target.attrs["time"], 2024.0)  # end of 2023
            # The flag is the comparison of the stored value, and the probability its mean.
            np.testing.assert_array_equal(achieved, (values >= self.threshold).astype(np.uint8))
            successes = int(achieved.sum())
            self.assertGreater(successes, 0)
            self.assertLess(successes, len(achieved))
            self.assertAlmostEqual(target.attrs["probability"], successes / len(achieved))
            # scipy's Wilson interval (scipy.stats.binomtest): an implementation outside ours.
            interval = stats.binomtest(successes, len(achieved)).proportion_ci(
                confidence_level=0.95, method="wilson")
            self.assertAlmostEqual(target.attrs["probability_low"], interval.low, places=12)
            self.assertAlmostEqual(target.attrs["probability_high"], interval.high, places=12)
            self.assertAlmostEqual(target.attrs["median"], np.quantile(values, 0.5))
            self.assertAlmostEqual(target.attrs["p95"], np.quantile(values, 0.95))
            # The series at the target's time is the stored value.
            time = f["time"][:]
            point = int(np.argmin(np.abs(time - 2024.0)))
            np.testing.assert_array_equal(f["series/register_high_tech"][:, point], values)
            self.assertEqual(f.attrs["variant"], "baseline")
        with open(os.path.join(self.dir, "small.json"), encoding="utf-8") as f:
            summary = json.load(f)
        self.assertEqual(summary["targets"][0]["name"], "high_tech_2023")
        self.assertAlmostEqual(summary["targets"][0]["probability"], successes / len(achieved))

    def test_paired_differences_have_a_smaller_variance_than_unpaired(self):
        # Common random numbers make replication r of both variants share its streams, so the
        # paired difference cancels most of the noise. If the variants did not share their
        # random numbers (e.g. the posterior draw or the streams depended on the variant), the
        # paired variance would equal var(a) + var(b) and this fails.
        self.assertEqual(self.compare_result.returncode, 0, self.compare_result.stderr)
        with h5py.File(os.path.join(self.dir, "small_compare.h5")) as f:
            names = [n.decode() for n in f["compare/variant"][:]]
            self.assertEqual(names, ["baseline", "slightly_larger_reward", "no_policy"])
            high_tech = f["compare/outcomes/register_high_tech@2023"][:]
            base, larger = high_tech[0], high_tech[1]
            paired = np.var(larger - base, ddof=1)
            unpaired = np.var(larger, ddof=1) + np.var(base, ddof=1)
            print(f"paired variance {paired:.2f}, unpaired {unpaired:.2f}")
            self.assertLess(paired, 0.5 * unpaired)
            # The stored interval is scipy's paired t interval on the stored outcomes.
            d = larger - base
            low, high = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
            self.assertAlmostEqual(f["compare/delta_register_high_tech"][1], d.mean())
            self.assertAlmostEqual(f["compare/delta_register_high_tech_low"][1], low)
            self.assertAlmostEqual(f["compare/delta_register_high_tech_high"][1], high)
            # no_policy spends nothing on any city instrument.
            spending = f["compare/outcomes/spending_instruments"][2]
            self.assertTrue(np.all(spending == 0.0), spending)
            self.assertTrue(np.all(f["compare/outcomes/spending_reward"][2] == 0.0))
            self.assertGreater(f["compare/outcomes/spending_instruments"][0].mean(), 0.0)
            # The baseline of the comparison is the run's baseline: same seed, same values.
            with h5py.File(os.path.join(self.dir, "small.h5")) as run_file:
                np.testing.assert_array_equal(
                    f["compare/outcomes/high_tech_2023"][0],
                    run_file["targets/high_tech_2023/value"][:])

    def test_an_existing_output_of_another_variant_is_kept(self):
        result = run("run", self.scenario, "-q", "--variant", "no_policy", "-o", "small.h5",
                     cwd=self.dir)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("holds the results of variant baseline", result.stderr)


if __name__ == "__main__":
    unittest.main()

"""End-to-end checks of `innosim attribute` on a small city: /attribution has one row per
instrument (and "all"), its statistics are those of the per-replication outcomes it stores
(recomputed here with numpy and scipy), an instrument without budget changes nothing, and
Ctrl-C keeps the completed runs."""
import math
import os
import signal
import subprocess
import tempfile
import time
import unittest

import h5py
import numpy as np
from scipy import stats

INNOSIM = os.environ["INNOSIM"]

# The tests' small city (tests/models/city_fixtures.hpp), two years, with a large reward on
# certification (ample budget), an R&D grant with no budget and a voucher with a small one.
SCENARIO = """
[scenario]
name = "small_attribution"
model = "city"
start_year = 2022
steps = 24

[run]
replications = 4
seed = 3

[city]
initial_candidates = 1500
initial_tech_sme = 300
initial_high_tech = 150
registrations_per_year = 20000
spinoffs_per_year = 20
talent_teams_per_year = 20

[instruments.big_reward]
trigger = "high_tech_certified"
fixed = 200.0

[instruments.dormant_grant]
trigger = "annual_rd"
share = 0.1
budget_per_year = 0.0
effect = "rd"

[instruments.vouchers]
trigger = "innovation_voucher"
events_per_year = 40.0
base_median = 20.0
share = 0.5
budget_per_year = 200.0
effect = "rd"
additionality = 1.0
"""

INSTRUMENTS = ["big_reward", "dormant_grant", "vouchers"]


class Attribution(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="innosim-attribute-")
        cls.dir = cls.directory.name
        cls.scenario = os.path.join(cls.dir, "small.toml")
        with open(cls.scenario, "w", encoding="utf-8") as f:
            f.write(SCENARIO)
        cls.result = subprocess.run([INNOSIM, "attribute", cls.scenario, "-q", "-t", "2",
                                     "-o", "small.h5"], capture_output=True, text=True,
                                    cwd=cls.dir, timeout=600)
        cls.output = os.path.join(cls.dir, "small.h5")

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def setUp(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)

    def group(self):
        f = h5py.File(self.output, "r")
        self.addCleanup(f.close)
        return f, f["attribution"]

    def test_one_row_per_instrument_and_the_package(self):
        f, g = self.group()
        self.assertEqual(f.attrs["complete"], 1)
        self.assertEqual(list(f.attrs["format_version"]), [1, 7])
        self.assertEqual([name.decode() for name in g["instrument"][...]], INSTRUMENTS + ["all"])
        self.assertEqual(g.attrs["year"], 2023)  # the last full year of a 2022-2023 run
        self.assertEqual(g.attrs["replications"], 4)
        self.assertEqual(g.attrs["seed"], 3)
        for name in ["spending", "delta_high_tech", "cost_per_high_tech", "deadweight"]:
            for suffix in ["", "_low", "_high"]:
                self.assertEqual(g[name + suffix].shape, (4,), name + suffix)
        points = [name.decode() for name in g["outcomes/point"][...]]
        self.assertEqual(points, ["scenario"] + [f"without {n}" for n in INSTRUMENTS] + ["without all"])
        self.assertEqual(g["outcomes/register_high_tech@2023"].shape, (5, 4))
        # The table names every instrument.
        for name in INSTRUMENTS:
            self.assertIn(name, self.result.stdout)

    def test_an_instrument_without_budget_spends_nothing_and_changes_nothing(self):
        # Its run "without" is the scenario itself (a zero budget set to zero): every outcome is
        # identical, so every difference is exactly 0 with a [0, 0] interval, and the cost and
        # deadweight are undefined (NaN), not 0 or inf. It still counts its claims.
        f, g = self.group()
        row = INSTRUMENTS.index("dormant_grant")
        self.assertEqual(g["spending"][row], 0.0)
        for name in ["delta_high_tech", "delta_tech_sme", "delta_rd_real"]:
            for suffix in ["", "_low", "_high"]:
                self.assertEqual(g[name + suffix][row], 0.0, name + suffix)
        self.assertTrue(math.isnan(g["cost_per_high_tech"][row]))
        self.assertTrue(math.isnan(g["deadweight"][row]))
        self.assertGreater(g["claims_with"][row], 0.0)
        self.assertEqual(g["claims_with"][row], g["claims_without"][row])
        outcomes = g["outcomes"]
        for name in outcomes:
            if name in ("point", "replication"):
                continue
            np.testing.assert_array_equal(outcomes[name][0], outcomes[name][1 + row], err_msg=name)

    def test_statistics_are_those_of_the_stored_outcomes(self):
        # Recomputed from /attribution/outcomes with numpy and scipy: the paired t interval of
        # the difference of high-tech counts (ttest_rel) and the spending's mean. Fails if the
        # command paired the wrong points or replications, or summed the wrong window.
        f, g = self.group()
        outcomes = g["outcomes"]
        high_tech = outcomes["register_high_tech@2023"][...]
        for row, name in enumerate(INSTRUMENTS):
            difference = high_tech[0] - high_tech[1 + row]
            self.assertAlmostEqual(g["delta_high_tech"][row], difference.mean(), places=12)
            if difference.std() > 0:
                interval = stats.ttest_rel(high_tech[0], high_tech[1 + row]).confidence_interval()
                self.assertAlmostEqual(g["delta_high_tech_low"][row], interval.low, places=8)
                self.assertAlmostEqual(g["delta_high_tech_high"][row], interval.high, places=8)
            spending = outcomes[f"spending_{name}"][0]
            self.assertAlmostEqual(g["spending"][row], spending.mean(), places=9)
            # Without the instrument it pays nothing.
            np.testing.assert_array_equal(outcomes[f"spending_{name}"][1 + row], 0.0)
        total = sum(outcomes[f"spending_{name}"][0] for name in INSTRUMENTS)
        self.assertAlmostEqual(g["spending"][len(INSTRUMENTS)], total.mean(), places=9)

    def test_claims_count_every_payable_event_and_payments_the_paid_ones(self):
        # Without a budget limit every claim is paid; a small budget pays fewer than are claimed
        # (the vouchers' 200万 a year runs out), and at a zero budget nothing is paid while the
        # claims stay those of the scenario. Fails if claims were counted after the budget test
        # or payments counted for refused claims.
        f, g = self.group()
        outcomes = g["outcomes"]
        np.testing.assert_array_equal(outcomes["payments_big_reward"][0], outcomes["claims_big_reward"][0])
        self.assertTrue((outcomes["claims_big_reward"][0] > 0).all())
        self.assertTrue((outcomes["payments_vouchers"][0] < outcomes["claims_vouchers"][0]).all())
        self.assertTrue((outcomes["payments_vouchers"][0] > 0).all())
        without = 1 + INSTRUMENTS.index("vouchers")
        np.testing.assert_array_equal(outcomes["payments_vouchers"][without], 0.0)
        np.testing.assert_array_equal(outcomes["claims_vouchers"][without], outcomes["claims_vouchers"][0])

    def test_a_large_reward_on_certification_is_costed_consistently_with_its_difference(self):
        # 200万 per certification with no budget limit is paid; its cost per additional
        # high-tech enterprise is finite with a finite interval exactly when the difference's
        # interval lies above 0, and unbounded above (inf) otherwise.
        f, g = self.group()
        row = INSTRUMENTS.index("big_reward")
        self.assertGreater(g["spending"][row], 0.0)
        self.assertGreater(g["payments"][row], 0.0)
        cost, high = g["cost_per_high_tech"][row], g["cost_per_high_tech_high"][row]
        self.assertFalse(math.isnan(cost))
        if g["delta_high_tech_low"][row] > 0:
            self.assertTrue(math.isfinite(cost) and math.isfinite(high))
            self.assertAlmostEqual(cost, g["spending"][row] / g["delta_high_tech"][row], places=9)
        else:
            self.assertEqual(high, math.inf)
        deadweight = g["deadweight"][row]
        self.assertTrue(0.0 <= g["deadweight_low"][row] <= deadweight <= g["deadweight_high"][row] <= 1.0)

    def test_a_scenario_without_instruments_and_a_year_outside_the_run_are_refused(self):
        plain = os.path.join(self.dir, "plain.toml")
        with open(plain, "w", encoding="utf-8") as f:
            f.write(SCENARIO.split("[instruments.")[0])
        result = subprocess.run([INNOSIM, "attribute", plain, "-q", "-o", "plain.h5"],
                                capture_output=True, text=True, cwd=self.dir, timeout=60)
        self.assertEqual(result.returncode, 2)
        self.assertIn("no [instruments.<name>] tables", result.stderr)
        result = subprocess.run([INNOSIM, "attribute", self.scenario, "-q", "--year", "2030",
                                 "-o", "late.h5"], capture_output=True, text=True, cwd=self.dir,
                                timeout=60)
        self.assertEqual(result.returncode, 2)
        self.assertIn("2022 to 2023", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "late.h5")))

    def test_ctrl_c_keeps_the_completed_runs(self):
        # Many replications so that the SIGINT lands mid-study: exit 130, no output, and the
        # .interrupted.h5 file marked incomplete, with NaN for the runs that did not finish.
        process = subprocess.Popen([INNOSIM, "attribute", self.scenario, "-q", "-t", "1",
                                    "-r", "400", "-o", "stopped.h5"], cwd=self.dir,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3.0)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        self.assertEqual(process.returncode, 130, stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "stopped.h5")))
        kept = os.path.join(self.dir, "stopped.interrupted.h5")
        self.assertTrue(os.path.exists(kept), stderr)
        with h5py.File(kept, "r") as f:
            self.assertEqual(f.attrs["complete"], 0)
            values = f["attribution/outcomes/register_high_tech@2023"][...]
            self.assertTrue(np.isnan(values).any())
            self.assertTrue(np.isfinite(values[0]).any())
            self.assertNotIn("delta_high_tech", f["attribution"])


if __name__ == "__main__":
    unittest.main()

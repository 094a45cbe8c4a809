"""The five seed cities (scenarios/cities/, docs/cities.md): each scenario and each of its
variants validates and runs; at t = 0 every register, label and incubator count equals the
scenario's number exactly; no_policy spends nothing on any city instrument; each declares the
document's targets, its assumptions and the variants the issue names."""
import glob
import os
import subprocess
import tempfile
import tomllib
import unittest

import h5py
import numpy as np

INNOSIM = os.environ["INNOSIM"]
ROOT = os.environ.get("INNOSIM_SOURCE_DIR",
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CITIES = sorted(glob.glob(os.path.join(ROOT, "scenarios", "cities", "*.toml")))
REQUIRED_VARIANTS = {"no_policy", "double_certification_rewards", "loans_instead_of_grants",
                     "more_incubation"}
# Counts at t = 0: metric -> the [city] key that sets it.
START = {"register_tech_sme": "initial_tech_sme", "register_high_tech": "initial_high_tech",
         "label_gazelle": "initial_gazelles", "label_leader": "initial_leaders",
         "label_little_giant": "initial_little_giants", "label_fledgling": "initial_fledglings",
         "incubators_city": "incubators_city", "incubators_provincial": "incubators_provincial",
         "incubators_national": "incubators_national"}


def run(*args, cwd):
    return subprocess.run([INNOSIM, *args], capture_output=True, text=True, cwd=cwd, timeout=900)


class Cities(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="innosim-cities-")
        cls.dir = cls.directory.name

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_there_is_one_scenario_per_seed_document(self):
        names = [os.path.basename(p) for p in CITIES]
        self.assertEqual(names, ["jiaozuo.toml", "xinxiang.toml", "xinyang.toml", "xuchang.toml",
                                 "zhengzhou.toml"])

    def test_each_city_declares_targets_assumptions_and_the_variants(self):
        for path in CITIES:
            with self.subTest(city=os.path.basename(path)):
                with open(path, "rb") as f:
                    scenario = tomllib.load(f)
                self.assertGreaterEqual(len(scenario.get("targets", {})), 2)
                self.assertGreaterEqual(len(scenario.get("assumptions", {})), 3)
                self.assertIn("targets_not_modelled", scenario)
                variants = set(scenario.get("variants", {}))
                self.assertTrue(REQUIRED_VARIANTS <= variants, REQUIRED_VARIANTS - variants)
                self.assertGreater(len(variants - REQUIRED_VARIANTS), 0, "a debated variant")
                self.assertIn("posterior", scenario)
                result = run("validate", path, cwd=self.dir)  # checks every variant too
                self.assertEqual(result.returncode, 0, result.stderr)

    def test_the_start_equals_the_scenario_and_no_policy_spends_nothing(self):
        # Fails if a count the document gives were drawn rather than set (a register at t = 0
        # different from the file), or if removing the instruments left any city money flowing.
        for path in CITIES:
            city = os.path.splitext(os.path.basename(path))[0]
            with self.subTest(city=city):
                result = run("run", path, "-r", "2", "-q", "-o", f"{city}.h5", cwd=self.dir)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("P(reach)", result.stdout)
                with h5py.File(os.path.join(self.dir, f"{city}.h5")) as f:
                    parameters = tomllib.loads(f.attrs["resolved_parameters"])["city"]
                    for metric, key in START.items():
                        np.testing.assert_array_equal(f["series"][metric][:, 0], parameters[key],
                                                      err_msg=f"{metric} vs city.{key}")
                    self.assertIn("targets", f)
                    self.assertIn("assumptions", f)
                result = run("run", path, "-r", "2", "-q", "--variant", "no_policy", "-o",
                             f"{city}_no_policy.h5", cwd=self.dir)
                self.assertEqual(result.returncode, 0, result.stderr)
                with h5py.File(os.path.join(self.dir, f"{city}_no_policy.h5")) as f:
                    self.assertEqual(f.attrs["variant"], "no_policy")
                    self.assertTrue(np.all(f["series/spending_instruments"][:] == 0.0))
                    paid = [n for n in f["series"] if n.startswith("spending_")
                            and n not in ("spending_rd_super_deduction",
                                          "spending_high_tech_tax_rate")
                            and np.any(f["series"][n][:] != 0.0)]
                    self.assertEqual(paid, [])


if __name__ == "__main__":
    unittest.main()

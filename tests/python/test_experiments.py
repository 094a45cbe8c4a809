"""End-to-end checks of `innosim sweep` and `innosim analyze`: designs against scipy, the
streamed file in xarray, interrupt and resume giving the same file, refusals with places."""
import os
import signal
import subprocess
import tempfile
import time
import unittest
import warnings

import h5py
import numpy as np
import xarray as xr
from scipy.stats import qmc

INNOSIM = os.environ["INNOSIM"]
SOURCE_DIR = os.environ["INNOSIM_SOURCE_DIR"]
SCENARIOS = os.path.join(SOURCE_DIR, "scenarios")


class Experiments(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="innosim-sweep-")
        self.dir = self.directory.name

    def tearDown(self):
        self.directory.cleanup()

    def sweep(self, scenario, *args, check=True):
        result = subprocess.run([INNOSIM, "sweep", scenario, "-q", *args], capture_output=True,
                                text=True, cwd=self.dir, timeout=600)
        if check and result.returncode != 0:
            self.fail(f"innosim sweep exited {result.returncode}:\n{result.stderr}")
        return result

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_sobol_design_is_scipys_unscrambled_sequence(self):
        n, d = 64, 3
        self.sweep(os.path.join(SCENARIOS, "tests", "ishigami.toml"), "--design", "sobol", "-n", str(n),
                   "-o", "ishigami.h5")
        with h5py.File(self.path("ishigami.h5"), "r") as f:
            unit = f["experiments/design_unit"][...]
            values = f["experiments/design"][...]
            self.assertEqual(f["experiments"].attrs["design"], "sobol")
            self.assertEqual(list(f["experiments"].attrs["parameters"]),
                             ["ishigami.x1", "ishigami.x2", "ishigami.x3"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns when n is not a power of two
            reference = qmc.Sobol(2 * d, scramble=False).random(n + 1)[1:]  # the origin is skipped
        block = d + 2
        np.testing.assert_array_equal(unit[0::block], reference[:, :d])          # A
        np.testing.assert_array_equal(unit[block - 1::block], reference[:, d:])  # B
        for i in range(d):                                                      # AB_i
            expected = reference[:, :d].copy()
            expected[:, i] = reference[:, d + i]
            np.testing.assert_array_equal(unit[1 + i::block], expected)
        np.testing.assert_allclose(values, -np.pi + 2 * np.pi * unit, rtol=0, atol=1e-12)

    def test_test_functions_as_models_give_their_analytic_indices(self):
        # Ishigami & Homma (1990), a = 7, b = 0.1; Sobol G, a = [0, 1, 4.5, 9, 99, 99, 99, 99]:
        # V_i = 1 / (3 (1 + a_i)^2), S1_i = V_i / V, ST_i = V_i prod_{j != i}(1 + V_j) / V.
        a = np.array([0, 1, 4.5, 9, 99, 99, 99, 99])
        partial = 1 / (3 * (1 + a) ** 2)
        variance = np.prod(1 + partial) - 1
        expected = {
            "ishigami": ([0.3139, 0.4424, 0.0], [0.5576, 0.4424, 0.2437]),
            "sobol_g": (partial / variance, partial * np.prod(1 + partial) / (1 + partial) / variance),
        }
        for model, (s1, st) in expected.items():
            output = f"{model}.h5"
            self.sweep(os.path.join(SCENARIOS, "tests", f"{model}.toml"), "--design", "sobol",
                       "-n", str(2 ** 14), "-o", output)
            with h5py.File(self.path(output), "r") as f:
                group = f["sensitivity/y@2022"]
                for name, analytic in [("S1", s1), ("ST", st)]:
                    estimate, low, high = (group[name][...], group[f"{name}_low"][...],
                                           group[f"{name}_high"][...])
                    np.testing.assert_allclose(estimate, analytic, rtol=0, atol=0.02, err_msg=f"{model} {name}")
                    self.assertTrue(np.all((low <= analytic) & (analytic <= high)), f"{model} {name}")

    def test_latin_hypercube_strata_and_outcomes_in_xarray(self):
        n = 37
        self.sweep(os.path.join(SCENARIOS, "tests", "ishigami.toml"), "--design", "lhs", "-n", str(n),
                   "-o", "lhs.h5")
        with h5py.File(self.path("lhs.h5"), "r") as f:
            unit = f["experiments/design_unit"][...]
            self.assertEqual(f.attrs["complete"], 1)
            self.assertTrue(np.all(f["experiments/completed"][...] == 1))
        for column in unit.T:
            self.assertEqual(sorted(np.floor(column * n).astype(int)), list(range(n)))
        with xr.open_dataset(self.path("lhs.h5"), group="experiments/outcomes", engine="h5netcdf") as outcomes:
            y = outcomes["y@2022"]
            self.assertEqual(y.dims, ("point", "replication"))
            self.assertEqual(y.shape, (n, 1))
            x = -np.pi + 2 * np.pi * unit
            expected = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
            np.testing.assert_allclose(y.values[:, 0], expected, rtol=1e-12, atol=1e-12)

    def test_interrupted_sweep_resumes_to_the_same_file(self):
        scenario = os.path.join(SCENARIOS, "tests", "ref1_sweep.toml")
        args = ["--design", "morris", "-n", "30", "-o", "resumed.h5", "-t", "2"]
        process = subprocess.Popen([INNOSIM, "sweep", scenario, "-q", *args], cwd=self.dir,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        partial = self.path("resumed.partial.h5")
        deadline = time.monotonic() + 60
        while not os.path.exists(partial) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the whole sweep takes about 1.2 s in a Release build on 2 cores
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        if process.returncode == 0:
            self.skipTest("the sweep finished before it could be interrupted")
        self.assertEqual(process.returncode, 130, stderr)
        self.assertIn("--resume", stderr)
        self.assertFalse(os.path.exists(self.path("resumed.h5")))
        with h5py.File(partial, "r") as f:
            flags = f["experiments/completed"][...]
            done, total = int(flags.sum()), len(flags)
            self.assertEqual(f.attrs["complete"], 0)
        # Without --resume the partial file is not overwritten.
        refused = self.sweep(scenario, *args, check=False)
        self.assertEqual(refused.returncode, 2)
        self.assertIn("--resume", refused.stderr)
        resumed = self.sweep(scenario, *args, "--resume")
        self.assertEqual(total, 30 * (3 + 1))  # Morris: n (D + 1) points
        self.assertIn(f"({total - done} points to run, resumed)", resumed.stderr)
        self.assertFalse(os.path.exists(partial))
        # The same experiment uninterrupted, on one thread.
        self.sweep(scenario, "--design", "morris", "-n", "30", "-o", "straight.h5", "-t", "1")
        with h5py.File(self.path("resumed.h5"), "r") as a, h5py.File(self.path("straight.h5"), "r") as b:
            self.assertEqual(a.attrs["complete"], 1)
            for name in ["experiments/design", "experiments/design_unit", "experiments/completed"]:
                np.testing.assert_array_equal(a[name][...], b[name][...], name)
            for outcome in b["experiments"].attrs["outcomes"]:
                np.testing.assert_array_equal(a["experiments/outcomes"][outcome][...],
                                              b["experiments/outcomes"][outcome][...], outcome)
                for index in ["mu", "mu_star", "sigma"]:
                    np.testing.assert_array_equal(a["sensitivity"][outcome][index][...],
                                                  b["sensitivity"][outcome][index][...])
            # Common random numbers: a target outcome is 0/1; its mean is the probability.
            target = a["experiments/outcomes/firms_high_tech@2031>=3600"][...]
            self.assertTrue(set(np.unique(target)) <= {0.0, 1.0})

    def test_analyze_recomputes_the_same_indices_and_opens_in_xarray(self):
        self.sweep(os.path.join(SCENARIOS, "tests", "ishigami.toml"), "--design", "sobol", "-n", "512",
                   "-o", "s.h5")
        with h5py.File(self.path("s.h5"), "r") as f:
            before = f["sensitivity/y@2022/ST"][...]
        result = subprocess.run([INNOSIM, "analyze", self.path("s.h5")], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Sobol indices of y@2022", result.stdout)
        with xr.open_dataset(self.path("s.h5"), group="sensitivity/y@2022", engine="h5netcdf") as indices:
            self.assertEqual(indices["ST"].dims, ("factor",))
            np.testing.assert_array_equal(indices["ST"].values, before)
            self.assertTrue(np.all(indices["ST_low"].values <= indices["ST"].values))
            self.assertEqual(list(indices.attrs["factor_names"]), ["x1", "x2", "x3"])

    def test_indices_are_salibs_centred_estimators(self):
        # SALib's sobol.analyze centres (and scales) the outputs before Saltelli's (2010)
        # first-order and Jansen's total estimators; recomputed here with numpy on the stored
        # outcomes. Fails if the stored S1 were the uncentred estimator (which differs once the
        # outputs' mean is not 0) or the design blocks were read in another order.
        self.sweep(os.path.join(SCENARIOS, "tests", "ishigami.toml"), "--design", "sobol", "-n", "256",
                   "--scramble", "-o", "c.h5")
        with h5py.File(self.path("c.h5"), "r") as f:
            self.assertEqual(f["experiments"].attrs["scrambled"], 1)
            y = f["experiments/outcomes/y@2022"][:].reshape(-1)
            d = 3
            blocks = y.reshape(-1, d + 2)
            Y = (blocks - y.mean()) / y.std()
            A, B, AB = Y[:, 0], Y[:, -1], Y[:, 1:1 + d]
            variance = np.var(np.r_[A, B])
            s1 = [np.mean(B * (AB[:, i] - A)) / variance for i in range(d)]
            st = [0.5 * np.mean((A - AB[:, i]) ** 2) / variance for i in range(d)]
            np.testing.assert_allclose(f["sensitivity/y@2022/S1"][:], s1, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(f["sensitivity/y@2022/ST"][:], st, rtol=1e-10, atol=1e-12)
            # N = 256 is small: the file and the terminal say so.
            self.assertIn("N = 256", f["sensitivity/y@2022"].attrs["notes"])

    def test_bad_experiment_tables_are_refused_with_places(self):
        scenario = self.path("bad.toml")
        with open(scenario, "w", encoding="utf-8") as f:
            f.write("[scenario]\nmodel = \"ishigami\"\nsteps = 1\nstep_months = 12\n"
                    "[uncertainties.x1]\nparameter = \"ishigami.x4\"\ndistribution = \"uniform\"\n"
                    "low = 0.0\nhigh = 1.0\n"
                    "[uncertainties.x2]\nparameter = \"ishigami.x2\"\ndistribution = \"gaussian\"\n"
                    "[levers.b]\nparameter = \"ishigami.b\"\nlow = 1.0\nhigh = 500.0\n"
                    "[experiment]\noutcomes = [\"z@2022\", \"y@2030\"]\n")
        result = self.sweep(scenario, "--design", "lhs", "-n", "10", check=False)
        self.assertEqual(result.returncode, 2)
        errors = result.stderr
        self.assertRegex(errors, r"bad\.toml:6:\d+: error: uncertainties\.x1\.parameter = \"ishigami\.x4\" "
                                 r"is not a model parameter.*did you mean \"ishigami\.x[1-3]\"")
        self.assertRegex(errors, r"bad\.toml:12:\d+: error: uncertainties\.x2\.distribution = \"gaussian\"")
        self.assertRegex(errors, r"bad\.toml:15:\d+: error: levers\.b: the range \[1\.0, 500\.0\] leaves "
                                 r"what ishigami\.b accepts: a number in \[-100, 100\]")
        self.assertRegex(errors, r"bad\.toml:18:\d+: error: experiment\.outcomes: \"z@2022\" names no metric z")
        self.assertRegex(errors, r"bad\.toml:18:\d+: error: experiment\.outcomes: \"y@2030\" is outside the run")
        self.assertIn("Nothing was run", errors)
        self.assertEqual(os.listdir(self.dir), ["bad.toml"])


if __name__ == "__main__":
    unittest.main()

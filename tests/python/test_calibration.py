"""End-to-end checks of `innosim calibrate` and of runs that draw from its posterior: the file
in h5py and xarray, the terminal table, Ctrl-C and --resume giving the same bits as an
uninterrupted calibration, refusals, and /series/posterior_particle."""
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
import xarray as xr

INNOSIM = os.environ["INNOSIM"]
SOURCE_DIR = os.environ["INNOSIM_SOURCE_DIR"]
SCENARIO = os.path.join(SOURCE_DIR, "scenarios", "tests", "ref1_calibration.toml")


class Calibration(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="innosim-calibrate-")
        self.dir = self.directory.name

    def tearDown(self):
        self.directory.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def innosim(self, *args, check=True):
        result = subprocess.run([INNOSIM, *args], capture_output=True, text=True, cwd=self.dir,
                                timeout=600)
        if check and result.returncode != 0:
            self.fail(f"innosim {args[0]} exited {result.returncode}:\n{result.stderr}")
        return result

    def test_file_table_and_posterior_runs(self):
        result = self.innosim("calibrate", SCENARIO, "-o", "cal.h5", "-q")
        # The table: each parameter with its prior and interval, each observation and its band.
        self.assertIn("ref1.exit_hazard", result.stdout)
        self.assertIn("uniform(0.002, 0.03)", result.stdout)
        self.assertIn("ref1_calibration: firms_tech_sme@2023", result.stdout)
        self.assertIn("90% predictive band", result.stdout)
        with h5py.File(self.path("cal.h5"), "r") as f:
            self.assertEqual(f.attrs["filetype"], "innosim-results")
            self.assertEqual(f.attrs["complete"], 1)
            c = f["calibration"]
            self.assertEqual(list(c["parameter"].asstr()[:]),
                             ["ref1.exit_hazard", "ref1.tech_sme_probability"])
            # Each prior's reason as the scenario gives it.
            self.assertTrue(all(why.startswith("wide around the value")
                                for why in c["prior_why"].asstr()[:]))
            generations = len(c["generation"])
            self.assertGreaterEqual(generations, 3)
            tolerance = c["tolerance"][...]
            self.assertTrue(np.isinf(tolerance[0]))
            self.assertTrue(np.all(np.diff(tolerance[1:]) < 0), tolerance)  # it falls
            last = c[f"generations/{generations - 1}"]
            np.testing.assert_allclose(last["weights"][...].sum(), 1.0, rtol=1e-12)
            self.assertTrue(np.all(last["distances"][...] <= last.attrs["tolerance"]))
            median = c["posterior/median"][...]
            low, high = c["posterior/low"][...], c["posterior/high"][...]
            self.assertTrue(np.all((low <= median) & (median <= high)))
            # Weighted median recomputed here from the particles (numpy, outside the program).
            values, weights = last["values"][...], last["weights"][...]
            for k in range(2):
                order = np.argsort(values[:, k], kind="stable")
                cumulative = np.cumsum(weights[order])
                expected = values[order, k][np.searchsorted(cumulative, 0.5 * cumulative[-1])]
                self.assertAlmostEqual(median[k], expected, places=12)
            bands = c["predictive/observations"][...]
            self.assertEqual(bands.shape, (3, 5))
            self.assertTrue(np.all(np.diff(bands, axis=1) >= 0))
        # The predictive series open in xarray with their dimension scales.
        series = xr.open_dataset(self.path("cal.h5"), group="calibration/predictive/ref1_calibration",
                                 engine="h5netcdf")
        self.assertIn("firms_tech_sme", series)
        self.assertEqual(series.firms_tech_sme.dims, ("quantile", "firms_tech_sme_year"))
        series.close()

        # A run drawing from the posterior records each replication's particle.
        scenario = self.path("run.toml")
        with open(SCENARIO) as source:
            text = source.read().split("\n[calibration]\n")[0]
        with open(scenario, "w") as out:
            out.write(text.replace('name = "ref1_calibration"', 'name = "posterior_run"') +
                      '\n[posterior]\nfile = "cal.h5"\n')
        self.innosim("run", scenario, "-r", "50", "-o", "draws.h5", "-q")
        with h5py.File(self.path("draws.h5"), "r") as f:
            particles = f["series/posterior_particle"][:, 0]
            self.assertGreater(len(set(particles.tolist())), 10)  # many particles were drawn
        self.innosim("run", scenario, "-r", "5", "-o", "median.h5", "-q", "--posterior-median")
        with h5py.File(self.path("median.h5"), "r") as f:
            self.assertNotIn("posterior_particle", f["series"])
        # A sweep of a factor the calibration did not fit, each replication drawing its particle:
        # the same replication draws the same particle at every point (common random numbers),
        # so the outcome differences between points come from the factor.
        sweep = self.path("sweep.toml")
        with open(scenario) as source, open(sweep, "w") as out:
            out.write(source.read() + '\n[uncertainties.growth]\nparameter = "ref1.growth_sd"\n'
                      'distribution = "uniform"\nlow = 0.03\nhigh = 0.09\n'
                      '\n[experiment]\noutcomes = ["firms_tech_sme@2023"]\n')
        self.innosim("sweep", sweep, "--design", "lhs", "-n", "4", "-r", "3", "-o", "sweep.h5", "-q")
        with h5py.File(self.path("sweep.h5"), "r") as f:
            outcomes = f["experiments/outcomes/firms_tech_sme@2023"][...]
            self.assertEqual(outcomes.shape, (4, 3))
            self.assertTrue(np.all(np.isfinite(outcomes)))

    def test_interrupted_calibration_resumes_to_the_same_bits(self):
        args = ["calibrate", SCENARIO, "-o", "resumed.h5", "-t", "2", "--progress"]
        process = subprocess.Popen([INNOSIM, *args], cwd=self.dir, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        # Interrupt once generation 1 is done (the file then holds two generations).
        lines = []
        for line in process.stderr:
            lines.append(line)
            if line.startswith("generation 1:"):
                process.send_signal(signal.SIGINT)
                break
        _, rest = process.communicate(timeout=120)
        stderr = "".join(lines) + rest
        if process.returncode == 0:
            self.skipTest("the calibration finished before it could be interrupted")
        self.assertEqual(process.returncode, 130, stderr)
        self.assertIn("--resume", stderr)
        with h5py.File(self.path("resumed.h5"), "r") as f:
            self.assertEqual(f.attrs["complete"], 0)
            kept = len(f["calibration/generation"])
            self.assertGreaterEqual(kept, 2)
        # Without --resume, the interrupted calibration is not overwritten.
        refused = self.innosim("calibrate", SCENARIO, "-o", "resumed.h5", "-q", check=False)
        self.assertEqual(refused.returncode, 2, refused.stderr)
        self.assertIn("--resume", refused.stderr)
        resumed = self.innosim("calibrate", SCENARIO, "-o", "resumed.h5", "-q", "--resume", "-t", "1")
        self.assertIn(f"Resuming after {kept} completed generation", resumed.stderr)
        self.innosim("calibrate", SCENARIO, "-o", "straight.h5", "-q", "-t", "1")
        with h5py.File(self.path("resumed.h5"), "r") as a, h5py.File(self.path("straight.h5"), "r") as b:
            self.assertEqual(a.attrs["complete"], 1)
            self.assertEqual(len(a["calibration/generation"]), len(b["calibration/generation"]))
            for g in range(len(b["calibration/generation"])):
                for name in ["values", "weights", "distances", "summaries"]:
                    np.testing.assert_array_equal(a[f"calibration/generations/{g}/{name}"][...],
                                                  b[f"calibration/generations/{g}/{name}"][...])
            np.testing.assert_array_equal(a["calibration/predictive/observations"][...],
                                          b["calibration/predictive/observations"][...])
        # Resuming with other inputs is refused.
        other = self.path("other.toml")
        with open(SCENARIO) as source, open(other, "w") as out:
            out.write(source.read().replace("seed = 7", "seed = 8"))
        shutil.copy(self.path("resumed.h5"), self.path("other_calibration.h5"))
        refused = self.innosim("calibrate", other, "-o", "other_calibration.h5", "--resume",
                               check=False)
        self.assertEqual(refused.returncode, 2)
        self.assertIn("the calibration of other inputs", refused.stderr)

    def test_bad_calibration_is_refused_with_its_place(self):
        bad = self.path("bad.toml")
        with open(SCENARIO) as source, open(bad, "w") as out:
            out.write(source.read().replace('metric = "exits"', 'metric = "exit"'))
        result = self.innosim("calibrate", bad, check=False)
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, r"bad\.toml:\d+:\d+: error: calibration\.observations\[0\]"
                                        r"\.metric names no metric exit; did you mean exits\?")
        nothing = self.path("nothing.toml")
        with open(SCENARIO) as source, open(nothing, "w") as out:
            out.write(source.read().split("\n[calibration]\n")[0])
        result = self.innosim("calibrate", nothing, check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("nothing to calibrate", result.stderr)


if __name__ == "__main__":
    unittest.main()

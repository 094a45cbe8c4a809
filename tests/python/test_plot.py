"""`innosim plot` draws from the HDF5 files alone: a fan chart per target of a run, the target
probabilities of a comparison, a tornado of a sweep's indices, each as a valid PNG and SVG; the
fan chart's median and bands are numpy's quantiles of the series (checked on the drawn data)."""
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

import h5py
import numpy as np

INNOSIM = os.environ["INNOSIM"]
ROOT = os.environ.get("INNOSIM_SOURCE_DIR",
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import innosim_plot  # noqa: E402  (the script's functions, to check what it draws)


def run(*args, cwd):
    result = subprocess.run([INNOSIM, *args], capture_output=True, text=True, cwd=cwd, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


class Plot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="innosim-plot-")
        cls.dir = cls.directory.name
        city = os.path.join(ROOT, "scenarios", "cities", "xinyang.toml")
        run("run", city, "-r", "6", "-q", "-o", "run.h5", cwd=cls.dir)
        run("compare", city, "--variants", "double_certification_rewards", "-r", "6", "-q", "-o",
            "compare.h5", cwd=cls.dir)
        run("sweep", os.path.join(ROOT, "scenarios", "tests", "ishigami.toml"), "--design", "sobol",
            "-n", "64", "-q", "-o", "sweep.h5", cwd=cls.dir)

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def check_files(self, stdout, expected_stems):
        written = stdout.split()
        for stem in expected_stems:
            for extension in ("png", "svg"):
                path = next((p for p in written if p.endswith(f"{stem}.{extension}")), None)
                self.assertIsNotNone(path, f"{stem}.{extension} not in {written}")
                with open(os.path.join(self.dir, path), "rb") as f:
                    data = f.read()
                if extension == "png":
                    self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
                else:
                    self.assertTrue(ElementTree.fromstring(data).tag.endswith("svg"))

    def test_run_file_gives_a_fan_chart_per_target(self):
        result = run("plot", "run.h5", "-o", "run_plots", cwd=self.dir)
        with h5py.File(os.path.join(self.dir, "run.h5")) as f:
            targets = list(f["targets"])
        self.assertGreater(len(targets), 2)
        self.check_files(result.stdout, [f"fan_{t}" for t in targets])

    def test_compare_and_sweep_files(self):
        self.check_files(run("plot", "compare.h5", "-o", "c", cwd=self.dir).stdout,
                         ["probabilities"])
        self.check_files(run("plot", "sweep.h5", "-o", "s", cwd=self.dir).stdout,
                         ["tornado_y_2022"])

    def test_the_fan_is_numpys_quantiles_of_the_series(self):
        # Fails if the bands were computed over time instead of over replications, or the median
        # line were another quantile.
        import matplotlib.pyplot as plt
        with h5py.File(os.path.join(self.dir, "run.h5")) as f:
            values = f["series/register_high_tech"][:]
            time = f["time"][:]
        figure, ax = plt.subplots()
        line = innosim_plot.fan(ax, time, values)
        np.testing.assert_array_equal(line.get_ydata(), np.median(values, axis=0))
        band = ax.collections[0].get_paths()[0].vertices[:, 1]
        self.assertAlmostEqual(band.max(), np.quantile(values, 0.95, axis=0).max())
        plt.close(figure)

    def test_a_file_that_is_not_innosim_results_is_refused(self):
        path = os.path.join(self.dir, "not.h5")
        with open(path, "w") as f:
            f.write("text")
        result = subprocess.run([INNOSIM, "plot", path], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("not an HDF5 file", result.stderr)


if __name__ == "__main__":
    unittest.main()

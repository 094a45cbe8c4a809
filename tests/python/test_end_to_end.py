"""End-to-end checks of the innosim program and of its results as users' tools read them.

Runs the built program (path in $INNOSIM) on small scenarios in a temporary directory and reads
the output with Debian's h5py, numpy and xarray/h5netcdf.
"""
import os
import re
import signal
import subprocess
import tempfile
import textwrap
import tomllib
import unittest

import h5py
import numpy as np
import xarray as xr

INNOSIM = os.environ["INNOSIM"]
SOURCE_DIR = os.environ["INNOSIM_SOURCE_DIR"]

SMALL_SCENARIO = textwrap.dedent("""\
    # a small REF-1 run for the tests: 信阳-sized population
    [scenario]
    name = "small"
    model = "ref1"
    steps = 36

    [run]
    replications = 40
    seed = 2025

    [ref1]
    initial_firms = 20000
    births_per_step = 12.0
    """)


class EndToEnd(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="innosim-e2e-")
        self.dir = self.directory.name
        self.scenario = os.path.join(self.dir, "small.toml")
        with open(self.scenario, "w", encoding="utf-8") as f:
            f.write(SMALL_SCENARIO)

    def tearDown(self):
        self.directory.cleanup()

    def innosim(self, *args, check=True):
        result = subprocess.run([INNOSIM, *args], capture_output=True, text=True, cwd=self.dir, timeout=300)
        if check and result.returncode != 0:
            self.fail(f"innosim {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    def run_small(self, output="small.h5", *extra):
        self.innosim("run", self.scenario, "-o", output, *extra)
        return os.path.join(self.dir, output)

    def test_series_open_in_xarray_with_dims_and_coordinates(self):
        path = self.run_small()
        with xr.open_dataset(path, group="series", engine="h5netcdf") as series:
            for metric in ["firms_candidate", "firms_tech_sme", "firms_high_tech", "firms_leader",
                           "births", "exits"]:
                self.assertEqual(series[metric].dims, ("replication", "time"), metric)
                self.assertEqual(series[metric].shape, (40, 37), metric)
            np.testing.assert_array_equal(series["replication"].values, np.arange(40))
            np.testing.assert_allclose(series["time"].values, 2022 + np.arange(37) / 12.0, rtol=0, atol=1e-12)
            alive = sum(series[m] for m in ["firms_candidate", "firms_tech_sme", "firms_high_tech", "firms_leader"])
            # Values agree with h5py's raw read, and with the model's accounting.
            with h5py.File(path, "r") as f:
                np.testing.assert_array_equal(series["exits"].values, f["series/exits"][...])
            np.testing.assert_array_equal(alive.isel(time=0).values, np.full(40, 20000.0))
            change = alive.diff("time").values
            np.testing.assert_array_equal(change, (series["births"] - series["exits"]).isel(time=slice(1, None)).values)
            self.assertEqual(series["firms_high_tech"].attrs["units"], "firms")
        with xr.open_dataset(path, group="summary/firms_tech_sme", engine="h5netcdf") as summary:
            self.assertEqual(summary["p50"].dims, ("time",))
            self.assertIn("time", summary.coords)

    def test_summaries_equal_numpy_quantiles_of_the_series(self):
        path = self.run_small()
        with h5py.File(path, "r") as f:
            for metric in f["series"]:
                if metric in ("time", "replication"):
                    continue
                data = f["series"][metric][...]
                group = f["summary"][metric]
                np.testing.assert_allclose(group["mean"][...], data.mean(axis=0), rtol=1e-12, atol=1e-9)
                for name, q in [("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)]:
                    np.testing.assert_allclose(group[name][...], np.quantile(data, q, axis=0), rtol=1e-12,
                                               atol=1e-9, err_msg=f"{metric} {name}")

    def test_root_attributes_describe_the_run(self):
        path = self.run_small("attrs.h5", "--seed", "99", "--replications", "7")
        with h5py.File(path, "r") as f:
            attrs = f.attrs
            self.assertEqual(attrs["filetype"], "innosim-results")
            self.assertEqual(list(attrs["format_version"]), [1, 7])
            self.assertEqual(int(attrs["seed"]), 99)
            self.assertEqual(int(attrs["replications"]), 7)
            self.assertEqual(attrs["scenario_text"], SMALL_SCENARIO)
            self.assertIn("--seed 99", attrs["command_line"])
            resolved = tomllib.loads(attrs["resolved_parameters"])
            self.assertEqual(resolved["run"]["seed"], 99)
            self.assertEqual(resolved["ref1"]["initial_firms"], 20000)
            self.assertEqual(resolved["ref1"]["growth_sd"], 0.06)  # defaults are resolved too
            for name in ["innosim_version", "git_commit", "created"]:
                self.assertTrue(attrs[name], name)

    def test_results_are_bit_identical_for_one_two_and_four_threads(self):
        paths = [self.run_small(f"threads{n}.h5", "--threads", str(n)) for n in (1, 2, 4)]
        files = [h5py.File(p, "r") for p in paths]
        try:
            metrics = [m for m in files[0]["series"] if m not in ("time", "replication")]
            self.assertEqual(len(metrics), 6)
            for metric in metrics:
                reference = files[0]["series"][metric][...]
                for other in files[1:]:
                    self.assertTrue(np.array_equal(reference, other["series"][metric][...]), metric)
        finally:
            for f in files:
                f.close()

    def test_refused_scenario_names_the_place_and_writes_nothing(self):
        bad = os.path.join(self.dir, "bad.toml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(SMALL_SCENARIO.replace("births_per_step = 12.0", "births_per_step = -1.0"))
        result = self.innosim("run", bad, "-o", "bad.h5", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, r"bad\.toml:13:19: error: ref1\.births_per_step = -1\.0 is not accepted; "
                                        r"accepted: a number in \[0, 1000000\]")
        self.assertEqual(sorted(os.listdir(self.dir)), ["bad.toml", "small.toml"])
        validate = self.innosim("validate", bad, check=False)
        self.assertEqual(validate.returncode, 2)
        self.assertEqual(self.innosim("validate", self.scenario).returncode, 0)

    def test_bad_option_values_are_refused_before_running(self):
        result = self.innosim("run", self.scenario, "--replications", "0", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--replications 0 is not accepted", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "small.h5")))

    def test_help_teaches_by_example(self):
        overview = self.innosim("--help").stdout
        self.assertIn("innosim run scenarios/examples/city.toml", overview)
        self.assertIn("docs/model.md", overview)
        run_help = self.innosim("run", "--help").stdout
        for option in ["--replications", "--threads", "--seed", "--output", "Examples:"]:
            self.assertIn(option, run_help)

    def test_ctrl_c_stops_cleanly_and_leaves_no_partial_output(self):
        big = os.path.join(self.dir, "big.toml")
        with open(big, "w", encoding="utf-8") as f:
            f.write(SMALL_SCENARIO.replace("replications = 40", "replications = 5000")
                    .replace("steps = 36", "steps = 120"))
        process = subprocess.Popen([INNOSIM, "run", big, "-o", "big.h5", "--progress"], cwd=self.dir,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Wait (blocking reads, no sleep) for a progress line that reports at least one completed
        # replication: the run is then under way and has something to keep.
        self.assertIn("Running", process.stderr.readline())
        while True:
            line = process.stderr.readline()
            self.assertTrue(line, "the run ended before any progress was reported")
            done = re.match(r"(\d+)/5000 replications done", line)
            if done and int(done.group(1)) >= 1:
                break
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=120)
        self.assertEqual(process.returncode, 130, rest)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "big.h5")))
        self.assertIn("big.h5 was not written", rest)
        kept = re.search(r"Kept the (\d+) completed replications in (\S+) ", rest)
        self.assertIsNotNone(kept, rest)
        with h5py.File(os.path.join(self.dir, "big.interrupted.h5"), "r") as f:
            self.assertEqual(int(f.attrs["complete"]), 0)
            self.assertEqual(f["series/exits"].shape[0], int(kept.group(1)))
        leftovers = [name for name in os.listdir(self.dir) if ".tmp-" in name]
        self.assertEqual(leftovers, [])


if __name__ == "__main__":
    unittest.main()


class CityEndToEnd(unittest.TestCase):
    """The example city scenario, as a user runs it, read back with xarray and h5py."""

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="innosim-city-")
        cls.path = os.path.join(cls.directory.name, "city.h5")
        scenario = os.path.join(SOURCE_DIR, "scenarios", "examples", "city.toml")
        result = subprocess.run([INNOSIM, "run", scenario, "-o", cls.path, "-r", "12", "-q"],
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError(result.stderr)
        cls.stdout = result.stdout

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_tiers_partition_the_firms_and_spending_adds_up(self):
        with xr.open_dataset(self.path, group="series", engine="h5netcdf") as series:
            tiers = sum(series[f"firms_{t}"] for t in ["candidate", "tech_sme", "high_tech", "gazelle", "leader"])
            np.testing.assert_array_equal(tiers.values, series["firms_alive"].values)
            entries = series["entries_registration"] + series["entries_spinoff"] + series["entries_talent_team"]
            exits = series["exits_market"] + series["exits_distress"]
            np.testing.assert_array_equal(series["firms_alive"].diff("time").values,
                                          (entries - exits).isel(time=slice(1, None)).values)
            names = [n[len("spending_"):] for n in series.data_vars if n.startswith("spending_")]
            instruments = [n for n in names if n not in ("instruments", "rd_super_deduction", "high_tech_tax_rate")]
            self.assertIn("high_tech_reward", instruments)
            total = sum(series[f"spending_{n}"] for n in instruments)
            np.testing.assert_allclose(total.values, series["spending_instruments"].values, rtol=1e-12)
            # The example's voucher budget (1,000万 a year) binds: spending per year never exceeds it.
            yearly = series["spending_innovation_vouchers"].isel(time=slice(1, None)).values.reshape(12, 4, 12).sum(axis=2)
            self.assertTrue(np.all(yearly <= 1000.0 + 1e-9))
            self.assertGreater(yearly.max(), 900.0)

    def test_flows_open_in_xarray_and_the_programme_row_is_the_spending(self):
        # /flows [replication, time, source_kind, recipient] with its name scales, as
        # docs/hdf5-layout.md reads it; the programmes' row equals every instrument's spending
        # (万元 x 10^4). Fails if the scales were missing (xarray would name the dimensions
        # phony_dim_*), a row or column were misplaced, or a payment escaped the book.
        with xr.open_dataset(self.path, engine="h5netcdf") as root:
            flows = root["flows"]
            self.assertEqual(flows.dims, ("replication", "time", "source_kind", "recipient"))
            self.assertEqual(list(flows["source_kind"].values[:2]), ["programme", "firms"])
            self.assertEqual(list(flows["recipient"].values[:5]),
                             ["candidate", "tech_sme", "high_tech", "gazelle", "leader"])
            self.assertEqual(flows.attrs["units"], "yuan/step")
            public = flows.sel(source_kind="programme").sum("recipient")
            with xr.open_dataset(self.path, group="series", engine="h5netcdf") as series:
                self.assertNotIn("flow_programme_to_high_tech", series.data_vars)
                np.testing.assert_allclose(public.values, series["spending_instruments"].values * 1e4,
                                           rtol=1e-9, atol=1e-3)
                np.testing.assert_allclose(root["flows_mean"].values, flows.mean("replication").values,
                                           rtol=1e-12)

    def test_firm_snapshot_opens_in_xarray_and_matches_the_series(self):
        with xr.open_dataset(self.path, group="firms/2025", engine="h5netcdf") as firms:
            self.assertEqual(firms["revenue"].dims, ("firm",))
            self.assertEqual(firms.attrs["time"], 2026.0)
            self.assertEqual(len(np.unique(firms["firm"].values)), firms.sizes["firm"])
            with h5py.File(self.path, "r") as f:
                replication = int(f["firms"].attrs["replication"])
            with xr.open_dataset(self.path, group="series", engine="h5netcdf") as series:
                at_end = series.sel(replication=replication, time=2026.0)
                self.assertEqual(firms.sizes["firm"], at_end["firms_alive"].item())
                self.assertEqual(int((firms["tier"] == 2).sum()), at_end["firms_high_tech"].item())
                self.assertAlmostEqual(float(firms["revenue"].sum()), at_end["revenue_total"].item(),
                                       delta=1e-6 * at_end["revenue_total"].item())

    def test_output_table_selects_metrics_columns_and_several_snapshot_replications(self):
        scenario = os.path.join(self.directory.name, "selected.toml")
        with open(scenario, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent("""\
                [scenario]
                model = "city"
                steps = 24
                [run]
                replications = 3
                [output]
                metrics = ["firms_alive", "register_high_tech"]
                snapshot_years = [2022]
                snapshot_replications = [2, 0]
                snapshot_columns = ["revenue"]
                """))
        output = os.path.join(self.directory.name, "selected.h5")
        subprocess.run([INNOSIM, "run", scenario, "-o", output, "--quiet"], check=True,
                       capture_output=True, timeout=300)
        with h5py.File(output, "r") as f:
            self.assertEqual(sorted(f["series"].keys()), ["firms_alive", "register_high_tech",
                                                         "replication", "time"])
            self.assertEqual(sorted(f["summary"].keys()), ["firms_alive", "register_high_tech"])
            self.assertEqual(list(f["firms"].attrs["replication"]), [0, 2])
            self.assertEqual(sorted(f["firms"].keys()), ["replication_0", "replication_2"])
            self.assertEqual(int(f["firms/replication_2"].attrs["replication"]), 2)
        with xr.open_dataset(output, group="firms/replication_2/2022", engine="h5netcdf") as firms:
            self.assertEqual(list(firms.data_vars), ["revenue"])
            with xr.open_dataset(output, group="series", engine="h5netcdf") as series:
                at_end = series.sel(replication=2, time=2023.0)
                self.assertEqual(firms.sizes["firm"], at_end["firms_alive"].item())

    def test_provenance_holds_the_instruments(self):
        with h5py.File(self.path, "r") as f:
            self.assertEqual(list(f.attrs["format_version"]), [1, 7])
            resolved = tomllib.loads(f.attrs["resolved_parameters"])
        self.assertEqual(resolved["instruments"]["high_tech_reward"]["trigger"], "high_tech_certified")
        self.assertEqual(resolved["instruments"]["rd_subsidy"]["tiers"], ["high_tech", "gazelle", "leader"])
        self.assertEqual(resolved["output"]["snapshot_years"], [2025])
        self.assertIn("register_high_tech", self.stdout)

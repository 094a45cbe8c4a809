"""innosim's commands under mpirun (the MPI build) give the same files as one process.

Each test runs a command once without a launcher (one process, threads) and under
`$INNOSIM_MPIRUN -np N` for N in 1, 2 and 4 (oversubscribed on a 2-core machine), then compares
the files group by group, dataset by dataset, attribute by attribute, bit for bit, except the
provenance (h5_same.py). Also: an interrupted sweep resumes on another number of ranks to the
same file, so does one killed with SIGKILL, and refusals are said once with rank 0's exit
code.
"""
import os
import shlex
import signal
import subprocess
import tempfile
import time
import unittest

import h5_same

INNOSIM = os.environ["INNOSIM"]
SOURCE_DIR = os.environ["INNOSIM_SOURCE_DIR"]
MPIRUN = shlex.split(os.environ["INNOSIM_MPIRUN"])
SCENARIOS = os.path.join(SOURCE_DIR, "scenarios")
CITY = os.path.join(SCENARIOS, "examples", "city.toml")
SWEEP = os.path.join(SCENARIOS, "tests", "ref1_sweep.toml")
CALIBRATION = os.path.join(SCENARIOS, "tests", "ref1_calibration.toml")
XINYANG = os.path.join(SCENARIOS, "cities", "xinyang.toml")


def session_members(session):
    """The live (not zombie) processes of a session."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # state, ppid, pgrp, session
            members.append(int(entry))
    return members


class UnderMpirun(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="innosim-mpi-")
        self.dir = self.directory.name

    def tearDown(self):
        self.directory.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def innosim(self, ranks, *args, check=True):
        """ranks None: one process without a launcher."""
        launcher = [] if ranks is None else [*MPIRUN, "-np", str(ranks)]
        result = subprocess.run([*launcher, INNOSIM, *args], capture_output=True, text=True,
                                cwd=self.dir, timeout=300)
        if check and result.returncode != 0:
            self.fail(f"{' '.join(launcher)} innosim {' '.join(args)} exited {result.returncode}:\n"
                      f"{result.stdout}\n{result.stderr}")
        return result

    def assert_same_files(self, reference, other):
        found = h5_same.differences(self.path(reference), self.path(other))
        self.assertEqual(found, [], f"{other} differs from {reference}")

    def test_the_comparison_sees_a_difference(self):
        # Guards the other tests: two runs with different seeds must differ.
        self.innosim(None, "run", CITY, "-r", "4", "-q", "-o", "a.h5")
        self.innosim(None, "run", CITY, "-r", "4", "-q", "-o", "b.h5", "--seed", "2")
        self.assertTrue(any("values differ" in line
                            for line in h5_same.differences(self.path("a.h5"), self.path("b.h5"))))

    def test_run_is_the_same_on_one_two_and_four_ranks(self):
        # The example city keeps every series, flows and agent snapshots of two replications.
        self.innosim(None, "run", CITY, "-r", "10", "-q", "-o", "single.h5", "-t", "2")
        for ranks in (1, 2, 4):
            self.innosim(ranks, "run", CITY, "-r", "10", "-q", "-o", f"np{ranks}.h5", "-t", "1")
            self.assert_same_files("single.h5", f"np{ranks}.h5")

    def test_sweep_is_the_same_on_one_two_and_four_ranks(self):
        args = ["--design", "morris", "-n", "30", "-q"]
        self.innosim(None, "sweep", SWEEP, *args, "-o", "single.h5", "-t", "2")
        for ranks in (1, 2, 4):
            self.innosim(ranks, "sweep", SWEEP, *args, "-o", f"np{ranks}.h5", "-t", "1")
            self.assert_same_files("single.h5", f"np{ranks}.h5")

    def test_interrupted_sweep_resumes_on_another_number_of_ranks(self):
        args = ["--design", "morris", "-n", "150", "-q", "-t", "1"]
        process = subprocess.Popen([*MPIRUN, "-np", "4", INNOSIM, "sweep", SWEEP, *args,
                                    "-o", "resumed.h5"], cwd=self.dir, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        partial = self.path("resumed.partial.h5")
        deadline = time.monotonic() + 60
        while not os.path.exists(partial) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the sweep takes about 6 s on 4 ranks on 2 cores
        process.send_signal(signal.SIGINT)  # mpirun passes it on to every rank
        _, stderr = process.communicate(timeout=120)
        if process.returncode == 0:
            self.skipTest("the sweep finished before it could be interrupted")
        self.assertIn("--resume", stderr)
        self.assertFalse(os.path.exists(self.path("resumed.h5")))
        self.assertTrue(os.path.exists(partial))
        resumed = self.innosim(2, "sweep", SWEEP, *args, "-o", "resumed.h5", "--resume")
        self.assertIn("resumed)", resumed.stderr)
        self.assertFalse(os.path.exists(partial))
        self.innosim(None, "sweep", SWEEP, *args, "-o", "straight.h5")
        self.assert_same_files("straight.h5", "resumed.h5")

    def test_sweep_killed_with_sigkill_resumes_on_one_process(self):
        # kill -9 of the whole job (mpirun and every rank, as a node failure or a scheduler's
        # hard kill would): the partial file is valid at every moment and resumes elsewhere.
        args = ["--design", "morris", "-n", "150", "-q", "-t", "1"]
        process = subprocess.Popen([*MPIRUN, "-np", "2", INNOSIM, "sweep", SWEEP, *args,
                                    "-o", "killed.h5"], cwd=self.dir, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        partial = self.path("killed.partial.h5")
        deadline = time.monotonic() + 60
        while not os.path.exists(partial) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)
        # mpirun puts each rank in a process group of its own, in mpirun's session.
        for pid in session_members(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.wait(timeout=60)
        deadline = time.monotonic() + 30  # until the ranks are gone too (they hold the file)
        while session_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if os.path.exists(self.path("killed.h5")):
            self.skipTest("the sweep finished before it could be killed")
        self.assertTrue(os.path.exists(partial))
        resumed = self.innosim(None, "sweep", SWEEP, *args, "-o", "killed.h5", "--resume")
        self.assertIn("resumed)", resumed.stderr)
        self.innosim(4, "sweep", SWEEP, *args, "-o", "straight.h5")
        self.assert_same_files("straight.h5", "killed.h5")

    def test_compare_attribute_and_calibrate_are_the_same_on_several_ranks(self):
        compare = [XINYANG, "--variants", "double_certification_rewards", "-r", "6", "-q"]
        self.innosim(None, "compare", *compare, "-o", "compare1.h5", "-t", "2")
        self.innosim(4, "compare", *compare, "-o", "compare4.h5", "-t", "1")
        self.assert_same_files("compare1.h5", "compare4.h5")
        attribute = [CITY, "-r", "3", "-q"]
        self.innosim(None, "attribute", *attribute, "-o", "attribute1.h5", "-t", "2")
        self.innosim(2, "attribute", *attribute, "-o", "attribute2.h5", "-t", "1")
        self.assert_same_files("attribute1.h5", "attribute2.h5")
        # Every rank runs the calibration's logic; the outcomes of each generation reach all.
        self.innosim(None, "calibrate", CALIBRATION, "-q", "-o", "calibration1.h5", "-t", "2")
        self.innosim(4, "calibrate", CALIBRATION, "-q", "-o", "calibration4.h5", "-t", "1")
        self.assert_same_files("calibration1.h5", "calibration4.h5")

    def test_a_refusal_is_said_once_with_rank_zeros_exit_code(self):
        result = self.innosim(2, "run", CITY, "--set", "run.replications=0", check=False)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stderr.count("run.replications = 0 is not accepted"), 1,
                         result.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), [])
        # Commands without a study run on rank 0 only.
        result = self.innosim(4, "validate", CITY)
        self.assertEqual(result.stdout.count("is valid"), 1)


if __name__ == "__main__":
    unittest.main()

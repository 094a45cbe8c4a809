"""Command-line input that innosim must refuse clearly (issue 14, item 13): each test says what
would make it fail."""
import os
import subprocess
import tempfile
import unittest

INNOSIM = os.environ["INNOSIM"]
SCENARIO = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "scenarios", "bench", "ref1.toml")


# An output path that is never written (every command here must be refused first).
OUTPUT = os.path.join(tempfile.gettempdir(), f"innosim_cli_test_{os.getpid()}.h5")


def innosim(*args, timeout=60):
    return subprocess.run([INNOSIM, *args], capture_output=True, text=True, timeout=timeout)


class CommandLine(unittest.TestCase):
    def test_seed_beyond_64_bits_is_quoted_as_given(self):
        # Failed before: CLI11 saturated the value and the message said 9223372036854775807.
        result = innosim("run", SCENARIO, "--seed", "18446744073709551615", "-o", OUTPUT)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--seed 18446744073709551615 is not accepted; accepted: an integer in "
                      "[0, 9007199254740992]", result.stderr)

    def test_seed_above_two_to_the_53_is_refused(self):
        # Failed before: 2^53 + 1 compared equal to the bound 2^53 as a double and ran.
        for command in (["run", SCENARIO], ["sweep", SCENARIO, "-n", "1"], ["attribute", SCENARIO]):
            result = innosim(*command, "--seed", "9007199254740993", "-o", OUTPUT)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn("--seed 9007199254740993 is not accepted", result.stderr)

    def test_unknown_command_is_refused_even_with_help(self):
        # Failed before: the general help was printed and the exit code was 0.
        result = innosim("nosuch", "--help")
        self.assertEqual(result.returncode, 2)
        self.assertIn('unknown command "nosuch"', result.stderr)
        self.assertEqual(innosim("validate", "--help").returncode, 0)

    def test_directory_fifo_and_device_are_refused_as_such(self):
        # Failed before: a directory was "missing required key", /dev/zero ran out of memory and
        # a FIFO blocked until the time-out.
        with tempfile.TemporaryDirectory() as directory:
            result = innosim("validate", directory)
            self.assertEqual(result.returncode, 2)
            self.assertIn(f"{directory}: error: is a directory", result.stderr)
            fifo = os.path.join(directory, "fifo.toml")
            os.mkfifo(fifo)
            result = innosim("validate", fifo, timeout=20)
            self.assertEqual(result.returncode, 2)
            self.assertIn(f"{fifo}: error: is not a regular file", result.stderr)
        result = innosim("validate", "/dev/zero", timeout=20)
        self.assertEqual(result.returncode, 2)
        self.assertIn("/dev/zero: error: is not a regular file", result.stderr)


if __name__ == "__main__":
    unittest.main()

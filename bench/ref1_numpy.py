"""REF-1 in vectorised numpy: the baseline innosim's throughput is compared with.

A straightforward implementation as a numpy user would write it (one array per attribute, one
pass per step, numpy's default generator). Prints firm-steps per second for one replication.
Usage: /usr/bin/python3 bench/ref1_numpy.py [FIRMS] [STEPS]
"""
import sys
import time

import numpy as np


def run(firms: int, steps: int, seed: int = 1) -> float:
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(np.log(300.0), 1.0, firms)
    rd = np.clip(rng.lognormal(np.log(0.04), 0.5, firms), 0.0, 0.3)
    tier = np.zeros(firms, dtype=np.int8)
    age = np.zeros(firms, dtype=np.int32)
    firm_steps = 0
    start = time.perf_counter()
    for _ in range(steps):
        n = revenue.size
        firm_steps += n
        hazard = np.where(age < 36, 0.01, 0.005)
        survive = rng.random(n) >= hazard
        revenue, rd, tier, age = revenue[survive], rd[survive], tier[survive], age[survive]
        n = revenue.size
        revenue = revenue * np.exp(0.002 + 0.05 * rd + 0.06 * rng.standard_normal(n))
        theta = np.where(revenue < 5000, 0.05, np.where(revenue <= 20000, 0.04, 0.03))
        leader_size = revenue >= 100000
        p = np.select(
            [tier == 0, tier == 1, tier == 2],
            [np.where(revenue <= 20000, 0.03 * np.minimum(1.0, rd / 0.03), 0.0),
             np.where(rd >= theta, 0.02, 0.0),
             np.where(leader_size, 0.05, 0.005)],
            0.0)
        move = rng.random(n) < p
        step = np.where((tier == 2) & ~leader_size, -1, 1)
        tier = (tier + move * step).astype(np.int8)
        age += 1
    elapsed = time.perf_counter() - start
    return firm_steps / elapsed


if __name__ == "__main__":
    firms = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    rates = [run(firms, steps, seed) for seed in range(3)]
    print(f"numpy REF-1, {firms} firms x {steps} steps: {max(rates) / 1e6:.1f} M firm-steps/s (best of 3)")

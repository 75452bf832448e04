#!/usr/bin/env python3
"""Writes a large plain forecast table for timing `parley forecast` (docs/PERFORMANCE.md,
"forecast"): ISSUES issues x ACTORS actors, columns issue,actor,capability,position,salience,
capabilities 1-100, positions 0-100 and saliences 0.1-1 drawn from a fixed seed, so the same
arguments always give the same bytes. The defaults give 10,000 x 30 (300,000 rows, 7.6 MB).

usage: tools/bench/forecast_table.py OUT.csv [ISSUES] [ACTORS]
"""
import random
import sys


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    issues = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    actors = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    rng = random.Random(20060101)
    with open(out, "w", newline="\n") as f:
        f.write("issue,actor,capability,position,salience\n")
        for i in range(issues):
            for a in range(actors):
                f.write(f"i{i},a{a},{rng.uniform(1, 100):.2f},"
                        f"{rng.uniform(0, 100):.1f},{rng.uniform(0.1, 1):.2f}\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes a synthetic scenario folder of a chosen size, for the scaling figures in
docs/PERFORMANCE.md (not part of tools/check; needs only python3).

Usage: tools/bench/synthetic_scenario.py ACTORS ISSUES MOVES TIMELINE_ROWS TURNS FOLDER [SEED]

Every actor is AI-controlled and holds stances on up to 6 issues and relations to up to 5
others; each move changes 1-3 issues (a third also an affinity), half of them with a
requirement; timeline rows fire with probability 0.05-0.5 once a named move has been made.
The same arguments always give the same files.
"""
import os
import random
import sys


def main() -> int:
    if len(sys.argv) not in (7, 8):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    n_actors, n_issues, n_moves, n_rows, turns = (int(v) for v in sys.argv[1:6])
    folder = sys.argv[6]
    rng = random.Random(int(sys.argv[7]) if len(sys.argv) == 8 else 1)
    os.makedirs(folder, exist_ok=True)
    actors = [f"A{k}" for k in range(n_actors)]
    issues = [f"i{k}" for k in range(n_issues)]
    moves = [f"m{k}" for k in range(n_moves)]

    def write(name: str, text: str) -> None:
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)

    write("scenario.ini", f"""# Synthetic scenario: {n_actors} actors, {n_issues} issues, {n_moves} moves.
[scenario]
name = synthetic-{n_actors}x{n_issues}x{n_moves}
title = Synthetic scenario for scaling measurements
start = 2025-01
turn = month
turns = {turns}

[model]
bargaining = compromise
temperature = 0
lookahead = 1

[run]
runs = 1000
seed = 1

[option.salient]
description = The first actor cares more about the first issue
set = salience.A0.i0 = 0.9
""")
    rows = ["id,name,kind,capability,risk,control"]
    rows += [f"{a},{a},state,U(10,100),0,ai" for a in actors]
    write("actors.csv", "\n".join(rows) + "\n")
    rows = ["id,name,low,high,status_quo,drift,noise,negotiable"]
    rows += [f"{i},{i},low,high,U(10,90),0,1,{rng.choice(['yes', 'no'])}" for i in issues]
    write("issues.csv", "\n".join(rows) + "\n")
    rows = ["actor,issue,position,salience,power,veto"]
    for a in actors:
        for i in rng.sample(issues, min(n_issues, 6)):
            veto = rng.choice(["yes", "no", "no", "no"])
            rows.append(f"{a},{i},{rng.randint(0, 100)},{rng.random():.2f},,{veto}")
    write("stances.csv", "\n".join(rows) + "\n")
    rows = ["from,to,affinity,recognition"]
    for a in actors:
        for b in rng.sample(actors, min(n_actors, 5)):
            if a != b:
                rows.append(f"{a},{b},{rng.uniform(-1, 1):.2f},{rng.random():.2f}")
    write("relations.csv", "\n".join(rows) + "\n")
    rows = ["id,actor,name,cost,cooldown,requires,effects,headline"]
    for k, m in enumerate(moves):
        requires = "" if rng.random() < 0.5 else f"issue.{rng.choice(issues)} > {rng.randint(10, 60)}"
        effects = [f"issue.{rng.choice(issues)} {rng.choice(['+=', '-='])} {rng.randint(1, 15)}"
                   for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.3:
            effects.append(f"affinity.{rng.choice(actors)}.{rng.choice(actors)} += 0.1")
        cost = f"{rng.uniform(0, 0.01):.4f}"
        rows.append(f"{m},{actors[k % n_actors]},{m},{cost},{rng.randint(0, 3)},{requires},"
                    f"\"{'; '.join(effects)}\",")
    write("moves.csv", "\n".join(rows) + "\n")
    rows = ["turn,move,probability,when,options"]
    for _ in range(n_rows):
        rows.append(f"*,{rng.choice(moves)},{rng.uniform(0.05, 0.5):.2f},"
                    f"done.{rng.choice(moves)} == 1,")
    write("timeline.csv", "\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

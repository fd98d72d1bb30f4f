#!/usr/bin/env python3
"""Runs hyperfine in rounds, flipping the order of the commands each round,
and prints every command's median over all rounds as JSON.

One long hyperfine run per command lets the machine's drift (other tenants,
writeback, caches) land on whichever command ran last; on these shared VMs
that moved ratios by 20%. Interleaving spreads it over all commands.

    rounds.py ROUNDS RUNS OUT.json NAME=COMMAND [NAME=COMMAND ...]

WARMUP (environment, default 3) is each round's warm-up runs per command.
"""
import json
import statistics
import subprocess
import sys
import os
import tempfile

rounds, runs, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
commands = [arg.split("=", 1) for arg in sys.argv[4:]]
times = {name: [] for name, _ in commands}
with tempfile.TemporaryDirectory() as tmp:
    for r in range(rounds):
        order = commands if r % 2 == 0 else list(reversed(commands))
        args = ["hyperfine", "-N", "--warmup", os.environ.get("WARMUP", "3"), "--runs", str(runs), "--export-json", f"{tmp}/r.json"]
        for name, command in order:
            args += ["-n", name, command]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for result in json.load(open(f"{tmp}/r.json"))["results"]:
            times[result["command"]] += result["times"]
json.dump({name: {"median": statistics.median(t), "runs": len(t)} for name, t in times.items()}, open(out, "w"))

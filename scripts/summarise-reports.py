#!/usr/bin/env python3
"""Mean and standard deviation over seeds of `eqnet report` tables.

Usage: scripts/summarise-reports.py NAME=report-a.md,report-b.md,... [NAME=...]
Prints one markdown table: per bit-width, each group's mean (sd) over its files and over all
forms (val and test), and per form the test mean (sd) of the first group.
"""
import re
import statistics
import sys


def read(path):
    rows = {}
    for line in open(path):
        m = re.match(r"\| (\S+) \| (W\dA\d) \| ([\d.]+) \| ([\d.]+) \|", line)
        if m:
            rows[(m.group(1), m.group(2))] = (float(m.group(3)), float(m.group(4)))
    return rows


def fmt(values):
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.mean(values):.2f} ({statistics.stdev(values):.2f})"


groups = []
for arg in sys.argv[1:]:
    name, files = arg.split("=", 1)
    groups.append((name, [read(f) for f in files.split(",")]))
bits = sorted({b for _, runs in groups for r in runs for (_, b) in r}, reverse=True)
print("| bits | " + " | ".join(f"{n} val | {n} test" for n, _ in groups) + " |")
print("|---|" + "---:|---:|" * len(groups))
for b in bits:
    cells = []
    for _, runs in groups:
        # per run: the mean over forms; then mean (sd) over runs
        val = [statistics.mean(v[0] for (f, bb), v in r.items() if bb == b) for r in runs]
        test = [statistics.mean(v[1] for (f, bb), v in r.items() if bb == b) for r in runs]
        cells += [fmt(val), fmt(test)]
    print(f"| {b} | " + " | ".join(cells) + " |")

#!/usr/bin/env python3
"""Checks a run folder after a kill (crash_consistency.sh): every .json parses, every line of
every .jsonl parses, and no .part file is older than the last kill. With --compare OTHER it
also checks that the results equal those of an uninterrupted run, up to the fields that record
wall-clock time.

    check_run_files.py RUN [--allow-part] [--compare OTHER]
"""
import json
import os
import sys

# Fields that record when or how long, never what: they differ between any two runs.
TIMING = {"seconds", "wall_s", "cpu_s", "stage_times", "created", "images_per_s", "versions"}


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def files(run):
    for root, _, names in os.walk(run):
        for n in names:
            yield os.path.relpath(os.path.join(root, n), run)


def whole(run, allow_part):
    for rel in files(run):
        p = os.path.join(run, rel)
        if rel.endswith(".part"):
            if not allow_part:
                fail(f"{rel}: a partial file left behind")
            continue
        if rel.endswith(".json"):
            try:
                with open(p, encoding="utf-8") as f:
                    json.load(f)
            except ValueError as e:
                fail(f"{rel}: not whole JSON ({e})")
        elif rel.endswith(".jsonl"):
            with open(p, encoding="utf-8") as f:
                for i, line in enumerate(f, 1):
                    if not line.endswith("\n"):
                        fail(f"{rel}: line {i} is cut (no newline)")
                    try:
                        json.loads(line)
                    except ValueError as e:
                        fail(f"{rel}: line {i} is not whole JSON ({e})")


def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in TIMING}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def relative(v, run):
    """Paths inside the run folder, written as "RUN/...", so that two folders compare."""
    if isinstance(v, dict):
        return {k: relative(x, run) for k, x in v.items()}
    if isinstance(v, list):
        return [relative(x, run) for x in v]
    if isinstance(v, str):
        return v.replace(os.path.abspath(run), "RUN").replace(run, "RUN")
    return v


def load(path, run):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".jsonl"):
            lines = [relative(strip(json.loads(l)), run) for l in f if l.strip()]
            # Measurements are appended in the order the pool finishes them: compare as a set.
            return sorted(json.dumps(l, sort_keys=True) for l in lines)
        return relative(strip(json.load(f)), run)


def compare(run, other):
    results = [r for r in files(other)
               if r.startswith(("search/", "cqap/", "exports/")) and not r.endswith(".part")]
    if not results:
        fail(f"{other}: no results to compare")
    for rel in sorted(results):
        a, b = os.path.join(run, rel), os.path.join(other, rel)
        if not os.path.exists(a):
            fail(f"{rel}: missing after the interrupted run")
        if rel.endswith((".json", ".jsonl")):
            if load(a, run) != load(b, other):
                fail(f"{rel}: differs from the uninterrupted run")
        else:
            with open(a, "rb") as fa, open(b, "rb") as fb:
                if fa.read() != fb.read():
                    fail(f"{rel}: differs from the uninterrupted run (bytes)")
    # The metrics read as one run: the same steps and measurements, once each.
    def records(run):
        out = []
        with open(os.path.join(run, "metrics.jsonl"), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if r.get("type") in ("step", "eval"):
                    out.append(json.dumps(strip(r), sort_keys=True))
        return out
    ra, rb = records(run), records(other)
    if ra != rb:
        dup = len(ra) - len(set(ra))
        fail(f"metrics.jsonl: {len(ra)} step/eval records ({dup} repeated), the uninterrupted run has {len(rb)}")
    print(f"results equal: {len(results)} files and {len(ra)} metrics records")


def main():
    args = sys.argv[1:]
    if not args:
        fail(__doc__)
    run = args[0]
    whole(run, "--allow-part" in args)
    if "--compare" in args:
        compare(run, args[args.index("--compare") + 1])


main()

#!/usr/bin/env python3
"""Reads a callgrind output file: per function its exclusive cost, inclusive cost (direct
self-recursion not counted twice), the number of calls into it and those calls by caller, for every
event recorded. Functions are keyed by name: an executable's own malloc (the allocation counter's,
which forwards to glibc's) and glibc's are one entry.
Used by scripts/step-profile.sh; `python3 scripts/callgrind-costs.py FILE [N]` prints the top N
functions by inclusive Ir (mangled names; pipe through `swift demangle --simplified`)."""
import re
import sys
from collections import defaultdict


def parse(path):
    events, totals = [], None
    names = {"fn": {}, "fl": {}, "ob": {}}
    exclusive = defaultdict(lambda: None)
    inclusive_calls = defaultdict(lambda: None)
    calls = defaultdict(int)
    callers = defaultdict(lambda: defaultdict(int))
    objects = {}
    fn = cfn = ob = cob = None
    pending_call = None

    def resolve(kind, text):
        m = re.match(r"\((\d+)\)(?:\s+(.*))?$", text)
        if not m:
            return text
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
        return names[kind].get(m.group(1), text)

    def add(table, key, values):
        cur = table[key]
        if cur is None:
            table[key] = list(values)
        else:
            for i, v in enumerate(values):
                cur[i] += v

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("events:"):
                events = line.split()[1:]
                continue
            if line.startswith("summary:") or line.startswith("totals:"):
                totals = [int(x) for x in line.split()[1:]]
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                values = [int(x) for x in parts[1:]] + [0] * (len(events) - len(parts) + 1)
                if pending_call is not None:
                    target, count = pending_call
                    pending_call = None
                    if target != fn:
                        add(inclusive_calls, fn, values)
                    calls[target] += count
                    callers[target][fn] += count
                else:
                    add(exclusive, fn, values)
                continue
            key, _, rest = line.partition("=")
            if key == "ob":
                ob = resolve("ob", rest)
            elif key == "cob":
                cob = resolve("ob", rest)
            elif key == "fn":
                fn = resolve("fn", rest)
                objects.setdefault(fn, ob)
                cob = None
            elif key == "cfn":
                cfn = resolve("fn", rest)
                objects.setdefault(cfn, cob or ob)
            elif key in ("fl", "fi", "fe", "cfi", "cfl"):
                resolve("fl", rest)
            elif key == "calls":
                pending_call = (cfn, int(rest.split()[0]))
    functions = {}
    zero = [0] * len(events)
    for name in set(exclusive) | set(inclusive_calls) | set(calls):
        e = exclusive[name] or zero
        i = [a + b for a, b in zip(e, inclusive_calls[name] or zero)]
        functions[name] = {"exclusive": e, "inclusive": i, "calls": calls.get(name, 0), "object": objects.get(name) or "",
                           "callers": dict(callers.get(name, {}))}
    return events, totals, functions


if __name__ == "__main__":
    events, totals, functions = parse(sys.argv[1])
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    print("events:", " ".join(events))
    print("totals:", totals)
    ir = events.index("Ir")
    for name, f in sorted(functions.items(), key=lambda kv: -kv[1]["inclusive"][ir])[:top]:
        print(f["inclusive"][ir], f["exclusive"][ir], f["calls"], name, f["object"].rsplit("/", 1)[-1])

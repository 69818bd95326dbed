"""Reference for src/timeseries/python27.ts (test/timeseries-cad-ose.test.ts): CPython 2.7's hash of int
tuples and the iteration order of dicts with int keys, which NAB's published CAD OSE (contextOSE) output
depends on. Must run under CPython 2.7 on a 64-bit build (Python 3 changed both).

Run: PYENV_VERSION=2.7.18 python test/reference/python27_semantics.py  (writes test/fixtures/python27_semantics.json)
"""
import json
import os
import random
import sys

assert sys.version_info[:2] == (2, 7) and sys.maxsize == 2 ** 63 - 1, "needs a 64-bit CPython 2.7"

random.seed(25)
hashes = []
for t in range(200):
    sensors = set(random.randint(0, 7) for _ in range(random.randint(0, 4)))
    neurons = set(2 ** 31 + random.randint(0, 20000) for _ in range(random.randint(0, 20)))
    items = tuple(sorted(sensors | neurons))
    hashes.append({"tuple": list(items), "hash": str(hash(items))})
dicts = []
for t in range(200):
    top = random.choice([10, 100, 5000, 2 ** 31 - 1])
    keys = [random.randint(0, top) for _ in range(random.randint(1, 80))]
    d = {}
    for i, k in enumerate(keys):
        d.setdefault(k, i)
    dicts.append({"inserted": keys, "keys": list(d.keys()), "values": list(d.values())})

out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "python27_semantics.json")
with open(out, "w") as f:
    json.dump({"python": sys.version.split()[0], "hashes": hashes, "dicts": dicts}, f, separators=(",", ":"))
print("wrote", out)

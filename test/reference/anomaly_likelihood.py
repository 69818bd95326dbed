"""Reference for src/timeseries/anomaly-likelihood.ts (test/timeseries-likelihood.test.ts): nupic's own
AnomalyLikelihood (nupic/algorithms/anomaly_likelihood.py, the post-processor of NAB's HTM detector) run on
synthetic raw scores, with three parameter sets (nupic's defaults shortened, NAB's for a 4032-point file, and a
history window short enough to slide).

nupic is Python 2 only as a package, but anomaly_likelihood.py itself runs on Python 3 with numpy; this script
loads it from a nupic checkout with two stand-ins for the modules it imports (Serializable, MovingAverage, the
latter copied from nupic/utils.py of the same checkout).

Run: /work/venv-ref/bin/python test/reference/anomaly_likelihood.py /path/to/nupic
     (a checkout of github.com/numenta/nupic, which needs src/nupic/utils.py and
     src/nupic/algorithms/anomaly_likelihood.py; writes test/fixtures/anomaly_likelihood.json)
"""
import json
import os
import sys
import types

import numpy as np

nupic_root = sys.argv[1]
src = os.path.join(nupic_root, "src", "nupic")

nupic = types.ModuleType("nupic")
serializable = types.ModuleType("nupic.serializable")
serializable.Serializable = type("Serializable", (object,), {})
utils = types.ModuleType("nupic.utils")
sys.modules.update({"nupic": nupic, "nupic.serializable": serializable, "nupic.utils": utils})
exec(compile(open(os.path.join(src, "utils.py")).read(), "nupic/utils.py", "exec"), utils.__dict__)
al = types.ModuleType("nupic.algorithms.anomaly_likelihood")
exec(compile(open(os.path.join(src, "algorithms", "anomaly_likelihood.py")).read(), "anomaly_likelihood.py", "exec"), al.__dict__)

rs = np.random.RandomState(25)
n = 1400
raw = np.clip(rs.beta(0.6, 4.0, size=n), 0, 1)
raw[[700, 701, 702, 1000, 1250, 1251]] = [1.0, 0.95, 0.9, 1.0, 0.85, 1.0]
values = np.sin(np.arange(n) / 30.0) * 10 + rs.normal(size=n)
raw = [float(x) for x in raw]
values = [float(x) for x in values]

cases = []
for params in [
    {"learningPeriod": 288, "estimationSamples": 100, "historicWindowSize": 8640, "reestimationPeriod": 100},
    {"learningPeriod": 302, "estimationSamples": 302, "historicWindowSize": 8640, "reestimationPeriod": 100},
    {"learningPeriod": 50, "estimationSamples": 150, "historicWindowSize": 300, "reestimationPeriod": 37},
]:
    likelihood = al.AnomalyLikelihood(**params)
    probabilities = [likelihood.anomalyProbability(v, s, i) for i, (v, s) in enumerate(zip(values, raw))]
    cases.append({"params": params, "probabilities": probabilities})

out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "anomaly_likelihood.json")
with open(out, "w") as f:
    json.dump({"values": values, "raw": raw, "cases": cases,
               "logScale": [[p, al.AnomalyLikelihood.computeLogLikelihood(p)] for p in [0.5, 0.9, 0.999, 0.99999, 1.0]]}, f)
print("wrote", out)

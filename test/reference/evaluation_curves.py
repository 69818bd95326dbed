"""Reference results for test/evaluation-curves.test.ts, from scikit-learn.

Run: bash test/reference/regenerate.sh evaluation_curves
Writes test/fixtures/evaluation_curves.json.

* precision_recall_curve (drop_intermediate=False, its default) and average_precision_score.
* Threshold sweep: for each threshold t, the rows with score >= t are flagged (the convention of
  sklearn's curves) and confusion_matrix / precision_score / recall_score / f1_score give the counts
  and ratios (zero_division=0, the value sklearn's default returns, minus the warning).
  The "strict" variant flags score > t, as a detector's predict does.
* Cost-optimal threshold: brute force over the candidate thresholds (every distinct score, plus
  "flag nothing" = the double just above the top score, np.nextafter(top, inf); with strict ">" the
  top score flags nothing and the double just below the lowest score flags all), cost = c_fn * fn +
  c_fp * fp; ties go to the highest threshold (the fewest flagged rows). Every threshold is finite, so a
  detector's predict accepts it.
"""
from common import write_fixture  # first: see common.py
import numpy as np
import sklearn
from sklearn.metrics import (average_precision_score, confusion_matrix, f1_score, precision_recall_curve,
                             precision_score, recall_score)


def sweep(y, scores, thresholds, strict=False):
    rows = []
    for t in thresholds:
        flagged = (scores > t) if strict else (scores >= t)
        pred = flagged.astype(int)
        tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
        rows.append({
            "threshold": float(t), "tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn),
            "precision": float(precision_score(y, pred, zero_division=0)),
            "recall": float(recall_score(y, pred, zero_division=0)),
            "f1": float(f1_score(y, pred, zero_division=0)),
        })
    return rows


def cost_optimal(y, scores, c_fn, c_fp, strict=False):
    distinct = sorted(set(scores.tolist()), reverse=True)
    if strict:  # flag score > t: the top score flags nothing, the double below the lowest flags everything
        first, candidates = distinct[0], distinct[1:] + [float(np.nextafter(distinct[-1], -np.inf))]
    else:  # flag score >= t: the double above the top score flags nothing
        first, candidates = float(np.nextafter(distinct[0], np.inf)), distinct
    best = {"threshold": first, "cost": float(c_fn * y.sum()), "fp": 0, "fn": int(y.sum())}
    for t in candidates:
        pred = ((scores > t) if strict else (scores >= t)).astype(int)
        tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
        cost = c_fn * fn + c_fp * fp
        if cost < best["cost"]:  # strict: a lower threshold must be strictly cheaper
            best = {"threshold": t, "cost": float(cost), "fp": int(fp), "fn": int(fn)}
    return best


def case(y, scores, sweep_thresholds, costs):
    precision, recall, thresholds = precision_recall_curve(y, scores)
    return {
        "y": y.tolist(), "scores": scores.tolist(),
        "pr": {"precision": precision.tolist(), "recall": recall.tolist(), "thresholds": thresholds.tolist()},
        "averagePrecision": float(average_precision_score(y, scores)),
        "sweepThresholds": sweep_thresholds,
        "sweep": sweep(y, scores, sweep_thresholds),
        "sweepStrict": sweep(y, scores, sweep_thresholds, strict=True),
        "sweepDefault": sweep(y, scores, sorted(set(scores.tolist()), reverse=True)),
        "costs": [{"costFalseNegative": c_fn, "costFalsePositive": c_fp, **cost_optimal(y, scores, c_fn, c_fp)}
                  for c_fn, c_fp in costs],
        "costsStrict": [{"costFalseNegative": c_fn, "costFalsePositive": c_fp,
                         **cost_optimal(y, scores, c_fn, c_fp, strict=True)} for c_fn, c_fp in costs],
    }


def main():
    rs = np.random.RandomState(7)
    cases = []
    # Continuous scores, outliers shifted up.
    y = (rs.random_sample(300) < 0.08).astype(int)
    scores = rs.standard_normal(300) + 2.0 * y
    cases.append(case(y, scores, [-1.0, 0.0, 0.5, 1.5, 2.5, 10.0], [(10, 1), (1, 1), (1, 10), (100, 1)]))
    # Heavy ties on a coarse grid.
    y = (rs.random_sample(120) < 0.2).astype(int)
    scores = rs.randint(0, 6, 120) / 2 + y * rs.randint(0, 3, 120)
    cases.append(case(y, scores, [0.0, 1.0, 1.5, 2.25, 4.0], [(5, 1), (1, 2)]))
    # The sklearn docstring example and an all-outlier input (precision 1 everywhere).
    # Costs (0, 1): missed outliers are free, so flagging nothing is cheapest.
    cases.append(case(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]), [0.35, 0.4], [(1, 1), (0, 1)]))
    cases.append(case(np.array([1, 1, 1]), np.array([0.5, 0.2, 0.9]), [0.2, 0.6], [(1, 1)]))

    fixture = {"sklearnVersion": sklearn.__version__, "cases": cases}
    write_fixture("evaluation_curves.json", fixture)


if __name__ == "__main__":
    main()

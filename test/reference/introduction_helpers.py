"""Reference values for test/introduction-helpers.test.ts: recall at a fixed alarm rate from
scikit-learn's roc_curve counts, and numpy's print() of integer vectors.

Run: bash test/reference/regenerate.sh introduction_helpers
Writes test/fixtures/introduction_helpers.json.

Recall at alarm rate r = np.interp(r * n, tp + fp, tp) / positives, with tp and fp the counts at each
threshold of roc_curve(drop_intermediate=False) (plus the origin): the expected recall when the r * n
highest-scoring rows are flagged and ties are broken at random.
"""
from common import write_fixture  # first: see common.py
import numpy as np
from sklearn.metrics import roc_curve


def recall_at_alarm_rate(y, scores, rate):
    fpr, tpr, _ = roc_curve(y, scores, drop_intermediate=False)
    positives = int(np.sum(y))
    negatives = len(y) - positives
    tp = tpr * positives
    alarms = tp + fpr * negatives
    return float(np.interp(rate * len(y), alarms, tp) / positives)


def main():
    rs = np.random.RandomState(4)
    cases = []
    for n, ties in [(40, False), (200, True), (57, True)]:
        y = (rs.random_sample(n) < 0.2).astype(int)
        scores = rs.random_sample(n) + y * 0.4
        if ties:
            scores = np.round(scores * 5) / 5  # few distinct values: many tied blocks
        rates = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0]
        cases.append({"y": y.tolist(), "scores": scores.tolist(), "rates": rates,
                      "recall": [recall_at_alarm_rate(y, scores, r) for r in rates]})
    arrays = [
        np.where(rs.random_sample(100) < 0.05, -1, 1),
        np.array([1, -1, 1]),
        np.arange(-30, 95),
        rs.randint(-100000, 100000, 40),
        rs.randint(0, 3, 1500),  # summarised with "..."
        np.array([7]),
    ]
    printed = [{"values": a.tolist(), "text": str(a)} for a in arrays]
    write_fixture("introduction_helpers.json", {"recallAtAlarmRate": cases, "numpyPrint": printed})


if __name__ == "__main__":
    main()

"""Reference figures for test/plots-thinning.test.ts, from scikit-learn.

Run: bash test/reference/regenerate.sh plots_thinning
Writes test/fixtures/plots_thinning.json.

Dense curves are thinned for drawing (src/plots/thin.ts); the test checks that the drawn ROC and PR curves
still enclose the area scikit-learn computes from every point. The scores are regenerated bit for bit in the
test with RandomState(seed) (numpy's legacy generator): y = random_sample(n) < rate, then
scores = standard_normal(n) + shift * y. The fixture holds the arguments and sklearn's results.
"""
from common import write_fixture  # first: see common.py
import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve


def main():
    seed, n, rate, shift = 11, 8000, 0.05, 1.5
    rs = np.random.RandomState(seed)
    y = (rs.random_sample(n) < rate).astype(int)
    scores = rs.standard_normal(n) + shift * y
    fpr, tpr, _ = roc_curve(y, scores, drop_intermediate=False)
    precision, recall, _ = precision_recall_curve(y, scores)
    write_fixture("plots_thinning.json", {
        "sklearnVersion": sklearn.__version__,
        "seed": seed, "n": n, "rate": rate, "shift": shift,
        "positives": int(y.sum()),
        "rocAuc": float(roc_auc_score(y, scores)),
        "rocPoints": int(len(fpr)),
        "averagePrecision": float(average_precision_score(y, scores)),
        "prPoints": int(len(recall)),
        # Spot checks that the regenerated scores are numpy's: the first five and the sum.
        "firstScores": scores[:5].tolist(),
        "scoreSum": float(np.sum(scores)),
    })


if __name__ == "__main__":
    main()

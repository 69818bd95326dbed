"""Reference metrics for test/evaluation.test.ts, from scikit-learn and PyOD's precision@n
(pyod.utils.utility.precision_n_scores: n = count of positives in y unless given, threshold =
np.percentile(scores, 100 * (1 - n / len(y))), precision of scores > threshold).

Run: bash test/reference/regenerate.sh evaluation  (writes test/fixtures/evaluation.json)

roc_curve's first threshold is np.inf (scikit-learn >= 1.3; max(score) + 1 before): written as the string
"inf" (JSON has no Infinity). zero_division=0 is passed explicitly: it is the value sklearn's default
("warn") returns, minus the warning.
"""
from common import write_fixture  # first: see common.py
import numpy as np
import pyod
import sklearn
from pyod.utils.utility import precision_n_scores
from sklearn.metrics import (accuracy_score, classification_report, confusion_matrix, f1_score,
                             precision_score, recall_score, roc_auc_score, roc_curve)


def thresholds_json(thresholds):
    return ["inf" if t == np.inf else float(t) for t in thresholds]


def ranking_case(y, scores):
    fpr, tpr, thresholds = roc_curve(y, scores)
    fpr_all, tpr_all, thresholds_all = roc_curve(y, scores, drop_intermediate=False)
    return {
        "y": y.tolist(), "scores": scores.tolist(),
        "rocAuc": float(roc_auc_score(y, scores)),
        "roc": {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thresholds_json(thresholds)},
        "rocAll": {"fpr": fpr_all.tolist(), "tpr": tpr_all.tolist(), "thresholds": thresholds_json(thresholds_all)},
        "precisionAtN": float(precision_n_scores(y, scores)),
        "precisionAt10": float(precision_n_scores(y, scores, 10)),
    }


def classification_case(y, y_pred):
    report = classification_report(y, y_pred, labels=[0, 1], output_dict=True, zero_division=0)

    def line(entry):
        return {"precision": entry["precision"], "recall": entry["recall"], "f1": entry["f1-score"],
                "support": int(entry["support"])}

    return {
        "y": y.tolist(), "yPred": y_pred.tolist(),
        "confusion": confusion_matrix(y, y_pred, labels=[0, 1]).tolist(),
        "accuracy": float(accuracy_score(y, y_pred)),
        "precision": float(precision_score(y, y_pred, zero_division=0)),
        "recall": float(recall_score(y, y_pred, zero_division=0)),
        "f1": float(f1_score(y, y_pred, zero_division=0)),
        "report": {"inlier": line(report["0"]), "outlier": line(report["1"]),
                   "accuracy": report["accuracy"] if "accuracy" in report else report["micro avg"]["f1-score"],
                   "macroAvg": line(report["macro avg"]), "weightedAvg": line(report["weighted avg"])},
    }


def main():
    rs = np.random.RandomState(2024)
    ranking = []
    # Heavy ties: scores on a coarse grid.
    y = (rs.random_sample(200) < 0.15).astype(int)
    ranking.append(ranking_case(y, rs.randint(0, 12, 200) / 4 + y * rs.randint(0, 3, 200)))
    # Continuous scores, outliers shifted up.
    y = (rs.random_sample(150) < 0.1).astype(int)
    ranking.append(ranking_case(y, rs.standard_normal(150) + 1.5 * y))
    # Few distinct values (long collinear runs for drop_intermediate) and a perfect ranking.
    y = np.array([0] * 12 + [1] * 4)
    ranking.append(ranking_case(y, np.array([0.1] * 6 + [0.2] * 6 + [0.2, 0.9, 0.9, 0.95])))
    y = np.array([0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1])
    ranking.append(ranking_case(y, y * 2 + np.arange(12) / 100))

    classification = []
    y = (rs.random_sample(120) < 0.2).astype(int)
    classification.append(classification_case(y, np.where(rs.random_sample(120) < 0.8, y, 1 - y)))
    classification.append(classification_case(y, np.zeros(120, dtype=int)))  # nothing flagged: precision 0/0
    classification.append(classification_case(np.zeros(10, dtype=int), np.array([0] * 8 + [1] * 2)))  # no positives
    classification.append(classification_case(np.array([1, 1, 0, 1]), np.array([1, 1, 0, 1])))

    fixture = {"sklearnVersion": sklearn.__version__, "pyodVersion": pyod.__version__, "ranking": ranking, "classification": classification}
    write_fixture("evaluation.json", fixture)


if __name__ == "__main__":
    main()

"""Reference results for test/timeseries-esd.test.ts: STL and seasonal-hybrid ESD on real NAB series.

Run: bash test/reference/regenerate.sh timeseries
Writes test/fixtures/timeseries.json.

  * STL: statsmodels.tsa.seasonal.STL with R's stl() settings, as R's AnomalyDetection calls it:
    s.window = "periodic" (seasonal window 10 n + 1, degree 0, then the seasonal averaged per
    position in the cycle, as R does), robust (inner 1, outer 15), R's default trend / low-pass
    windows and jumps ceiling(window / 10). Also a non-periodic, non-robust fit (seasonal 7, degree 1,
    jumps 1, inner 2) to exercise the general path.
  * S-H-ESD: AnomalyDetectionVec's detect_anoms written out in numpy/scipy: residual = x - seasonal
    - median(x); generalized ESD with median and MAD (1.4826, R's mad), scipy.stats.t.ppf for the
    critical values; at most floor(max_anoms n) anomalies.
  * Rolling z-score / MAD: pandas rolling windows of the previous points.
  * Autocorrelation: statsmodels acf; centred moving median / mean: pandas rolling(center=True).
Series come from the mirror (nab/data/...), so the fixture holds only derived numbers.
"""
from common import mirror_path, write_fixture  # first: see common.py
import math

import numpy as np
import pandas as pd
from scipy.stats import t as student_t
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.stattools import acf


def next_odd(x):
    x = int(round(x))
    return x + 1 if x % 2 == 0 else x


def r_stl_periodic_robust(x, period):
    n = len(x)
    s_window = 10 * n + 1
    t_window = next_odd(math.ceil(1.5 * period / (1 - 1.5 / s_window)))
    l_window = next_odd(period)
    fit = STL(x, period=period, seasonal=s_window, seasonal_deg=0, trend=t_window, trend_deg=1,
              low_pass=l_window, low_pass_deg=1, robust=True,
              seasonal_jump=math.ceil(s_window / 10), trend_jump=math.ceil(t_window / 10),
              low_pass_jump=math.ceil(l_window / 10)).fit(inner_iter=1, outer_iter=15)
    seasonal = np.asarray(fit.seasonal)
    cycle = np.arange(n) % period
    means = np.array([seasonal[cycle == c].mean() for c in range(period)])
    seasonal = means[cycle]
    trend = np.asarray(fit.trend)
    return seasonal, trend, x - seasonal - trend


def detect_anoms(x, period, k, alpha, direction):
    n = len(x)
    seasonal, _, _ = r_stl_periodic_robust(x, period)
    resid = x - seasonal - np.median(x)
    max_outliers = int(math.floor(n * k))
    idx = np.arange(n)
    data = resid.copy()
    steps = []
    num = 0
    for i in range(1, max_outliers + 1):
        med = np.median(data)
        if direction == "both":
            ares = np.abs(data - med)
        elif direction == "pos":
            ares = data - med
        else:
            ares = med - data
        sigma = 1.4826 * np.median(np.abs(data - med))
        if sigma == 0:
            break
        ares = ares / sigma
        r = ares.max()
        j = int(np.flatnonzero(ares == r)[0])
        p = 1 - alpha / (2 * (n - i + 1)) if direction == "both" else 1 - alpha / (n - i + 1)
        tq = student_t.ppf(p, n - i - 1)
        lam = tq * (n - i) / math.sqrt((n - i - 1 + tq ** 2) * (n - i + 1))
        steps.append({"index": int(idx[j]), "statistic": float(r), "critical": float(lam)})
        if r > lam:
            num = i
        data = np.delete(data, j)
        idx = np.delete(idx, j)
    return {"anomalies": sorted(s["index"] for s in steps[:num]), "steps": steps}


def series(key):
    return pd.read_csv(mirror_path("nab", "data", key))["value"].to_numpy(dtype=float)


def main():
    fixture = {}
    taxi = series("realKnownCause/nyc_taxi.csv")
    seasonal, trend, remainder = r_stl_periodic_robust(taxi, 48)
    stride = slice(0, None, 7)
    fixture["stl_periodic_robust"] = {
        "key": "realKnownCause/nyc_taxi.csv", "period": 48, "stride": 7,
        "seasonalProfile": seasonal[:48].tolist(), "trend": trend[stride].tolist(), "remainder": remainder[stride].tolist(),
    }
    ambient = series("realKnownCause/ambient_temperature_system_failure.csv")
    fit = STL(ambient, period=24, seasonal=7, seasonal_deg=1, robust=False).fit(inner_iter=2, outer_iter=0)
    fixture["stl_general"] = {
        "key": "realKnownCause/ambient_temperature_system_failure.csv", "period": 24, "seasonal": 7, "seasonalDegree": 1,
        "jumps": 1, "inner": 2, "outer": 0, "stride": 5,
        "seasonal_": np.asarray(fit.seasonal)[::5].tolist(), "trend": np.asarray(fit.trend)[::5].tolist(),
    }
    cases = [
        ("realKnownCause/nyc_taxi.csv", 48, 0.005, 0.05, "both"),
        ("realKnownCause/nyc_taxi.csv", 336, 0.01, 0.05, "pos"),
        ("realKnownCause/nyc_taxi.csv", 48, 0.004, 0.01, "neg"),
        ("realKnownCause/machine_temperature_system_failure.csv", 288, 0.002, 0.05, "both"),
        ("realTweets/Twitter_volume_AAPL.csv", 288, 0.005, 0.05, "pos"),
        ("realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv", 150, 0.002, 0.05, "both"),
    ]
    fixture["shesd"] = [
        {"key": key, "period": period, "maxAnoms": k, "alpha": alpha, "direction": direction,
         **detect_anoms(series(key), period, k, alpha, direction)}
        for key, period, k, alpha, direction in cases
    ]
    # Rolling rules on the first 1500 half-hours of nyc_taxi: the window of each point is the
    # previous 48 points (pandas rolling, shifted by one), at least 30 of them; score = |z| / (|z| + 3).
    head = taxi[:1500]
    prev = pd.Series(head).shift(1).rolling(48, min_periods=30)
    z = (head - prev.mean().to_numpy()) / prev.std(ddof=1).to_numpy()
    med = prev.median().to_numpy()
    mad = np.array([np.nan if i < 30 else 1.4826 * np.median(np.abs(head[max(0, i - 48):i] - med[i])) for i in range(1500)])
    zr = (head - med) / mad
    fixture["rolling"] = {
        "key": "realKnownCause/nyc_taxi.csv", "n": 1500, "window": 48, "minPoints": 30,
        "zscore": np.nan_to_num(np.abs(z) / (np.abs(z) + 3), nan=0.0).tolist(),
        "mad": np.nan_to_num(np.abs(zr) / (np.abs(zr) + 3), nan=0.0).tolist(),
    }
    # Autocorrelation (statsmodels acf, not FFT) and centred moving median / mean (pandas) of nyc_taxi.
    acf_values = acf(taxi, nlags=400, fft=False)
    fixture["acf"] = {"key": "realKnownCause/nyc_taxi.csv", "lags": [24, 48, 336], "acf": [float(acf_values[k]) for k in (24, 48, 336)]}
    fixture["moving"] = {
        "key": "realKnownCause/nyc_taxi.csv", "window": 49, "from": 24, "to": 10296, "stride": 11,
        "median": pd.Series(taxi).rolling(49, center=True).median().to_numpy()[24:10296:11].tolist(),
        "mean": pd.Series(taxi).rolling(49, center=True).mean().to_numpy()[24:10296:11].tolist(),
    }
    write_fixture("timeseries.json", fixture)


if __name__ == "__main__":
    main()

"""One PyTorch run of the training benchmark (fresh process): the same dense autoencoder, data shape, batch,
loss (with Keras's activity L1 / batch) and Adam as scripts/bench/training-ours.ts, on the CPU with 2 threads.
Prints JSON {secondsPerEpoch (median of the timed epochs), scoreRowsPerSecond, backend}.

Usage: python3 torch_train.py '<model json>' <timed epochs>
"""
import json
import statistics
import sys
import time

import numpy as np
import torch

model_spec = json.loads(sys.argv[1])
epochs = int(sys.argv[2])
torch.set_num_threads(2)
torch.manual_seed(0)
X = torch.tensor(np.random.RandomState(0).standard_normal((model_spec["rows"], model_spec["cols"])), dtype=torch.float32)
ACT = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "elu": torch.nn.ELU, "linear": torch.nn.Identity}

layers, widths, l1s = [], [model_spec["cols"]], []
for units, activation, l1 in model_spec["hidden"]:
    layers.append(torch.nn.Sequential(torch.nn.Linear(widths[-1], units), ACT[activation]()))
    widths.append(units)
    l1s.append(l1)
layers.append(torch.nn.Sequential(torch.nn.Linear(widths[-1], model_spec["cols"]), ACT[model_spec["outputActivation"]]()))
l1s.append(0)
net = torch.nn.ModuleList(layers)
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
batch = model_spec["batchSize"]
n = X.shape[0]


def loss_of(x):
    h, penalty = x, 0.0
    for layer, l1 in zip(net, l1s):
        h = layer(h)
        if l1 > 0:
            penalty = penalty + l1 * h.abs().sum() / x.shape[0]
    error = (x - h) ** 2 if model_spec["loss"] == "mse" else (x - h).abs()
    return error.mean() + penalty


times = []
for epoch in range(epochs + 1):  # the first epoch warms up and is not timed
    started = time.perf_counter()
    order = torch.randperm(n)
    for start in range(0, n, batch):
        xb = X[order[start:start + batch]]
        optimizer.zero_grad()
        loss = loss_of(xb)
        loss.backward()
        optimizer.step()
    if epoch > 0:
        times.append(time.perf_counter() - started)
with torch.no_grad():
    started = time.perf_counter()
    h = X
    for layer in net:
        h = layer(h)
    ((X - h) ** 2).mean(dim=1).numpy()
    score_seconds = time.perf_counter() - started
print(json.dumps({"secondsPerEpoch": statistics.median(times), "scoreRowsPerSecond": n / score_seconds,
                  "backend": f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads"}))

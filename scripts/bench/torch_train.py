"""One PyTorch run of the training benchmark (fresh process): the same network, data shape, batch, loss (with
Keras's activity L1 / batch), validation split and Adam as scripts/bench/training-ours.ts, on the CPU with
TORCH_THREADS threads (default 2). Prints JSON {secondsPerEpoch (median of the timed epochs),
scoreRowsPerSecond, backend, threads}.

Networks (scripts/bench/training-models.ts):
  dense   Linear + activation per layer.
  lstm    Keras's LSTM (sigmoid gates, `activation` on the candidate and on the cell state, relu in the
          notebook), written as a cell looped over the T steps, since torch.nn.LSTM has tanh only; encoder,
          RepeatVector(T), decoder, a per-step Linear.
  conv2d  the image notebook's strided conv autoencoder (as scripts/bench/conv_torch_train.py).
  conv1d  the ECG notebook's Conv1d / MaxPool / dense code / nearest Upsample autoencoder.

Usage: [TORCH_THREADS=n] python3 torch_train.py '<model json>' <timed epochs>
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

spec = json.loads(sys.argv[1])
epochs = int(sys.argv[2])
torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))
torch.manual_seed(0)
ACT = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "elu": nn.ELU, "linear": nn.Identity}
FN = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "elu": torch.nn.functional.elu, "linear": lambda x: x}

random = np.random.RandomState(0)
rows = random.uniform(size=(spec["rows"], spec["cols"])) if spec["data"] == "unit" else random.standard_normal((spec["rows"], spec["cols"]))
rows = torch.tensor(rows, dtype=torch.float32)


class KerasLstm(nn.Module):
    def __init__(self, features, units, activation, return_sequences):
        super().__init__()
        self.units, self.act, self.return_sequences = units, FN[activation], return_sequences
        self.kernel = nn.Linear(features, 4 * units)
        self.recurrent = nn.Linear(units, 4 * units, bias=False)

    def forward(self, x):  # [n, T, features]
        n, steps, _ = x.shape
        h = x.new_zeros(n, self.units)
        c = x.new_zeros(n, self.units)
        outputs = []
        for t in range(steps):
            i, f, g, o = (self.kernel(x[:, t]) + self.recurrent(h)).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * self.act(g)
            h = torch.sigmoid(o) * self.act(c)
            outputs.append(h)
        return torch.stack(outputs, dim=1) if self.return_sequences else h


class LstmAutoencoder(nn.Module):
    def __init__(self, features, steps, encoder, decoder):
        super().__init__()
        self.steps = steps
        layers, width = [], features
        for k, (units, activation) in enumerate(encoder):
            layers.append(KerasLstm(width, units, activation, k < len(encoder) - 1))
            width = units
        self.encoder = nn.ModuleList(layers)
        self.decoder = nn.ModuleList()
        for units, activation in decoder:
            self.decoder.append(KerasLstm(width, units, activation, True))
            width = units
        self.output = nn.Linear(width, features)

    def forward(self, x):
        for layer in self.encoder:
            x = layer(x)
        x = x.unsqueeze(1).expand(-1, self.steps, -1)  # RepeatVector
        for layer in self.decoder:
            x = layer(x)
        return self.output(x)


def conv2d_autoencoder(shape, filters, latent):
    height, width, channels = shape
    layers, previous = [nn.Unflatten(1, (channels, height, width))], channels
    for f in filters:
        layers += [nn.Conv2d(previous, f, 3, stride=2, padding=1), nn.LeakyReLU(0.2)]
        previous = f
    h, w = height // 2 ** len(filters), width // 2 ** len(filters)
    layers += [nn.Flatten(), nn.Linear(h * w * previous, latent), nn.Linear(latent, h * w * previous), nn.Unflatten(1, (previous, h, w))]
    for f in reversed(filters):
        layers += [nn.ConvTranspose2d(previous, f, 3, stride=2, padding=1, output_padding=1), nn.LeakyReLU(0.2)]
        previous = f
    layers += [nn.ConvTranspose2d(previous, channels, 3, padding=1), nn.Sigmoid(), nn.Flatten()]
    return nn.Sequential(*layers)


def conv1d_autoencoder(steps, filters, kernel, code, output_activation):
    layers, previous, pad = [nn.Unflatten(1, (1, steps))], 1, kernel // 2
    for f in filters:
        layers += [nn.Conv1d(previous, f, kernel, padding=pad), nn.ReLU(), nn.MaxPool1d(2)]
        previous, steps = f, steps // 2
    layers += [nn.Flatten(), nn.Linear(steps * previous, code), nn.ReLU(), nn.Linear(code, steps * previous), nn.ReLU(),
               nn.Unflatten(1, (previous, steps))]
    for f in reversed(filters):
        layers += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv1d(previous, f, kernel, padding=pad), nn.ReLU()]
        previous = f
    layers += [nn.Conv1d(previous, 1, kernel, padding=pad), ACT[output_activation](), nn.Flatten()]
    return nn.Sequential(*layers)


l1s = []
if spec["kind"] == "dense":
    layers, widths = [], [spec["cols"]]
    for units, activation, l1 in spec["hidden"]:
        layers.append(nn.Sequential(nn.Linear(widths[-1], units), ACT[activation]()))
        widths.append(units)
        l1s.append(l1)
    layers.append(nn.Sequential(nn.Linear(widths[-1], spec["cols"]), ACT[spec["outputActivation"]]()))
    l1s.append(0)
    net = nn.ModuleList(layers)
    X = rows
elif spec["kind"] == "lstm":
    steps = spec["timesteps"]
    net = LstmAutoencoder(spec["cols"], steps, spec["encoder"], spec["decoder"])
    X = rows.unfold(0, steps, 1).transpose(1, 2).contiguous()  # sliding windows [rows - T + 1, T, cols]
elif spec["kind"] == "conv2d":
    net = conv2d_autoencoder(spec["imageShape"], spec["filters"], spec["latentDim"])
    X = rows
else:
    net = conv1d_autoencoder(spec["cols"], spec["filters"], spec["kernelSize"], spec["codeSize"], spec["outputActivation"])
    X = rows


def forward(x):
    """The reconstruction and the activity penalty (dense layers with activity L1 only)."""
    if spec["kind"] != "dense":
        return net(x), 0.0
    h, penalty = x, 0.0
    for layer, l1 in zip(net, l1s):
        h = layer(h)
        if l1 > 0:
            penalty = penalty + l1 * h.abs().sum() / x.shape[0]
    return h, penalty


def per_sample_error(x, reconstruction):
    error = (x - reconstruction) ** 2 if spec["loss"] == "mse" else (x - reconstruction).abs()
    return error.reshape(x.shape[0], -1).mean(dim=1)


def loss_of(x):
    reconstruction, penalty = forward(x)
    return per_sample_error(x, reconstruction).mean() + penalty


n_validation = int(X.shape[0] * spec["validationSplit"])
train, validation = X[: X.shape[0] - n_validation], X[X.shape[0] - n_validation:]
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
batch = spec["batchSize"]
times = []
for epoch in range(epochs + 1):  # the first epoch warms up and is not timed
    started = time.perf_counter()
    order = torch.randperm(train.shape[0])
    for start in range(0, train.shape[0], batch):
        xb = train[order[start:start + batch]]
        optimizer.zero_grad()
        loss = loss_of(xb)
        loss.backward()
        optimizer.step()
    if n_validation > 0:
        with torch.no_grad():
            sum(loss_of(validation[s:s + batch]).item() * validation[s:s + batch].shape[0] for s in range(0, n_validation, batch))
    if epoch > 0:
        times.append(time.perf_counter() - started)
with torch.no_grad():
    started = time.perf_counter()
    per_sample_error(X, forward(X)[0]).numpy()
    score_seconds = time.perf_counter() - started
print(json.dumps({"secondsPerEpoch": statistics.median(times), "scoreRowsPerSecond": spec["rows"] / score_seconds,
                  "backend": f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads",
                  "threads": torch.get_num_threads()}))

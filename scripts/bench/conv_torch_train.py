"""PyTorch reference for scripts/bench/conv-training.ts: the article's conv autoencoder (Conv2D 32/64 stride 2,
LeakyReLU 0.2, latent 16, mirrored ConvTranspose2d, sigmoid; no batch norm, as ConvAutoencoderDetector's default)
trained with Adam on random [0, 1) images. Prints one JSON line: seconds per epoch (median of the timed epochs).

Usage: [TORCH_THREADS=n] /usr/bin/python3 scripts/bench/conv_torch_train.py ROWS EPOCHS BATCH
"""
import json
import os
import sys
import time

import torch
from torch import nn

rows, epochs, batch = (int(a) for a in sys.argv[1:4])
torch.manual_seed(0)
torch.set_num_threads(int(os.environ.get("TORCH_THREADS", torch.get_num_threads())))  # default: torch's own choice
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
    nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
    nn.Flatten(), nn.Linear(7 * 7 * 64, 16), nn.Linear(16, 7 * 7 * 64), nn.Unflatten(1, (64, 7, 7)),
    nn.ConvTranspose2d(64, 64, 3, stride=2, padding=1, output_padding=1), nn.LeakyReLU(0.2),
    nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.LeakyReLU(0.2),
    nn.ConvTranspose2d(32, 1, 3, padding=1), nn.Sigmoid(),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
x = torch.rand(rows, 1, 28, 28)
times = []
for epoch in range(epochs):
    start = time.perf_counter()
    perm = torch.randperm(rows)
    for i in range(0, rows, batch):
        b = x[perm[i:i + batch]]
        optimizer.zero_grad()
        loss = ((model(b) - b) ** 2).mean()
        loss.backward()
        optimizer.step()
    times.append(time.perf_counter() - start)
times = sorted(times[1:] if len(times) > 1 else times)
print(json.dumps({"secondsPerEpoch": times[len(times) // 2], "threads": torch.get_num_threads(), "torch": torch.__version__}))

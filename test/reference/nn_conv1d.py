"""Reference for the 1-D convolutional autoencoder (test/nn-conv1d.test.ts): the network of
Conv1dAutoencoderDetector with filters [3, 2] and kernel 3 on sequences of 16 steps, in PyTorch (Debian's
python3-torch, float64), from fixed weights:
  Conv1d(1->3, k3, same, relu) -> MaxPool(2) -> Conv1d(3->2) relu -> MaxPool(2)
  -> nearest Upsample(2) -> Conv1d(2->2) relu -> Upsample(2) -> Conv1d(2->3) relu -> Conv1d(3->1) sigmoid.
Loss = mean absolute reconstruction error (Keras MAE). Stores the data, the initial weights in tfjs's
layout (conv kernels [k, in, out]), the loss and its gradient with respect to every weight at those weights
(the gradient of the filters is what tfjs's wasm backend lacks a kernel for), the weights after one Adam
step (Keras epsilon 1e-7) and the per-sequence MAE after it.

Run: /usr/bin/python3 test/reference/nn_conv1d.py  (writes test/fixtures/nn_conv1d.json)
"""
import common  # noqa: F401  (sys.path order; before numpy)
import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rs = np.random.RandomState(5)
n, T, K = 6, 16, 3
t = np.linspace(0, 2 * np.pi, T)
X = 0.5 + 0.3 * np.sin(t[None, :] + rs.uniform(0, 1, size=(n, 1))) + 0.05 * rs.normal(size=(n, T))
X[0, 5:9] += 0.4  # one sequence with a bump: the anomaly
channels = [(1, 3), (3, 2), (2, 2), (2, 3), (3, 1)]
weights_tfjs = []
for cin, cout in channels:
    weights_tfjs.append(rs.uniform(-0.6, 0.6, size=(K, cin, cout)))
    weights_tfjs.append(rs.uniform(-0.1, 0.1, size=cout))
LR = 0.01

# tfjs conv1d kernel [k, in, out] -> torch [out, in, k]; both compute cross-correlations.
params = []
for i, w in enumerate(weights_tfjs):
    p = torch.tensor(np.transpose(w, (2, 1, 0)) if i % 2 == 0 else w, requires_grad=True)
    params.append(p)
x = torch.tensor(X).unsqueeze(1)  # [n, 1, T]


def conv(h, i, act):
    out = F.conv1d(h, params[2 * i], params[2 * i + 1], padding=K // 2)
    return act(out)


def forward(x):
    h = F.max_pool1d(conv(x, 0, torch.relu), 2)
    h = F.max_pool1d(conv(h, 1, torch.relu), 2)
    h = conv(h.repeat_interleave(2, dim=2), 2, torch.relu)
    h = conv(h.repeat_interleave(2, dim=2), 3, torch.relu)
    return conv(h, 4, torch.sigmoid)


out = forward(x)
loss = (x - out).abs().mean()
optimizer = torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=1e-7)
optimizer.zero_grad()
loss.backward()
grads = [p.grad.detach().clone() for p in params]
optimizer.step()
with torch.no_grad():
    after = forward(x)
    mae = (x - after).abs().mean(dim=(1, 2))


def to_tfjs(i, tensor):
    a = tensor.detach().numpy()
    return (np.transpose(a, (2, 1, 0)) if i % 2 == 0 else a).tolist()


common.write_fixture("nn_conv1d.json", {
    "torch": torch.__version__,
    "X": X.tolist(),
    "filters": [3, 2],
    "kernelSize": K,
    "learningRate": LR,
    "initialWeights": [w.tolist() for w in weights_tfjs],
    "loss": float(loss.item()),
    "gradients": [to_tfjs(i, g) for i, g in enumerate(grads)],
    "weightsAfterStep": [to_tfjs(i, p) for i, p in enumerate(params)],
    "maeAfterStep": mae.numpy().tolist(),
})

"""Reference for the neural detectors (test/nn.test.ts): one training step of a small dense autoencoder in
PyTorch (float64), from fixed weights, with the Keras conventions anomaly-lab follows:
loss = mean squared reconstruction error + l1 * sum(|h1|) / batch (Keras's activity regulariser on the first
hidden layer), Adam with Keras's epsilon 1e-7. Stores the data, the initial weights, the loss at those weights,
the weights after the step and the per-row reconstruction MSE and MAE after it.

Run: bash test/reference/regenerate.sh nn  (writes test/fixtures/nn.json)
"""
import common  # noqa: F401  (sys.path order; before numpy)
import numpy as np
import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)  # float64 reference; tfjs computes in float32
rs = np.random.RandomState(3)
n, d = 12, 5
X = rs.normal(size=(n, d))
X[0] *= 4  # one clear outlier
sizes = [(d, 4), (4, 3), (3, d)]
weights = []
for fan_in, fan_out in sizes:
    weights.append(rs.uniform(-0.7, 0.7, size=(fan_in, fan_out)))
    weights.append(rs.uniform(-0.1, 0.1, size=fan_out))
L1 = 0.01
LR = 0.01

params = [torch.tensor(w, requires_grad=True) for w in weights]
x = torch.tensor(X)


def forward(x):
    h1 = torch.tanh(x @ params[0] + params[1])
    h2 = torch.relu(h1 @ params[2] + params[3])
    out = h2 @ params[4] + params[5]  # linear output
    return h1, out


h1, out = forward(x)
loss = ((x - out) ** 2).mean() + L1 * h1.abs().sum() / n
optimizer = torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=1e-7)
optimizer.zero_grad()
loss.backward()
optimizer.step()
with torch.no_grad():
    _, after = forward(x)
    mse = ((x - after) ** 2).mean(dim=1)
    mae = (x - after).abs().mean(dim=1)

common.write_fixture("nn.json", {
    "torch": torch.__version__,
    "X": X.tolist(),
    "l1": L1,
    "learningRate": LR,
    "initialWeights": [w.tolist() for w in weights],
    "loss": float(loss.item()),
    "weightsAfterStep": [p.detach().numpy().tolist() for p in params],
    "mseAfterStep": mse.numpy().tolist(),
    "maeAfterStep": mae.numpy().tolist(),
})

"""Reference for the 1-D convolutional autoencoder (test/nn-conv1d.test.ts): the network of
Conv1dAutoencoderDetector with filters [3, 2] and kernel 3 on sequences of 16 steps, in PyTorch (float64),
from fixed weights:
  Conv1d(1->3, k3, same, relu) -> MaxPool(2) -> Conv1d(3->2) relu -> MaxPool(2)                  [2 x 4]
  [codeSize 3 only: flatten (time-major, as tfjs) -> Dense(3) relu -> Dense(8) relu -> unflatten]
  -> nearest Upsample(2) -> Conv1d(2->2) relu -> Upsample(2) -> Conv1d(2->3) relu -> Conv1d(3->1) sigmoid.
Loss = mean absolute reconstruction error (Keras MAE). For each case stores the initial weights in tfjs's
layout (conv kernels [k, in, out], dense [in, out]), the loss and its gradient with respect to every weight
(the filters' gradient is what tfjs's wasm backend lacks a kernel for), the weights after one Adam step
(Keras epsilon 1e-7) and the per-sequence MAE after it.

Run: bash test/reference/regenerate.sh nn_conv1d  (writes test/fixtures/nn_conv1d.json)
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
LR = 0.01
x = torch.tensor(X).unsqueeze(1)  # [n, 1, T]


def conv_weights(cin, cout):
    return [("conv", rs.uniform(-0.6, 0.6, size=(K, cin, cout))), ("bias", rs.uniform(-0.1, 0.1, size=cout))]


def dense_weights(fan_in, fan_out):
    return [("dense", rs.uniform(-0.5, 0.5, size=(fan_in, fan_out))), ("bias", rs.uniform(-0.1, 0.1, size=fan_out))]


def run_case(code_size):
    steps, last = T // 4, 2
    layout = conv_weights(1, 3) + conv_weights(3, 2)
    if code_size is not None:
        layout += dense_weights(steps * last, code_size) + dense_weights(code_size, steps * last)
    layout += conv_weights(2, 2) + conv_weights(2, 3) + conv_weights(3, 1)
    # tfjs conv1d kernel [k, in, out] -> torch [out, in, k]; both compute cross-correlations.
    params = [torch.tensor(np.transpose(w, (2, 1, 0)) if kind == "conv" else w, requires_grad=True) for kind, w in layout]

    def forward(x):
        p = iter(params)

        def conv(h, act):
            return act(F.conv1d(h, next(p), next(p), padding=K // 2))

        h = F.max_pool1d(conv(x, torch.relu), 2)
        h = F.max_pool1d(conv(h, torch.relu), 2)
        if code_size is not None:
            flat = h.permute(0, 2, 1).reshape(n, steps * last)  # tfjs flattens [steps, channels] row-major
            code = torch.relu(flat @ next(p) + next(p))
            back = torch.relu(code @ next(p) + next(p))
            h = back.reshape(n, steps, last).permute(0, 2, 1)
        h = conv(h.repeat_interleave(2, dim=2), torch.relu)
        h = conv(h.repeat_interleave(2, dim=2), torch.relu)
        return conv(h, torch.sigmoid)

    loss = (x - forward(x)).abs().mean()
    optimizer = torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=1e-7)
    optimizer.zero_grad()
    loss.backward()
    grads = [q.grad.detach().clone() for q in params]
    optimizer.step()
    with torch.no_grad():
        mae = (x - forward(x)).abs().mean(dim=(1, 2))

    def to_tfjs(i, tensor):
        a = tensor.detach().numpy()
        return (np.transpose(a, (2, 1, 0)) if layout[i][0] == "conv" else a).tolist()

    return {
        "codeSize": code_size,
        "initialWeights": [w.tolist() for _, w in layout],
        "loss": float(loss.item()),
        "gradients": [to_tfjs(i, g) for i, g in enumerate(grads)],
        "weightsAfterStep": [to_tfjs(i, q) for i, q in enumerate(params)],
        "maeAfterStep": mae.numpy().tolist(),
    }


common.write_fixture("nn_conv1d.json", {
    "torch": torch.__version__,
    "X": X.tolist(),
    "filters": [3, 2],
    "kernelSize": K,
    "learningRate": LR,
    "cases": [run_case(None), run_case(3)],
})

"""Reference for the 2-D convolutional autoencoder (test/nn-conv2d.test.ts): the article's strided network
of ConvAutoencoderDetector, scaled down to 8 x 8 images with filters [2, 3] and a latent of 3, in PyTorch
(float64), from fixed weights:
  Conv2d(1->2, 3x3, stride 2, same) LeakyReLU(0.2) -> Conv2d(2->3, stride 2) LeakyReLU           [3 x 2 x 2]
  -> flatten (channels last, as tfjs) -> Dense(3) -> Dense(12) -> unflatten
  -> ConvTranspose2d(3->3, stride 2, same) LeakyReLU -> ConvTranspose2d(3->2, stride 2) LeakyReLU
  -> ConvTranspose2d(2->1, stride 1, same) sigmoid.
TensorFlow's "same" padding for a stride-2 3x3 convolution on an even size pads one pixel after (bottom,
right) and none before; its transposed convolution is the exact adjoint, i.e. PyTorch's full transposed
output (2n + 1) with the last row and column dropped. Loss = mean squared reconstruction error (the
article's). Stores the initial weights in tfjs's layout (conv2d kernels [kh, kw, in, out], conv2dTranspose
[kh, kw, out, in], dense [in, out]), the reconstruction at them, the loss and every weight's gradient, the
weights after one Adam step (Keras epsilon 1e-7) and the per-image MSE after it.

Run: bash test/reference/regenerate.sh nn_conv2d  (writes test/fixtures/nn_conv2d.json)
"""
import common  # noqa: F401  (sys.path order; before numpy)
import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rs = np.random.RandomState(11)
n, S = 6, 8
yy, xx = np.mgrid[0:S, 0:S]
X = np.stack([0.5 + 0.35 * np.sin(0.8 * xx + 0.5 * yy + rs.uniform(0, 3)) for _ in range(n)])
X += 0.03 * rs.normal(size=X.shape)
X[0, 2:5, 2:5] = 1.0  # one image with a bright square: the anomaly
X = np.clip(X, 0, 1).reshape(n, S * S)
FILTERS, LATENT, LR = [2, 3], 3, 0.01
x = torch.tensor(X).reshape(n, S, S, 1).permute(0, 3, 1, 2)  # NCHW


def kernel(cin, cout):
    return [("conv", rs.uniform(-0.5, 0.5, size=(3, 3, cin, cout))), ("bias", rs.uniform(-0.1, 0.1, size=cout))]


def transposed(cin, cout):  # tfjs conv2dTranspose kernel: [kh, kw, out, in]
    return [("deconv", rs.uniform(-0.5, 0.5, size=(3, 3, cout, cin))), ("bias", rs.uniform(-0.1, 0.1, size=cout))]


def dense(fan_in, fan_out):
    return [("dense", rs.uniform(-0.5, 0.5, size=(fan_in, fan_out))), ("bias", rs.uniform(-0.1, 0.1, size=fan_out))]


side, last = S // 4, FILTERS[-1]
layout = kernel(1, 2) + kernel(2, 3) + dense(side * side * last, LATENT) + dense(LATENT, side * side * last)
layout += transposed(3, 3) + transposed(3, 2) + transposed(2, 1)
# tfjs [kh, kw, a, b] -> torch [b, a, kh, kw] for both kinds (conv2d weight [out, in, kh, kw]; conv_transpose2d
# weight [in, out, kh, kw]); both libraries compute cross-correlations and their exact adjoints.
params = [torch.tensor(np.transpose(w, (3, 2, 0, 1)) if kind in ("conv", "deconv") else w, requires_grad=True) for kind, w in layout]


def leaky(h):
    return F.leaky_relu(h, 0.2)


def forward(x):
    p = iter(params)
    h = x
    for _ in FILTERS:
        h = leaky(F.conv2d(F.pad(h, (0, 1, 0, 1)), next(p), next(p), stride=2))
    flat = h.permute(0, 2, 3, 1).reshape(n, -1)
    code = flat @ next(p) + next(p)
    back = code @ next(p) + next(p)
    h = back.reshape(n, side, side, last).permute(0, 3, 1, 2)
    for _ in FILTERS:
        w, b = next(p), next(p)
        full = F.conv_transpose2d(h, w, stride=2)  # 2s + 1
        h = leaky(full[:, :, :-1, :-1] + b.view(1, -1, 1, 1))
    return torch.sigmoid(F.conv_transpose2d(h, next(p), next(p), padding=1))  # stride 1: crop one each side


out = forward(x)
reconstruction = out.detach().permute(0, 2, 3, 1).reshape(n, S * S).numpy()
loss = ((x - out) ** 2).mean()
optimizer = torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=1e-7)
optimizer.zero_grad()
loss.backward()
grads = [q.grad.detach().clone() for q in params]
optimizer.step()
with torch.no_grad():
    mse = ((x - forward(x)) ** 2).mean(dim=(1, 2, 3))


def to_tfjs(i, tensor):
    a = tensor.detach().numpy()
    return (np.transpose(a, (2, 3, 1, 0)) if layout[i][0] in ("conv", "deconv") else a).tolist()


common.write_fixture("nn_conv2d.json", {
    "torch": torch.__version__,
    "X": X.tolist(),
    "imageShape": [S, S, 1],
    "filters": FILTERS,
    "latentDim": LATENT,
    "learningRate": LR,
    "initialWeights": [w.tolist() for _, w in layout],
    "reconstruction": reconstruction.tolist(),
    "loss": float(loss.item()),
    "gradients": [to_tfjs(i, g) for i, g in enumerate(grads)],
    "weightsAfterStep": [to_tfjs(i, q) for i, q in enumerate(params)],
    "mseAfterStep": mse.numpy().tolist(),
})

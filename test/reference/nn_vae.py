"""Reference for VAEDetector (test/nn-family.test.ts, "VAEDetector against PyOD"): PyOD's own VAE network and
loss (pyod/models/vae.py: VAEModel, vae_loss, evaluated in float64) at fixed weights and fixed noise.

The network: PyOD's VAEModel(4, encoder_neuron_list=[5], decoder_neuron_list=[5], latent_dim=2, relu hidden
layers, identity output, no batch norm, no dropout, logvar_clip (-30, 20)), whose layers are ours by name:
encoder.0 = encoder_1, encoder_mu = z_mean, encoder_logvar = z_log_var, decoder.0 = decoder_1,
decoder.1 = reconstruction. The data, weights and noise are nn_family.py's VAE draws (RandomState(11), in the
same order), weights in tfjs's [in, out] layout.

Stored, at those weights, for the rows X with the reparameterisation noise epsilon (PyOD draws it with
torch.randn_like; here that call returns the given epsilon):
- reconstruction: vae_loss(x, x_hat, mu, logvar, beta=0), i.e. PyOD's mse criterion of the forward pass;
- kl: vae_loss(x, x, mu, logvar, beta=1, capacity=inf), i.e. PyOD's KL term alone (mean over rows of
  -0.5 * sum(1 + logvar - mu^2 - exp(logvar)));
- per (beta, C) case, pyodLoss = vae_loss(..., beta, capacity=C) = reconstruction + beta * clamp(KL, 0, C),
  PyOD's training loss; anomaly-lab's loss is reconstruction + beta * |KL - C| (Burgess et al.; see
  src/nn/vae.ts), so the test checks ours against the two terms above, not against pyodLoss;
- scores: pairwise_distances_no_broadcast(x, decode(mu)), PyOD's distance to the reconstruction from the
  latent mean (PyOD's own decision_function decodes a random draw of z instead, so its scores are not
  reproducible);
- parameterCount: the parameters of PyOD's default VAE network (encoder [128, 64, 32], decoder [32, 64, 128],
  latent 2) on 29 columns.

Run: bash test/reference/regenerate.sh nn_vae  (writes test/fixtures/nn_vae.json)
"""
import common  # noqa: F401  (sys.path order; before numpy)
import numpy as np
import pyod
import torch
from pyod.models.vae import VAEModel, vae_loss
from pyod.utils.stat_models import pairwise_distances_no_broadcast

torch.set_default_dtype(torch.float64)
rs = np.random.RandomState(11)
CLIP = (-30.0, 20.0)


def dense(fan_in, fan_out, scale=0.6):
    return [rs.uniform(-scale, scale, size=(fan_in, fan_out)), rs.uniform(-0.2, 0.2, size=fan_out)]


# nn_family.py's VAE draws, in its order: X, then the layers, then epsilon.
d = 4
X = rs.normal(size=(10, d))
X[0] *= 3
layers = {"encoder_1": dense(d, 5), "z_mean": dense(5, 2), "z_log_var": dense(5, 2), "decoder_1": dense(2, 5),
          "reconstruction": dense(5, d)}
epsilon = rs.normal(size=(10, 2))

model = VAEModel(d, encoder_neuron_list=[5], decoder_neuron_list=[5], latent_dim=2, hidden_activation_name="relu",
                 output_activation_name="identity", batch_norm=False, dropout_rate=0.0, logvar_clip=CLIP)
linear_of = {"encoder_1": model.encoder[0].linear, "z_mean": model.encoder_mu, "z_log_var": model.encoder_logvar,
             "decoder_1": model.decoder[0].linear, "reconstruction": model.decoder[1].linear}
assert set(name for name, _ in model.named_parameters()) == {
    f"{prefix}.{kind}" for prefix in ("encoder.0.linear", "encoder_mu", "encoder_logvar", "decoder.0.linear",
                                      "decoder.1.linear") for kind in ("weight", "bias")}
with torch.no_grad():
    for name, (kernel, bias) in layers.items():
        linear_of[name].weight.copy_(torch.tensor(kernel.T))
        linear_of[name].bias.copy_(torch.tensor(bias))
model.eval()

x = torch.tensor(X)
real_randn_like = torch.randn_like
torch.randn_like = lambda tensor: torch.tensor(epsilon)  # PyOD's reparameterize draws eps with torch.randn_like
try:
    with torch.no_grad():
        x_hat, mu, logvar = model(x)
finally:
    torch.randn_like = real_randn_like
with torch.no_grad():
    reconstruction = vae_loss(x, x_hat, mu, logvar, beta=0.0, logvar_clip=CLIP).item()
    kl = vae_loss(x, x, mu, logvar, beta=1.0, capacity=float("inf"), logvar_clip=CLIP).item()
    cases = [{"beta": beta, "capacity": c, "loss": reconstruction + beta * abs(kl - c),
              "pyodLoss": vae_loss(x, x_hat, mu, logvar, beta=beta, capacity=c, logvar_clip=CLIP).item()}
             for beta, c in [(1.0, 0.0), (0.25, 0.0), (2.0, 0.3)]]
    scores = pairwise_distances_no_broadcast(X, model.decode(mu).numpy())

default_network = VAEModel(29, dropout_rate=0.2, output_activation_name="identity", batch_norm=False)
common.write_fixture("nn_vae.json", {
    "pyod": pyod.__version__, "torch": torch.__version__,
    "X": X.tolist(), "layers": {name: [a.tolist() for a in arrays] for name, arrays in layers.items()},
    "epsilon": epsilon.tolist(), "reconstruction": reconstruction, "kl": kl, "cases": cases, "scores": scores.tolist(),
    "parameterCount": {"columns": 29, "count": sum(p.numel() for p in default_network.parameters())},
})

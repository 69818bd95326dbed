"""Reference for the deep detector family (test/nn-family.test.ts), in PyTorch (Debian's python3-torch,
float64) from fixed weights, following the definitions of PyOD 2 and the papers:

- VAE: loss = mse_loss(x_hat, x) + beta * |KL - C|, KL = mean over rows of -0.5 * sum(1 + logvar - mu^2 - exp(logvar)),
  z = mu + exp(logvar / 2) * eps with the eps given; score = ||x - decode(mu)||.
- Deep SVDD (Ruff et al. 2018, PyOD InnerDeepSVDD/_init_c): bias-free relu layers, c = mean of the initial
  outputs with |c| < 0.1 pushed to +-0.1, loss = mean ||phi(x) - c||^2, one Adam step with weight_decay
  (PyTorch adds wd * w to the gradient), scores = ||phi(x) - c||^2 after the step.
- SO-GAAL / MO-GAAL (PyOD): nn.BCELoss on the discriminator's sigmoid outputs: D loss = BCE(D(x), 1) +
  BCE(D(G(z)), 0); G loss = BCE(D(G(z)), 1); MO-GAAL's noise blocks and percentile targets; score 1 - D(x);
  two steps of optim.SGD(momentum=0.9).
- GAN ensemble (GANomaly losses, EGBAD-weighted score), 2 generators x 2 discriminators.

Run: /usr/bin/python3 test/reference/nn_family.py  (writes test/fixtures/nn_family.json)
"""
import common  # noqa: F401  (sys.path order; before numpy)
import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rs = np.random.RandomState(11)
T = torch.tensor


def dense(fan_in, fan_out, bias=True, scale=0.6):
    w = rs.uniform(-scale, scale, size=(fan_in, fan_out))
    return [w, rs.uniform(-0.2, 0.2, size=fan_out)] if bias else [w]


def lists(layers):
    return {name: [np.asarray(a).tolist() for a in arrays] for name, arrays in layers.items()}


def apply(layers, name, x, act=None):
    arrays = layers[name]
    y = x @ T(arrays[0]) + (T(arrays[1]) if len(arrays) > 1 else 0)
    return act(y) if act is not None else y


# ---- VAE: 4 -> 5 relu -> (mu, logvar) 2 ; 2 -> 5 relu -> 4 linear
d = 4
vae_x = rs.normal(size=(10, d))
vae_x[0] *= 3
vae_layers = {"encoder_1": dense(d, 5), "z_mean": dense(5, 2), "z_log_var": dense(5, 2), "decoder_1": dense(2, 5), "reconstruction": dense(5, d)}
eps = rs.normal(size=(10, 2))
x = T(vae_x)
h = apply(vae_layers, "encoder_1", x, torch.relu)
mu, logvar = apply(vae_layers, "z_mean", h), apply(vae_layers, "z_log_var", h)


def decode(z):
    return apply(vae_layers, "reconstruction", apply(vae_layers, "decoder_1", z, torch.relu))


x_hat = decode(mu + torch.exp(0.5 * logvar) * T(eps))
recon = F.mse_loss(x_hat, x).item()
kl = torch.mean(-0.5 * torch.sum(1 + logvar - mu ** 2 - torch.exp(logvar), dim=1)).item()
vae_cases = [{"beta": beta, "capacity": c, "loss": recon + beta * abs(kl - c)} for beta, c in [(1.0, 0.0), (0.25, 0.0), (2.0, 0.3)]]
vae_scores = torch.sqrt(torch.sum((x - decode(mu)) ** 2, dim=1)).tolist()

# ---- Deep SVDD: 4 -> 6 relu -> 3 relu, no biases; one Adam step (lr 0.01, eps 1e-7, weight_decay 0.05)
svdd_x = rs.normal(size=(12, d))
svdd_layers = {"layer_1": dense(d, 6, bias=False), "layer_2": dense(6, 3, bias=False)}
params = [T(svdd_layers[n][0], requires_grad=True) for n in ("layer_1", "layer_2")]


def phi(x):
    return torch.relu(torch.relu(x @ params[0]) @ params[1])


xs = T(svdd_x)
with torch.no_grad():
    c = phi(xs).mean(dim=0)
c_raw = c.tolist()
c[(torch.abs(c) < 0.1) & (c < 0)] = -0.1
c[(torch.abs(c) < 0.1) & (c > 0)] = 0.1
WD, LR = 0.05, 0.01
opt = torch.optim.Adam(params, lr=LR, eps=1e-7, weight_decay=WD)
loss0 = torch.mean(torch.sum((phi(xs) - c) ** 2, dim=-1))
loss_with_decay = loss0.item() + WD / 2 * sum((p ** 2).sum().item() for p in params)
opt.zero_grad()
loss0.backward()
opt.step()
with torch.no_grad():
    svdd_scores = torch.sum((phi(xs) - c) ** 2, dim=-1).tolist()

# ---- GAAL: discriminator 4 -> 3 relu -> 1 sigmoid ; generator 4 -> 4 relu -> 4 relu
gaal_x = rs.uniform(size=(9, d))
noise = rs.uniform(size=(9, d))
gaal_layers = {"discriminator_1": dense(d, 3), "discriminator_logit": dense(3, 1), "generator_0_1": dense(d, d), "generator_0_2": dense(d, d)}


def disc_logit(x):
    return apply(gaal_layers, "discriminator_logit", apply(gaal_layers, "discriminator_1", x, torch.relu))


fake = apply(gaal_layers, "generator_0_2", apply(gaal_layers, "generator_0_1", T(noise), torch.relu), torch.relu)
bce = torch.nn.BCELoss()
real_logits, fake_logits = disc_logit(T(gaal_x)), disc_logit(fake)
d_real = torch.sigmoid(real_logits)
n_real, n_fake = len(gaal_x), len(noise)
so_d_loss = (bce(d_real, torch.ones(n_real, 1)) + bce(torch.sigmoid(fake_logits), torch.zeros(n_fake, 1))).item()
so_g_loss = bce(torch.sigmoid(fake_logits), torch.ones(n_fake, 1)).item()
mo_d_loss = bce(torch.sigmoid(torch.cat([real_logits, fake_logits])), torch.cat([torch.ones(n_real, 1), torch.zeros(n_fake, 1)])).item()
soft_target = 0.37
mo_g_loss = bce(torch.sigmoid(fake_logits), torch.full((n_fake, 1), soft_target)).item()


def pyod_blocks(batch_size, k):
    """PyOD MO_GAAL.fit's noise split, verbatim arithmetic."""
    block = ((1 + k) * k) // 2
    out = []
    for i in range(k):
        start = int((((k + (k - i + 1)) * i) / 2) * (batch_size // block))
        end = int((((k + (k - i)) * (i + 1)) / 2) * (batch_size // block)) if i != k - 1 else batch_size
        out.append([start, end])
    return out


blocks = [{"b": b, "k": k, "blocks": pyod_blocks(b, k)} for b, k in [(500, 10), (137, 10), (40, 10), (64, 3), (7, 1)]]
pred = rs.uniform(size=50)
targets = {"values": pred.tolist(), "k": 10, "targets": [float(np.percentile(pred, i / 10 * 100)) for i in range(10)]}

# SGD with momentum, two steps on fixed gradients
w0 = rs.normal(size=5)
g1, g2 = rs.normal(size=5), rs.normal(size=5)
w = T(w0, requires_grad=True)
sgd = torch.optim.SGD([w], lr=0.05, momentum=0.9)
for g in (g1, g2):
    sgd.zero_grad()
    w.grad = T(g)
    sgd.step()
sgd_after = w.detach().tolist()

# ---- GAN ensemble: 2 generators (4 -> 5 relu -> 2 -> 5 relu -> 4), 2 discriminators (4 -> 6 lrelu -> 3 lrelu -> 1)
ens_x = rs.normal(size=(8, d))
ens_layers = {}
for i in range(2):
    ens_layers.update({f"g{i}_encoder_1": dense(d, 5), f"g{i}_latent": dense(5, 2), f"g{i}_decoder_1": dense(2, 5), f"g{i}_reconstruction": dense(5, d)})
for j in range(2):
    ens_layers.update({f"d{j}_hidden_1": dense(d, 6), f"d{j}_hidden_2": dense(6, 3), f"d{j}_logit": dense(3, 1)})
lrelu = lambda t: F.leaky_relu(t, 0.2)  # noqa: E731


def gen(i, x):
    h = apply(ens_layers, f"g{i}_encoder_1", x, torch.relu)
    h = apply(ens_layers, f"g{i}_latent", h)
    h = apply(ens_layers, f"g{i}_decoder_1", h, torch.relu)
    return apply(ens_layers, f"g{i}_reconstruction", h)


def feat(j, x):
    return apply(ens_layers, f"d{j}_hidden_2", apply(ens_layers, f"d{j}_hidden_1", x, lrelu), lrelu)


def logit(j, x):
    return apply(ens_layers, f"d{j}_logit", feat(j, x))


xe = T(ens_x)
LAMBDA, W_ADV, W_REC = 0.1, 1.0, 50.0
pair_scores = []
for i in range(2):
    xh = gen(i, xe)
    rec = torch.mean(torch.abs(xe - xh), dim=1)
    for j in range(2):
        fe = torch.mean((feat(j, xe) - feat(j, xh)) ** 2, dim=1)
        pair_scores.append((1 - LAMBDA) * rec + LAMBDA * fe)
ens_scores = torch.stack(pair_scores).mean(dim=0).tolist()
single_scores = pair_scores[0].tolist()
xh1 = gen(1, xe)
ens_g_loss = (W_ADV * torch.mean((feat(0, xe) - feat(0, xh1)) ** 2) + W_REC * torch.mean(torch.abs(xe - xh1))).item()
xh0 = gen(0, xe)
ens_d_loss = (0.5 * (bce(torch.sigmoid(logit(1, xe)), torch.ones(8, 1)) + bce(torch.sigmoid(logit(1, xh0)), torch.zeros(8, 1)))).item()

common.write_fixture("nn_family.json", {
    "torch": torch.__version__,
    "vae": {"X": vae_x.tolist(), "layers": lists(vae_layers), "epsilon": eps.tolist(), "reconstruction": recon, "kl": kl, "cases": vae_cases, "scores": vae_scores},
    "svdd": {"X": svdd_x.tolist(), "layers": lists(svdd_layers), "centreRaw": c_raw, "centre": c.tolist(), "weightDecay": WD, "learningRate": LR,
             "lossAtStart": loss_with_decay, "weightsAfterStep": [p.detach().tolist() for p in params], "scoresAfterStep": svdd_scores},
    "gaal": {"X": gaal_x.tolist(), "layers": lists(gaal_layers), "realLogits": real_logits.flatten().tolist(), "fakeLogits": fake_logits.flatten().tolist(),
             "dReal": d_real.flatten().tolist(), "soDiscriminatorLoss": so_d_loss, "soGeneratorLoss": so_g_loss,
             "moDiscriminatorLoss": mo_d_loss, "softTarget": soft_target, "moGeneratorLoss": mo_g_loss, "blocks": blocks, "targets": targets},
    "sgd": {"w0": w0.tolist(), "gradients": [g1.tolist(), g2.tolist()], "lr": 0.05, "momentum": 0.9, "after": sgd_after},
    "ensemble": {"X": ens_x.tolist(), "layers": lists(ens_layers), "featureWeight": LAMBDA, "scores": ens_scores, "singlePairScores": single_scores,
                 "generatorLoss_g1_d0": ens_g_loss, "discriminatorLoss_g0_d1": ens_d_loss},
})

"""Reference for the LSTM autoencoder (test/nn-lstm.test.ts), from PyTorch's own nn.LSTM:

1. one step from a zero state: nn.LSTM over sequences of length 1 from fixed weights -> h (what anomaly-lab's
   one-step layer, a gated dense layer, must equal with kernel = weight_ih^T and bias = bias_ih + bias_hh);
2. several steps: the same nn.LSTM over sequences of length 4 -> every h (what tfjs's LSTM with the sigmoid
   recurrent activation must equal, with recurrent kernel = weight_hh^T);
3. a small network of the bearing tutorial's shape on one timestep (LSTM 6 -> LSTM 3 -> RepeatVector(1) ->
   LSTM 3 -> LSTM 6 -> Linear 4, tanh as nn.LSTM has it), the MAE loss at fixed weights and the weights after
   one Adam step (Keras epsilon 1e-7). bias_hh is zero and frozen so that each layer has one bias, as in Keras
   (two biases would each take an Adam step). With a zero state the recurrent weights and the forget gate get
   no gradient: the step leaves them where they were, as the gated dense form does.

Run: bash test/reference/regenerate.sh nn_lstm  (writes test/fixtures/nn_lstm.json)
"""
import common  # noqa: F401  (sys.path order; before numpy)
import numpy as np
import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)  # float64 reference; tfjs computes in float32
rs = np.random.RandomState(11)


def lstm_from(weights, input_size, units):
    lstm = torch.nn.LSTM(input_size, units, batch_first=True)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(weights["weight_ih"]))
        lstm.weight_hh_l0.copy_(torch.tensor(weights["weight_hh"]))
        lstm.bias_ih_l0.copy_(torch.tensor(weights["bias_ih"]))
        lstm.bias_hh_l0.copy_(torch.tensor(weights["bias_hh"]))
    return lstm


def random_weights(input_size, units, bias_hh=True):
    return {
        "weight_ih": rs.uniform(-0.8, 0.8, size=(4 * units, input_size)),
        "weight_hh": rs.uniform(-0.8, 0.8, size=(4 * units, units)),
        "bias_ih": rs.uniform(-0.3, 0.3, size=4 * units),
        "bias_hh": rs.uniform(-0.3, 0.3, size=4 * units) if bias_hh else np.zeros(4 * units),
    }


def as_lists(weights):
    return {k: v.tolist() for k, v in weights.items()}


# 1 and 2: one layer, 3 features -> 5 units.
F, U = 3, 5
layer = random_weights(F, U)
lstm = lstm_from(layer, F, U)
one_step_x = rs.normal(size=(6, 1, F))
sequences_x = rs.normal(size=(6, 4, F))
with torch.no_grad():
    one_step_h = lstm(torch.tensor(one_step_x))[0][:, 0, :]
    sequence_h = lstm(torch.tensor(sequences_x))[0]

# 3: the tutorial's shape, scaled down.
sizes = [(4, 6), (6, 3), (3, 3), (3, 6)]
net_weights = [random_weights(i, u, bias_hh=False) for i, u in sizes]
dense_kernel = rs.uniform(-0.6, 0.6, size=(6, 4))  # Keras layout [in, out]
dense_bias = rs.uniform(-0.1, 0.1, size=4)
lstms = [lstm_from(w, i, u) for w, (i, u) in zip(net_weights, sizes)]
for l in lstms:
    l.bias_hh_l0.requires_grad_(False)
kernel = torch.tensor(dense_kernel, requires_grad=True)
bias = torch.tensor(dense_bias, requires_grad=True)
X = rs.uniform(0, 1, size=(10, 1, 4))
X[3] += 1.5  # one row far from the rest
x = torch.tensor(X)
LR = 0.01


def forward(x):
    h = lstms[0](x)[0]               # return_sequences=True
    code = lstms[1](h)[0][:, -1, :]  # return_sequences=False
    h = code.unsqueeze(1).repeat(1, x.shape[1], 1)  # RepeatVector(T)
    h = lstms[2](h)[0]
    h = lstms[3](h)[0]
    return h @ kernel + bias         # TimeDistributed(Dense(4))


params = [p for l in lstms for p in (l.weight_ih_l0, l.weight_hh_l0, l.bias_ih_l0)] + [kernel, bias]
loss = (x - forward(x)).abs().mean()
optimizer = torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=1e-7)
optimizer.zero_grad()
loss.backward()
optimizer.step()
with torch.no_grad():
    mae_after = (x - forward(x)).abs().mean(dim=(1, 2))

common.write_fixture("nn_lstm.json", {
    "torch": torch.__version__,
    "layer": as_lists(layer),
    "oneStepX": one_step_x.tolist(),
    "oneStepH": one_step_h.numpy().tolist(),
    "sequencesX": sequences_x.tolist(),
    "sequenceH": sequence_h.numpy().tolist(),
    "network": {
        "sizes": sizes,
        "initial": [as_lists(w) for w in net_weights],
        "denseKernel": dense_kernel.tolist(),
        "denseBias": dense_bias.tolist(),
        "X": X.tolist(),
        "learningRate": LR,
        "loss": float(loss.item()),
        "after": [{"weight_ih": l.weight_ih_l0.detach().numpy().tolist(), "weight_hh": l.weight_hh_l0.detach().numpy().tolist(),
                   "bias_ih": l.bias_ih_l0.detach().numpy().tolist()} for l in lstms],
        "denseKernelAfter": kernel.detach().numpy().tolist(),
        "denseBiasAfter": bias.detach().numpy().tolist(),
        "maeAfter": mae_after.numpy().tolist(),
    },
})

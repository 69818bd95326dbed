"""Fixture for test/benchmark.test.ts: how ADBench builds Deep SVDD (adbench/baseline/PyOD.py: `DeepSVDD()` with
PyOD's defaults, fitted on the training part), read from PyOD 3.6.7 itself: the constructor's defaults, the
network PyOD builds with them (layer widths, biases, the activation after every layer) and the optimizer.

    /work/venv-ref/bin/python test/reference/benchmark_deep_svdd.py   (or bash test/reference/regenerate.sh)
"""
import inspect

from common import write_fixture  # first: common.py keeps this folder from shadowing numpy's imports
import pyod
import torch
from pyod.models.deep_svdd import DeepSVDD, InnerDeepSVDD, optimizer_dict


def main():
    defaults = {name: p.default for name, p in inspect.signature(DeepSVDD.__init__).parameters.items()
                if p.default is not inspect.Parameter.empty}
    model = DeepSVDD(n_features=7)
    net = InnerDeepSVDD(7, use_ae=model.use_ae, hidden_neurons=model.hidden_neurons,
                        hidden_activation=model.hidden_activation, output_activation=model.output_activation,
                        dropout_rate=model.dropout_rate, l2_regularizer=model.l2_regularizer)
    modules = list(net.model.children())
    linear = [m for m in modules if isinstance(m, torch.nn.Linear)]
    fixture = {
        "versions": {"pyod": pyod.__version__, "torch": torch.__version__},
        "epochs": defaults["epochs"],
        "batchSize": defaults["batch_size"],
        "learningRate": defaults["learning_rate"],
        "optimizer": optimizer_dict[defaults["optimizer"]].__name__,
        # Adam's weight_decay (adds lambda * w to the gradient: the gradient of lambda / 2 * |w|^2).
        "weightDecay": defaults["l2_regularizer"],
        "dropoutRate": defaults["dropout_rate"],
        "contamination": defaults["contamination"],
        # preprocessing=True: a StandardScaler fitted on the training rows.
        "standardises": defaults["preprocessing"],
        "hiddenUnits": [m.out_features for m in linear],
        "biases": any(m.bias is not None for m in linear),
        # The activation after the output layer (the network's last module): PyOD applies the hidden one there too.
        "outputActivation": type(modules[-1]).__name__,
        "hiddenActivation": defaults["hidden_activation"],
    }
    write_fixture("benchmark_deep_svdd.json", fixture, indent=2)


if __name__ == "__main__":
    main()

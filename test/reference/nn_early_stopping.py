"""Reference for early stopping (test/nn.test.ts): Keras's own `EarlyStopping` callback on crafted loss
sequences. A callback placed before it replaces the epoch's `loss` / `val_loss` in the logs with the next value
of a sequence, so EarlyStopping sees exactly the numbers the test feeds anomaly-lab's training loop; the fixture
stores how many epochs ran, the epoch Keras stopped at (None when it ran them all) and the best epoch whose
weights `restore_best_weights=True` puts back (1-based).

The values are multiples of 1/64, exact in float32 and float64, so that tfjs (float32) and Keras compare the
same numbers, including the ties (an equal loss is not an improvement) and the `min_delta` edges.

Needs Keras 3 with any backend (here PyTorch's): pip install keras; KERAS_BACKEND=torch.
Run: KERAS_BACKEND=torch python test/reference/nn_early_stopping.py  (writes test/fixtures/nn_early_stopping.json)
"""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import common  # noqa: E402,F401  (sys.path order; before numpy)
import keras  # noqa: E402
import numpy as np  # noqa: E402

BOUNCE = [1.0, 0.5, 0.75, 0.625, 0.5, 0.25, 0.375, 0.375, 0.375, 0.375]
SLOW = [1.0, 0.875, 0.8125, 0.75, 0.5, 0.484375, 0.46875, 0.453125, 0.4375, 0.421875]
CASES = [
    {"name": "bounce, patience 0", "loss": BOUNCE, "patience": 0, "minDelta": 0},
    {"name": "bounce, patience 1", "loss": BOUNCE, "patience": 1, "minDelta": 0},
    {"name": "bounce, patience 2", "loss": BOUNCE, "patience": 2, "minDelta": 0},
    {"name": "bounce, patience 3 (an equal loss is no improvement)", "loss": BOUNCE, "patience": 3, "minDelta": 0},
    {"name": "bounce, patience 4 (a later improvement resets the wait)", "loss": BOUNCE, "patience": 4, "minDelta": 0},
    {"name": "slow decrease, minDelta 0", "loss": SLOW, "patience": 2, "minDelta": 0},
    {"name": "slow decrease, minDelta 1/8 (a decrease of exactly minDelta is no improvement)", "loss": SLOW, "patience": 2,
     "minDelta": 0.125},
    {"name": "slow decrease, minDelta 1/64", "loss": SLOW, "patience": 1, "minDelta": 0.015625},
    {"name": "val_loss monitored", "loss": SLOW, "valLoss": BOUNCE, "monitor": "val_loss", "patience": 2, "minDelta": 0},
]


class CraftedLogs(keras.callbacks.Callback):
    """Puts the case's values into the epoch's logs before EarlyStopping (next in the list) reads them."""

    def __init__(self, case):
        super().__init__()
        self.case = case

    def on_epoch_end(self, epoch, logs=None):
        logs["loss"] = self.case["loss"][epoch]
        if "valLoss" in self.case:
            logs["val_loss"] = self.case["valLoss"][epoch]


def run(case):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    monitor = case.get("monitor", "loss")
    stopper = keras.callbacks.EarlyStopping(monitor=monitor, patience=case["patience"], min_delta=case["minDelta"],
                                            restore_best_weights=True)
    x = np.zeros((4, 1), dtype="float32")
    history = model.fit(x, x, epochs=len(case["loss"]), batch_size=4, verbose=0, shuffle=False,
                        callbacks=[CraftedLogs(case), stopper])
    seen = history.history[monitor]
    expected = case["valLoss" if monitor == "val_loss" else "loss"][:len(seen)]
    assert seen == expected, f"{case['name']}: the crafted values did not reach the logs: {seen}"
    return {
        **case,
        "monitor": monitor,
        "epochsRun": len(seen),
        "stoppedEpoch": stopper.stopped_epoch + 1 if stopper.stopped_epoch > 0 else None,
        "bestEpoch": stopper.best_epoch + 1,
    }


common.write_fixture("nn_early_stopping.json", {"keras": keras.__version__, "cases": [run(case) for case in CASES]}, indent=1)

"""aelib.train vs the tutorial's plain `model.fit`, same model, data and epochs: seconds per epoch.

For each architecture, builds the model twice from the same seed and trains one copy through
`aelib.train` (seeded batches, progress events, stop switch, its per-architecture steps per
execution) and the other through a plain `compile` + `fit(x, x, shuffle=True)` as the tutorial
does, alternating the two, on the bundled MNIST sample (8,000 training images). Prints the median
seconds per epoch of each, first epoch of every run excluded (it includes tracing and
compilation), the speed-up (plain seconds / aelib seconds) and each final validation loss.
The backend is Keras's: `KERAS_BACKEND=jax python bench/train_speed.py` compares on JAX.

    python bench/train_speed.py [--epochs 4] [--rounds 3] [--only dense,conv]
                                [--steps-per-execution N]  # instead of aelib's choice
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402

import aelib  # noqa: E402
from aelib.training.fit import compile_model  # noqa: E402


class EpochTimer(keras.callbacks.Callback):
    """Wall time of each epoch, validation included (as aelib's EpochEnded.seconds)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def time_aelib(name, data, epochs, batch_size, steps_per_execution=None):
    """Train through `aelib.train`: (seconds of every epoch, total seconds, last val loss)."""
    ae = aelib.build(name, seed=0, image_shape=data.image_shape)
    seconds = []
    result = aelib.train(ae, data, epochs=epochs, batch_size=batch_size, seed=0,
                         steps_per_execution=steps_per_execution,
                         on_progress=lambda e: isinstance(e, aelib.EpochEnded)
                         and seconds.append(e.seconds))
    return seconds, result.seconds, result.history["val_loss"][-1]


def time_bare_fit(name, data, epochs, batch_size):
    """Train through a plain `fit`: (seconds of every epoch, total seconds, last val loss)."""
    ae = aelib.build(name, seed=0, image_shape=data.image_shape)
    compile_model(ae)  # same optimizer and loss as aelib.train
    x, x_test = ae.to_model_input(data.x_train), ae.to_model_input(data.x_test)
    timer = EpochTimer()
    started = time.perf_counter()
    history = ae.autoencoder.fit(x, x, epochs=epochs, batch_size=batch_size, shuffle=True,
                                 validation_data=(x_test, x_test), callbacks=[timer], verbose=0)
    return timer.seconds, time.perf_counter() - started, history.history["val_loss"][-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--only", default=",".join(aelib.ARCHITECTURES))
    parser.add_argument("--steps-per-execution", type=int, default=None)
    args = parser.parse_args()
    data = aelib.load_dataset("bundled")
    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, keras {keras.__version__} "
          f"({keras.backend.backend()}), {len(data.x_train)} train images, "
          f"{args.epochs} epochs x {args.rounds} rounds, batch {args.batch_size}")
    print(f"{'model':<10} {'aelib s/ep':>10} {'fit s/ep':>9} {'speed-up':>8} "
          f"{'aelib val':>9} {'fit val':>8}")
    for name in args.only.split(","):
        ours, theirs, our_loss, their_loss = [], [], [], []
        for _ in range(args.rounds):
            seconds, _, loss = time_aelib(name, data, args.epochs, args.batch_size,
                                          args.steps_per_execution)
            ours += seconds[1:]
            our_loss.append(loss)
            seconds, _, loss = time_bare_fit(name, data, args.epochs, args.batch_size)
            theirs += seconds[1:]
            their_loss.append(loss)
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"{name:<10} {a:>10.3f} {b:>9.3f} {b / a:>8.2f} "
              f"{statistics.median(our_loss):>9.4f} {statistics.median(their_loss):>8.4f}",
              flush=True)


if __name__ == "__main__":
    main()

import gc
import math
import threading
import warnings

import keras
import numpy as np
import pytest

import aelib
from aelib.training.progress import BatchProgress, EpochEnded, EpochStarted


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_every_architecture_reduces_the_loss(name, small_data):
    ae = aelib.build(name, seed=0)
    result = aelib.train(ae, small_data, epochs=3, batch_size=64, seed=0)
    assert result.epochs_done == 3 and result.stop_reason is None
    assert len(result.history["loss"]) == len(result.history["val_loss"]) == 3
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert result.history["val_loss"][-1] < result.history["val_loss"][0]


def test_reported_loss_is_mean_per_pixel_binary_cross_entropy(small_data):
    ae = aelib.build("dense", seed=0)
    result = aelib.train(ae, small_data, epochs=2, batch_size=64)
    errors = aelib.explore.analysis.reconstruction_errors(small_data.x_test,
                                                  ae.reconstruct(small_data.x_test))
    assert result.history["val_loss"][-1] == pytest.approx(errors.mean(), rel=1e-3)


def test_same_seed_same_curve_other_seed_other_curve(small_data):
    def curve(seed):
        return aelib.train(aelib.build("dense", seed=0), small_data, epochs=2, batch_size=64,
                           seed=seed).history["loss"]

    assert curve(5) == curve(5)
    assert curve(5) != curve(6)


def test_a_continued_training_numbers_its_epochs_after_the_earlier_ones(small_data):
    events = []
    ae = aelib.build("dense")
    aelib.train(ae, small_data, epochs=1, batch_size=64)
    result = aelib.train(ae, small_data, epochs=2, batch_size=64, initial_epoch=1,
                         on_progress=events.append)
    assert result.epochs_done == 2 and len(result.history["loss"]) == 2
    assert [(e.epoch, e.epochs) for e in events if isinstance(e, EpochStarted)] == [(2, 3),
                                                                                     (3, 3)]
    assert events[-1].epochs_done == 3
    with pytest.raises(ValueError, match="initial_epoch"):
        aelib.train(ae, small_data, epochs=1, initial_epoch=-1)


def test_several_steps_per_call_report_per_call_and_train_the_same(small_data, monkeypatch):
    monkeypatch.setattr("aelib.training.progress.BATCH_EVENT_INTERVAL_S", 0.0)
    events = []
    several = aelib.train(aelib.build("dense", seed=0), small_data, epochs=2, batch_size=64,
                          on_progress=events.append, steps_per_execution=4)
    one = aelib.train(aelib.build("dense", seed=0), small_data, epochs=2, batch_size=64,
                      steps_per_execution=1)
    assert [e.batch for e in events if isinstance(e, BatchProgress)] == [4, 4]  # 8 steps, 2 calls
    assert several.history["loss"] == pytest.approx(one.history["loss"], rel=1e-4)
    assert several.history["val_loss"] == pytest.approx(one.history["val_loss"], rel=1e-4)


def test_on_a_cpu_the_dense_family_runs_an_epoch_per_call_and_the_others_fewer_steps():
    if aelib.training.distribution.has_accelerator():
        pytest.skip("on an accelerator every model runs 32 steps per call")
    pick = aelib.training.fit.default_steps_per_execution
    assert [pick(name, 32) for name in ("dense", "sparse", "deep", "vae")] == [32] * 4
    assert pick("dense", 8) == 8 and pick("dense", 500) == 32
    assert [pick(name, 32) for name in ("conv", "denoising", "lstm")] == [8] * 3
    assert pick("conv", 3) == 3 and pick("dense", 32, data_parallel=True) == (
        1 if keras.backend.backend() == "tensorflow" else 32)


@pytest.mark.parametrize("train_size", [416, 300, 256, 40])
def test_each_epoch_runs_exactly_its_batches_at_several_steps_per_call(train_size, bundled):
    # 416 images of 32 are 13 steps: at 8 steps per call, a call of 8 and a call of 5, not two
    # calls of 8 running into the next epoch (which ended with "Your input ran out of data").
    data = bundled.subset(train_size, 64, seed=0)
    events = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = aelib.train(aelib.build("dense", seed=0), data, epochs=3, batch_size=32,
                             steps_per_execution=8, on_progress=events.append)
    assert not [w for w in caught if "ran out of data" in str(w.message)]
    steps = math.ceil(train_size / 32)
    assert [e.steps for e in events if isinstance(e, EpochEnded)] == [steps] * 3
    assert [e.batches for e in events if isinstance(e, EpochStarted)] == [steps] * 3
    assert result.epochs_done == 3 and len(result.history["val_loss"]) == 3


@pytest.mark.parametrize("steps", [0, 2.5])
def test_bad_steps_per_execution_raise_a_clear_error(steps, small_data):
    with pytest.raises(ValueError, match="steps_per_execution must be a whole number"):
        aelib.train(aelib.build("dense"), small_data, steps_per_execution=steps)


def test_stop_ends_training_within_one_batch_and_keeps_the_weights(small_data):
    stop = threading.Event()
    batches_seen = []

    def on_progress(event):
        if isinstance(event, BatchProgress):
            batches_seen.append(event.batch)
            stop.set()

    ae = aelib.build("dense", seed=0)
    before = ae.autoencoder.get_weights()[0].copy()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("aelib.training.progress.BATCH_EVENT_INTERVAL_S", 0.0)
        result = aelib.train(ae, small_data, epochs=20, batch_size=16, on_progress=on_progress,
                             stop=stop, steps_per_execution=1)
    assert result.stop_reason == "stopped on request"
    assert result.epochs_done == 1 and batches_seen == [1]
    assert len(result.history["loss"]) == 1
    assert not np.allclose(before, ae.autoencoder.get_weights()[0])  # trained weights kept


def test_non_finite_loss_stops_with_a_reason(small_data):
    ae = aelib.build("vae", seed=0)
    result = aelib.train(ae, small_data, epochs=5, batch_size=64, optimizer="adam",
                         learning_rate=10.0)
    assert result.epochs_done == 1 and len(result.history["loss"]) == 1
    assert "the loss became" in result.stop_reason and "lower learning rate" in result.stop_reason
    assert "the weights after epoch 0 are kept" in result.stop_reason
    weights = ae.autoencoder.get_weights()
    assert all(np.isfinite(w).all() for w in weights)  # the last good (here: initial) weights
    assert np.isfinite(ae.reconstruct(small_data.x_test[:4])).all()


def test_sparse_codes_are_sparser_than_dense_codes(bundled):
    data = bundled.subset(None, 500, seed=0)  # all 8,000 training images
    means = {}
    for name in ("dense", "sparse"):
        ae = aelib.build(name, seed=0)
        aelib.train(ae, data, epochs=10, batch_size=128, seed=0)
        means[name] = aelib.explore.analysis.sparsity_stats(ae.encode(data.x_test)).mean_activation
    assert means["sparse"] < 0.75 * means["dense"]


@pytest.mark.parametrize("optimizer, rate", [("adam", 1e-3), ("rmsprop", 1e-3), ("sgd", 1e-2),
                                             ("adadelta", 1.0)])
def test_optimizers_take_their_default_learning_rate(optimizer, rate):
    made = aelib.training.fit.make_optimizer(optimizer)
    assert isinstance(made, aelib.training.fit.OPTIMIZERS[optimizer])
    assert float(made.learning_rate) == pytest.approx(rate)


def test_an_unknown_optimizer_is_refused_with_a_value_error():
    with pytest.raises(ValueError, match="optimizer='adamw' is not allowed"):
        aelib.training.fit.make_optimizer("adamw")


@pytest.mark.parametrize("settings, message", [
    ({"epochs": 0}, "epochs=0 is not allowed"),
    ({"batch_size": 0}, "batch_size=0 is not allowed"),
    ({"optimizer": "adamw"}, "optimizer='adamw' is not allowed: expected one of 'adam'"),
    ({"learning_rate": 0.0}, "learning_rate=0.0 is not allowed"),
    ({"seed": -1}, "seed=-1 is not allowed"),
])
def test_bad_training_settings_raise_a_clear_error(settings, message, small_data):
    with pytest.raises(ValueError, match=message):
        aelib.train(aelib.build("dense"), small_data, **settings)


def test_denoising_validates_noisy_inputs_against_clean_targets(small_data):
    ae = aelib.build("denoising", seed=0, filters=(8, 8))
    result = aelib.train(ae, small_data, epochs=1, batch_size=64)
    noisy = aelib.add_noise(small_data.x_test, ae.noise_factor,
                            aelib.training.fit.VALIDATION_NOISE_SEED)
    errors = aelib.explore.analysis.reconstruction_errors(small_data.x_test, ae.reconstruct(noisy))
    assert result.history["val_loss"][-1] == pytest.approx(errors.mean(), rel=1e-3)


def test_training_more_models_adds_no_functions_to_tensorflow(small_data):
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's function library only")
    from tensorflow.python.eager import context

    def functions_after_training():
        aelib.train(aelib.build("dense"), small_data, epochs=1, batch_size=128)
        gc.collect()  # the model and its traced functions are gone
        return len(context.context().list_function_names())

    functions_after_training()
    counts = [functions_after_training() for _ in range(4)]
    # Functions of earlier tests' models may still be collected meanwhile: the count may fall.
    assert counts[-1] <= counts[0], counts


def test_without_the_pool_the_model_itself_is_compiled_and_learns_the_same(small_data):
    pooled, own = aelib.build("dense", seed=3), aelib.build("dense", seed=3)
    through_pool = aelib.train(pooled, small_data, epochs=2, batch_size=64, seed=1)
    by_itself = aelib.train(own, small_data, epochs=2, batch_size=64, seed=1, compiled=None)
    np.testing.assert_allclose(by_itself.history["loss"], through_pool.history["loss"],
                               rtol=1e-4)
    assert own.autoencoder.optimizer is not None  # ready to evaluate, as after plain fit
    assert not getattr(pooled.autoencoder, "compiled", False)  # the pool's copy trained
    own.autoencoder.evaluate(own.to_model_input(small_data.x_test[:8]),
                             own.to_model_input(small_data.x_test[:8]), verbose=0)


def test_the_settings_after_the_data_are_keywords_only(small_data):
    with pytest.raises(TypeError, match="positional"):
        aelib.train(aelib.build("dense"), small_data, 1)

import contextlib
import gc
import threading
import weakref

import keras
import numpy as np
import pytest

import aelib
from aelib.training._compiled import COMPILED_MODELS, CompiledModels
from aelib.training.progress import BatchProgress, EpochStarted


@pytest.fixture
def checked_out(monkeypatch):
    """The models `aelib.train` trains in, in order, from an empty pool."""
    COMPILED_MODELS.clear()
    used = []
    real_checkout = COMPILED_MODELS.checkout

    @contextlib.contextmanager
    def watch(*args, **kwargs):
        with real_checkout(*args, **kwargs) as model:
            used.append(model)
            yield model

    monkeypatch.setattr(COMPILED_MODELS, "checkout", watch)
    yield used
    COMPILED_MODELS.clear()


def curve(name, data, seed, **settings):
    ae = aelib.build(name, seed=seed)
    history = aelib.train(ae, data, epochs=2, batch_size=64, seed=seed, **settings).history
    return history, ae


@pytest.mark.parametrize("name", ["dense", "vae"])  # the VAE: its own loss, random sampling
def test_reused_compiled_functions_give_the_loss_curve_of_a_fresh_build(name, small_data,
                                                                        checked_out):
    fresh, fresh_ae = curve(name, small_data, seed=5)  # compiles a model for this setup
    curve(name, small_data, seed=6, learning_rate=0.01)  # other weights, rate, Adam moments
    reused, reused_ae = curve(name, small_data, seed=5)
    assert checked_out[0] is checked_out[1] is checked_out[2]  # compiled once, used thrice
    assert set(reused) == set(fresh)
    for metric, values in fresh.items():
        assert reused[metric] == pytest.approx(values, rel=1e-6), metric
    x = small_data.x_test[:8]
    np.testing.assert_allclose(reused_ae.reconstruct(x), fresh_ae.reconstruct(x), atol=1e-6)
    assert reused_ae.autoencoder is not checked_out[0]  # the person's model, not the pool's


def test_the_persons_model_can_be_used_while_its_copy_trains(small_data, checked_out,
                                                            monkeypatch):
    monkeypatch.setattr("aelib.training.progress.BATCH_EVENT_INTERVAL_S", 0.0)
    ae = aelib.build("dense", seed=0)
    before = ae.reconstruct(small_data.x_test[:4])
    seen = []

    def look(event):
        if isinstance(event, BatchProgress):  # mid-epoch: the copy is training
            seen.append(ae.reconstruct(small_data.x_test[:4]))

    aelib.train(ae, small_data, epochs=2, batch_size=64, steps_per_execution=2, on_progress=look)
    assert len(seen) == 6  # 3 of the 4 calls of each epoch report
    np.testing.assert_array_equal(seen[0], before)  # the first epoch is not over
    assert not np.allclose(seen[-1], before)  # the second sees the first epoch's weights


def test_two_trainings_of_one_setup_at_once_never_share_a_compiled_model(small_data,
                                                                         checked_out):
    both_training = threading.Barrier(2, timeout=300)
    curves = {}

    def wait_for_the_other(event):
        if isinstance(event, EpochStarted) and event.epoch == 1:
            both_training.wait()  # both hold a model now

    def train(seed):
        curves[seed] = curve("dense", small_data, seed,
                             on_progress=wait_for_the_other)[0]["loss"]

    threads = [threading.Thread(target=train, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert len(checked_out) == 2 and checked_out[0] is not checked_out[1]
    assert len(COMPILED_MODELS) == 2  # both came back
    for seed in (1, 2):  # and neither disturbed the other
        assert curves[seed] == pytest.approx(curve("dense", small_data, seed)[0]["loss"],
                                             rel=1e-6)


def test_a_training_that_fails_does_not_return_its_model(small_data, checked_out):
    def fail(event):
        raise RuntimeError("a progress hook failed")

    with pytest.raises(RuntimeError, match="a progress hook failed"):
        curve("dense", small_data, seed=0, on_progress=fail)
    assert len(checked_out) == 1 and len(COMPILED_MODELS) == 0


def test_clearing_the_pool_lets_its_trained_models_go(small_data, checked_out):
    curve("dense", small_data, seed=0)
    pooled = weakref.ref(checked_out.pop())
    assert len(COMPILED_MODELS) == 1 and COMPILED_MODELS.clear() == 1
    gc.collect()
    assert pooled() is None and len(COMPILED_MODELS) == 0


def tiny_model() -> keras.Model:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


def test_the_pool_keeps_its_capacity_dropping_the_least_recently_used():
    pool, made = CompiledModels(capacity=2), []

    def make():
        made.append(tiny_model())
        return made[-1]

    source = tiny_model()
    for key in ("a", "b", "c", "b"):
        with pool.checkout(key, make, source, 1e-3):
            pass
    assert len(pool) == 2 and len(made) == 3  # "b" reused; "a" dropped when "c" came back
    with pool.checkout("a", make, source, 1e-3):
        pass
    assert len(made) == 4 and len(pool) == 2


def test_a_checked_out_model_starts_from_the_source_with_a_fresh_optimizer():
    pool = CompiledModels()
    source = tiny_model()
    with pool.checkout("k", tiny_model, source, 0.5) as model:
        model.fit(np.ones((4, 2)), np.zeros((4, 1)), epochs=3, verbose=0)  # moments, steps
    with pool.checkout("k", tiny_model, source, 0.25) as again:
        assert again is model
        for mine, theirs in zip(again.variables, source.variables):
            np.testing.assert_array_equal(keras.ops.convert_to_numpy(mine),
                                          keras.ops.convert_to_numpy(theirs))
        fresh = tiny_model().optimizer
        for mine, new in zip(again.optimizer.variables, fresh.variables):
            if mine.path.endswith("learning_rate"):
                assert float(keras.ops.convert_to_numpy(mine)) == 0.25
            else:
                np.testing.assert_array_equal(keras.ops.convert_to_numpy(mine),
                                              keras.ops.convert_to_numpy(new))

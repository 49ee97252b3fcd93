import numpy as np
import pytest

import aelib
from aelib.architectures import REGISTRY, count_in_words
from aelib.jobs.tutorial import TUTORIAL_RUNS, code_means_in_words, runs_in_words

# Parameter counts of the tutorial's models, computed by hand from their layers.
TUTORIAL_PARAMETERS = {
    "dense": 784 * 32 + 32 + 32 * 784 + 784,
    "sparse": 784 * 32 + 32 + 32 * 784 + 784,
    "deep": (784 * 128 + 128) + (128 * 64 + 64) + (64 * 32 + 32)
    + (32 * 64 + 64) + (64 * 128 + 128) + (128 * 784 + 784),
    "conv": 4385,
    "vae": (784 * 256 + 256) + 2 * (256 * 2 + 2) + (2 * 256 + 256) + (256 * 784 + 784),
}
CODE_SHAPES = {"dense": (32,), "sparse": (32,), "topk": (32,), "deep": (32,), "conv": (4, 4, 8),
               "denoising": (7, 7, 32), "lstm": (64,), "vae": (2,)}


def test_architectures_are_the_tutorial_s_seven_in_its_order_and_topk_beside_sparse():
    assert aelib.ARCHITECTURES == ("dense", "sparse", "topk", "deep", "conv", "denoising",
                                   "lstm", "vae")


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_each_architecture_builds_with_tutorial_defaults(name):
    ae = aelib.build(name)
    assert ae.code_shape == CODE_SHAPES[name]
    assert ae.input_mode == REGISTRY[name].input_mode
    summary = ae.summary()
    assert summary.total_parameters == ae.autoencoder.count_params()
    if name in TUTORIAL_PARAMETERS:
        assert summary.total_parameters == TUTORIAL_PARAMETERS[name]
    assert {row.model for row in summary.layers} == {"encoder", "decoder"}
    assert sum(r.parameters for r in summary.layers) == summary.total_parameters


def test_hyperparameters_change_the_model():
    assert aelib.build("dense", encoding_dim=8).code_shape == (8,)
    assert aelib.build("deep", hidden_units=(64, 16)).code_shape == (16,)
    assert aelib.build("conv", filters=(8, 4)).code_shape == (7, 7, 4)
    assert aelib.build("lstm", latent_dim=10).code_shape == (10,)
    assert aelib.build("vae", latent_dim=3).code_shape == (3,)


@pytest.mark.parametrize("name, hparams, message", [
    ("dense", {"encoding_dim": 0}, "encoding_dim=0 is not allowed: expected a whole number "
                                   "between 1 and 512"),
    ("sparse", {"l1": -1.0}, "l1=-1.0 is not allowed"),
    ("deep", {"hidden_units": ()}, "hidden_units=.* is not allowed"),
    ("conv", {"filters": (8, 8, 8, 8)}, "filters=.* expected 1 to 3 whole numbers"),
    ("denoising", {"noise_factor": 3}, "noise_factor=3 is not allowed"),
    ("vae", {"latent_dim": 100}, "latent_dim=100 is not allowed"),
    ("dense", {"latent_dim": 2}, "has no parameter latent_dim; its parameters are: encoding_dim"),
])
def test_bad_hyperparameters_raise_a_clear_error(name, hparams, message):
    with pytest.raises(ValueError, match=message):
        aelib.build(name, **hparams)


def test_unknown_architecture_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown architecture 'gan': choose one of dense"):
        aelib.build("gan")


def test_same_seed_same_weights_other_seed_other_weights():
    def weights(seed):
        return np.concatenate([w.ravel() for w in aelib.build("deep", seed=seed)
                               .autoencoder.get_weights()])

    np.testing.assert_array_equal(weights(3), weights(3))
    assert not np.allclose(weights(3), weights(4))


# The classic tutorial's epochs and batch sizes, copied by hand from it (the VAE's from the
# Keras example script it comes from); it never trained the LSTM.
TUTORIAL_BUDGETS = {"dense": (50, 256), "sparse": (100, 256), "deep": (100, 256),
                    "conv": (50, 128), "denoising": (100, 128), "vae": (50, 100)}


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
@pytest.mark.parametrize("preset", ["training", "tutorial_training"])
def test_every_architecture_starts_from_training_settings_train_accepts(name, preset):
    import inspect

    settings = getattr(REGISTRY[name], preset).settings(seed=3)
    assert set(settings) <= set(inspect.signature(aelib.train).parameters)
    given = {key: value for key, value in settings.items() if value is not None}
    resolved = aelib.params.resolve(aelib.TRAINING_PARAMS, given, "Training")  # else ValueError
    assert {key: resolved[key] for key in given} == given
    assert settings["seed"] == 3


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_the_tutorial_preset_is_the_tutorial_s_own_budget(name):
    budget = REGISTRY[name].tutorial_training
    if name in TUTORIAL_BUDGETS:
        assert (budget.epochs, budget.batch_size) == TUTORIAL_BUDGETS[name]
    else:
        assert "gave no budget" in budget.note


# Steps per call on a CPU and seconds per 1,000 image-epochs on 2 cores, as bench/train_speed.py
# measured them (README, Performance).
CPU_STEPS = {"dense": 32, "sparse": 32, "topk": 32, "deep": 32, "conv": 8, "denoising": 8,
             "lstm": 8, "vae": 32}
SECONDS_PER_1000 = {"dense": 0.011, "sparse": 0.012, "topk": 0.013, "deep": 0.018, "conv": 0.1,
                    "denoising": 0.24, "lstm": 0.11, "vae": 0.02}


def test_every_architecture_carries_its_measured_speed():
    assert {name: arch.cpu_steps_per_execution for name, arch in REGISTRY.items()} == CPU_STEPS
    assert {name: arch.seconds_per_1000_image_epochs
            for name, arch in REGISTRY.items()} == SECONDS_PER_1000


def test_the_old_per_architecture_tables_are_the_registry_s_fields():
    import aelib.sweeps.plan
    import aelib.training.fit

    assert aelib.training.fit.CPU_STEPS_PER_EXECUTION == CPU_STEPS
    assert aelib.training.CPU_STEPS_PER_EXECUTION is aelib.training.fit.CPU_STEPS_PER_EXECUTION
    assert aelib.sweeps.plan.SECONDS_PER_1000_IMAGE_EPOCHS == SECONDS_PER_1000


def test_exactly_the_vae_is_variational():
    assert [name for name, arch in REGISTRY.items() if arch.variational] == ["vae"]


@pytest.mark.parametrize("name", aelib.ARCHITECTURES)
def test_a_variational_model_brings_its_own_loss_with_a_kl_term(name):
    import keras

    model = aelib.build(name).autoencoder
    own_loss = type(model).compute_loss is not keras.Model.compute_loss  # as compile_model asks
    tracked = {metric.name for metric in model.metrics}
    assert own_loss == REGISTRY[name].variational
    assert ({"reconstruction_loss", "kl_loss"} <= tracked) == REGISTRY[name].variational


@pytest.mark.parametrize("count, words", [(0, "zero"), (4, "four"), (7, "seven"),
                                          (12, "twelve"), (13, "13"), (1500, "1,500")])
def test_count_in_words(count, words):
    assert count_in_words(count) == words


def test_the_home_page_counts_the_registry_in_words():
    assert count_in_words(len(aelib.ARCHITECTURES)) == "eight"  # "The eight architectures"


def test_the_tutorial_s_runs_in_words_follow_its_table_and_the_registry():
    assert runs_in_words() == "four image models (dense 50 epochs, sparse 100, deep 100, conv 50)"
    for run in TUTORIAL_RUNS:
        assert f"{run.architecture} {REGISTRY[run.architecture].tutorial_training.epochs}" \
            in runs_in_words()


def test_the_tutorial_s_code_means_in_words_are_the_reported_ones():
    assert code_means_in_words() == ("7.30 for its dense model after 50 epochs, 3.33 for its "
                                     "sparse model after 100 epochs")


def test_the_readme_s_table_gives_every_architecture_s_size_as_the_app_computes_it():
    from tests.support import ROOT

    rows = {line.split("|")[1].strip(" `"): line.split("|")[-2].strip()
            for line in (ROOT / "README.md").read_text().splitlines()
            if line.startswith("| `") and line.count("|") == 5}
    for name in aelib.ARCHITECTURES:
        assert rows.get(name) == f"{aelib.model.sizes.summary(name).parameters:,}", name

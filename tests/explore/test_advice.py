"""aelib.explore.advice: warnings on a training setup, and the verdict against PCA."""

import pytest

from aelib.explore.advice import (FEW_STEPS_PER_EPOCH, latent_spread_sentence, pca_verdict,
                                  training_warnings)


def test_a_reasonable_setup_gets_no_warning():
    assert training_warnings(8000, 64) == []  # 125 steps an epoch
    assert training_warnings(FEW_STEPS_PER_EPOCH * 32, 32) == []  # exactly 10 steps


def test_the_batch_of_a_whole_small_upload_gets_both_warnings():
    """The issue's case: 240 images in batches of 256 is one step an epoch."""
    warnings = training_warnings(240, 256)
    assert len(warnings) == 2
    assert "not smaller than the training set" in warnings[0]
    assert "at most 24 images" in warnings[0]  # a batch giving 10 steps
    assert "only 1 step (240 images in batches of 256)" in warnings[1]


def test_a_batch_equal_to_the_training_set_is_not_smaller():
    assert "not smaller" in training_warnings(256, 256)[0]
    assert all("not smaller" not in w for w in training_warnings(257, 256))


@pytest.mark.parametrize("train_size, batch_size, steps", [(9 * 32, 32, 9), (1000, 256, 4),
                                                           (8000, 1024, 8)])
def test_few_steps_per_epoch_are_counted_as_training_counts_them(train_size, batch_size, steps):
    warnings = training_warnings(train_size, batch_size)
    assert len(warnings) == 1
    assert f"only {steps} steps" in warnings[0]


@pytest.mark.parametrize("train_size, batch_size", [(0, 32), (100, 0), (100, 2.5), (True, 4),
                                                    ("100", 32)])
def test_sizes_that_are_not_whole_positive_numbers_are_refused(train_size, batch_size):
    with pytest.raises(ValueError, match="must be a whole number of at least 1"):
        training_warnings(train_size, batch_size)


def test_a_model_below_pca_beats_it_and_the_sentence_says_by_how_much():
    verdict = pca_verdict(0.0994, 0.1182, 32)
    assert verdict.beats_pca
    assert verdict.sentence.startswith("This model beats PCA: test loss 0.0994, 16% lower.")
    assert "PCA with 32 components (the same code size) reaches 0.1182" in verdict.sentence


def test_the_issue_s_dense_model_does_not_beat_pca_and_is_told_so():
    verdict = pca_verdict(0.213, 0.118, 32)
    assert not verdict.beats_pca
    assert verdict.sentence.startswith("This model does not beat PCA yet: test loss 0.2130")
    assert "reaches 0.1180" in verdict.sentence
    assert (verdict.model_loss, verdict.pca_loss, verdict.code_size) == (0.213, 0.118, 32)


def test_equal_losses_do_not_beat_pca_and_one_component_is_singular():
    verdict = pca_verdict(0.2, 0.2, 1)
    assert not verdict.beats_pca
    assert "PCA with 1 component (" in verdict.sentence


@pytest.mark.parametrize("model_loss, pca_loss, code_size, match", [
    (float("nan"), 0.1, 32, "model_loss"), (0.1, float("inf"), 32, "pca_loss"),
    (-0.1, 0.1, 32, "model_loss"), (None, 0.1, 32, "model_loss"), (0.1, 0.1, 0, "code_size"),
    (0.1, 0.1, 3.0, "code_size"),
])
def test_numbers_that_are_not_losses_or_code_sizes_are_refused(model_loss, pca_loss, code_size,
                                                               match):
    with pytest.raises(ValueError, match=match):
        pca_verdict(model_loss, pca_loss, code_size)


def test_a_code_no_smaller_than_the_image_is_said_to_compress_nothing():
    """The denoising model's 7x7x32 code for 28x28 images: PCA keeps every image whole."""
    verdict = pca_verdict(0.0912, 0.0583, 1568, pixels=784)
    assert not verdict.beats_pca
    assert "code (1,568 numbers) is no smaller than an image (784 pixels)" in verdict.sentence
    assert "does not beat PCA yet" not in verdict.sentence
    assert "not beat PCA yet" in pca_verdict(0.2, 0.1, 783, pixels=784).sentence


def test_pixels_that_are_not_a_whole_positive_number_are_refused():
    with pytest.raises(ValueError, match="pixels must be a whole number"):
        pca_verdict(0.1, 0.1, 32, pixels=0)


def test_a_training_set_of_a_few_images_is_advised_one_image_a_batch():
    assert training_warnings(5, 8)[0].endswith("Choose a batch of at most 1 image.")


def test_pca_keeping_the_images_whole_is_said_instead_of_more_training():
    sentence = pca_verdict(0.0031, 0.00002, 32).sentence
    assert "reaches 0.0000" in sentence and "a linear projection keeps them almost whole" in \
        sentence and "more training" not in sentence


@pytest.mark.parametrize("spread, said, unsaid", [
    ([1.32, 1.41], "Wider than the prior", "Under 1"),  # the issue's table
    ([0.81, 0.02], "does not use", "Wider"),
    ([0.8, 0.9], "Under 1, as the prior asks", "Wider"),
])
def test_the_latent_spread_is_said_as_the_table_shows_it(spread, said, unsaid):
    sentence = latent_spread_sentence(spread)
    assert sentence.startswith(f"Here the spreads run from {min(spread):.2f} to "
                               f"{max(spread):.2f}.")
    assert said in sentence and unsaid not in sentence

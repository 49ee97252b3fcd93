"""Layer plans: the sizes the convolutional models pass through, for any image size."""

import pytest

from aelib.architectures.plans import decoder_plan, halved_sizes, upsampled_crop


def test_halving_rounds_odd_sizes_up():
    assert halved_sizes((28, 28), 3) == [(28, 28), (14, 14), (7, 7), (4, 4)]
    assert halved_sizes((32, 20), 2) == [(32, 20), (16, 10), (8, 5)]


def test_the_tutorials_decoder_drops_padding_once_and_needs_no_crop_on_mnist():
    levels, crop = decoder_plan((16, 8, 8), (28, 28))  # 4 -> 8 -> 16 -> 14 -> 28
    assert levels == [(8, "same"), (8, "same"), (16, "valid")] and crop == (0, 0)


@pytest.mark.parametrize("size", [(28, 28), (32, 32), (64, 64), (20, 36), (9, 9)])
def test_every_decoder_plan_lands_on_the_image_size(size):
    filters = (16, 8, 8)
    levels, crop = decoder_plan(filters, size)
    current = halved_sizes(size, len(filters))[-1]
    for _, padding in levels:
        if padding == "valid":
            current = (current[0] - 2, current[1] - 2)
        current = (current[0] * 2, current[1] * 2)
    assert (current[0] - crop[0], current[1] - crop[1]) == size and min(crop) >= 0


def test_the_vae_decoder_crops_what_its_doublings_overshoot():
    assert upsampled_crop((28, 28), 3) == (4, 4)  # 28 -> 4 -> 32
    assert upsampled_crop((32, 32), 3) == (0, 0)

import keras
import numpy as np
import pytest

from aelib.training._batches import SeededEpochs, epoch_permutation


def batches_of(epochs: SeededEpochs) -> list[np.ndarray]:
    """What `fit` gets from `epochs.data` in one pass, as numpy arrays."""
    if keras.backend.backend() == "tensorflow":
        return [keras.ops.convert_to_numpy(x) for x, _ in epochs.data]
    return [epochs.data[i][0] for i in range(len(epochs.data))]


@pytest.mark.parametrize("num_samples, batch_size", [(10, 4), (8, 4), (3, 5)])
def test_each_pass_is_one_epoch_in_the_seeded_order_of_that_epoch(num_samples, batch_size):
    x = np.arange(num_samples, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32)
    epochs = SeededEpochs(x, batch_size, seed=7)
    assert epochs.batches == -(-num_samples // batch_size)
    for epoch in (0, 1, 2):
        epochs.on_epoch_begin(epoch)
        seen = batches_of(epochs)
        assert len(seen) == epochs.batches
        assert [len(b) for b in seen[:-1]] == [batch_size] * (epochs.batches - 1)
        order = np.concatenate(seen)[:, 0].astype(int)
        np.testing.assert_array_equal(order, epoch_permutation(num_samples, 7, epoch))
    epochs.on_epoch_begin(0)
    np.testing.assert_array_equal(np.concatenate(batches_of(epochs))[:, 0],
                                  epoch_permutation(num_samples, 7, 0))


def test_the_targets_are_the_inputs():
    x = np.random.default_rng(0).random((6, 2), dtype=np.float32)
    data = SeededEpochs(x, 4, seed=0).data
    first = next(iter(data)) if keras.backend.backend() == "tensorflow" else data[0]
    np.testing.assert_array_equal(*(keras.ops.convert_to_numpy(t) for t in first))

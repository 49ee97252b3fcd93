"""`aelib.training._tensorflow_leak`: a training leaves none of the custom gradients TensorFlow
registered for it behind, and the model trains again afterwards."""

import keras
import pytest

import aelib
from aelib.training._tensorflow_leak import release_custom_gradients


def test_a_trained_model_leaves_no_custom_gradient_behind(small_data):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's gradient registry only")
    from tensorflow.python.framework import ops

    def custom_gradients():
        return {name for name in ops._gradient_registry._registry
                if str(name).startswith("CustomGradient-")}

    before = custom_gradients()
    ae = aelib.build("vae", seed=0)
    aelib.train(ae, small_data, epochs=1, batch_size=64)
    assert custom_gradients() <= before  # the ones its training registered are gone
    assert release_custom_gradients(ae.autoencoder) == 0
    aelib.train(ae, small_data, epochs=1, batch_size=64)  # and it can train again

"""Draw a digit: offered for models of MNIST's 28x28 grey images; others are told why not."""

from streamlit.testing.v1 import AppTest


def draw_page(model):
    from lab.draw import draw_a_digit

    draw_a_digit(model, key="draw")


def test_a_model_of_colour_images_gets_a_sentence_instead_of_a_canvas():
    import aelib

    data = aelib.load_dataset("shapes")
    model = aelib.OpenedModel(aelib.build("dense", image_shape=data.image_shape), data, "run 1")
    at = AppTest.from_function(draw_page, args=(model,)).run(timeout=60)
    assert not at.exception
    assert "This model takes 32x32 colour images, so there is nothing to draw" in \
        at.info[0].value

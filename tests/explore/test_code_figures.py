"""`aelib.explore.code_figures`: the thumbnail map, the replay player, a unit, the samples."""

import numpy as np
import pytest

import aelib
from aelib.explore import code_figures
from aelib.explore.replay import ReplayFrames
from aelib.explore.sampling import Samples
from aelib.explore.units import unit_selectivity
from aelib.data.shapes import FACTORS


def test_the_thumbnail_map_places_each_image_at_its_code_s_projection():
    rng = np.random.default_rng(0)
    positions = rng.normal(size=(40, 2))
    images = rng.random((40, 8, 8), dtype=np.float32)
    indices = np.arange(100, 140)
    fig = aelib.figures.thumbnail_map(positions, images, rng.integers(0, 3, 40), indices=indices)
    assert len(fig.layout.images) == 40
    for thumbnail in fig.layout.images:
        i = int(thumbnail.name) - 100
        assert (thumbnail.x, thumbnail.y) == pytest.approx(tuple(positions[i]))
        assert (thumbnail.xref, thumbnail.yref) == ("x", "y")
        assert thumbnail.source.startswith("data:image/png;base64,")
    dots = np.concatenate([trace.customdata for trace in fig.data])
    assert sorted(dots.tolist()) == indices.tolist()  # every image a dot, for hover and select


def test_a_large_map_draws_300_thumbnails_and_dots_for_the_rest():
    rng = np.random.default_rng(1)
    fig = code_figures.thumbnail_map(rng.normal(size=(500, 2)), rng.random((500, 4, 4, 3)))
    assert len(fig.layout.images) == 300
    assert len(fig.data) == 1 and len(fig.data[0].x) == 500


def test_colour_images_stay_in_colour_and_grey_ones_take_their_label_s_colour():
    from PIL import Image
    import base64
    import io

    def decoded(source):
        return np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))))

    red = np.zeros((1, 4, 4, 3), np.float32)
    red[..., 0] = 1.0
    fig = code_figures.thumbnail_map([[0, 0]], red)
    assert decoded(fig.layout.images[0].source)[0, 0].tolist() == [255, 0, 0]
    grey = np.ones((1, 4, 4), np.float32)
    fig = code_figures.thumbnail_map([[0, 0]], grey, np.array([1]))
    pixel = decoded(fig.layout.images[0].source)[0, 0].tolist()
    colour = aelib.explore.figures.LABEL_COLORS[1]
    assert pixel == [int(colour[i:i + 2], 16) for i in (1, 3, 5)] + [255]


def test_a_continuous_factor_colours_the_dots_on_a_scale():
    fig = code_figures.thumbnail_map(np.zeros((3, 2)), np.zeros((3, 2, 2)),
                                     np.array([0.1, 0.2, 0.3]), colour_title="size")
    assert list(fig.data[0].marker.color) == [0.1, 0.2, 0.3] and fig.data[0].marker.showscale


def test_the_map_refuses_mismatched_inputs():
    with pytest.raises(ValueError, match="one position, image, index and label per point"):
        code_figures.thumbnail_map(np.zeros((3, 2)), np.zeros((2, 4, 4)))


def test_the_replay_player_has_a_frame_and_a_slider_step_per_epoch():
    positions = np.random.default_rng(2).normal(size=(4, 30, 2)).astype(np.float32)
    replay = ReplayFrames(positions, np.array([1, 2, 3, 4]), np.arange(30), "pca, aligned")
    labels = np.arange(30) % 3
    fig = code_figures.code_replay(replay, labels)
    assert [frame.name for frame in fig.frames] == ["1", "2", "3", "4"]
    assert [step.label for step in fig.layout.sliders[0].steps] == ["1", "2", "3", "4"]
    assert fig.layout.sliders[0].active == 3
    second = fig.frames[1].data
    assert len(second) == 3  # one trace per label, as in every frame
    np.testing.assert_allclose(second[0].x, positions[1][labels == 0, 0])
    low, high = fig.layout.xaxis.range
    assert low <= positions[..., 0].min() and high >= positions[..., 0].max()


def test_the_unit_figures_show_its_activations_and_factors():
    codes = np.array([[0.0, 1.0], [0.0, 3.0], [0.5, 0.0]], np.float32)
    assert list(code_figures.unit_histogram(codes, 1).data[0].x) == [1.0, 3.0, 0.0]
    factors = np.zeros(3, FACTORS)
    factors["shape"] = [0, 1, 1]
    fig = code_figures.unit_selectivity_bars(unit_selectivity(codes, 1, factors))
    assert len(fig.data) == 5 and list(fig.data[0].y) == [1.0, 1.5]


def test_samples_sit_above_their_nearest_training_images():
    x_train = np.random.default_rng(3).random((5, 4, 4, 1), dtype=np.float32)
    samples = Samples(x_train[[2, 4]] * 0.5, np.array([2, 4]), np.array([0.1, 0.2]), 0.3, 1)
    fig = code_figures.samples_beside_nearest(samples, x_train)
    assert list(fig.layout.xaxis.ticktext) == ["0.100", "0.200"]
    assert list(fig.layout.yaxis.ticktext) == ["new", "nearest training"]

import numpy as np
import plotly.graph_objects as go
import pytest

import aelib
from aelib.explore import analysis, figures

IMAGES = np.random.default_rng(0).random((10, 28, 28), dtype=np.float32)


def test_reconstruction_grid_is_one_mosaic_with_errors_on_top():
    fig = figures.reconstruction_grid(IMAGES, IMAGES[::-1], errors=np.arange(10) / 10)
    assert isinstance(fig, go.Figure) and len(fig.data) == 1
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (2 * 28 + 2, 10 * 28 + 9 * 2)
    np.testing.assert_allclose(z[:28, :28], IMAGES[0])
    np.testing.assert_allclose(z[30:, :28], IMAGES[9])
    assert list(fig.layout.xaxis.ticktext)[:2] == ["0.000", "0.100"]
    assert list(fig.layout.yaxis.ticktext) == ["original", "reconstruction"]


def test_image_rows_rejects_uneven_rows():
    with pytest.raises(ValueError, match="same number of images"):
        figures.image_rows({"a": IMAGES, "b": IMAGES[:3]})


def test_code_images_fold_codes_like_the_tutorial():
    dense = figures.code_images(np.ones((3, 32)))
    assert len(dense.data) == 3 and np.asarray(dense.data[0].z).shape == (4, 8)
    conv_code = np.arange(2 * 4 * 4 * 8, dtype=np.float32).reshape(2, 4, 4, 8)
    conv = figures.code_images(conv_code)
    maps = np.asarray(conv.data[1].z, dtype=float)
    assert maps.shape == (2 * 4 + 1, 4 * 4 + 3)  # 8 channels as 2x4 maps of 4x4, 1 px apart
    np.testing.assert_array_equal(maps[:4, :4], conv_code[1, :, :, 0])  # channel 0, top left
    np.testing.assert_array_equal(maps[5:, 15:], conv_code[1, :, :, 7])  # channel 7, bottom right
    assert np.isnan(maps[4]).all() and np.isnan(maps[:, 4]).all()
    assert conv.data[0].zmin == 0 and conv.data[0].zmax == conv_code.max()


def test_code_images_draw_each_image_above_its_code():
    codes = np.random.default_rng(0).normal(size=(3, 2)).astype(np.float32)  # a VAE's
    fig = figures.code_images(codes, IMAGES[:3, :, :, None])
    assert len(fig.data) == 6  # three images, then three codes
    np.testing.assert_allclose(np.asarray(fig.data[1].z, dtype=float), IMAGES[1])
    assert np.asarray(fig.data[4].z).shape == (1, 2)
    assert fig.data[3].xaxis == "x4" and fig.data[0].xaxis == "x"  # code under its image
    assert fig.data[3].zmin == codes.min()  # negative codes are not clipped to black
    assert fig.layout.yaxis4.scaleanchor == "x4"  # square pixels
    with pytest.raises(ValueError, match="one image per code"):
        figures.code_images(codes, IMAGES[:2])


def test_latent_histograms_draw_each_dimension_against_the_prior():
    codes = np.random.default_rng(0).normal([0.0, 3.0, 0.0], 1.0, (400, 3))
    fig = figures.latent_histograms(codes)
    assert [t.type for t in fig.data] == ["histogram", "scatter"] * 3
    assert [a.text for a in fig.layout.annotations] == ["z[0]", "z[1]", "z[2]"]
    np.testing.assert_allclose(fig.data[2].x, codes[:, 1])
    prior = fig.data[1]
    assert prior.name == "N(0, 1)" and max(prior.y) == pytest.approx(0.3989, abs=1e-3)
    assert fig.data[3].xaxis == "x2" and max(fig.data[3].x) >= codes[:, 1].max()  # reaches them
    assert [t.showlegend for t in fig.data[:4]] == [True, True, False, False]
    assert len(figures.latent_histograms(np.zeros((5, 40)), max_dimensions=16).data) == 32


def test_loss_curves_one_line_per_metric():
    fig = figures.loss_curves({"loss": [0.3, 0.2], "val_loss": [0.31, 0.25]})
    assert [t.name for t in fig.data] == ["loss", "val_loss"]
    assert list(fig.data[1].y) == [0.31, 0.25] and list(fig.data[0].x) == [1, 2]


def test_tsne_scatter_has_a_trace_per_label_and_indices_for_selection():
    tsne = analysis.TSNEMap(np.random.default_rng(0).random((6, 2)), np.array([0, 2, 4, 5, 7, 9]))
    labels = np.array([1, 1, 2, 2, 3, 3, 1, 2, 3, 1])
    fig = figures.tsne_scatter(tsne, labels)
    assert [t.name for t in fig.data] == ["1", "2", "3"]
    assert sorted(np.concatenate([t.customdata for t in fig.data]).tolist()) == [0, 2, 4, 5, 7, 9]
    assert "label 1" in fig.data[0].hovertemplate and "index" in fig.data[0].hovertemplate
    assert list(fig.data[0].customdata) == [0, 9]  # test images 0 and 9 have label 1


def test_sparsity_and_error_charts():
    stats = analysis.sparsity_stats(np.abs(np.random.default_rng(0).normal(size=(50, 16))))
    assert len(figures.unit_activity(stats).data[0].y) == 16
    assert sum(figures.activation_histogram(stats).data[0].y) == 50 * 16
    hist = figures.error_histogram({"model": np.ones(5), "PCA": np.zeros(5)})
    assert [t.name for t in hist.data] == ["model", "PCA"]


@pytest.mark.parametrize("loss, axis", [("bce", "binary cross-entropy"),
                                        ("mse", "mean squared error")])
def test_the_error_histogram_names_the_loss_it_is_measured_in(loss, axis):
    hist = figures.error_histogram({"model": np.ones(5)}, loss)
    assert hist.layout.xaxis.title.text == axis
    with pytest.raises(ValueError, match="loss must be one of bce, mse .*; got 'l1'"):
        figures.error_histogram({"model": np.ones(5)}, "l1")


def test_latent_manifold_and_scatter():
    grid = np.random.default_rng(0).random((3, 3, 28, 28))
    fig = figures.latent_manifold(grid, np.array([[-1.0, 5.0], [0.0, 6.0], [1.0, 7.0]]))
    assert np.asarray(fig.data[0].z).shape == (3 * 28 + 4, 3 * 28 + 4)
    assert list(fig.layout.xaxis.ticktext) == ["-1.00", "0.00", "1.00"]
    assert list(fig.layout.yaxis.ticktext) == ["7.00", "6.00", "5.00"]  # z[1], top row highest
    scatter = figures.latent_scatter(np.arange(8.0).reshape(4, 2), np.array([0, 1, 0, 1]))
    assert [t.name for t in scatter.data] == ["0", "1"]
    assert list(scatter.data[1].x) == [2.0, 6.0]


def test_vae_loss_terms_draw_reconstruction_and_kl_apart():
    history = {"reconstruction_loss": [0.3, 0.2], "val_reconstruction_loss": [0.31, 0.21],
               "kl_loss": [2.0, 5.0], "val_kl_loss": [2.1, 5.2], "loss": [0.31, 0.22]}
    fig = figures.vae_loss_terms(history)
    assert [trace.name for trace in fig.data] == ["reconstruction_loss", "val_reconstruction_loss",
                                                  "kl_loss", "val_kl_loss"]
    assert fig.data[0].xaxis == "x" and fig.data[2].xaxis == "x2"  # two panels, two scales
    assert list(fig.data[2].y) == [2.0, 5.0]


def test_titles_labels_and_legends_keep_out_of_each_others_way():
    history = {"reconstruction_loss": [0.3] * 40, "kl_loss": [2.0] * 40}
    terms = figures.vae_loss_terms(history)
    # The legend sits at the foot of the whole figure, below the "epoch" titles; the title sits
    # at its top, above the panel titles, which are short enough for half a narrow screen.
    assert (terms.layout.legend.yref, terms.layout.legend.y) == ("container", 0)
    assert (terms.layout.title.yref, terms.layout.title.y) == ("container", 1)
    assert terms.layout.margin.t >= 80
    assert all(len(a.text) <= 26 for a in terms.layout.annotations)
    assert terms.layout.xaxis.dtick == 5 and terms.layout.xaxis2.title.text == "epoch"
    rows = figures.image_rows({"selected": IMAGES}, column_labels=[f"#{i}" for i in range(10)],
                              title="10 selected")
    assert rows.layout.xaxis.tickangle == 0  # level labels, never turned up into the title
    assert rows.layout.margin.t >= 45 + 20
    manifold = figures.latent_manifold(np.zeros((15, 15, 4, 4)),
                                       np.stack([np.arange(15.0)] * 2, axis=1))
    assert list(manifold.layout.xaxis.ticktext)[:3] == ["0.00", "", "2.00"]


def test_the_latent_plane_can_carry_a_grid_to_click_on():
    codes = np.array([[-1.0, 0.0], [2.0, 3.0]], np.float32)
    plain = figures.latent_scatter(codes, np.array([0, 1]))
    grid = figures.latent_scatter(codes, np.array([0, 1]), pick_area=((-6, -3), (4, 3)),
                                  pick_grid=5)
    pick = grid.data[-1]
    assert len(grid.data) == len(plain.data) + 1 and pick.name == figures.PICK_TRACE
    assert len(pick.x) == 25 and (min(pick.x), max(pick.x)) == (-6, 4)  # spans the area asked
    assert (min(pick.y), max(pick.y)) == (-3, 3)
    assert tuple(grid.layout.xaxis.range) == (-6, 4) and tuple(grid.layout.yaxis.range) == (-3, 3)
    # Clicks select a point (Streamlit 1.67 drops clicks while dragging selects), and a
    # selection fades nothing.
    assert (grid.layout.dragmode, grid.layout.clickmode) == ("zoom", "event+select")
    assert pick.selected.marker.opacity == pick.unselected.marker.opacity == pick.marker.opacity
    assert all(trace.unselected.marker.opacity == 1 for trace in grid.data[:-1])
    assert plain.layout.clickmode is None and plain.layout.xaxis.range is None


def test_roc_curve_draws_the_report_and_chance():
    report = aelib.explore.anomaly.AnomalyReport(np.array([0.9, 0.1]), np.array([True, False]),
                                         np.array([0.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0]),
                                         1.0, np.array([0, 1]), "bce")
    fig = figures.roc_curve(report)
    assert fig.data[0].name == "reconstruction error (AUC 1.000)"
    assert list(fig.data[0].y) == [0.0, 1.0, 1.0] and list(fig.data[1].x) == [0, 1]

"""The sweep's figures: a metric's mean and spread over seeds against the varied parameter, PCA
beside it, every run's reconstructions in rows, and the β study's scorecard against β with the
seeds' share of each score's variance."""

import numpy as np
import pytest

from aelib.sweeps.figures import (metric_against_parameter, metrics_against_parameter,
                                  reconstructions_side_by_side, seed_variance_share)
from aelib.sweeps.plan import make_plan

SEEDS_PLAN = make_plan(["dense"], {"encoding_dim": [8, 16]}, seeds=[0, 1])


def row(run, encoding_dim, seed, status="finished", **metrics):
    """A row as `aelib.sweeps.local.results` makes it."""
    return {"run": run, "label": f"run {run}", "architecture": "dense", "seed": seed,
            "encoding_dim": encoding_dim, "status": status, **metrics}


ROWS = [
    row(1, 8, 0, test_loss=0.20, pca_loss=0.30, code_mean=1.0, psnr=14.0, pca_psnr=12.0),
    row(2, 16, 0, test_loss=0.10, pca_loss=0.25, code_mean=2.0, psnr=18.0, pca_psnr=13.0),
    row(3, 8, 1, test_loss=0.22, pca_loss=0.30, code_mean=3.0, psnr=15.0, pca_psnr=12.0),
    row(4, 16, 1, test_loss=0.14, pca_loss=0.27, code_mean=4.0, psnr=19.0, pca_psnr=13.0),
    row(5, 16, 2, status="failed", test_loss=9.9, pca_loss=9.9),  # only finished runs count
    row(6, 8, 2, test_loss=None, pca_loss=None),  # finished, its metrics not computed yet
]


def test_each_point_is_the_mean_over_seeds_with_their_spread_and_pca_beside_it():
    fig = metric_against_parameter(ROWS, SEEDS_PLAN, "test_loss")
    model, pca = fig.data
    assert list(model.x) == [8, 16] and list(model.customdata) == [2, 2]
    np.testing.assert_allclose(model.y, [0.21, 0.12])
    np.testing.assert_allclose(model.error_y.array, [np.std([0.20, 0.22], ddof=1),
                                                     np.std([0.10, 0.14], ddof=1)])
    assert model.line.dash is None
    assert pca.name == "PCA, same code size" and pca.line.dash == "dash"
    np.testing.assert_allclose(pca.y, [0.30, 0.26])
    assert fig.layout.title.text == ("test loss against encoding dim (mean over seeds, ± one "
                                     "standard deviation)")
    assert fig.layout.yaxis.title.text == "test loss, lower is better"
    assert fig.layout.xaxis.type == "linear" and fig.layout.xaxis.title.text == "encoding_dim"


def test_pca_is_drawn_beside_a_metric_only_where_the_table_gives_it_a_partner():
    psnr = metric_against_parameter(ROWS, SEEDS_PLAN, "psnr")
    assert [trace.name for trace in psnr.data] == ["psnr", "PCA, same code size"]
    np.testing.assert_allclose(psnr.data[1].y, [12.0, 13.0])
    assert psnr.layout.yaxis.title.text == "PSNR (dB), higher is better"

    code_mean = metric_against_parameter(ROWS, SEEDS_PLAN, "code_mean")
    [trace] = code_mean.data
    np.testing.assert_allclose(trace.y, [2.0, 3.0])
    assert code_mean.layout.yaxis.title.text == "code mean"  # neither direction is better


def test_several_architectures_get_a_line_each_and_a_second_parameter_splits_them():
    plan = make_plan(["dense", "sparse"], {"encoding_dim": [8, 16], "optimizer": ["adam", "sgd"]})
    rows = [{**row(index, dim, 0, test_loss=0.1 * index, pca_loss=0.5), "architecture": arch,
             "optimizer": optimizer}
            for index, (arch, dim, optimizer) in enumerate(
                [(a, d, o) for a in ("dense", "sparse") for o in ("adam", "sgd") for d in (8, 16)],
                start=1)]
    fig = metric_against_parameter(rows, plan, "test_loss")
    names = [trace.name for trace in fig.data]
    assert names[::2] == ["dense · optimizer=adam", "dense · optimizer=sgd",
                          "sparse · optimizer=adam", "sparse · optimizer=sgd"]
    assert names[1] == "PCA, same code size (dense · optimizer=adam)"
    np.testing.assert_allclose(fig.data[6].y, [0.7, 0.8])  # sparse with sgd: runs 7 and 8


def test_the_x_axis_follows_the_parameter_architectures_as_categories_a_log_scale_for_l1():
    plan = make_plan(["dense", "deep"])  # nothing varies: the architectures are the x-axis
    rows = [{**row(1, 32, 0, test_loss=0.2), "architecture": "dense"},
            {**row(2, 32, 0, test_loss=0.1), "architecture": "deep"}]
    fig = metric_against_parameter(rows, plan, "test_loss")
    assert list(fig.data[0].x) == ["dense", "deep"] and list(fig.data[0].y) == [0.2, 0.1]
    assert fig.layout.xaxis.type == "category"

    plan = make_plan(["sparse"], {"l1": [1e-5, 1e-3]})
    rows = [{**row(1, 32, 0, test_loss=0.2), "l1": 1e-5}, {**row(2, 32, 0, test_loss=0.1),
                                                           "l1": 1e-3}]
    assert metric_against_parameter(rows, plan, "test_loss").layout.xaxis.type == "log"


def test_an_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="Unknown metric 'loss': choose one of test_loss, psnr"):
        metric_against_parameter(ROWS, SEEDS_PLAN, "loss")


def test_the_side_by_side_has_the_originals_on_top_then_a_row_per_run():
    images = np.random.default_rng(0).random((3, 8, 8, 1), dtype=np.float32)
    fig = reconstructions_side_by_side(images, {"run 1": images * 0.5, "run 2": images})
    assert list(fig.layout.yaxis.ticktext) == ["original", "run 1", "run 2"]
    assert fig.layout.title.text == "The same test images, reconstructed by every run"


BETA_PLAN = make_plan(["vae"], {"beta": [1.0, 4.0]}, seeds=[0, 1, 2])


def beta_row(run, beta, seed, mig, test_loss, status="finished"):
    """A row of a β study as `aelib.sweeps.local.results` makes it."""
    return {"run": run, "label": f"run {run}", "architecture": "vae", "seed": seed,
            "beta": beta, "status": status, "mig": mig, "test_loss": test_loss, "sap": 0.5}


BETA_ROWS = [beta_row(1, 1.0, 0, 0.10, 0.20), beta_row(2, 1.0, 1, 0.30, 0.22),
             beta_row(3, 1.0, 2, 0.20, 0.21), beta_row(4, 4.0, 0, 0.50, 0.30),
             beta_row(5, 4.0, 1, 0.52, 0.31), beta_row(6, 4.0, 2, 0.48, 0.29),
             beta_row(7, 4.0, 3, 9.0, 9.0, status="failed")]


def test_the_scorecard_against_beta_has_a_panel_per_metric_each_the_mean_over_seeds():
    fig = metrics_against_parameter(BETA_ROWS, BETA_PLAN, ["mig", "test_loss"])
    mig, loss = fig.data
    assert (mig.xaxis, loss.xaxis) == ("x", "x2")  # a panel each
    np.testing.assert_allclose(mig.y, [0.20, 0.50])  # the failed run left out
    np.testing.assert_allclose(mig.error_y.array, [np.std([0.1, 0.3, 0.2], ddof=1),
                                                   np.std([0.5, 0.52, 0.48], ddof=1)])
    np.testing.assert_allclose(loss.y, [0.21, 0.30])
    assert [a.text for a in fig.layout.annotations] == ["MIG, higher is better",
                                                        "test loss, lower is better"]
    assert fig.layout.xaxis.type == "linear" and fig.layout.xaxis.title.text == "beta"
    with pytest.raises(ValueError, match="Choose metrics among"):
        metrics_against_parameter(BETA_ROWS, BETA_PLAN, ["nonsense"])


def test_the_seeds_share_of_variance_is_each_beta_s_variance_over_all_runs():
    fig = seed_variance_share(BETA_ROWS, BETA_PLAN, ["mig", "sap"])
    (mig,) = fig.data  # sap never varies: nothing to share out
    every = [0.10, 0.30, 0.20, 0.50, 0.52, 0.48]
    expected = [np.var(every[:3]) / np.var(every), np.var(every[3:]) / np.var(every)]
    np.testing.assert_allclose(mig.y, expected)
    assert list(mig.x) == [1.0, 4.0]
    assert mig.name == f"MIG ({np.mean(expected):.0%} overall)"
    assert fig.layout.yaxis.tickformat == ".0%"

"""The table of run metrics: one entry per name, partners that exist, formats that read right,
and nothing heavy imported to read it."""

import subprocess
import sys

import pytest

from aelib.explore.metrics import INTERVENTIONAL, METRICS, MODEL_METRICS, SCORECARD
from tests.support import ROOT


def test_each_metric_is_filed_under_its_name_and_its_pca_partner_is_in_the_table():
    assert all(name == metric.name for name, metric in METRICS.items())
    partners = {metric.name: metric.pca_partner for metric in METRICS.values()
                if metric.pca_partner is not None}
    assert partners == {"test_loss": "pca_loss", "psnr": "pca_psnr", "ssim": "pca_ssim"}
    for name, partner in partners.items():  # the same measure, so the same better direction
        assert METRICS[partner].pca_partner is None
        assert METRICS[partner].higher_is_better == METRICS[name].higher_is_better


def test_the_model_metrics_are_those_that_are_no_others_partner():
    assert MODEL_METRICS == ("test_loss", "psnr", "ssim", "code_mean", "inactive_fraction",
                             "knn_accuracy", *SCORECARD)


def test_the_scorecard_is_the_metrics_with_a_source_its_interventional_scores_last():
    assert SCORECARD == ("mig", "sap", "dci_disentanglement", "dci_completeness",
                         "dci_informativeness", "modularity", "explicitness",
                         "gaussian_total_correlation", "factor_vae", "beta_vae")
    assert SCORECARD[-len(INTERVENTIONAL):] == INTERVENTIONAL
    assert METRICS["gaussian_total_correlation"].higher_is_better is False  # more factorised


@pytest.mark.parametrize("name, value, text", [
    ("test_loss", 0.123456, "0.1235"), ("psnr", 21.46, "21.5"), ("ssim", 0.81234, "0.812"),
    ("inactive_fraction", 0.25, "25%"), ("knn_accuracy", 0.8754, "87.5%"),
])
def test_formats_write_a_value_as_the_runs_table_shows_it(name, value, text):
    assert METRICS[name].format.format(value) == text


def test_a_charts_axis_title_says_which_way_is_better_where_one_is():
    assert METRICS["test_loss"].axis_title == "test loss, lower is better"
    assert METRICS["knn_accuracy"].axis_title == "5-NN accuracy, higher is better"
    assert METRICS["code_mean"].axis_title == "code mean"


def test_reading_the_table_imports_nothing_heavy():
    code = ("import sys, aelib.explore.metrics; print(sorted({m.split('.')[0] for m in "
            "sys.modules} & {'numpy', 'keras', 'tensorflow', 'plotly', 'sklearn', 'pandas'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.stdout.strip() == "[]", done.stderr

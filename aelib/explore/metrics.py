"""The final metrics kept with every run, in one table: name, label, format, which way is better
and the PCA measure each is compared with.

`aelib.explore.analysis.run_metrics` computes them (its keys are this table's names, in its
order), `aelib.runs.store.RunStore` stores and compares them, the Runs and Sweep pages and
`aelib.sweeps.figures` show them with these labels and formats. Plain data, so reading it loads
nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """One final metric of a run.

    Args:
        name: its key in a run's metrics (`run_metrics`, `RunRecord.metrics`).
        label: a short human name, for table headers and pickers.
        format: a `str.format` pattern for one value, e.g. "{:.4f}".
        higher_is_better: True or False where a direction is better, None where neither is
            (how much a code is used says how, not how well).
        pca_partner: the name of the same measure for PCA with the model's code size, drawn
            beside this one; None for a metric without one (and for the PCA measures).
        source: the paper that defines it, for the scores of `aelib.disentanglement`; None for
            the others.
    """

    name: str
    label: str
    format: str
    higher_is_better: bool | None
    pca_partner: str | None = None
    source: str | None = None

    @property
    def axis_title(self) -> str:
        """The label with the better direction, for a chart: "test loss, lower is better"."""
        if self.higher_is_better is None:
            return self.label
        return f"{self.label}, {'higher' if self.higher_is_better else 'lower'} is better"


METRICS: dict[str, Metric] = {metric.name: metric for metric in (
    Metric("test_loss", "test loss", "{:.4f}", False, pca_partner="pca_loss"),
    Metric("psnr", "PSNR (dB)", "{:.1f}", True, pca_partner="pca_psnr"),
    Metric("ssim", "SSIM", "{:.3f}", True, pca_partner="pca_ssim"),
    Metric("pca_loss", "PCA loss (same code size)", "{:.4f}", False),
    Metric("pca_psnr", "PCA PSNR (dB)", "{:.1f}", True),
    Metric("pca_ssim", "PCA SSIM", "{:.3f}", True),
    Metric("code_mean", "code mean", "{:.3f}", None),
    Metric("inactive_fraction", "inactive units", "{:.0%}", None),
    Metric("knn_accuracy", "5-NN accuracy", "{:.1%}", True),
    # The scorecard of `aelib.disentanglement`, kept for a run on a dataset with known
    # factors (the coloured shapes); None for the others.
    Metric("mig", "MIG", "{:.3f}", True, source="Chen et al. 2018"),
    Metric("sap", "SAP", "{:.3f}", True, source="Kumar et al. 2018"),
    Metric("dci_disentanglement", "DCI disentanglement", "{:.3f}", True,
           source="Eastwood and Williams 2018"),
    Metric("dci_completeness", "DCI completeness", "{:.3f}", True,
           source="Eastwood and Williams 2018"),
    Metric("dci_informativeness", "DCI informativeness", "{:.3f}", True,
           source="Eastwood and Williams 2018"),
    Metric("modularity", "Modularity", "{:.3f}", True, source="Ridgeway and Mozer 2018"),
    Metric("explicitness", "Explicitness", "{:.3f}", True, source="Ridgeway and Mozer 2018"),
    Metric("gaussian_total_correlation", "Gaussian total correlation (nats)", "{:.3f}", False,
           source="Locatello et al. 2019"),
    Metric("factor_vae", "FactorVAE score", "{:.3f}", True, source="Kim and Mnih 2018"),
    Metric("beta_vae", "β-VAE score", "{:.3f}", True, source="Higgins et al. 2017"),
)}
# The disentanglement scores, in the scorecard's order; the interventional ones redraw images
# with one factor fixed and are computed last, in the background.
SCORECARD: tuple[str, ...] = tuple(name for name, metric in METRICS.items() if metric.source)
INTERVENTIONAL: tuple[str, ...] = ("factor_vae", "beta_vae")
# The model's own measures: every metric that is no other's PCA partner. A chart of one of
# them draws its partner beside it, so the partners need no place of their own in a picker.
MODEL_METRICS: tuple[str, ...] = tuple(
    name for name in METRICS if name not in {metric.pca_partner for metric in METRICS.values()})

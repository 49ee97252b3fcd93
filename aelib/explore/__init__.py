"""What a trained model learned: losses against PCA, codes, quality, anomalies, advice, figures,
and disentanglement scores against the factors of the data.
"""

from aelib._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__, submodules=['analysis', 'quality', 'anomaly', 'advice', 'figures', 'metrics',
                          'latent_figures', 'disentanglement', 'interventions',
                          'projections', 'replay', 'sampling', 'units', 'code_figures'])

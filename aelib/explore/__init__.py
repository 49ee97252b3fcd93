"""What a trained model learned: losses against PCA, codes, quality, anomalies, advice, figures.
"""

from aelib._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__, submodules=['analysis', 'quality', 'anomaly', 'advice', 'figures', 'metrics',
                           'projections', 'replay', 'sampling', 'units', 'code_figures'])

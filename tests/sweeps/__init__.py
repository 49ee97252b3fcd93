"""Tests of `aelib.sweeps`."""

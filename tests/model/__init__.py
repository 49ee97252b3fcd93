"""Tests of `aelib.model`."""

"""Tests of `aelib.explore`."""

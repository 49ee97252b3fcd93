"""Tests of `aelib.data`."""

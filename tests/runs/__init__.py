"""Tests of `aelib.runs`."""

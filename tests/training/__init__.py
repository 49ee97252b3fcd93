"""Tests of `aelib.training`."""

"""Tests of `aelib.jobs`."""

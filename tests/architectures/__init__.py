"""Tests of `aelib.architectures`."""

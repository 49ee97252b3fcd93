"""The dependency floors keep out the releases with published vulnerabilities in what the lab
does with strangers' files (loading models, decoding images), and what is installed meets them."""

import importlib.metadata
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.support import ROOT

# The first release of each with the fixes for the advisories named: raise these, never lower.
SECURITY_FLOORS = {
    "keras": Version("3.14"),  # CVE-2026-1462 (TFSMLayer), CVE-2026-0897, GHSA-hqp4-2352-xf5r
    "pillow": Version("12.3"),  # PYSEC-2026-2253 to 2257 (image decoders)
}


def declared(path) -> dict[str, Requirement]:
    """The requirements of requirements.txt or of pyproject.toml's [project], by name."""
    if path.suffix == ".toml":
        lines = tomllib.loads(path.read_text())["project"]["dependencies"]
    else:
        lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    requirements = [Requirement(line) for line in lines if line and not line.startswith("-")]
    return {requirement.name.lower(): requirement for requirement in requirements}


@pytest.mark.parametrize("file", ["requirements.txt", "pyproject.toml"])
@pytest.mark.parametrize("package", sorted(SECURITY_FLOORS))
def test_the_declared_floor_is_at_least_the_security_floor(file, package):
    requirement = declared(ROOT / file)[package]
    floors = [Version(spec.version) for spec in requirement.specifier if spec.operator == ">="]
    assert floors and max(floors) >= SECURITY_FLOORS[package], str(requirement)


@pytest.mark.parametrize("package", sorted(SECURITY_FLOORS))
def test_the_installed_release_meets_the_floor(package):
    installed = Version(importlib.metadata.version(package))
    assert installed >= SECURITY_FLOORS[package]
    assert installed in declared(ROOT / "requirements.txt")[package].specifier

"""The lock files: every package pinned with the hashes of its files, the dev lock the same
versions as the site's, and both what pyproject.toml asks for (bin/lock-requirements)."""

import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)")


def locked(name: str) -> dict[str, str]:
    """{normalised package name: version} of a lock file; fails on a line without a hash."""
    text = (ROOT / name).read_text()
    pins = {}
    # Each requirement is one logical line: the pin, then its hashes after line continuations.
    for requirement in text.replace("\\\n", " ").splitlines():
        match = PIN.match(requirement)
        if match is None:
            continue
        assert "--hash=sha256:" in requirement, f"{name}: {match[1]} has no hash"
        pins[normalise(match[1])] = match[2]
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins(extra: str | None = None) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {normalise(pin.split("==")[0].split("[")[0]): pin.split("==")[1] for pin in pins}


def test_every_locked_package_is_pinned_with_hashes():
    assert len(locked("requirements.txt")) > 20
    assert len(locked("requirements-dev.txt")) > len(locked("requirements.txt"))


def test_the_dev_lock_has_the_sites_packages_at_the_sites_versions():
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_the_locks_hold_what_pyproject_asks_for():
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    assert {name: runtime.get(name) for name in pyproject_pins()} == pyproject_pins()
    assert {name: dev.get(name) for name in pyproject_pins("dev")} == pyproject_pins("dev")


def test_make_install_and_the_image_refuse_files_whose_hash_is_not_in_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-dev.txt" in makefile
    assert "--no-deps --require-hashes -r requirements-gbstats.txt" in makefile
    assert "pip install --require-hashes -r requirements.txt" in dockerfile

"""The README's picture of the dependency layers is the import contract that `make lint`
enforces, layer for layer."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_layers_equal_the_import_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- layers:start -->\n```\n(.*?)```\n<!-- layers:end -->", readme, re.S)
    assert block, "README has no layers block"
    assert block.group(1).strip().splitlines() == contract["layers"]


def test_every_app_is_in_a_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layered = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    assert set(config["tool"]["importlinter"]["root_packages"]) == layered

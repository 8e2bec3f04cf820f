"""The bot's own packages stand alone: the developer tools and the tests stay outside them."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
PRODUCT = ("bot", "conversations", "storage", "reports")
# `themabot demo` imports the demo when asked for it, and says how to get it when it is missing.
LAZY_DEMO_IMPORT = (Path("bot/cli/system.py"), "devtools.demo")
# The bot sends over aiohttp, in this one module (its HTTP client for PTB).
HTTP_CLIENT = Path("bot/http.py")


def imports(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports (absolute names), with the line it does so on."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def test_product_code_imports_nothing_from_tests_or_devtools_and_aiohttp_in_one_place():
    offending = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            for module, line in imports(path):
                top = module.partition(".")[0]
                if top == "aiohttp" and relative == HTTP_CLIENT:
                    continue
                if top not in {"tests", "devtools", "aiohttp"}:
                    continue
                if (relative, module) != LAZY_DEMO_IMPORT:
                    offending.append(f"{relative}:{line} imports {module}")
    assert offending == []


def test_dev_equipment_is_not_in_the_product_package():
    for name in ("standin.py", "demo.py", "demo_answers.toml"):
        assert not (ROOT / "bot" / name).exists(), name


def test_the_bots_distribution_leaves_out_the_developer_tools():
    product = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = product["tool"]["setuptools"]["packages"]["find"]["include"]
    assert all(not pattern.startswith(("devtools", "tests")) for pattern in included)
    # aiohttp is the bot's own HTTP client now (bot/http.py), so it is the bot's dependency.
    assert any(d.startswith("aiohttp") for d in product["project"]["dependencies"])

    devtools = tomllib.loads((ROOT / "devtools" / "pyproject.toml").read_text(encoding="utf-8"))
    assert devtools["project"]["name"] == "themabot-devtools"
    assert any(d.startswith("aiohttp") for d in devtools["project"]["dependencies"])

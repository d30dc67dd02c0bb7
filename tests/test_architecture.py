"""The shape the guide asks for: a pure core, one openai module, the layout, small modules."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_core_never_imports_streamlit():
    offenders = [p.relative_to(ROOT) for p in core_files() if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_only_one_core_module_imports_openai():
    users = [p.relative_to(ROOT).as_posix() for p in core_files() if "openai" in imported_modules(p)]
    assert users == ["core/engines/openai_api.py"]


def test_importing_the_core_does_not_load_streamlit_or_openai():
    code = (
        "import sys, core.cli.main, core.rows.runner, core.loaders; "
        "print(any(m.split('.')[0] in ('streamlit', 'openai') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_layout_the_user_asked_for():
    for name in (
        "app.py",
        "requirements.txt",
        "requirements-dev.txt",
        "README.md",
        ".ci/run",
        "pages",
        "core",
        "tests",
        "sample_data",
    ):
        assert (ROOT / name).exists(), name


def test_modules_stay_small():
    sources = [*core_files(), *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "app.py"]
    long = [
        (p.relative_to(ROOT).as_posix(), n)
        for p in sources
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300
    ]
    assert long == []


def test_core_has_about_a_dozen_top_level_modules_beside_its_packages():
    modules = sorted(p.name for p in CORE.glob("*.py"))
    assert len(modules) <= 12, modules


def test_only_ui_state_touches_session_state():
    users = [
        p.relative_to(ROOT).as_posix()
        for p in [*(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
        if "session_state" in p.read_text(encoding="utf-8")
    ]
    assert sorted(users) == ["ui/i18n.py", "ui/state/__init__.py"]


def test_pages_only_draw_what_ui_helpers_make():
    for page in (ROOT / "pages").glob("*.py"):
        assert imported_modules(page) <= {"streamlit", "ui"}, page.name

"""Named prompts with versions in the run store, and their TOML export/import."""

import sqlite3
import tomllib

import pytest

from core.errors import ConfigError
from core.store import Store
from core.workbench.prompts import PromptLibrary
from core.workbench.prompts_toml import export_toml, import_toml, toml_string


@pytest.fixture
def lib(tmp_path):
    store = Store(tmp_path / "runs.sqlite3")
    yield PromptLibrary(store)
    store.close()


def test_versions_grow_only_when_the_text_changes(lib):
    assert lib.save("공손", "정중하게.", "{text}", task="clean").version == 1
    assert lib.save("공손", "정중하게.", "{text}", task="clean").version == 1
    assert lib.save("공손", "정중하게.\n존댓말로.", "{text}", task="clean").version == 2
    assert [(p.name, p.task, p.latest) for p in lib.names()] == [("공손", "clean", 2)]
    assert lib.names("emotion") == []
    assert lib.get("공손", 1).system == "정중하게." and lib.get("공손").version == 2
    assert "+존댓말로." in lib.diff("공손", 1, 2) and lib.diff("공손", 2, 2) == ""


def test_restore_rename_delete(lib):
    lib.save("p", "one")
    lib.save("p", "two")
    restored = lib.restore("p", 1)
    assert (restored.version, restored.system, restored.note) == (3, "one", "restored v1")
    lib.save("q", "other")
    with pytest.raises(ConfigError):
        lib.rename("p", "q")
    lib.rename("p", "r")
    assert [p.name for p in lib.names()] == ["q", "r"] and len(lib.versions("r")) == 3
    lib.delete("r")
    with pytest.raises(ConfigError) as err:
        lib.get("r")
    assert err.value.code == "prompts.unknown"
    with pytest.raises(ConfigError):
        lib.get("q", 9)


def test_matching_finds_the_version_in_use(lib):
    lib.save("p", "one", "{text}")
    lib.save("p", "two", "{text}")
    assert lib.matching("one", "{text}").version == 1
    assert lib.matching("three", "{text}") is None


def test_tables_are_added_to_an_existing_store_file(tmp_path):
    path = tmp_path / "old.sqlite3"
    Store(path).close()
    store = Store(path)
    PromptLibrary(store).save("p", "s")
    store.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "results", "answers", "prompts", "prompt_versions"} <= tables


@pytest.mark.parametrize(
    "text",
    [
        "한 줄",
        "여러 줄\n둘째 줄",
        "따옴표 ''' 셋",
        'a "quoted" \\ back',
        "tab\there\nand",
        "ends with '\nx'",
        "\x7f\x01",
        "",
    ],
)
def test_toml_string_round_trips(text):
    assert tomllib.loads(f"v = {toml_string(text)}")["v"] == text


def test_export_then_import_into_another_store_and_again_adds_nothing(lib, tmp_path):
    lib.save("공손", "정중하게.", "<data>{text}</data>", task="clean")
    lib.save("공손", "정중하게.\n존댓말로.", "<data>{text}</data>", task="clean", note="존댓말")
    lib.save("감정", "라벨 하나만.", "{text}", task="emotion")
    text = export_toml(lib)
    other_store = Store(tmp_path / "other.sqlite3")
    other = PromptLibrary(other_store)
    assert import_toml(other, text) == {"감정": 1, "공손": 2}
    assert import_toml(other, text) == {"감정": 0, "공손": 0}
    assert [(v.version, v.system, v.note) for v in other.versions("공손")] == [
        (1, "정중하게.", ""),
        (2, "정중하게.\n존댓말로.", "존댓말"),
    ]
    assert other.names("emotion")[0].name == "감정"
    assert "감정" not in export_toml(lib, ["공손"])
    other_store.close()


@pytest.mark.parametrize("bad", ["not toml [", "format = 1\n", '[[prompt]]\nname = ""\n'])
def test_import_refuses_what_is_not_a_prompts_file(lib, bad):
    with pytest.raises(ConfigError):
        import_toml(lib, bad)

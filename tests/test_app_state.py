"""Session state: one place, survives page switches and reruns, per-session only; the UI languages."""

import re
import tomllib

import pytest

from core.store import Store, default_store_path
from tests.app_support import (
    ROOT,
    TEXT,
    UTTERANCES,
    connect,
    cp949_csv,
    downloads,
    loaded,
    new_app,
    no_crash,
    texts,
    upload,
    wait_for_run,
)
from testserver.server import FakeOpenAI
from ui import state as S
from ui.i18n import LOCALES

CLEAN_DEFAULT_START = "당신은 한국어 녹취록 편집자입니다."


def app_sources() -> list:
    return [ROOT / "app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")]


@pytest.mark.parametrize(
    "locale, title",
    [(None, "파일 올리기"), ("ko-KR", "파일 올리기"), ("en-US", "Upload"), ("en-GB", "Upload"), ("ja-JP", "Upload")],
)
def test_the_language_follows_the_browser_locale_else_korean(locale, title):
    at = new_app(**({"locale": locale} if locale else {}))
    no_crash(at)
    assert texts(at.title) == [title]


def test_switching_language_changes_the_ui_and_keeps_the_work():
    at = upload(new_app(), "회의.csv", cp949_csv())
    at.radio(key="w.lang").set_value("en").run()
    no_crash(at)
    assert texts(at.title) == ["Upload"] and at.sidebar.text_area[0].label == "System prompt · Tidy the script"
    assert {m.label: m.value for m in at.metric}["Rows"] == "4"
    at.switch_page("pages/rows.py").run()
    assert at.selectbox(key="w.task").options[0] == "Tidy the script · 대본 정리"


def test_settings_prompt_upload_and_results_survive_page_switches():
    with FakeOpenAI() as srv:
        at = connect(loaded(), srv.base_url, key="sk-session-key")
        at.text_input(key="w.model").input("gpt-4.1-mini").run()
        at.slider(key="w.temperature").set_value(0.7).run()
        at.number_input(key="w.max_tokens").set_value(300).run()
        at.number_input(key="w.concurrency").set_value(3).run()
        at.number_input(key="w.rpm").set_value(6000).run()
        at.number_input(key="w.budget").set_value(5.0).run()
        at.sidebar.text_area[0].input("내 시스템 프롬프트").run()
        at.button(key="b.run").click().run()
        wait_for_run(at)
        for page in ["pages/upload.py", "pages/summary.py", "pages/upload.py", "pages/rows.py"]:
            at.switch_page(page).run()
            no_crash(at)
            assert at.text_input(key="w.model").value == "gpt-4.1-mini"
            assert at.slider(key="w.temperature").value == 0.7
            assert at.number_input(key="w.max_tokens").value == 300
            assert at.number_input(key="w.concurrency").value == 3
            assert at.number_input(key="w.rpm").value == 6000 and at.number_input(key="w.budget").value == 5.0
            assert at.text_input(key="w.api_key").value == "sk-session-key"
            assert at.text_input(key="w.base_url").value == srv.base_url
        assert at.sidebar.text_area[0].value == "내 시스템 프롬프트"
        assert at.data_editor[0].value["정리된 발화"].tolist() == [f"ECHO: <data>{t}</data>" for t in UTTERANCES[TEXT]]
        body = srv.chat_requests()[0]
        assert (body["model"], body["temperature"], body["max_tokens"]) == ("gpt-4.1-mini", 0.7, 300)
        assert {r.auth_key for r in srv.requests} == {"sk-session-key"}
        params = Store(default_store_path()).run(at.session_state["row_run"].run_id).params
        assert (params["rpm"], params["budget"], params["pack"]) == (6000, 5.0, 1)  # the run used them


def test_each_task_keeps_its_own_prompt_and_reset_restores_the_preset():
    at = loaded()
    reset = lambda: at.button(key="b.reset_system")
    assert at.sidebar.text_area[0].value.startswith(CLEAN_DEFAULT_START) and reset().disabled
    at.sidebar.text_area[0].input("정리용 내 프롬프트").run()
    assert not reset().disabled
    at.selectbox(key="w.task").set_value("summarize").run()
    assert at.sidebar.text_area[0].label.endswith("발화 요약")
    assert at.sidebar.text_area[0].value.startswith("당신은 회의록 작성자입니다.")
    at.selectbox(key="w.task").set_value("clean").run()
    assert at.sidebar.text_area[0].value == "정리용 내 프롬프트"
    reset().click().run()
    assert at.sidebar.text_area[0].value.startswith(CLEAN_DEFAULT_START) and reset().disabled
    assert at.session_state["systems"] == {}


def test_two_sessions_never_see_each_others_key_file_or_results():
    with FakeOpenAI() as srv:
        one = connect(loaded(name="첫째.csv"), srv.base_url, key="sk-first-user")
        one.button(key="b.run").click().run()
        wait_for_run(one)
        two = new_app()
        assert two.text_input(key="w.api_key").value == ""
        assert two.session_state["table"] is None and two.session_state["row_run"] is None
        assert texts(two.info) and not two.dataframe
        other = UTTERANCES.assign(**{TEXT: ["둘째 사용자의 발화"] * 4})
        upload(two, "둘째.csv", cp949_csv(other))
        two.switch_page("pages/rows.py").run()
        assert not two.data_editor and two.session_state["row_run"] is None
        one.run()
        assert one.session_state["upload"].name == "첫째.csv"
        assert one.data_editor[0].value[TEXT].tolist() == UTTERANCES[TEXT].tolist()
        assert one.text_input(key="w.api_key").value == "sk-first-user"


def test_state_keys_are_declared_once_and_never_clash_with_widget_keys():
    plain = [v for k, v in vars(S).items() if k.isupper() and isinstance(v, str) and k not in ("CUSTOM", "EDITOR_KEY")]
    assert len(plain) == len(set(plain))
    assert set(plain) - {S.LANG} == set(S.DEFAULTS)
    assert not [k for k in plain if re.match(r"^[wbd]\.", k)]
    source = "\n".join(p.read_text(encoding="utf-8") for p in app_sources())
    assert not re.search(r"session_state\[\s*[\"']", source.replace("st.session_state[widget]", "")), (
        "pages and helpers use the key constants, not string literals"
    )


def flat(path) -> dict[str, str]:
    def walk(table, prefix=""):
        for key, value in table.items():
            yield from walk(value, f"{prefix}{key}.") if isinstance(value, dict) else [(prefix + key, value)]

    with open(path, "rb") as fh:
        return dict(walk(tomllib.load(fh)))


def test_both_languages_have_the_same_strings_with_the_same_placeholders():
    ko, en = flat(LOCALES / "ko.toml"), flat(LOCALES / "en.toml")
    assert set(ko) == set(en)
    fields = lambda s: sorted(re.findall(r"(?<!\{)\{(\w*)[^{}]*\}(?!\})", s))
    assert {k: fields(v) for k, v in ko.items()} == {k: fields(v) for k, v in en.items()}
    source = "\n".join(p.read_text(encoding="utf-8") for p in app_sources())
    used = set(re.findall(r"\bt\(\"([a-z_]+\.[a-z_]+)\"", source))
    assert used <= set(ko), used - set(ko)


def test_the_key_can_come_from_streamlit_secrets(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with FakeOpenAI() as srv:
        at = loaded()
        at.secrets["OPENAI_API_KEY"] = "sk-from-secrets"
        at.text_input(key="w.base_url").input(srv.base_url).run()
        assert any("Streamlit secrets" in c for c in texts(at.sidebar.caption))
        assert at.text_input(key="w.api_key").value == ""  # the secret is used, never copied into the page
        at.button(key="b.run").click().run()
        wait_for_run(at)
        assert {r.auth_key for r in srv.requests} == {"sk-from-secrets"}


def test_a_bug_while_reading_a_file_reads_as_a_plain_message(monkeypatch):
    import ui.upload

    def broken(*args, **kwargs):
        raise RuntimeError("loader bug\nTraceback (most recent call last): ...")

    monkeypatch.setattr(ui.upload, "load_bytes", broken)
    at = upload(new_app(), "이상한.csv", "번호,발화\r\n1,버그를 부르는 파일\r\n".encode("cp949"))
    assert not at.exception
    assert any("예상하지 못한 문제" in e for e in texts(at.error))
    assert not any("Traceback" in c for c in texts(at.caption))


PLANTED = "sk-proj-PLANTEDuiKey0123456789abcdefXYZ"


def shown_text(at) -> str:
    """Everything the page shows as text or data, except the password box itself."""
    parts = [
        str(e.value)
        for kind in ("error", "warning", "info", "success", "caption", "markdown", "code", "metric", "text_area")
        for e in at.get(kind)
    ]
    parts += [t.value.to_csv() for t in at.get("arrow_data_frame")]
    return "\n".join(parts)


def test_a_typed_key_appears_nowhere_but_on_the_wire(caplog, capfd):
    with FakeOpenAI(require_key="the-real-key") as srv:
        at = connect(loaded(), srv.base_url, key=PLANTED)
        at.button(key="b.run").click().run()
        wait_for_run(at)
        assert {r.auth_key for r in srv.requests} == {PLANTED}
        assert any("API 키가 거부되었습니다" in e for e in texts(at.error))
        with downloads() as files:
            at.run()
    out, err = capfd.readouterr()
    written = (
        shown_text(at) + out + err + caplog.text + "".join(d.decode("utf-8", "replace") for d, _ in files.values())
    )
    assert files and PLANTED not in written and PLANTED[8:20] not in written
    stored = b"".join(f.read_bytes() for f in default_store_path().parent.glob("runs.sqlite3*"))
    assert stored and PLANTED[8:20].encode() not in stored  # the run store keeps settings, never the key

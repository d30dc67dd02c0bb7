"""Subtitle sources on the rows page: cleaned .srt and .vtt downloads keep the original timings and the edits."""

from core.loaders import load_bytes
from tests.app_support import connect, downloads, edit_cell, loaded, wait_for_run
from testserver.faults import last_user_text
from testserver.server import FakeOpenAI

OUT = "정리된 발화"


SRT = """1
00:00:01,000 --> 00:00:03,240
음 그러니까 오늘 회의를 시작하겠습니다

2
00:00:03,240 --> 00:00:07,880
네 네 좋습니다

3
01:02:03,004 --> 01:02:05,000
마지막 안건입니다
""".encode()


def tidied(body: dict) -> str:
    return last_user_text(body).removeprefix("<data>").removesuffix("</data>") + " (정리됨)"


def test_a_timed_table_downloads_as_srt_and_vtt_with_the_original_times_and_the_edits():
    with FakeOpenAI(responder=tidied) as srv:
        at = connect(loaded(SRT, name="자막.srt"), srv.base_url)
        at.button(key="b.run").click().run()
        wait_for_run(at)
    edit_cell(at, 1, OUT, "좋습니다.")
    with downloads() as files:
        at.run()
    source = load_bytes("자막.srt", SRT).df
    want = ["음 그러니까 오늘 회의를 시작하겠습니다 (정리됨)", "좋습니다.", "마지막 안건입니다 (정리됨)"]
    for name, mime in (("자막_정리된 발화.srt", "application/x-subrip"), ("자막_정리된 발화.vtt", "text/vtt")):
        data, got_mime = files[name]
        back = load_bytes(name, data).df
        assert got_mime == mime and back["text"].tolist() == want
        assert back["start"].tolist() == source["start"].tolist() and back["end"].tolist() == source["end"].tolist()
    assert files["자막_정리된 발화.srt"][0].decode("utf-8").startswith("1\n00:00:01,000 --> 00:00:03,240\n")


def test_a_table_without_times_offers_no_subtitles(at):
    at.button(key="b.run").click().run()
    wait_for_run(at)
    assert {b.proto.label for b in at.get("download_button")} == {"CSV 내려받기 (엑셀용)", "XLSX 내려받기"}

"""The live-path benchmark measures what it says: both clients answer every row, and losses and 429s are counted."""

from bench import live
from testserver.server import FakeOpenAI


def test_both_clients_answer_every_row_and_the_figures_add_up():
    with FakeOpenAI() as srv:
        runs = [live.launch(srv, tool, 6, 3) for tool in ("ours", "plain")]
    for run in runs:
        assert (run.rows, run.requests, run.throttled, run.lost) == (6, 6, 0, 0)
        assert run.first_request is not None and 0 < run.first_request < run.wall and run.cpu > 0


def test_a_row_the_plain_loop_gives_up_on_counts_as_lost():
    with FakeOpenAI(error_500_rate=1.0) as srv:  # every answer fails, after the SDK's two retries
        run = live.launch(srv, "plain", 2, 2)
    assert run.lost == 2 and run.requests == 6

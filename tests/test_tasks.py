"""Built-in tasks load from data; label answers are matched to the list."""

import pytest

from core.errors import ConfigError
from core.rows.plan import row_plan
from core.rows.tasks import check_label, get_task, load_tasks, row_tasks

LABELS = ("기쁨", "슬픔", "분노", "중립")


def test_every_issue_task_is_present_and_well_formed():
    tasks = load_tasks()
    assert {"clean", "summarize", "emotion", "actions", "keywords", "translate", "minutes"} <= set(tasks)
    for task in tasks.values():
        assert task.scope in ("row", "document") and task.output_column and task.system_prompt()
        field = "{text}" if task.scope == "row" else "{transcript}"
        assert field in task.template


def test_row_tasks_exclude_document_tasks():
    assert "minutes" not in [t.name for t in row_tasks()]


def test_emotion_prompt_lists_its_labels_and_custom_labels_replace_them():
    task = get_task("emotion").with_labels(["좋음", " 나쁨 ", "", "좋음"])
    assert task.labels == ("좋음", "나쁨")
    assert "좋음, 나쁨" in task.system_prompt() and "{labels}" not in task.system_prompt()


def test_unknown_task_lists_the_tasks():
    with pytest.raises(ConfigError) as err:
        get_task("nope")
    assert "clean" in err.value.message


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("기쁨", ("기쁨", True)),
        (" 슬픔. ", ("슬픔", True)),
        ('"분노"', ("분노", True)),
        ("라벨: 중립", ("중립", True)),
        ("행복", ("행복", False)),
        ("기쁨과 슬픔", ("기쁨과 슬픔", False)),
        ("", ("", False)),
    ],
)
def test_check_label(answer, expected):
    assert check_label(answer, LABELS) == expected


def test_plan_for_task_custom_template_and_document_task():
    plan = row_plan(task="emotion", text_column="발화")
    assert plan.output_column == "감정" and plan.labels and plan.text_column == "발화"
    custom = row_plan(template="{화자}: {발화}", system="S", output_column="결과")
    assert custom.template.system == "S" and custom.output_column == "결과" and not custom.labels
    overridden = row_plan(task="clean", system="MY SYSTEM")
    assert overridden.template.system == "MY SYSTEM"
    with pytest.raises(ConfigError):
        row_plan(task="minutes")
    with pytest.raises(ConfigError):
        row_plan()

"""Property tests of the template renderer: any text either renders or is refused with a TemplateError."""

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.errors import TemplateError
from core.rows.templates import Template, render

NAMES = st.text(alphabet=string.ascii_letters + "가나다라발화 _.", min_size=1, max_size=8).filter(
    lambda s: s.strip() and not s.isdigit() and not any(c in s for c in "{}:![]")
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=300, deadline=None)
@given(template=TEXT, row=st.dictionaries(NAMES, TEXT, max_size=4))
def test_any_template_renders_or_is_refused_cleanly(template, row):
    try:
        names = Template("", template).fields()
        out = render(template, {n: row.get(n, "") for n in names})
    except TemplateError as exc:
        assert exc.message
    else:
        assert isinstance(out, str)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.tuples(TEXT.map(lambda t: t.replace("{", "{{").replace("}", "}}")), NAMES), max_size=5),
    values=st.lists(TEXT, min_size=5, max_size=5),
)
def test_placeholders_are_replaced_by_the_row_values_verbatim(parts, values):
    row = {name: values[i] for i, (_, name) in enumerate(parts)}
    template = "".join(lit + "{" + name + "}" for lit, name in parts)
    expected = "".join(lit.replace("{{", "{").replace("}}", "}") + row[name] for lit, name in parts)
    assume(not any(tag in v for v in values for tag in ("<data>", "</data>")))
    assert render(template, row) == expected

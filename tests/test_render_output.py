"""What the site's templates print: `{{ x }}` compiles to one call (render._output) that must print
exactly what Jinja2's escape(finalize(x)) would, and the fill stage's workers share the pages out
whole communities at a time, each page exactly once."""

import datetime
from decimal import Decimal

import pytest
from jinja2 import UndefinedError
from markupsafe import Markup, escape

from generator.site import fill, write
from generator.site.page import Page
from generator.site.render import _finalize, _output, environment


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script> & 'q' \"d\"", "联系人 13912345678", "", Markup("<b>ok</b>"), 7, 0, -3, True,
    None, Decimal("1.50"), datetime.date(2024, 5, 1), 1.5, ["<a>"],
])
def test_output_prints_what_escape_of_finalize_prints(value):
    assert str(_output(value)) == str(escape(_finalize(value)))


def test_templates_escape_mask_and_refuse_undefined_names():
    env = environment()
    html = env.from_string("{{ a }}|{{ b }}|{{ n }}|{{ m }}").render(
        a="<i>13912345678</i>", b=Markup("<i>x</i>"), n=3, m=None)
    assert html == "&lt;i&gt;139****5678&lt;/i&gt;|<i>x</i>|3|"
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing }}").render()


def test_a_macro_imported_from_a_template_sees_the_globals_set_after_the_environment():
    env = environment()
    env.globals["late"] = "<late>"
    html = env.from_string('{% from "_macros.html" import share %}{{ share(1, 4) }} {{ late }}').render()
    assert html == "25.0% &lt;late&gt;"


def _pages(paths):
    return [Page(path, path, "x.html") for path in paths]


def test_workers_share_whole_communities_and_every_page_once():
    paths = ["", "rollout/", "d/1/", "s/11/", "c/111/", "c/111/finance/2024-01/", "c/111/reports/r/",
             "c/112/", "c/112/finance/2024-01/", "c/113/", "c/113/history/"]
    pages = _pages(paths)
    shares = [fill.share(pages, i, 2) for i in range(2)]
    assert sorted(p.path for s in shares for p in s) == sorted(paths)
    for s in shares:
        mine = [p.path for p in s]
        assert mine == [p for p in paths if p in mine]  # in the site's order
        for code in ("111", "112", "113"):
            of = [p for p in paths if p.startswith(f"c/{code}/")]
            assert set(of) <= set(mine) or not set(of) & set(mine)  # a community's pages together


def test_new_files_makes_folders_and_replaces_a_file_rather_than_writing_through(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    (tmp_path / "stage" / "a").mkdir(parents=True)
    (tmp_path / "stage" / "a" / "index.html").symlink_to(target)
    writer = write.NewFiles()
    writer.write(tmp_path / "stage", "a/index.html", "new")
    writer.write(tmp_path / "stage", "b/c/d/index.html", b"deep")
    assert target.read_text() == "keep"
    assert (tmp_path / "stage" / "a" / "index.html").read_text() == "new"
    assert not (tmp_path / "stage" / "a" / "index.html").is_symlink()
    assert (tmp_path / "stage" / "b" / "c" / "d" / "index.html").read_bytes() == b"deep"

"""Pages → HTML fragments with Jinja2: autoescape on, undefined names fail the build."""

from __future__ import annotations

import functools
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from generator.dates import format_zh
from generator.model import SIX_UNIFICATIONS
from generator.money import format_amount, to_capital
from generator.periods import period_label
from generator.site import urls
from generator.site.markdown import render_markdown
from generator.site.page import Page
from generator.site.privacy import mask_mobile

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _finalize(value):
    # Every value printed by a template passes here: free text has personal data masked.
    if value.__class__ is str:  # most values: one type check
        return mask_mobile(value)
    if isinstance(value, str) and not isinstance(value, Markup):
        return mask_mobile(value)
    return "" if value is None else value


# A printed text, masked and escaped, remembered per process: a category, a handler's name or a
# member's name is printed on many pages, and escape(_finalize(text)) is most of a cell's cost.
@functools.lru_cache(maxsize=1 << 17)
def _escaped_text(text: str) -> str:
    return str(escape(mask_mobile(text)))


def _output(value):
    """What escape(_finalize(value)) prints, faster for the values most printed: plain texts
    (memoised), Markup (already safe) and integers (nothing to escape)."""
    cls = value.__class__
    if cls is str:
        return _escaped_text(value)
    if cls is Markup:
        return value
    if cls is int:
        return str(value)
    return escape(_finalize(value))


class _OutputCodeGenerator(CodeGenerator):
    """Compiles `{{ x }}` to one call, environment.output(x), instead of escape(environment.finalize(x)).
    Only where autoescape is fixed on at compile time; elsewhere Jinja2's own code."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if self._fused(frame, finalize):
            self.write("environment.output(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        if self._fused(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)

    def _fused(self, frame, finalize) -> bool:
        return (not frame.eval_ctx.volatile and frame.eval_ctx.autoescape
                and finalize.src == "environment.finalize(" and self.environment.finalize is _finalize)


class _Environment(Environment):
    code_generator_class = _OutputCodeGenerator

    def make_globals(self, d):
        # A plain dict, not Jinja2's ChainMap: each `{% from … import %}` of a render takes the
        # difference of the context's globals and the template's, which a ChainMap makes slow.
        # The environment's globals are all set before the first template is loaded.
        return {**self.globals, **(d or {})}


def _pieces(name: str) -> str:
    """A name's single characters and pairs of characters, space-separated: whichever way the
    browser cuts a query for it, each piece is a word of the index."""
    name = "".join(name.split())
    return " ".join([*name, *(name[i:i + 2] for i in range(len(name) - 1))])


def _spellings(name: str) -> str:
    """A short name (a person's) cut every way into pieces of one or two characters, one way after
    another (李建华 → 李 建 华 · 李建 华 · 李 建华): whichever way the browser cuts the query, its
    pieces stand next to each other here, so the search page's exact-phrase pass finds the
    person's own community first."""
    name = "".join(name.split())
    if len(name) > 4:
        return _pieces(name)

    def ways(rest: str) -> list[list[str]]:
        if not rest:
            return [[]]
        found = [[rest[0], *w] for w in ways(rest[1:])]
        if len(rest) >= 2:
            found += [[rest[:2], *w] for w in ways(rest[2:])]
        return found

    return " · ".join(" ".join(way) for way in ways(name))


def environment() -> Environment:
    env = _Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build's templates do not change under it: no stat of the file per page
    )
    env.filters.update(
        money=lambda d: "" if d is None else format_amount(d),
        capital=to_capital,
        date_zh=lambda d: "" if d is None else format_zh(d),
        pct=lambda d: "—" if d is None else f"{d * 100:.1f}%",
        # Markup skips finalize: render_markdown masks a report body before rendering it.
        markdown=lambda text: Markup(render_markdown(text)),
        iso=lambda d: "" if d is None else d.isoformat(),
        characters=_pieces,  # for search documents: see templates/search/community.html
        spellings=_spellings,
    )
    env.output = _output
    env.globals.update(urls=urls, SIX_UNIFICATIONS=SIX_UNIFICATIONS, period_label=period_label)
    return env


@functools.cache
def shared_environment() -> Environment:
    """One environment per process for the site's pages: its templates, compiled once by a build,
    are inherited by the render workers it forks (a republish renders in the build and in two
    workers: compiling the templates took each ~0.2 s)."""
    return environment()


def render_page(env: Environment, page: Page) -> str:
    template = env.get_template(page.template)
    return template.render(page.context | {"page": page, "url": partial(urls.relative, page.path)})

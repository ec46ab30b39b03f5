"""Sheets → complete HTML documents, with the site's Jinja2 environment (autoescape, personal data masked)."""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

from generator.print.sheets import Sheet
from generator.site.privacy import mask_personal
from generator.site.render import environment
from generator.streetoffice import office_of


def css_string(value: object) -> Markup:
    """A quoted CSS string for @page margin boxes: committee-written text cannot close the string,
    the rule or the <style> element, because everything but letters and digits is hex-escaped."""
    out = []
    for ch in mask_personal(str(value)):
        out.append(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x}")
    return Markup('"' + "".join(out) + '"')


def print_environment() -> Environment:
    env = environment()
    env.filters["css_string"] = css_string
    env.globals["street_office"] = office_of  # a community without a committee: its street office signs
    return env


def render_sheet(env: Environment, sheet: Sheet) -> str:
    template = env.get_template(f"print/{sheet.template}")
    return template.render(sheet.context | {"sheet": sheet, "qr": Markup(sheet.qr)})

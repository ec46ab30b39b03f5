"""The city data folder's catalogue: a Frictionless Data Package listing every CSV file.

`build_descriptor` is pure (relative CSV paths in, descriptor dict out); `write_datapackage`
scans or takes the paths and writes `datapackage.yaml`. Used by the demo generator and by the
tools that add or upload data (init, add-community, upload).

Also holds `dump_yaml`, a small deterministic YAML writer that quotes every scalar a YAML 1.1
reader could mistake for something else (dates, amounts, phone numbers, codes, 是/否 are fine).
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

from generator import layout
from generator.problems import JuwuError

DESCRIPTOR_NAME = "datapackage.yaml"

# CSV file name (inside communities/<code>/) → schema type; ledgers live in finance/<YYYY-MM>.csv.
COMMUNITY_TABLES = tuple(layout.COMMUNITY_TABLES)
_CODE = re.compile(r"[0-9]{12}")
_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


class CatalogueError(JuwuError, ValueError):
    """A CSV path that does not belong in a city data folder."""

    code = "catalogue-path"


# How a CSV's header relates to its schema: the schema's field names, its Chinese titles, or the
# clerk's own layout (a notice board with title rows, 凭证字号/事由 columns, a 合计 row), which Juwu's
# readers understand but a Table Schema cannot describe.
NAMED, TITLED, OWN_LAYOUT = "named", "titled", "own-layout"
_OWN_LAYOUT_NOTE = ("按社区自己的表样保存（如公开栏格式），由 Juwu 读取并校验，网站下载中有规范格式的 CSV。"
                    " Kept in the community's own layout (e.g. a notice board); Juwu reads and checks it, and the"
                    " published site offers it as a CSV in the standard columns.")


def _kind_and_name(path: str) -> tuple[str, str]:
    parts = PurePosixPath(path).parts
    if parts == ("communities.csv",):
        return "communities", "communities"
    if parts == ("rollout.csv",):
        return "rollout", "rollout"
    if len(parts) == 3 and parts[0] == "communities" and _CODE.fullmatch(parts[1]) \
            and parts[2].endswith(".csv") and parts[2][:-4] in COMMUNITY_TABLES:
        table = parts[2][:-4]
        return table, f"{table}-{parts[1]}"
    if len(parts) == 4 and parts[0] == "communities" and _CODE.fullmatch(parts[1]) \
            and parts[2] == "finance" and parts[3].endswith(".csv") and _PERIOD.fullmatch(parts[3][:-4]):
        return "ledger_lines", f"ledger-{parts[1]}-{parts[3][:-4]}"
    raise CatalogueError(f"不是城市数据文件夹中的 CSV 路径：{path}", f"not a city data CSV path: {path}")


def resource_for(path: str, shape: str = NAMED) -> dict:
    """The resource descriptor of one CSV file, given its path relative to the data folder and its
    header's SHAPE. TITLED (its header is the schema's Chinese titles: juwu init, juwu template): its
    schema is the copy whose field names are those titles (TITLED_SCHEMAS), which stock frictionless
    matches. OWN_LAYOUT (a community table kept as the clerk laid it out): a plain file, since no Table
    Schema describes it — `juwu validate` still reads and checks every cell."""
    kind, name = _kind_and_name(path)
    path = "/".join(PurePosixPath(path).parts)
    if shape == OWN_LAYOUT and kind not in ("communities", "rollout"):
        return {"name": name, "path": path, "type": "file", "format": "csv", "mediatype": "text/csv",
                "description": _OWN_LAYOUT_NOTE}
    return {
        "name": name,
        "path": path,
        "format": "csv",
        "encoding": "utf-8",
        "schema": f"{TITLED_SCHEMAS if shape == TITLED else 'schemas'}/{kind}.yaml",
    }


def _sort_key(path: str) -> tuple:
    top = {"communities.csv": 0, "rollout.csv": 1}
    return (top.get(path, 2), path)


def build_descriptor(csv_paths, name: str = "juwu-city", title: str | None = None, titled=(),
                     own_layout=()) -> dict:
    """Data Package descriptor for the given CSV paths (relative, '/'-separated), sorted:
    communities, rollout, then every other file by path; `titled` names those whose header is the
    schema's Chinese titles, `own_layout` those kept in the clerk's own layout."""
    paths = sorted({str(PurePosixPath(p)) for p in csv_paths}, key=_sort_key)
    titled = {str(PurePosixPath(p)) for p in titled}
    own_layout = {str(PurePosixPath(p)) for p in own_layout}
    descriptor: dict = {"name": name}
    if title:
        descriptor["title"] = title
    descriptor["resources"] = [resource_for(p, OWN_LAYOUT if p in own_layout else TITLED if p in titled else NAMED)
                               for p in paths]
    return descriptor


# --- Chinese headers and stock frictionless ------------------------------------------------------
# `frictionless validate datapackage.yaml` compares each header label with its schema's field name
# (`incorrect-label` otherwise). A CSV whose header is the schema's Chinese titles (what juwu init,
# add-community and the templates write, and what clerks upload) is declared with a copy of the
# schema whose field names are those titles: same types and constraints, so stock frictionless
# checks the same things. `juwu validate` reads either header with the engine's own schemas.

TITLED_SCHEMAS = "schemas/zh"


def kind_of(path: str) -> str:
    """The schema kind of a catalogued CSV path."""
    return _kind_and_name(path)[0]


def titled_schema(kind: str) -> dict:
    """The Table Schema of KIND with each field named by its Chinese title."""
    import copy

    from generator import tableschemas

    def named(k: str, name: str) -> str:
        return tableschemas.fields(k).get(name, {}).get("title") or name

    schema = copy.deepcopy(tableschemas.schema(kind))
    schema.pop("boardColumns", None)
    for f in schema["fields"]:
        f["name"] = named(kind, f["name"])
        f.pop("aliases", None)
    if schema.get("primaryKey"):
        schema["primaryKey"] = [named(kind, n) for n in schema["primaryKey"]]
    for fk in schema.get("foreignKeys") or []:
        fk["fields"] = [named(kind, n) for n in fk["fields"]]
        ref = fk["reference"]
        ref["fields"] = [named(ref["resource"], n) for n in ref["fields"]]  # the referenced file is titled too
    return schema


def titled_schema_text(kind: str) -> str:
    import yaml

    return (f"# {kind}.yaml with each field named by its Chinese title: the schema of CSV files whose header\n"
            "# is in Chinese (written by juwu catalogue; the engine reads the originals in generator/schemas/)\n"
            + yaml.safe_dump(titled_schema(kind), allow_unicode=True, sort_keys=False))


def header_shape(path: str, head: bytes) -> str:
    """NAMED, TITLED or OWN_LAYOUT: how a CSV's first line (HEAD: its first bytes) matches its schema."""
    import csv

    from generator import tableschemas

    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return OWN_LAYOUT
    first = text.split("\n", 1)[0].rstrip("\r")
    labels = [c.strip() for c in next(csv.reader([first]), [])]
    fields = tableschemas.fields(kind_of(path))
    if labels == list(fields):
        return NAMED
    if labels == [f.get("title") or n for n, f in fields.items()]:
        return TITLED
    return OWN_LAYOUT


def header_shapes(data_dir: Path, csv_paths) -> dict[str, str]:
    """Each CSV file under DATA_DIR → its header's shape (files that cannot be read count as NAMED)."""
    out = {}
    for rel in csv_paths:
        try:
            with open(Path(data_dir) / rel, "rb") as f:
                out[rel] = header_shape(rel, f.read(4096))
        except OSError:
            out[rel] = NAMED
    return out


def write_titled_schemas(data_dir: Path, paths) -> None:
    """schemas/zh/<kind>.yaml for each kind of PATHS (titled CSV files), as the descriptor names them."""
    for kind in sorted({kind_of(p) for p in paths}):
        target = Path(data_dir) / TITLED_SCHEMAS / f"{kind}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = titled_schema_text(kind)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8", newline="\n")


def scan_csv_paths(data_dir: Path) -> list[str]:
    """Relative paths of the catalogued CSV files under a city data folder."""
    data_dir = Path(data_dir)
    found = []
    for candidate in ("communities.csv", "rollout.csv"):
        if (data_dir / candidate).is_file():
            found.append(candidate)
    base = data_dir / "communities"
    if base.is_dir():
        for p in base.glob("*/*.csv"):
            found.append(p.relative_to(data_dir).as_posix())
        for p in base.glob("*/finance/*.csv"):
            found.append(p.relative_to(data_dir).as_posix())
    return sorted(found, key=_sort_key)


def descriptor_text(descriptor: dict) -> str:
    return dump_yaml(descriptor)


def write_datapackage(data_dir: Path, csv_paths=None, name: str = "juwu-city", title: str | None = None) -> Path:
    """Write DIR/datapackage.yaml for the given paths (or every CSV found under DIR)."""
    data_dir = Path(data_dir)
    if csv_paths is None:
        csv_paths = scan_csv_paths(data_dir)
    shapes = header_shapes(data_dir, csv_paths)
    titled = {rel for rel, shape in shapes.items() if shape == TITLED}
    own_layout = {rel for rel, shape in shapes.items() if shape == OWN_LAYOUT}
    write_titled_schemas(data_dir, titled)
    target = data_dir / DESCRIPTOR_NAME
    target.write_text(descriptor_text(build_descriptor(csv_paths, name, title, titled, own_layout)),
                      encoding="utf-8", newline="\n")
    return target


# --- a small deterministic YAML writer -------------------------------------------------------

# Plain (unquoted) only for text that no YAML 1.1/1.2 reader turns into anything but a string:
# no digits at all, no indicator characters, not a reserved word.
_PLAIN = re.compile(r"[A-Za-z_\u3400-\u9fff][^0-9:#\"'{}\[\],&*!|>%@`\n\r\t]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}


def yaml_scalar(value) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        value = "是" if value else "否"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit(value, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            key_text = yaml_scalar(key)
            if isinstance(item, dict):
                if item:
                    out.append(f"{pad}{key_text}:")
                    _emit(item, indent + 1, out)
                else:
                    out.append(f"{pad}{key_text}: {{}}")
            elif isinstance(item, list):
                if item:
                    out.append(f"{pad}{key_text}:")
                    _emit(item, indent + 1, out)
                else:
                    out.append(f"{pad}{key_text}: []")
            else:
                out.append(f"{pad}{key_text}: {yaml_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                sub: list[str] = []
                _emit(item, indent + 1, sub)
                first = sub[0][len(pad) + 2:]
                out.append(f"{pad}- {first}")
                out.extend(sub[1:])
            elif isinstance(item, (dict, list)):
                raise ValueError("nested empty or list items are not supported")
            else:
                out.append(f"{pad}- {yaml_scalar(item)}")
    else:
        out.append(f"{pad}{yaml_scalar(value)}")


def dump_yaml(value) -> str:
    """Block-style YAML for dicts/lists of strings; key order kept; LF line ends."""
    out: list[str] = []
    _emit(value, 0, out)
    return "\n".join(out) + "\n"

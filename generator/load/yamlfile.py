"""Safe YAML: every scalar stays text (the schema decides types), with line numbers and limits.

No aliases, no tags beyond plain ones, bounded size and depth: a clerk's YAML needs none of them,
and each has bitten tools that trusted yaml.safe_load (alias bombs, YAML 1.1 `no` → False,
`0755` → octal, phone numbers → int).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

MAX_BYTES = 1_000_000
MAX_DEPTH = 12
MAX_NODES = 20_000
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class YamlRefused(ValueError):
    def __init__(self, zh: str, en: str, line: int | None = None):
        super().__init__(en)
        self.zh, self.en, self.line = zh, en, line


@dataclass(frozen=True)
class Scalar:
    text: str
    line: int  # 1-based
    cell: str | None = None  # the Excel cell, when the value was read from a workbook (公开期信息!B3)


# libyaml's parser (C) when PyYAML was built with it: the same events ~10x faster. We only take
# events from it and compose nodes ourselves, so anchors, tags and depth are checked the same way.
_Base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


class _Composer(_Base):
    """A loader that only composes nodes; it never constructs Python objects from tags."""


# No implicit resolvers: `no`, `0755`, `13812345678`, `2024-05-01` all stay strings.
_Composer.yaml_implicit_resolvers = {}


def parse(text: str, first_line: int = 1) -> object:
    """Parse YAML text into dicts, lists and Scalar values. Raises YamlRefused.

    `first_line`: the line of the file `text` starts on (a report's front matter starts on line
    2, after its `---`), so every line named, in a Scalar or a refusal, is the file's own.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlRefused(
            f"YAML 文件过大（超过 {MAX_BYTES // 1000} KB）",
            f"YAML file too large (over {MAX_BYTES // 1000} KB)",
        )
    # Empty lines in front shift every mark the parser makes, its errors' included, by the same count.
    text = "\n" * (first_line - 1) + text
    try:
        loader = _Composer(text)
    except yaml.reader.ReaderError as exc:
        raise _control_character(text, exc) from None
    try:
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        node = _compose_document(loader)
        if not loader.check_event(yaml.StreamEndEvent):
            raise YamlRefused("一个文件只能包含一个 YAML 文档", "a file may hold one YAML document only")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlRefused(
            f"YAML 格式错误（第 {line} 行）：{exc.problem}；请检查缩进、冒号后的空格和引号是否成对",
            f"YAML syntax error at line {line}: {exc.problem}; check indentation, the space after "
            "colons and matching quotes",
            line,
        ) from None
    except yaml.reader.ReaderError as exc:  # libyaml's reader refuses while parsing, not before
        raise _control_character(text, exc, in_bytes=_Base is not yaml.SafeLoader) from None
    finally:
        loader.dispose()
    counter = [0]
    return _to_python(node, 0, counter)


def _control_character(text: str, exc: yaml.reader.ReaderError, in_bytes: bool = False) -> YamlRefused:
    # A control character (e.g. DEL pasted from another program): the reader refuses it.
    # libyaml counts its position in UTF-8 bytes, PyYAML's own reader in characters.
    position = max(exc.position, 0)
    if in_bytes:
        line = text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1
    else:
        line = text.count("\n", 0, position) + 1
    return YamlRefused(
        f"第 {line} 行含有不可见的控制字符（U+{exc.character:04X}），请删除后重新保存",
        f"line {line} contains an invisible control character (U+{exc.character:04X}); delete it and save again",
        line,
    )


def _compose_document(loader: _Composer) -> yaml.Node:
    loader.get_event()  # DocumentStart
    node = _compose(loader, 0)
    loader.get_event()  # DocumentEnd
    return node


def _compose(loader: _Composer, depth: int) -> yaml.Node:
    if depth > MAX_DEPTH:
        line = loader.peek_event().start_mark.line + 1
        raise YamlRefused(
            f"YAML 嵌套层数过深（第 {line} 行）", f"YAML nested too deeply (line {line})", line
        )
    event = loader.peek_event()
    line = event.start_mark.line + 1
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise YamlRefused(
            f"第 {line} 行使用了 YAML 锚点或别名（& 或 *），不允许使用，请直接写出内容",
            f"line {line} uses a YAML anchor or alias (& or *); not allowed, write the value out",
            line,
        )
    tag = getattr(event, "tag", None)
    if tag not in (None, "!") and tag not in _PLAIN_TAGS:
        raise YamlRefused(
            f"第 {line} 行使用了 YAML 标签 {tag}，不允许使用",
            f"line {line} uses the YAML tag {tag}, which is not allowed",
            line,
        )
    if isinstance(event, yaml.ScalarEvent):
        loader.get_event()
        return yaml.ScalarNode("tag:yaml.org,2002:str", event.value, event.start_mark, event.end_mark)
    if isinstance(event, yaml.SequenceStartEvent):
        loader.get_event()
        items = []
        while not loader.check_event(yaml.SequenceEndEvent):
            items.append(_compose(loader, depth + 1))
        loader.get_event()
        return yaml.SequenceNode("tag:yaml.org,2002:seq", items, event.start_mark, event.end_mark)
    if isinstance(event, yaml.MappingStartEvent):
        loader.get_event()
        pairs = []
        while not loader.check_event(yaml.MappingEndEvent):
            key = _compose(loader, depth + 1)
            value = _compose(loader, depth + 1)
            pairs.append((key, value))
        loader.get_event()
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, event.start_mark, event.end_mark)
    raise YamlRefused(f"第 {line} 行无法解析", f"cannot read line {line}", line)


def _to_python(node: yaml.Node, depth: int, counter: list[int]) -> object:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YamlRefused("YAML 内容过多", "YAML document has too many entries")
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, line)
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, depth + 1, counter) for item in node.value]
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlRefused(f"第 {line} 行的键必须是文字", f"line {line}: keys must be plain text", line)
        key = key_node.value
        if key in result:
            kl = key_node.start_mark.line + 1
            raise YamlRefused(
                f"第 {kl} 行的键“{key}”重复出现", f"line {kl}: the key '{key}' appears twice", kl
            )
        result[key] = _to_python(value_node, depth + 1, counter)
    return result


def flatten(mapping: dict, prefix: str = "") -> dict[str, object]:
    """Nested mappings become dotted keys: {'review': {'reviewer': x}} → {'review.reviewer': x}."""
    flat: dict[str, object] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat

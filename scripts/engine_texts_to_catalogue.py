"""Move the engine's hand-written (English, Chinese) pairs into the gettext catalogue.

    .venv/bin/python scripts/engine_texts_to_catalogue.py [--check]

Rewrites, in every module under app/:
- `Text("English", "中文")` -> `Text("English")`, the Chinese going to
  locales/zh/LC_MESSAGES/messages.po as the msgstr of "English" (the interface's catalogue);
- `Text(f"... {x} ... {t.en}", f"... {x} ... {t.zh}")` -> `Text("... {x} ... {t}", x=x, t=t)`
  (the placeholders named after their expressions; a `Text` value is shown in the same language);
- the pairs the engine's declaration helpers take: `_t(en, zh)` -> `Text(en)`,
  `_o(key, en, zh[, hint_en, hint_zh])` -> `_o(key, Text(en)[, Text(hint_en)])`,
  `_a(id, when, en, zh, ...)` -> `_a(id, when, Text(en), ...)`.
Implicitly concatenated literals become one msgid. A pair it cannot rewrite (built from variables,
a placeholder only one language has) is listed with its place, for a hand rewrite.

Safe to re-run: a tree without pairs is left untouched (exit 0, "nothing to convert"). Before
rewriting it dumps every engine text in every language (scripts/dump_engine_texts.py), then
rewrites, refreshes the catalogue (`make extract-messages translations`), dumps again and fails
unless both dumps are byte-equal. `--check` only lists what it would convert (exit 1 if any).
"""

from __future__ import annotations

import argparse
import ast
import keyword
import re
import string
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locales" / "zh" / "LC_MESSAGES" / "messages.po"
PYTHON = ROOT / ".venv" / "bin" / "python"

# Calls that take (English, Chinese) pairs: name -> (index of English, index of Chinese) pairs,
# and whether the call as a whole becomes `Text(English)` ("whole") or each pair is wrapped.
PAIR_CALLS: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {
    "Text": ("whole", ((0, 1),)),
    "_t": ("whole", ((0, 1),)),
    "_o": ("wrap", ((1, 2), (3, 4))),
    "_a": ("wrap", ((2, 3),)),
}


@dataclass
class Conversion:
    path: Path
    start: int  # byte offsets into the file
    end: int
    msgid: str
    msgstr: str
    context: str  # where it is declared (a question's or fact's key, else the module)
    args: str  # the source of the Text's arguments
    contextual: bool = False

    @property
    def source(self) -> str:
        if self.contextual:
            return f"Text.in_context({_quote(self.context)}, {self.args})"
        return f"Text({self.args})"


@dataclass
class Manual:
    path: Path
    line: int
    why: str


class Unconvertible(Exception):
    pass


def _offsets(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line.encode()))
    return starts


class FileText:
    """A module's text with byte offsets (ast columns are UTF-8 byte offsets)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.text = path.read_text()
        self.data = self.text.encode()
        self.lines = _offsets(self.text)

    def offset(self, line: int, col: int) -> int:
        return self.lines[line - 1] + col

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )

    def source(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode()


def _escape(literal: str) -> str:
    return literal.replace("{", "{{").replace("}", "}}")


def _key(expr: ast.expr, lang: str) -> tuple[str, str]:
    """How a placeholder is matched across the two languages: `t.en`/`t.zh` is the Text `t`."""
    if isinstance(expr, ast.Attribute) and expr.attr == lang:
        return ("text", ast.unparse(expr.value))
    return ("plain", ast.unparse(expr))


def _name(expr: ast.expr) -> str:
    if isinstance(expr, ast.Attribute) and expr.attr in ("en", "zh"):
        expr = expr.value
    if isinstance(expr, ast.Name):
        name = expr.id
    elif isinstance(expr, ast.Attribute):
        name = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant):
        name = str(expr.slice.value)
    elif isinstance(expr, ast.Call) and ast.unparse(expr.func) == "len":
        name = "n"
    elif isinstance(expr, ast.Call) and expr.args:
        name = _name(expr.args[0])
    elif isinstance(expr, ast.Call):
        name = ast.unparse(expr.func).rsplit(".", 1)[-1]
    else:
        name = "value"
    name = re.sub(r"\W", "_", name).strip("_").lower() or "value"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "v_" + name
    return name


def _template(
    node: ast.JoinedStr, lang: str, names: dict[tuple[str, str], str], file: FileText
) -> str:
    out = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            out.append(_escape(value.value))
            continue
        assert isinstance(value, ast.FormattedValue)
        key = _key(value.value, lang)
        if key not in names:
            raise Unconvertible(f"placeholder {{{ast.unparse(value.value)}}} only in {lang}")
        spec = ""
        if value.format_spec is not None:
            if any(not isinstance(v, ast.Constant) for v in value.format_spec.values):
                raise Unconvertible("a nested format spec")
            spec = ":" + "".join(v.value for v in value.format_spec.values)
        conversion = "" if value.conversion == -1 else "!" + chr(value.conversion)
        if key[0] == "text" and (spec or conversion):
            raise Unconvertible("a Text placeholder with a format spec")
        out.append("{" + names[key] + conversion + spec + "}")
    return "".join(out)


def _literal(value: str) -> str:
    """`value` as Python source: one literal, or several concatenated for a long message."""
    if len(value) <= 80:
        return _quote(value)
    chunks, current = [], ""
    for word in re.split(r"(?<= )", value):
        if current and len(current) + len(word) > 80:
            chunks.append(current)
            current = ""
        current += word
    chunks.append(current)
    return "\n".join(_quote(c) for c in chunks)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _without_percent(template: str) -> str:
    """`template` with each % outside its placeholders as {percent}: Babel takes "95% from" for
    a %-format and refuses a translation without the same placeholders."""
    out = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        out.append(_escape(literal).replace("%", "{percent}"))
        if field is not None:
            out.append(
                "{"
                + field
                + ("!" + conversion if conversion else "")
                + (":" + spec if spec else "")
                + "}"
            )
    return "".join(out)


def _pair(en: ast.expr, zh: ast.expr, file: FileText) -> tuple[str, str, str]:
    """(source of the Text's arguments, msgid, msgstr) for one pair."""
    source, kwargs, msgid, msgstr = _plain_pair(en, zh, file)
    if Message(msgid).python_format:
        if not kwargs:
            if "{" in msgid or "}" in msgid:
                raise Unconvertible("a %-like message with braces of its own")
            msgid, msgstr = _escape(msgid), _escape(msgstr)
        msgid, msgstr = _without_percent(msgid), _without_percent(msgstr)
        kwargs = [*kwargs, 'percent="%"']
        source = _literal(msgid)
    return ", ".join([source, *kwargs]), msgid, msgstr


def _plain_pair(en: ast.expr, zh: ast.expr, file: FileText) -> tuple[str, list[str], str, str]:
    """(source of the msgid, source of the values, msgid, msgstr)."""
    if isinstance(en, ast.Constant) and isinstance(zh, ast.Constant):
        if not (isinstance(en.value, str) and isinstance(zh.value, str)):
            raise Unconvertible("not strings")
        return file.source(en), [], en.value, zh.value
    if isinstance(en, ast.JoinedStr) and isinstance(zh, ast.JoinedStr | ast.Constant):
        names: dict[tuple[str, str], str] = {}
        sources: dict[str, str] = {}
        for value in en.values:
            if isinstance(value, ast.FormattedValue):
                key = _key(value.value, "en")
                if key in names:
                    continue
                name = base = _name(value.value)
                n = 2
                while name in sources:
                    name, n = f"{base}{n}", n + 1
                names[key] = name
                expr = value.value.value if key[0] == "text" else value.value
                sources[name] = file.source(expr)
        msgid = _template(en, "en", names, file)
        if isinstance(zh, ast.Constant):
            msgstr = _escape(zh.value)
        else:
            msgstr = _template(zh, "zh", names, file)
        kwargs = [f"{k}={v}" for k, v in sources.items()]
        return _literal(msgid), kwargs, msgid, msgstr
    raise Unconvertible(f"built from {type(en).__name__} and {type(zh).__name__}")


def _context(node: ast.AST, parents: dict[ast.AST, ast.AST], module: str) -> str:
    """The key of the question or fact a message is declared in, else its module and the name
    of the function or constant it is in."""
    where = ""
    while node in parents:
        node = parents[node]
        if not where and isinstance(node, ast.FunctionDef):
            where = node.name
        if not where and isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            where = node.targets[0].id
        if not isinstance(node, ast.Call):
            continue
        for k in node.keywords:
            if k.arg == "key" and isinstance(k.value, ast.Constant):
                return str(k.value.value)
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if (
            name not in PAIR_CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            return node.args[0].value
    return f"{module}.{where}" if where else module


def _inside_helper(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef):
            return node.name in PAIR_CALLS
    return False


def scan(path: Path) -> tuple[list[Conversion], list[Manual]]:
    file = FileText(path)
    conversions, manual = [], []
    tree = ast.parse(file.text)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    inside = path.is_relative_to(ROOT)
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts[1:]) if inside else path.stem
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        spec = PAIR_CALLS.get(node.func.id)
        if spec is None:
            continue
        mode, pairs = spec
        if node.func.id == "Text" and (len(node.args) != 2 or node.keywords):
            continue  # already one message (or SQLAlchemy's Text())
        if _inside_helper(node, parents):
            continue  # a helper's own `Text(en, zh)`, kept for the old form of its calls
        try:
            if mode == "whole":
                if len(node.args) != 2:
                    continue
                args, msgid, msgstr = _pair(node.args[0], node.args[1], file)
                start, end = file.span(node)
                context = _context(node, parents, module)
                conversions.append(Conversion(path, start, end, msgid, msgstr, context, args))
                continue
            for en_at, zh_at in pairs:
                if len(node.args) <= zh_at:
                    continue
                en, zh = node.args[en_at], node.args[zh_at]
                if not all(isinstance(a, ast.Constant | ast.JoinedStr) for a in (en, zh)):
                    continue  # the helper's own definition, or already converted
                args, msgid, msgstr = _pair(en, zh, file)
                start = file.span(en)[0]
                end = file.span(zh)[1]
                context = _context(node, parents, module)
                conversions.append(Conversion(path, start, end, msgid, msgstr, context, args))
        except Unconvertible as why:
            manual.append(Manual(path, node.lineno, str(why)))
    return conversions, manual


def rewrite(path: Path, conversions: list[Conversion]) -> None:
    data = path.read_bytes()
    for c in sorted(conversions, key=lambda c: c.start, reverse=True):
        data = data[: c.start] + c.source.encode() + data[c.end :]
    path.write_bytes(data)


Entry = tuple[str | None, str]  # (msgctxt, msgid)


def catalogue_entries(conversions: list[Conversion]) -> tuple[dict[Entry, str], list[str]]:
    """The catalogue entries to add. A message already translated otherwise (by the interface or
    an earlier engine text) gets its declaration's context, so both readings stay."""
    wanted: dict[Entry, str] = {}
    conflicts = []
    with PO.open("rb") as f:
        existing = {(m.context, m.id): m.string for m in read_po(f) if m.id}
    for c in conversions:
        have = wanted.get((None, c.msgid)) or existing.get((None, c.msgid))
        if have and have != c.msgstr:
            c.contextual = True
        entry = (c.context if c.contextual else None, c.msgid)
        have = wanted.get(entry) or existing.get(entry)
        if have and have != c.msgstr:
            conflicts.append(f"{entry!r}: {have!r} vs {c.msgstr!r} ({c.path})")
            continue
        wanted[entry] = c.msgstr
    return wanted, conflicts


def add_to_catalogue(wanted: dict[Entry, str]) -> None:
    with PO.open("rb") as f:
        catalogue = read_po(f)
    for (context, msgid), msgstr in wanted.items():
        message = catalogue.get(msgid, context=context)
        if message is None:
            catalogue.add(msgid, msgstr, context=context)
        else:
            message.string = msgstr
            message.flags.discard("fuzzy")
    with PO.open("wb") as f:
        write_po(f, catalogue, width=100, sort_output=True, ignore_obsolete=True)


def dump(out: Path) -> None:
    subprocess.run(
        [str(PYTHON), str(ROOT / "scripts" / "dump_engine_texts.py"), str(out)], check=True
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="list, change nothing")
    options = parser.parse_args()
    conversions: list[Conversion] = []
    manual: list[Manual] = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        found, hand = scan(path)
        conversions += found
        manual += hand
    for m in manual:
        print(f"by hand: {m.path.relative_to(ROOT)}:{m.line}: {m.why}", file=sys.stderr)
    if not conversions:
        print("nothing to convert")
        return 1 if manual else 0
    wanted, conflicts = catalogue_entries(conversions)
    files = sorted({c.path for c in conversions})
    print(f"{len(conversions)} pairs in {len(files)} files, {len(wanted)} catalogue entries")
    for conflict in conflicts:
        print(f"conflict: {conflict}", file=sys.stderr)
    if options.check or conflicts:
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        before, after = Path(tmp) / "before.json", Path(tmp) / "after.json"
        dump(before)
        for path in files:
            rewrite(path, [c for c in conversions if c.path == path])
        add_to_catalogue(wanted)
        subprocess.run(["make", "-s", "translations"], cwd=ROOT, check=True)
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "ruff"), "format", "-q", *map(str, files)], check=True
        )
        subprocess.run(["make", "-s", "extract-messages", "translations"], cwd=ROOT, check=True)
        dump(after)
        if before.read_bytes() != after.read_bytes():
            print("the texts changed: compare the dumps", file=sys.stderr)
            for name, path in (("before", before), ("after", after)):
                kept = ROOT / f"engine_texts_{name}.json"
                kept.write_bytes(path.read_bytes())
                print(f"  {kept}", file=sys.stderr)
            return 1
        print(f"every text unchanged in every language ({before.stat().st_size:,} bytes dumped)")
    return 1 if manual else 0


if __name__ == "__main__":
    sys.exit(main())

"""Trims the CSS that nbconvert inlines into an HTML report to the rules that can apply to that page.

nbconvert's "lab" template inlines all of JupyterLab's CSS (about 540 KB: widgets, menus, dialogs, file
browser, icons as data URIs) into every report, which then weighs 0.5 MB before its first chart. A report
is a static page: its elements are the ones in the HTML (plus any its own scripts create), so a style rule
whose selector names a class, id or element type that is nowhere in the page can never apply. Dropping
those rules, then the custom properties (--jp-*) no remaining rule uses, then comments and spaces, leaves
a page that renders the same at a tenth of the CSS.

The check is conservative: pseudo-classes, attribute selectors and functional pseudo-classes (:not(),
:is(), ...) are ignored when deciding, so a rule is dropped only when a plain class, id or element type it
requires is missing. Words in the page's inline scripts count as present, in case a script adds a class.

Works on the exported HTML string, so it does not depend on nbconvert's template or version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import List, Optional, Set, Tuple, Union

# Block at-rules whose body holds style rules (trimmed recursively); other blocks (@font-face,
# @keyframes, @page) are kept as they are.
NESTED_AT_RULES = ("@media", "@supports", "@document", "@layer", "@container")
STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
HEAD_END = re.compile(r"</head\s*>", re.I)
VAR_REFERENCE = re.compile(r"var\(\s*(--[\w-]+)")
FUNCTIONAL_PSEUDO = re.compile(r"::?[\w-]+\(")
PSEUDO = re.compile(r"::?[\w-]+")
CLASS_OR_ID = re.compile(r"([.#])(-?[_a-zA-Z][\w-]*)")
COMPOUND_SPLIT = re.compile(r"\s*[\s>+~]\s*")
LEADING_TAG = re.compile(r"^([a-zA-Z][\w-]*|\*)")


@dataclass
class PageTokens:
    """What selectors can match in the page: element types, classes and ids."""

    tags: Set[str] = field(default_factory=set)
    classes: Set[str] = field(default_factory=set)
    ids: Set[str] = field(default_factory=set)


class _TokenCollector(HTMLParser):
    def __init__(self, tokens: PageTokens) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens = tokens
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        self.tokens.tags.add(tag.lower())
        self.in_script = tag.lower() == "script"
        for name, value in attrs:
            if name == "class" and value:
                self.tokens.classes.update(value.split())
            elif name == "id" and value:
                self.tokens.ids.add(value)

    def handle_startendtag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        self.handle_starttag(tag, attrs)
        self.in_script = False

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:  # a script may add any of its words as a class or id at run time
            words = re.findall(r"[\w-]+", data)
            self.tokens.classes.update(words)
            self.tokens.ids.update(words)


def page_tokens(html: str) -> PageTokens:
    tokens = PageTokens()
    collector = _TokenCollector(tokens)
    collector.feed(html)
    collector.close()
    # The document always has these, even when the markup leaves them implicit.
    tokens.tags.update(("html", "head", "body"))
    return tokens


# ---------------------------------------------------------------------------------------------------
# A small CSS parser: enough structure (rules, nested at-rules, declarations) to drop and re-print.


@dataclass
class StyleRule:
    selectors: List[str]
    declarations: List[Tuple[str, str]]  # (property, value); value keeps "!important"


@dataclass
class AtRule:
    prelude: str
    children: Optional[List["Node"]]  # nested style rules; None for a statement or a kept raw block
    raw_body: Optional[str] = None


Node = Union[StyleRule, AtRule]


def _strip_comments(css: str) -> str:
    out: List[str] = []
    i, n = 0, len(css)
    while i < n:
        c = css[i]
        if c in "\"'":
            j = _string_end(css, i)
            out.append(css[i:j])
            i = j
        elif css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """Index just past the string literal that starts at `start` (unterminated: end of text)."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return len(text)


def _scan_until(text: str, start: int, stops: str) -> int:
    """First index at or after `start` holding one of `stops`, outside strings and parentheses."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _string_end(text, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and c in stops:
            return i
        i += 1
    return len(text)


def _matching_brace(text: str, open_index: int) -> int:
    """Index of the '}' closing the '{' at open_index (strings skipped)."""
    depth = 0
    i = open_index
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _string_end(text, i)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def _split_top_level(text: str, separator: str) -> List[str]:
    parts: List[str] = []
    start = 0
    while start <= len(text):
        end = _scan_until(text, start, separator)
        parts.append(text[start:end])
        start = end + 1
    return parts


def _declarations(body: str) -> List[Tuple[str, str]]:
    out = []
    for part in _split_top_level(body, ";"):
        if ":" not in part:
            continue
        name, value = part.split(":", 1)
        name, value = name.strip(), _collapse_spaces(value.strip())
        if name:
            out.append((name, value))
    return out


def _collapse_spaces(text: str) -> str:
    """Runs of whitespace outside strings become one space."""
    out: List[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            j = _string_end(text, i)
            out.append(text[i:j])
            i = j
        elif c.isspace():
            while i < len(text) and text[i].isspace():
                i += 1
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_css(css: str) -> List[Node]:
    nodes, _ = _parse_nodes(_strip_comments(css), 0)
    return nodes


def _parse_nodes(css: str, start: int) -> Tuple[List[Node], int]:
    nodes: List[Node] = []
    i = start
    while i < len(css):
        while i < len(css) and css[i].isspace():
            i += 1
        if i >= len(css):
            break
        if css[i] == "}":
            return nodes, i + 1
        stop = _scan_until(css, i, "{;}")
        prelude = _collapse_spaces(css[i:stop].strip())
        if stop >= len(css) or css[stop] in ";}":
            if prelude.startswith("@"):
                nodes.append(AtRule(prelude, None))
            i = stop + 1 if stop < len(css) and css[stop] == ";" else stop
            continue
        if prelude.startswith("@"):
            if prelude.lower().startswith(NESTED_AT_RULES):
                children, i = _parse_nodes(css, stop + 1)
                nodes.append(AtRule(prelude, children))
            else:
                end = _matching_brace(css, stop)
                nodes.append(AtRule(prelude, None, raw_body=_collapse_spaces(css[stop + 1:end].strip())))
                i = end + 1
            continue
        end = _matching_brace(css, stop)
        selectors = [s.strip() for s in _split_top_level(prelude, ",") if s.strip()]
        nodes.append(StyleRule(selectors, _declarations(css[stop + 1:end])))
        i = end + 1
    return nodes, i


def print_css(nodes: List[Node]) -> str:
    out: List[str] = []
    for node in nodes:
        if isinstance(node, StyleRule):
            body = ";".join(f"{name}:{value}" for name, value in node.declarations)
            out.append(f"{','.join(node.selectors)}{{{body}}}")
        elif node.children is not None:
            out.append(f"{node.prelude}{{{print_css(node.children)}}}")
        elif node.raw_body is not None:
            out.append(f"{node.prelude}{{{node.raw_body}}}")
        else:
            out.append(f"{node.prelude};")
    return "".join(out)


# ---------------------------------------------------------------------------------------------------
# Which selectors can match.


def _without_functional_pseudos(selector: str) -> str:
    """Drops :not(...), :is(...), :nth-child(...) and the like, arguments included."""
    while True:
        match = FUNCTIONAL_PSEUDO.search(selector)
        if not match:
            return selector
        depth, i = 1, match.end()
        while i < len(selector) and depth > 0:
            if selector[i] == "(":
                depth += 1
            elif selector[i] == ")":
                depth -= 1
            i += 1
        selector = selector[:match.start()] + selector[i:]


def _without_attributes(selector: str) -> str:
    out: List[str] = []
    i = 0
    while i < len(selector):
        if selector[i] == "[":
            end = _scan_until(selector, i, "]")
            i = end + 1
            continue
        out.append(selector[i])
        i += 1
    return "".join(out)


def selector_may_match(selector: str, tokens: PageTokens) -> bool:
    """False only when the selector requires a class, id or element type the page does not have."""
    if "\\" in selector:  # escaped identifiers: not worth parsing, keep
        return True
    plain = PSEUDO.sub("", _without_attributes(_without_functional_pseudos(selector)))
    for kind, name in CLASS_OR_ID.findall(plain):
        if name not in (tokens.classes if kind == "." else tokens.ids):
            return False
    for compound in COMPOUND_SPLIT.split(plain.strip()):
        tag = LEADING_TAG.match(compound)
        if tag and tag.group(1) != "*" and tag.group(1).lower() not in tokens.tags:
            return False
    return True


def _trim_rules(nodes: List[Node], tokens: PageTokens) -> List[Node]:
    kept: List[Node] = []
    for node in nodes:
        if isinstance(node, StyleRule):
            selectors = [s for s in node.selectors if selector_may_match(s, tokens)]
            if selectors and node.declarations:
                kept.append(StyleRule(selectors, node.declarations))
        elif node.children is not None:
            children = _trim_rules(node.children, tokens)
            if children:
                kept.append(AtRule(node.prelude, children))
        else:
            kept.append(node)
    return kept


def _style_rules(nodes: List[Node]):
    for node in nodes:
        if isinstance(node, StyleRule):
            yield node
        elif node.children is not None:
            yield from _style_rules(node.children)


def _drop_unused_properties(blocks: List[List[Node]], extra_text: str) -> List[List[Node]]:
    """Removes custom property definitions (--x: ...) that no kept declaration uses, even indirectly.

    Decided over all blocks at once: the theme's <style> defines what index.css uses. `extra_text` is the
    rest of the page (inline style attributes, the outputs' own <style> blocks), whose var() uses count.
    """
    definitions: dict = {}
    used: Set[str] = set(VAR_REFERENCE.findall(extra_text))
    for nodes in blocks:
        for rule in _style_rules(nodes):
            for name, value in rule.declarations:
                if name.startswith("--"):
                    definitions.setdefault(name, []).append(value)
                else:
                    used.update(VAR_REFERENCE.findall(value))
        for node in nodes:
            if isinstance(node, AtRule) and node.raw_body:
                used.update(VAR_REFERENCE.findall(node.raw_body))
    pending = list(used)
    while pending:
        for value in definitions.get(pending.pop(), []):
            for name in VAR_REFERENCE.findall(value):
                if name not in used:
                    used.add(name)
                    pending.append(name)

    def prune(items: List[Node]) -> List[Node]:
        out: List[Node] = []
        for node in items:
            if isinstance(node, StyleRule):
                declarations = [(n, v) for n, v in node.declarations if not n.startswith("--") or n in used]
                if declarations:
                    out.append(StyleRule(node.selectors, declarations))
            elif node.children is not None:
                children = prune(node.children)
                if children:
                    out.append(AtRule(node.prelude, children))
            else:
                out.append(node)
        return out

    return [prune(nodes) for nodes in blocks]


def trim_report_css(html: str) -> str:
    """The report with every <style> block in its <head> trimmed to what can apply to the page."""
    head_end = HEAD_END.search(html)
    if head_end is None:
        return html
    head, rest = html[:head_end.start()], html[head_end.start():]
    tokens = page_tokens(html)
    matches = list(STYLE_BLOCK.finditer(head))
    trimmed = [_trim_rules(parse_css(m.group(2)), tokens) for m in matches]
    pruned = _drop_unused_properties(trimmed, STYLE_BLOCK.sub("", head) + rest)
    out: List[str] = []
    last = 0
    for match, nodes in zip(matches, pruned):
        out.append(head[last:match.start()])
        out.append(f"{match.group(1)}{print_css(nodes)}{match.group(3)}")
        last = match.end()
    out.append(head[last:])
    return "".join(out) + rest

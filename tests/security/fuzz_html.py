"""What a page lets a person send: its forms and htmx requests, read with the standard library.

A page is parsed into targets, one per form or element carrying `hx-post`/`hx-get`: the address
it sends to, the method, the `hx-target` (views answer `HX-Target` differently), and each field
with the values the page itself offers (select options, hidden values, checkbox values, the
query of a pagination link).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

# Classes and roles that hold what a person is told when their input is refused.
MESSAGE_CLASSES = {"invalid-feedback", "alert", "errorlist", "text-danger"}
MESSAGE_ROLES = {"alert", "status"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass
class Field:
    name: str
    kind: str  # an input's type, or "select", "select-multiple", "textarea"
    values: list[str] = field(default_factory=list)  # what the page offers or holds

    def merge(self, other: Field) -> None:
        self.values += [v for v in other.values if v not in self.values]


@dataclass
class Target:
    action: str  # absolute path, with the query the page put on it
    method: str  # "get" or "post"
    htmx: bool
    hx_target: str = ""
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, new: Field) -> None:
        if new.name in self.fields:
            self.fields[new.name].merge(new)
        else:
            self.fields[new.name] = new

    @property
    def path(self) -> str:
        return urlsplit(self.action).path


class PageParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.targets: list[Target] = []
        self.form: Target | None = None
        self.form_hx: list[Target] = []  # htmx elements inside the current form
        self.select: Field | None = None
        self.option_value: str | None = None
        self.option_text = ""

    def _target(self, url: str, method: str, htmx: bool, attrs: dict) -> Target:
        action = urljoin(self.page_path, url or self.page_path)
        target = Target(action, method, htmx, (attrs.get("hx-target") or "").lstrip("#"))
        for name, value in parse_qsl(urlsplit(action).query, keep_blank_values=True):
            target.add(Field(name, "query", [value]))
        if vals := attrs.get("hx-vals"):
            try:
                extra = json.loads(vals.removeprefix("js:"))
            except ValueError:
                extra = {}
            for name, value in extra.items() if isinstance(extra, dict) else ():
                target.add(Field(name, "hidden", [str(value)]))
        return target

    def _field(self, new: Field) -> None:
        for target in [self.form, *self.form_hx]:
            if target is not None:
                target.add(new)

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        name = attrs.get("name", "")
        if tag == "form":
            method = "post" if attrs.get("method", "get").lower() == "post" else "get"
            self.form = self._target(attrs.get("action", ""), method, False, attrs)
            self.targets.append(self.form)
        for hx_method in ("post", "get"):
            if f"hx-{hx_method}" in attrs:
                target = self._target(attrs[f"hx-{hx_method}"], hx_method, True, attrs)
                if tag == "form" or self.form is not None:
                    # The element sends its form's fields (htmx includes the closest form).
                    for existing in self.form.fields.values():
                        target.add(Field(existing.name, existing.kind, list(existing.values)))
                    self.form_hx.append(target)
                if tag == "a" and "href" in attrs:
                    href = urljoin(self.page_path, attrs["href"])
                    for key, value in parse_qsl(urlsplit(href).query, keep_blank_values=True):
                        target.add(Field(key, "query", [value]))
                self.targets.append(target)
                if name and tag in ("input", "select", "button"):
                    target.add(Field(name, attrs.get("type", tag), [attrs.get("value", "")]))
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            values = [attrs.get("value", "on" if kind in ("checkbox", "radio") else "")]
            self._field(Field(name, kind, [v for v in values if v or kind == "hidden"]))
        elif tag == "button" and name:
            self._field(Field(name, "button", [attrs.get("value", "")]))
        elif tag == "textarea" and name:
            self._field(Field(name, "textarea"))
        elif tag == "select" and name:
            self.select = Field(name, "select-multiple" if "multiple" in attrs else "select")
        elif tag == "option" and self.select is not None:
            self.option_value = attrs.get("value")
            self.option_text = ""

    def handle_data(self, data: str) -> None:
        if self.option_value is None and self.select is not None:
            self.option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.select is not None:
            value = self.option_value if self.option_value is not None else self.option_text.strip()
            self.select.values.append(value)
            self.option_value = None
        elif tag == "select" and self.select is not None:
            self._field(self.select)
            self.select = None
        elif tag == "form":
            self.form = None
            self.form_hx = []


def page_targets(html: str, page_path: str) -> list[Target]:
    parser = PageParser(page_path)
    parser.feed(html)
    parser.close()
    return parser.targets


class MessageParser(HTMLParser):
    """Collects the text inside elements that carry a message (see MESSAGE_CLASSES)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: does it, or a parent, carry a message?
        self.messages: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        if tag in ("script", "style", "template"):
            self.skip += 1
        if tag in VOID_ELEMENTS:
            return
        carries = bool(MESSAGE_CLASSES & set(attrs.get("class", "").split())) or (
            attrs.get("role") in MESSAGE_ROLES
        )
        self.stack.append(carries or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self.skip = max(0, self.skip - 1)
        if tag not in VOID_ELEMENTS and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] and not self.skip and data.strip():
            self.messages.append(data.strip())


def human_message(content_type: str, body: str) -> str:
    """The message a refused request shows, or "" if it shows none.

    text/plain: the body itself (htmx puts it in the page's error box). HTML: the visible
    text inside an element with class invalid-feedback, alert, errorlist or text-danger, or
    with role alert or status.
    """
    if content_type.startswith("text/plain"):
        return body.strip()
    if content_type.startswith("text/html"):
        parser = MessageParser()
        parser.feed(body)
        parser.close()
        return " ".join(parser.messages)
    return ""

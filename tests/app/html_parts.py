"""Read the parts of a page the tests check: form controls, links, element text by id."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """Collects controls by name, elements by id, links and the text of each element with an id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.controls: dict[str, dict[str, str | None]] = {}
        self.selected: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.ids: dict[str, dict[str, str | None]] = {}
        self.links: list[str] = []
        self._select: str | None = None
        self._label_for: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[str(found["id"])] = found
        if tag in ("input", "select", "textarea") and found.get("name"):
            self.controls[str(found["name"])] = {"tag": tag, **found}
        if tag == "textarea" and found.get("name"):
            # Its value is its text, kept as "value" as an input's attribute is.
            self._textarea = str(found["name"])
            self.controls[self._textarea]["value"] = ""
        if tag == "select":
            self._select = found.get("name")
        if tag == "option" and self._select and "selected" in found:
            self.selected[self._select] = str(found.get("value"))
        if tag == "label" and found.get("for"):
            self._label_for = str(found["for"])
            self.labels[self._label_for] = ""
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "label":
            self._label_for = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.controls[self._textarea]["value"] = (self.controls[self._textarea]["value"] or "") + data
        if self._label_for is not None:
            self.labels[self._label_for] += data

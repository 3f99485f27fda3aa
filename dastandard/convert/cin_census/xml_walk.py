"""The CIN census XML walk: the return parsed as a stream, one Child at a time, into a tree of its known
containers, with every element the mapping does not know and every stray text noted by XPath.

``child_units`` reads a return with ``lxml.etree.iterparse`` (a DOCTYPE is refused, entities are never resolved,
nothing is fetched) and yields one ``ChildUnit`` per Child; a document that is not well-formed ends the read with
an ``invalid-input`` entry. Never raises on content.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import IO, Any, NamedTuple

from lxml import etree

from dastandard.conversion_report import ConversionReport, Loss, ReportEntry
from dastandard.convert.cin_census.vocabulary import CHILD_PATH, CensusHeader, mapping, mapping_kinds


class Node:
    """One known container of a Child: its tag, mapping path and XPath, its leaf texts and containers by tag, and
    its containers in document order. Only a Child is given its XPath when made; the others get theirs from
    ``place``, which runs only when something is reported."""

    __slots__ = ("generic", "kids", "loc", "order", "tag")

    def __init__(self, tag: str, generic: str, loc: str = "") -> None:
        self.tag = tag
        self.generic = generic
        self.loc = loc
        self.kids: dict[str, list[Any]] = {}  # tag -> stripped texts (leaves) or _Nodes (containers)
        self.order: list[Node] = []


def place(node: Node) -> None:
    """Give every container under ``node`` (whose XPath is known) its XPath, with a position when its tag
    repeats."""
    for tag, kids in node.kids.items():
        for i, kid in enumerate(kids, start=1):
            if isinstance(kid, Node):
                kid.loc = f"{node.loc}/{tag}[{i}]" if len(kids) > 1 else f"{node.loc}/{tag}"
                place(kid)


def node_of(tree: Mapping[str, Any], node: Node) -> Node:
    """Fill ``node`` from a nested mapping (tag -> text, mapping, or a list of either for a repeat)."""
    for sub, value in tree.items():
        items = value if isinstance(value, list) else [value]
        out: list[Any] = []
        for item in items:
            if isinstance(item, Mapping):
                kid = node_of(item, Node(sub, f"{node.generic}/{sub}"))
                node.order.append(kid)
                out.append(kid)
            else:
                out.append(str(item).strip())
        node.kids[sub] = out
    return node


def first(parent: Node | None, tag: str) -> Node | None:
    """The first ``tag`` container under ``parent``."""
    if parent is None:
        return None
    kids = parent.kids.get(tag)
    return kids[0] if kids else None


class Layout(NamedTuple):
    """The known children of one kind of container: leaf tags, and container tag -> mapping path."""

    leaves: frozenset[str]
    containers: dict[str, str]


@cache
def layout_of() -> dict[str, Layout]:
    """Container mapping path -> what may stand in it."""
    leaves: dict[str, set[str]] = {path: set() for path, container in mapping_kinds().items() if container}
    containers: dict[str, dict[str, str]] = {path: {} for path in leaves}
    for path, container in mapping_kinds().items():
        parent, _, tag = path.rpartition("/")
        if parent in leaves:
            if container:
                containers[parent][tag] = path
            else:
                leaves[parent].add(tag)
    return {path: Layout(frozenset(leaves[path]), containers[path]) for path in leaves}


def walk_child(el: etree._Element, node: Node, layout: dict[str, Layout], deferred: list[ReportEntry]) -> None:
    """Fill ``node``, a Child with its XPath, from its element ``el`` and note, in document order, every element
    the mapping does not know (leaves only, never their values) and stray text. ``layout`` is ``layout_of()``."""
    text = el.text
    if text and text.strip():
        deferred.append(_stray_inside(el, node.loc))
    _fill(el, node, layout, deferred, (el, node.loc))


def _fill(
    el: etree._Element,
    node: Node,
    layout: dict[str, Layout],
    deferred: list[ReportEntry],
    top: tuple[etree._Element, str],
) -> None:
    """``walk`` for any known container ``node`` of the Child ``top`` (its element and XPath)."""
    leaves, containers = layout[node.generic]
    groups = node.kids
    value: str | Node
    for c in el:
        tag = c.tag
        if tag in leaves:
            value = (c.text or "").strip()
        elif tag in containers:
            value = Node(tag, containers[tag])
            node.order.append(value)
            text = c.text
            if text and not text.isspace():
                deferred.append(_stray_inside(c, _xpath(c, top)))
        else:
            if tag.__class__ is str:  # not a comment, processing instruction or entity
                _unknown(c, _xpath(c, top), True, deferred)
            continue
        group = groups.get(tag)
        if group is None:
            groups[tag] = [value]
        else:
            group.append(value)
        tail = c.tail
        if tail and not tail.isspace():
            deferred.append(_stray_after(c, _xpath(c, top)))
        if value.__class__ is Node:
            _fill(c, value, layout, deferred, top)
        elif len(c):
            _unknown_kids(c, _xpath(c, top), True, deferred)


def _xpath(el: etree._Element, top: tuple[etree._Element, str]) -> str:
    """The XPath of ``el``, inside the Child ``top`` (its element and XPath), worked out from the XML: positions
    where a tag repeats."""
    top_el, top_loc = top
    parent = el.getparent()
    if el is top_el or parent is None:
        return top_loc
    tag = el.tag
    same = [s for s in parent if s.tag == tag]
    where = _xpath(parent, top)
    return f"{where}/{tag}[{same.index(el) + 1}]" if len(same) > 1 else f"{where}/{tag}"


def _unknown(el: etree._Element, loc: str, parent_known: bool, deferred: list[ReportEntry]) -> None:
    """An element outside the mapping: its leaves are reported; stray text after it when its parent is known."""
    if len(el) == 0:
        deferred.append(
            ReportEntry(Loss.UNMAPPED_FIELD, str(el.tag), loc, "not part of the mapping; value not converted")
        )
    tail = el.tail
    if parent_known and tail and tail.strip():
        deferred.append(_stray_after(el, loc))
    if len(el):
        _unknown_kids(el, loc, False, deferred)


def _unknown_kids(el: etree._Element, loc: str, parent_known: bool, deferred: list[ReportEntry]) -> None:
    kids = [c for c in el if isinstance(c.tag, str)]
    counts: dict[str, int] = {}
    for c in kids:
        counts[c.tag] = counts.get(c.tag, 0) + 1
    seen: dict[str, int] = {}
    for c in kids:
        tag = str(c.tag)
        i = seen[tag] = seen.get(tag, 0) + 1
        _unknown(c, f"{loc}/{tag}[{i}]" if counts[tag] > 1 else f"{loc}/{tag}", parent_known, deferred)


def _stray_inside(el: etree._Element, loc: str) -> ReportEntry:
    return ReportEntry(Loss.INVALID_INPUT, str(el.tag), loc, "stray text inside a container; ignored")


def _stray_after(el: etree._Element, loc: str) -> ReportEntry:
    return ReportEntry(Loss.INVALID_INPUT, str(el.tag), loc, "stray text after this element; ignored")


_ROOT = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*<([A-Za-z_][\w.-]*)[\s/>]", re.DOTALL)


def _root_tag(head: bytes) -> str | None:
    """The root element's name, read from the start of the document; None when it is not a plain name seen in
    ``head`` (a prefix, a namespace declaration anywhere in ``head``)."""
    match = _ROOT.match(head)
    if match is None or b"xmlns" in head:
        return None
    return match.group(1).decode("ascii", "replace")


class _Prefixed:
    """A read-only stream that replays ``head`` and then continues with ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size < 0 or size >= len(self.head):
                out, self.head = self.head, b""
                return (
                    out + (self.rest.read(size - len(out)) if size > len(out) else b"")
                    if size >= 0
                    else (out + self.rest.read())
                )
            out, self.head = self.head[:size], self.head[size:]
            return out
        return self.rest.read(size)


class ChildUnit(NamedTuple):
    """One Child as read, ready to build: what was reported before it, its Header, XPath, occurrence of its
    LAchildID, and either its walked tree with the deferred report entries or (for a worker) its XML."""

    before: list[ReportEntry]
    header: CensusHeader
    xpath: str
    occurrence: int
    node: Node | bytes
    deferred: list[ReportEntry]


@cache
def _child_parser() -> etree.XMLParser:
    """The parser a worker reads one Child's XML with: the same safety settings as the whole return."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )


def walked(unit: ChildUnit) -> tuple[Node, list[ReportEntry]]:
    """The unit's walked tree and deferred entries, walking its XML first when it came as XML."""
    if isinstance(unit.node, Node):
        return unit.node, unit.deferred
    node = Node("Child", CHILD_PATH, loc=unit.xpath)
    deferred: list[ReportEntry] = []
    walk_child(etree.fromstring(unit.node, _child_parser()), node, layout_of(), deferred)
    return node, deferred


def child_units(
    source: IO[bytes], name: str, held: ConversionReport, mapped: dict[str, str], *, walk: bool
) -> Iterator[ChildUnit]:
    """Parse the return and yield each Child in document order, walked (``walk``) or as its XML for a worker
    to walk. What is reported while reading goes into ``held`` and travels with the next unit (``before``);
    what remains at the end is the caller's."""
    report = held
    head = source.read(65536)
    if re.search(rb"<!DOCTYPE", head, re.IGNORECASE):
        report.add(ReportEntry(Loss.INVALID_INPUT, "(document)", "/", "DOCTYPE declarations are refused"))
        return
    header = CensusHeader()
    occurrences: dict[str, int] = {}
    child_no = 0
    fields = mapping()["fields"]
    known = set(fields) | set(mapping()["containers"])
    layout = layout_of()
    # Only the elements the loop acts on are delivered (the root, and Header, Children and Child wherever they
    # are); the rest of the tree is looked at from those. Without a plain root name, every element is.
    root_tag = _root_tag(head)
    tags = None if root_tag is None else sorted({"Message", "Header", "Children", "Child", root_tag})
    parser = etree.iterparse(
        _Prefixed(head, source),
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )
    done: set[etree._Element] = set()  # elements under a Children already converted or reported
    top = 0  # how many elements under the root have been handled

    def unknown_under_children(el: etree._Element) -> None:
        _unknown_subtree(el, f"/Message/Children/{el.tag}", report, known)
        el.clear()
        done.add(el)

    def flush_children(children: etree._Element, upto: etree._Element | None) -> None:
        """Report, in order, what stands under ``children`` before ``upto`` (all of it when None) that is not
        a Child."""
        for kid in children:
            if kid is upto:
                return
            if kid not in done and isinstance(kid.tag, str) and kid.tag != "Child":
                unknown_under_children(kid)

    def flush_top(root: etree._Element, upto: etree._Element | None, inclusive: bool) -> None:
        """Handle, in order, the elements under the root up to ``upto`` (all when None): the Header, each
        Children's remaining content, and anything else as unknown."""
        nonlocal top, header
        if root.tag != "Message":
            return
        while top < len(root):
            kid = root[top]
            if kid is upto and not inclusive:
                return
            top += 1
            if isinstance(kid.tag, str):
                if kid.tag == "Header":
                    # a later Header adds to what earlier ones said; Children already read keep theirs
                    header = copy.deepcopy(header)
                    _header(kid, header, report, mapped)
                elif kid.tag == "Children":
                    flush_children(kid, None)
                else:
                    _unknown_subtree(kid, f"/Message/{kid.tag}", report, known)
                kid.clear()
            if kid is upto:
                return

    try:
        for _, elem in parser:
            parent = elem.getparent()
            if parent is None:
                flush_top(elem, None, True)
                if elem.tag != "Message":
                    report.add(
                        ReportEntry(
                            Loss.INVALID_INPUT, str(elem.tag), f"/{elem.tag}", "the root element must be Message"
                        )
                    )
                break
            grand = parent.getparent()
            if grand is None:
                flush_top(parent, elem, True)
                continue
            if parent.tag != "Children" or grand.tag != "Message":
                continue
            # under a Children: first what came before it at the top, then what came before it in Children
            outer = parent
            while outer.getparent() is not None and outer.getparent().getparent() is not None:
                outer = outer.getparent()
            if outer.getparent() is not None:
                flush_top(outer.getparent(), outer, False)
            flush_children(parent, elem)
            if elem.tag != "Child":
                unknown_under_children(elem)
                continue
            child_no += 1
            xpath = f"{CHILD_PATH}[{child_no}]"
            deferred: list[ReportEntry] = []
            content: Node | bytes
            if walk:
                content = Node("Child", CHILD_PATH, loc=xpath)
                walk_child(elem, content, layout, deferred)
                ids = first(content, "ChildIdentifiers")
                la_values = ids.kids.get("LAchildID") if ids is not None else None
                la = la_values[0] if la_values else ""
            else:  # the same value the walk finds: the first LAchildID of the first ChildIdentifiers
                content = etree.tostring(elem, with_tail=False)
                ids_el = elem.find("ChildIdentifiers")
                la_el = ids_el.find("LAchildID") if ids_el is not None else None
                la = (la_el.text or "").strip() if la_el is not None else ""
            occurrences[la] = occurrences.get(la, 0) + 1
            if la and occurrences[la] > 1:
                report.add(
                    ReportEntry(
                        Loss.INVALID_INPUT,
                        "LAchildID",
                        f"{xpath}/ChildIdentifiers/LAchildID",
                        "more than one Child with this LAchildID in the file",
                    )
                )
            before, report.entries = report.entries, []
            elem.clear(keep_tail=True)
            done.add(elem)
            while elem.getprevious() is not None:
                done.discard(parent[0])
                del parent[0]
            yield ChildUnit(before, header, xpath, occurrences[la], content, deferred)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else 0
        report.add(
            ReportEntry(
                Loss.INVALID_INPUT, "(document)", f"line {line}", f"not well-formed XML: {exc.msg}; reading stopped"
            )
        )


def _header(elem: etree._Element, header: CensusHeader, report: ConversionReport, mapped: dict[str, str]) -> None:
    fields = mapping()["fields"]
    cd = elem.find("CollectionDetails")
    for tag in ("Collection", "Year", "ReferenceDate"):
        text = (cd.findtext(tag) or "").strip() if cd is not None else ""
        if text:
            header.values[tag] = text
            path = f"/Message/Header/CollectionDetails/{tag}"
            mapped[path] = fields[path]["target"]
    for n, src in enumerate(elem.findall("Source"), start=1):
        values: dict[str, str] = {}
        for sub in src:
            path = f"/Message/Header/Source/{sub.tag}"
            if path in fields and (sub.text or "").strip():
                values[str(sub.tag)] = (sub.text or "").strip()
                mapped[path] = fields[path]["target"]
            elif path not in fields:
                report.add(
                    ReportEntry(
                        Loss.UNMAPPED_FIELD,
                        str(sub.tag),
                        f"/Message/Header/Source[{n}]/{sub.tag}",
                        "not part of the mapping; value not converted",
                    )
                )
        if values and header.sources:  # the record keeps the first Source (a census return has one)
            for tag in values:
                report.add(
                    ReportEntry(
                        Loss.UNMAPPED_FIELD,
                        tag,
                        f"/Message/Header/Source[{n}]/{tag}",
                        "only the first Source of the Header is kept; value not converted",
                    )
                )
        header.sources.append(values)
    if not header.lea:
        report.add(ReportEntry(Loss.INVALID_INPUT, "LEA", "/Message/Header/Source/LEA", "no LA code in the header"))
    year, reference = header.values.get("Year", ""), header.values.get("ReferenceDate", "")
    if year and reference and reference != f"{year}-03-31":  # DfE rule 100
        report.add(
            ReportEntry(
                Loss.INVALID_INPUT,
                "ReferenceDate",
                "/Message/Header/CollectionDetails/ReferenceDate",
                f"the reference date of the {year} census is {year}-03-31 (DfE rule 100); kept as recorded",
                code=reference,
            )
        )
    for sub in elem:
        if sub.tag not in ("CollectionDetails", "Source"):
            _unknown_subtree(sub, f"/Message/Header/{sub.tag}", report, set(fields))


def _unknown_subtree(elem: etree._Element, path: str, report: ConversionReport, known: set[str]) -> None:
    """Report every leaf of an element the mapping does not know, by XPath (never the value)."""
    del known
    leaves = [e for e in elem.iter() if isinstance(e.tag, str) and len(e) == 0] or [elem]
    for leaf in leaves:
        parts: list[str] = []
        node: etree._Element | None = leaf
        while node is not None and node is not elem:
            parts.append(str(node.tag))
            node = node.getparent()
        report.add(
            ReportEntry(
                Loss.UNMAPPED_FIELD,
                str(leaf.tag),
                "/".join([path, *reversed(parts)]),
                "not part of the mapping; value not converted",
            )
        )

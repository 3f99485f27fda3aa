"""``dastandard docs``: the data dictionary has a page for every profile, extension, ValueSet, CodeSystem,
ConceptMap and rule, loads nothing from anywhere, escapes what it shows, and fails cleanly on an unwritable folder."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from dastandard.catalog import catalog
from dastandard.cli import cli
from dastandard.datadictionary import Site, build_site, expand
from dastandard.errors import OUTPUT_UNWRITABLE
from dastandard.standard import standard


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    out = tmp_path_factory.mktemp("site")
    return out, build_site(out)


def test_every_artifact_and_rule_has_a_page(site: tuple[Path, Site]) -> None:
    out, built = site
    std = standard()
    sds = list(std.of_type("StructureDefinition"))
    extensions = {a.id for a in sds if a.resource.get("type") == "Extension"}
    assert {Path(p).stem for p in built.pages["extension"]} == extensions
    assert {Path(p).stem for p in built.pages["profile"]} == {a.id for a in sds} - extensions
    for kind, folder in (("ValueSet", "valuesets"), ("CodeSystem", "codesystems"), ("ConceptMap", "conceptmaps")):
        assert {a.id for a in std.of_type(kind)} == {Path(p).stem for p in (out / folder).glob("*.html")}, kind
    rules = (out / "rules.html").read_text(encoding="utf-8")
    for rule_id in catalog():
        assert f'id="{rule_id}"' in rules
    logical = (out / "logical-record.html").read_text(encoding="utf-8")
    assert 'id="persons"' in logical and "Patient.birthDate" in logical


def test_pages_load_nothing_from_elsewhere(site: tuple[Path, Site]) -> None:
    out, _ = site
    pages = list(out.rglob("*.html"))
    assert len(pages) > 200
    for page in pages:
        html = unescape(page.read_text(encoding="utf-8"))
        assert "default-src 'none'" in html
        assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html), page.name
        assert not re.search(r"""href=["']https?://""", html), page.name  # every link is a page of the site
        for target in re.findall(r'href="([^"#]+)', html):  # and every link leads to a page that exists
            assert (page.parent / target).resolve().is_file(), f"{page.name} -> {target}"
    scripts = [p for p in pages if "<script>" in p.read_text(encoding="utf-8")]
    assert [p.name for p in scripts] == ["index.html"]


def test_valueset_codes_come_with_their_displays() -> None:
    codes, notes = expand(standard().url("ValueSet", "abuse-kind"))
    assert not notes
    by_code = {c.code: c.display.strip() for c in codes}
    assert by_code["physical-or-sexual"] == "Physical or sexual abuse"


def test_text_is_escaped(site: tuple[Path, Site]) -> None:
    out, _ = site
    page = (out / "codesystems" / "abuse-kind.html").read_text(encoding="utf-8")
    assert '<p class="why">Kinds of domestic abuse.' in page
    assert "&#34;Recognising domestic abuse&#34;" in page  # quotes in a description are escaped


def test_the_command_writes_the_site_and_refuses_an_unwritable_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["docs", "-o", str(tmp_path / "site")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "site" / "index.html").is_file()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    refused = runner.invoke(cli, ["docs", "-o", str(blocker / "site")], standalone_mode=False)
    assert refused.exception is not None and getattr(refused.exception, "status", None) == OUTPUT_UNWRITABLE


def test_every_profile_page_shows_an_example(site: tuple[Path, Site]) -> None:
    out, built = site
    for page in built.pages["profile"]:
        html = (out / page).read_text(encoding="utf-8")
        assert '<pre class="example">' in html, page
        assert "&#34;resourceType&#34;" in html  # the JSON is shown escaped, as text

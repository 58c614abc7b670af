"""The claims register: every citation of the 2020 report has a Danish quote from the cited part.

The main test reads the Danish text of the report from ``../shared/sources/`` beside the
repository (as CI has it), scans every page in ``book/_toc.yml`` and every data file, and checks
the register against both. The other tests pin down the checker itself on small hand-written
reports and pages, and show that a wrong section number, a changed page or a missing quote fail.
"""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from portal_tools import claims, knowledge
from portal_tools.claims import Citation, Entry, Part, Register, Report, parse_locator
from portal_tools.errors import InputError

from ..toc import toc_docnames

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
REPORT_PATH = claims.find_report(ROOT)
needs_report = pytest.mark.skipif(
    REPORT_PATH is None,
    reason="the Danish report is not beside this clone (../shared/sources or PORTAL_SOURCES); "
    "test_register_unchanged_since_its_last_check_against_the_report covers the register here",
)


def toc_pages() -> list[str]:
    """Every page of book/_toc.yml as a path relative to book/ (``chapters/basics.md``)."""
    return [f"{name}.md" for name in toc_docnames(BOOK)]


@pytest.fixture(scope="module")
def report() -> Report:
    assert REPORT_PATH is not None
    return Report.parse(REPORT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scanned() -> tuple[list[Citation], list[Citation], list[object]]:
    pages: list[Citation] = []
    problems: list[object] = []
    for page in toc_pages():
        found, bad = claims.page_citations(page, (BOOK / page).read_text(encoding="utf-8"))
        pages += found
        problems += bad
    data, bad = claims.data_citations(knowledge.load_all(), knowledge.UNIQUE)
    return pages, data, problems + bad


# ---- the real register, pages, data and report -----------------------------------------------


def test_every_report_citation_has_exactly_one_register_entry(
    scanned: tuple[list[Citation], list[Citation], list[object]],
) -> None:
    """Pages and data files against the register: needs no report, so it runs everywhere."""
    pages, data, scan_problems = scanned
    problems = [*scan_problems, *claims.check_matches(claims.load_register(), pages, data)]
    assert not problems, "\n".join(map(str, problems))
    # Sanity: the scan found the citations we know exist, on pages and in data files.
    assert len(pages) > 150 and len(data) > 60
    assert {c.where for c in pages} >= {"intro.md", "chapters/basics.md", "tools/payment.md"}


@needs_report
def test_every_quote_is_in_the_cited_part_and_the_record_is_current(report: Report) -> None:
    register = claims.load_register()
    problems = claims.check_quotes(register, report)
    assert not problems, "\n".join(map(str, problems))
    assert REPORT_PATH is not None
    expected = claims.record_text(REPORT_PATH.read_text(encoding="utf-8"), register)
    assert claims.record_path().read_text(encoding="utf-8") == expected, (
        "src/portal_tools/data/report_claims.verified is out of date: every quote passed, so "
        "record it with `.venv/bin/python scripts/record_claims.py` and commit the file"
    )


def test_register_unchanged_since_its_last_check_against_the_report() -> None:
    """Where the report is absent (a clone elsewhere, CI), the quotes and locators must be the
    ones last checked against it: any change needs a check where the report is available."""
    record = claims.read_record()
    assert set(record) == {"report", "quotes"}
    assert record["quotes"] == claims.quotes_fingerprint(claims.load_register()), (
        "report_claims.yaml's quotes or locators changed since they were last checked against "
        "the Danish report: run the claims tests where ../shared/sources (or PORTAL_SOURCES) "
        "holds the report, then `.venv/bin/python scripts/record_claims.py`"
    )


def test_the_fingerprint_changes_with_any_locator_or_quote() -> None:
    register = claims.load_register()
    base = claims.quotes_fingerprint(register)
    entry = register.pages[0]
    label, quotes = next(iter(entry.quotes.items()))
    changed_quote = dataclasses.replace(entry, quotes={**entry.quotes, label: (quotes[0] + "x",)})
    changed_cites = dataclasses.replace(entry, cites=entry.cites + ", §9")
    for changed in (changed_quote, changed_cites):
        other = Register((changed, *register.pages[1:]), register.data)
        assert claims.quotes_fingerprint(other) != base
    # Whitespace and typography that normalise away do not count as a change.
    spaced = dataclasses.replace(entry, cites=entry.cites.replace(" ", "  "))
    assert claims.quotes_fingerprint(Register((spaced, *register.pages[1:]), register.data)) == base


def test_register_names_only_pages_of_the_book_and_known_data_files() -> None:
    register = claims.load_register()
    assert {e.where for e in register.pages} <= set(toc_pages())
    assert {e.where for e in register.data} <= set(knowledge.DATA_FILES)


@needs_report
def test_the_report_parses_into_its_sections(report: Report) -> None:
    for label in ("1", "1.1", "2.2.3", "3.3.1", "4", "4.1.3", "4.4.6", "5.3", "6.3"):
        assert label in report.sections, label
    assert set(report.boxes) == {"1.1", "1.2", "2.1"}
    assert report.section_of(report.figures["3.4"]) == "3.2.1"
    assert report.section_of(report.figures["4.3"]) == "4.1.2"
    assert report.section_of(report.markers["20"][0]) == "4.3"
    # An unnumbered heading belongs to the numbered section before it.
    assert "skabe alignment og forene styringskæderne" in report.own_text("3.3.1")
    # Footnote texts are not part of the section they are printed in.
    assert "fra regneark til kommunal praksis" not in report.section_text("4.4.1")
    # A paragraph broken by a page break and a footnote reads as one.
    assert "unge mellem 16 og 27 år med særlige udfordringer" in report.section_text("2.2.2")


@needs_report
def test_a_wrong_section_number_fails(
    report: Report, scanned: tuple[list[Citation], list[Citation], list[object]]
) -> None:
    """Move one real citation from §4.4.1 to §4.4.2, on the page and in the register alike: the
    quote is then not in the cited section, and the message says where it is."""
    pages, data, _ = scanned
    register = claims.load_register()
    entry = next(e for e in register.pages if e.cites == "§4.4.1")
    moved = dataclasses.replace(entry, cites="§4.4.2", quotes={"§4.4.2": entry.quotes["§4.4.1"]})
    entries = tuple(moved if e is entry else e for e in register.pages)
    citation = next(c for c in pages if c.where == entry.where and c.locator == "§4.4.1")
    cites = [dataclasses.replace(c, locator="§4.4.2") if c is citation else c for c in pages]
    problems = claims.check(Register(entries, register.data), report, cites, data)
    assert problems
    assert all("§4.4.2" in p.allowed and "§4.4.1" in p.allowed for p in problems), problems


@needs_report
def test_a_changed_page_or_a_missing_entry_fails(
    report: Report, scanned: tuple[list[Citation], list[Citation], list[object]]
) -> None:
    pages, data, _ = scanned
    register = claims.load_register()
    # The page now cites another section than the register says.
    first = pages[0]
    changed = [dataclasses.replace(first, locator="§4.2"), *pages[1:]]
    problems = claims.check(register, report, changed, data)
    messages = "\n".join(map(str, problems))
    assert f"{first.where} line {first.line} (§4.2)" in messages and "no entry" in messages
    assert "the page changed" in messages
    # A data row loses its entry.
    fewer = Register(register.pages, register.data[1:])
    problems = claims.check(fewer, report, pages, data)
    assert len(problems) == 1 and "no entry" in str(problems[0])


# ---- locators ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("§4.1.3", ["§4.1.3"]),
        ("Box 1.2, §4.1.2", ["Box 1.2", "§4.1.2"]),
        (
            "Executive summary, §3.1, §3.2, Figures 3.1 and 3.2",
            ["Executive summary", "§3.1", "§3.2", "Figure 3.1", "Figure 3.2"],
        ),
        ("Executive summary; §3.2 Figure 3.2", ["Executive summary", "§3.2", "Figure 3.2"]),
        ("§4.3, Figure 4.7, footnote 19", ["§4.3", "Figure 4.7", "footnote 19"]),
        ("§1", ["§1"]),
        ("Table 6.1", ["Table 6.1"]),
        ("§2.2.1, §2.2.1", ["§2.2.1"]),
    ],
)
def test_parse_locator(text: str, labels: list[str]) -> None:
    assert [p.label for p in parse_locator(text)] == labels


@pytest.mark.parametrize("text", ["§ 4.1", "p. 12", "Fig. 3.1", "§4.1 (municipalities)", "", "Box"])
def test_parse_locator_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        parse_locator(text)


def test_a_data_file_with_an_unreadable_report_locator_fails_to_load(tmp_path: Path) -> None:
    for name in knowledge.DATA_FILES:
        (tmp_path / name).write_bytes((knowledge.data_dir() / name).read_bytes())
    path = tmp_path / "repayment_2020.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("§2.1", "§ 2.1", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"repayment_2020.csv row 2, column source.*cannot read"):
        knowledge.load("repayment_2020.csv", tmp_path)


# ---- the report model on a small hand-written report -----------------------------------------

MINI_REPORT = textwrap.dedent(
    """\
    # Title
    ## Indholdsfortegnelse
    | 1. Indledning | 1 |

    # Executive summary

    Et **resumé** med en ”vigtig” pointe.

    # 1. Indledning

    Kapitlets egen tekst<sup>1</sup> om
    investorer og risiko.

    ## **Boks 1.1: En boks**

    Tekst i boksen.

    ## 1.1 Første afsnit

    Tekst i afsnit et, der fortsætter

    <sup>1</sup> En fodnote om noget andet.

    på næste side.

    ### Uden nummer

    Stadig afsnit et.

    **Figur 1.1: Et spørgsmål**

    ## 1.2 Andet afsnit

    Tekst i afsnit to.

    # 2. Næste kapitel

    Kapitel to.
    """
)


@pytest.fixture()
def mini() -> Report:
    return Report.parse(MINI_REPORT)


def _problems(report: Report, cites: str, quotes: dict[str, str]) -> list[str]:
    entry = Entry("page.md", "a claim here", cites, {k: (v,) for k, v in quotes.items()}, 1)
    return [p.allowed for p in claims._check_quotes(entry, report)]


def test_mini_report_sections_and_parts(mini: Report) -> None:
    assert list(mini.sections) == ["1", "1.1", "1.2", "2"]
    assert mini.boxes == {"1.1": (13, 17)}  # from its heading to the next heading
    assert mini.section_of(mini.figures["1.1"]) == "1.1"
    assert mini.footnotes == {"1": "En fodnote om noget andet."}
    assert mini.section_of(mini.markers["1"][0]) == "1"


def test_quotes_match_across_line_breaks_page_breaks_emphasis_and_typography(mini: Report) -> None:
    assert not _problems(mini, "§1.1", {"§1.1": "der fortsætter på næste side"})
    assert not _problems(mini, "§1", {"§1": "Kapitlets egen tekst om investorer og risiko"})
    assert not _problems(
        mini, "Executive summary", {"Executive summary": 'et resumé med en "vigtig"'}
    )
    assert not _problems(mini, "Box 1.1", {"Box 1.1": "Tekst i boksen"})
    assert not _problems(mini, "footnote 1", {"footnote 1": "En fodnote om"})
    assert not _problems(mini, "§1.1", {"§1.1": "Stadig afsnit et"})  # unnumbered heading


def test_wrong_part_and_imprecise_section_fail_with_a_hint(mini: Report) -> None:
    (message,) = _problems(mini, "§1.2", {"§1.2": "Tekst i afsnit et"})
    assert "occurs in §1.2" in message and "the quote is in §1.1" in message
    (message,) = _problems(mini, "§1", {"§1": "Tekst i afsnit to"})
    assert "most specific" in message and "§1.2" in message
    (message,) = _problems(mini, "§1.1", {"§1.1": "En fodnote om noget andet"})
    assert "the quote is in footnote 1" in message
    (message,) = _problems(mini, "Box 1.1", {"Box 1.1": "Kapitel to"})
    assert "occurs in Box 1.1" in message
    (message,) = _problems(mini, "§2, Figure 1.1", {"§2": "Kapitel to"})
    assert "inside a cited section" in message
    (message,) = _problems(mini, "§3", {"§3": "Kapitel to"})
    assert "a part the report has" in message
    (message,) = _problems(mini, "footnote 9", {"footnote 9": "Kapitel to her"})
    assert "footnote the report has" in message


def test_a_figure_alone_is_checked_in_its_section(mini: Report) -> None:
    assert not _problems(mini, "Figure 1.1", {"Figure 1.1": "Tekst i afsnit et"})
    (message,) = _problems(mini, "Figure 1.1", {"Figure 1.1": "Tekst i afsnit to"})
    assert "occurs in Figure 1.1" in message


def test_a_file_that_is_not_the_report_fails_to_parse() -> None:
    with pytest.raises(ValueError, match="Executive summary"):
        Report.parse("# Something else\n\nText.\n")
    with pytest.raises(ValueError, match="numbered"):
        Report.parse("# Executive summary\n\nText.\n")


# ---- citations in pages --------------------------------------------------------------------

MINI_PAGE = textwrap.dedent(
    """\
    ---
    jupytext: {}
    ---

    # A page

    First claim about risk {cite:p}`oxfordresearch2020`
    (§4.1.3). Second claim on the same line {cite:p}`oxfordresearch2020` (Box 1.2, §4.1.2), and a
    third one that refers back (§4.4.2).

    A law is cited differently {cite:p}`kommunestyrelsesloven40` (§ 40), and another source
    {cite:p}`golab_faq` is not the report. Two keys {cite:p}`brookings2020,oxfordresearch2020`
    (§2.1).

    ```{code-cell} ipython3
    caption = "not scanned (§9.9)"
    ```

    ```{figure} x.svg
    A caption that cites the report {cite:p}`oxfordresearch2020` (Figure 1.1).
    ```

    % a comment with §1.1 is not scanned
    """
)


def test_page_citations_finds_roles_bare_locators_and_captions() -> None:
    found, problems = claims.page_citations("p.md", MINI_PAGE)
    assert not problems
    assert [(c.line, c.locator) for c in found] == [
        (7, "§4.1.3"),
        (8, "Box 1.2, §4.1.2"),
        (9, "§4.4.2"),
        (12, "§2.1"),
        (20, "Figure 1.1"),
    ]
    assert found[0].span == "First claim about risk"
    assert found[1].span.startswith(". Second claim")
    assert found[2].span.endswith("a third one that refers back")
    assert "A law is cited differently" in found[3].span


def test_page_citations_reports_a_missing_locator_and_a_stray_section() -> None:
    text = "A claim {cite:p}`oxfordresearch2020`. Another claim, see §4.1 and (p. 3).\n"
    found, problems = claims.page_citations("p.md", text)
    assert found == []
    messages = [str(p) for p in problems]
    assert len(messages) == 2
    assert "a locator after the citation" in messages[0]
    assert "a report section only in a locator" in messages[1] and "§4.1" in messages[1]


def test_entries_match_their_citation_by_page_locator_and_claim() -> None:
    found, _ = claims.page_citations("p.md", MINI_PAGE)
    quote = {"§4.1.3": ("x y z",)}
    good = Entry("p.md", "First claim about risk", "§4.1.3", quote, 1)
    assert claims._match([good], found[:1], pages=True) == []
    wrong_claim = dataclasses.replace(good, claim="some other words")
    messages = [str(p) for p in claims._match([wrong_claim], found[:1], pages=True)]
    assert len(messages) == 2 and "no entry" in messages[0] and "the page changed" in messages[1]
    twice = [good, dataclasses.replace(good, number=2)]
    messages = [str(p) for p in claims._match(twice, found[:1], pages=True)]
    assert "exactly one entry" in messages[0]


# ---- the register file's structure -----------------------------------------------------------


def _register(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "report_claims.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_register_structure_errors_name_entry_field_and_rule(tmp_path: Path) -> None:
    path = _register(
        tmp_path,
        """\
        pages:
          p.md:
            - claim: words from the page
              cites: §4.1, footnote 16
              quotes:
                §4.1: en kort dansk sætning her
            - claim: two words
              cites: §4.1
              quotes:
                §4.2: en kort dansk sætning her
            - claim: a third claim here
              cites: "§ 4.1"
              quotes: {}
        data:
          x.csv:
            row_one:
              cites: §1
              quotes:
                §1: for kort
        """,
    )
    with pytest.raises(InputError) as info:
        claims.load_register(path)
    messages = [str(p) for p in info.value.problems]
    assert any("entry 1.quotes" in m and "a quote for footnote 16" in m for m in messages)
    assert any("entry 2.claim" in m and "at least 3 words" in m for m in messages)
    assert any("entry 2.quotes" in m and "'§4.2'" in m for m in messages)
    assert any("entry 3.cites" in m and "cannot read" in m for m in messages)
    assert any("x.csv entry 1.quotes[§1]" in m and "3 to 25 words" in m for m in messages)


def test_register_needs_pages_and_data(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="pages and data"):
        claims.load_register(_register(tmp_path, "pages: {}\n"))
    with pytest.raises(InputError, match="valid YAML"):
        claims.load_register(_register(tmp_path, "pages: [\n"))


def test_register_table_lists_every_entry_with_its_quotes() -> None:
    register = claims.load_register()
    table = claims.register_table(register)
    assert len(table) == len(register.pages) + len(register.data)
    first = table.iloc[0]
    assert first["Cited to"] == register.pages[0].cites
    assert all(
        "\N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}" in q for q in table["Danish passage"]
    )


def test_report_path_is_none_when_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_SOURCES", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    assert claims.find_report(repo) is None
    sources = tmp_path / "shared" / "sources"
    sources.mkdir(parents=True)
    (sources / claims.REPORT_NAME).write_text("x", encoding="utf-8")
    assert claims.find_report(repo) == sources / claims.REPORT_NAME
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / claims.REPORT_NAME).write_text("y", encoding="utf-8")
    monkeypatch.setenv("PORTAL_SOURCES", str(elsewhere))
    assert claims.find_report(repo) == elsewhere / claims.REPORT_NAME


def test_report_path_of_a_git_worktree_looks_beside_the_main_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTAL_SOURCES", raising=False)
    main = tmp_path / "main"
    gitdir = main / ".git" / "worktrees" / "wt"
    gitdir.mkdir(parents=True)
    (gitdir / "commondir").write_text("../..\n", encoding="utf-8")
    worktree = tmp_path / "wt" / "branch"
    worktree.mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {gitdir}\n", encoding="utf-8")
    sources = tmp_path / "shared" / "sources"
    sources.mkdir(parents=True)
    (sources / claims.REPORT_NAME).write_text("x", encoding="utf-8")
    assert claims.find_report(worktree) == sources / claims.REPORT_NAME


def test_part_labels() -> None:
    assert Part("section", "4.1").label == "§4.1"
    assert Part("summary").label == "Executive summary"
    assert Part("footnote", "16").label == "footnote 16"

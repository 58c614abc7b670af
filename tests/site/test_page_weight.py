"""scripts/page_weight.py: what it counts, checked against files of known size, and how it
turns counts into ratios and verdicts."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import page_weight
from page_weight import Weight, add_up, kind, report


def test_counts_every_distinct_file_once_by_type_and_refuses_other_hosts(
    browser: Any, tmp_path: Path
) -> None:
    """A page with a stylesheet, a script, an image used twice and an external image: the
    count is the files' sizes on disk, each once; the external request is refused."""
    files = {
        "style.css": b"p { color: #222; }\n" * 40,
        "app.js": b"console.log('x');\n" * 70,
        "dot.png": bytes(range(256)) * 3,
    }
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    html = (
        b'<!doctype html><html><head><link rel="stylesheet" href="style.css">'
        b'<script src="app.js"></script></head><body><p>Hi</p><img src="dot.png" alt="">'
        b'<img src="dot.png" alt=""><img src="https://example.org/x.png" alt=""></body></html>'
    )
    (tmp_path / "index.html").write_bytes(html)
    (weight,) = page_weight.measure_in(browser, tmp_path, ["index.html"])
    assert weight.requests == 4
    assert weight.raw == len(html) + sum(len(b) for b in files.values())
    assert weight.by_category == {
        "html": len(html),
        "images": len(files["dot.png"]),
        "scripts": len(files["app.js"]),
        "styles": len(files["style.css"]),
        "fonts": 0,
        "other": 0,
    }
    expected_gzip = sum(
        len(gzip.compress(b, compresslevel=6, mtime=0)) for b in [html, *files.values()]
    )
    assert weight.gzip == expected_gzip
    assert weight.refused == ["https://example.org/x.png"]
    assert not weight.maths


def test_a_mathjax_request_makes_a_maths_page() -> None:
    bodies = {
        "http://h/a.html": ("document", b"abc"),
        "http://h/_static/mathjax/tex-mml-chtml.js": ("script", b"12345"),
        "http://h/f.woff2": ("font", b"zz"),
        "http://h/x.json": ("fetch", b"q"),
    }
    weight = add_up(Weight("a.html"), bodies)
    assert weight.maths and weight.raw == 11 and weight.requests == 4
    assert weight.by_category["scripts"] == 5 and weight.by_category["fonts"] == 2
    assert weight.by_category["other"] == 1
    assert kind("a.html", weight.maths) == "maths"


@pytest.mark.parametrize(
    ("path", "maths", "expected"),
    [
        ("tools/payment.html", False, "calculator"),
        ("tools/payment.html", True, "calculator"),
        ("search.html", False, "search"),
        ("chapters/ethics.html", False, "guide"),
        ("chapters/ethics.html", True, "maths"),
    ],
)
def test_kind(path: str, maths: bool, expected: str) -> None:
    assert kind(path, maths) == expected


def test_ratios_and_verdicts() -> None:
    """Worked by hand: the bare search page is 1000 B raw and 500 B gzip."""
    bare = Weight("search.html", raw=1000, gzip=500)
    rows = report(
        [
            Weight("tools/a.html", raw=1300, gzip=650),  # 1.3 and 1.3: met, exactly
            Weight("tools/b.html", raw=1200, gzip=651),  # gzip 1.302: not met
            Weight("chapters/c.html", raw=1050, gzip=500),  # 1.05: met
            Weight("chapters/d.html", raw=1051, gzip=400),  # raw 1.051: not met
            Weight("chapters/e.html", raw=3000, gzip=1500, maths=True),  # no target
            Weight("search.html", raw=1040, gzip=520),  # no target
        ],
        bare,
    )
    verdicts = [(r["kind"], r["ratio_raw"], r["ratio_gzip"], r["target"], r["meets"]) for r in rows]
    assert verdicts == [
        ("calculator", 1.3, 1.3, 1.3, True),
        ("calculator", 1.2, 1.302, 1.3, False),
        ("guide", 1.05, 1.0, 1.05, True),
        ("guide", 1.051, 0.8, 1.05, False),
        ("maths", 3.0, 3.0, None, None),
        ("search", 1.04, 1.04, None, None),
    ]

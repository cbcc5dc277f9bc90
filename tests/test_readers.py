"""Readers: text, HTML and PDF files -> text + metadata, and a clear error for anything else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.errors import InputError
from ingest.ids import content_hash
from ingest.readers import read_document, read_sidecar
from tests.bad_inputs import REPORT, encrypt_pdf, make_pdf, report_lines, write_bad_inputs

ARTICLE = """<!DOCTYPE html>
<html lang="es-ES"><head>
<meta charset="utf-8">
<title>Lawyer detained in Valdora | Example Watch</title>
<meta property="og:site_name" content="Example Watch">
<meta property="article:published_time" content="2019-06-05T09:00:00+00:00">
<link rel="canonical" href="https://watch.example.org/news/2019/lawyer-detained">
<script>window.tracker = "SCRIPT-MARKER";</script>
<style>.x { color: red }</style>
</head><body>
<header><nav><ul><li><a href="/">Home MENU-MARKER</a></li><li><a href="/news">News</a></li>
<li><a href="/about">About us</a></li></ul></nav></header>
<div id="cookie-banner" class="cookie-consent">We use cookies COOKIE-MARKER. <button>Accept all cookies</button></div>
<main><article>
<h1>Lawyer detained in Valdora</h1>
<p>On 2 June 2019 police in Valdora detained the human rights lawyer Jane Roe at her office.
She was taken to the central police station.</p>
<figure><img src="roe.jpg" alt="portrait">
<figcaption>Photo CAPTION-MARKER: Jane Roe at a rally in 2017.</figcaption></figure>
<p>On 4 June 2019 the Valdora District Court ordered two months of pre-trial detention.
Her lawyers intend to appeal the decision before the regional court.</p>
<div class="share-buttons">Share this SHARE-MARKER: <a href="#">Facebook</a> <a href="#">Twitter</a></div>
</article></main>
<footer><p>Copyright FOOTER-MARKER 2019 Example Watch. All rights reserved.</p></footer>
</body></html>
"""


def write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- plain text ----------------------------------------------------------------------------


def test_plain_text_keeps_its_text_and_hash(tmp_path: Path) -> None:
    path = write(tmp_path / "r1.txt", REPORT)
    doc = read_document(path)
    assert doc.text == REPORT
    assert doc.record.text == doc.text
    assert doc.record.file == "r1.txt"
    assert doc.record.content_hash == content_hash(REPORT.encode())
    assert doc.record.language == "en"
    assert doc.record.source_url is None


def test_a_first_line_url_becomes_metadata_and_offsets_index_the_stored_text(tmp_path: Path) -> None:
    url = "https://watch.example.org/news/2019/lawyer-detained"
    path = write(tmp_path / "r2.txt", f"{url}\n{REPORT}")
    doc = read_document(path)
    assert doc.record.source_url == url
    assert url not in doc.text
    assert doc.text == REPORT  # the stored text: evidence offsets index this string
    start = doc.text.index("Jane Roe")
    assert doc.record.text is not None
    assert doc.record.text[start : start + len("Jane Roe")] == "Jane Roe"
    # the hash is of the file as it is on disk, URL line included
    assert doc.record.content_hash == content_hash(path.read_bytes())


def test_a_url_inside_the_text_stays_in_the_text(tmp_path: Path) -> None:
    text = f"See https://watch.example.org/x for details.\n{REPORT}"
    doc = read_document(write(tmp_path / "r3.txt", text))
    assert doc.text == text
    assert doc.record.source_url is None


def test_bom_and_windows_line_ends_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path / "r4.txt", b"\xef\xbb\xbf" + REPORT.replace("\n", "\r\n").encode())
    assert read_document(path).text == REPORT


def test_language_is_left_unknown_for_non_english_text(tmp_path: Path) -> None:
    text = "El 2 de junio de 2019 la policía detuvo a la abogada en su oficina de la ciudad y la llevó a la comisaría."
    assert read_document(write(tmp_path / "es.txt", text)).record.language is None


# --- sidecar metadata ----------------------------------------------------------------------


def test_sidecar_metadata_is_read_and_wins(tmp_path: Path) -> None:
    path = write(tmp_path / "r5.txt", "https://first-line.example.org/a\n" + REPORT)
    write(
        tmp_path / "r5.meta.yaml",
        "publishers: [Example Watch, Lawyers Without Borders Valdora]\npublished: 2019-06\n"
        'reference: "VAL 004 / 0619"\nlanguage: en\nurl: https://watch.example.org/r5\ntitle: Lawyer detained\n',
    )
    record = read_document(path).record
    assert record.publishers == ["Example Watch", "Lawyers Without Borders Valdora"]
    assert record.published == "2019-06"
    assert record.reference == "VAL 004 / 0619"
    assert record.source_url == "https://watch.example.org/r5"
    assert record.title == "Lawyer detained"


def test_sidecar_named_after_the_full_file_name_and_a_single_publisher(tmp_path: Path) -> None:
    path = write(tmp_path / "r6.txt", REPORT)
    write(tmp_path / "r6.txt.meta.yaml", "publishers: Example Watch\npublished: 2019-06-05\n")
    record = read_document(path).record
    assert record.publishers == ["Example Watch"]
    assert record.published == "2019-06-05"


@pytest.mark.parametrize(
    ("sidecar", "problem"),
    [
        ("publisher: Example Watch\n", "unknown field 'publisher'"),
        ("published: 5 June 2019\n", "published: '5 June 2019' is not a date"),
        ("published: 2019-02-30\n", "day is out of range"),
        ("language: English\n", "language: 'English' is not a language code"),
        ("url: watch.example.org/x\n", "url: 'watch.example.org/x' is not an http(s) address"),
        ("publishers: [Example Watch, 7]\n", "publishers: must be a name or a list of names"),
        ("- just\n- a list\n", "must be a mapping"),
        ("title: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_sidecars_name_the_sidecar_and_the_field(tmp_path: Path, sidecar: str, problem: str) -> None:
    path = write(tmp_path / "r7.txt", REPORT)
    meta = write(tmp_path / "r7.meta.yaml", sidecar)
    with pytest.raises(InputError) as info:
        read_document(path)
    assert info.value.source == str(meta)
    assert problem in info.value.problem


def test_no_sidecar_means_no_sidecar_metadata(tmp_path: Path) -> None:
    assert read_sidecar(write(tmp_path / "r8.txt", REPORT)) == {}


# --- HTML ----------------------------------------------------------------------------------


def test_html_main_text_without_boilerplate(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "page.html", ARTICLE))
    assert "detained the human rights lawyer Jane Roe" in doc.text
    assert "Her lawyers intend to appeal" in doc.text
    for marker in ("MENU", "COOKIE", "CAPTION", "SHARE", "FOOTER", "SCRIPT"):
        assert f"{marker}-MARKER" not in doc.text, marker
    assert doc.record.text == doc.text


def test_html_metadata_from_the_page(tmp_path: Path) -> None:
    record = read_document(write(tmp_path / "page.html", ARTICLE)).record
    assert record.language == "es"
    assert record.published == "2019-06-05"
    assert record.publishers == ["Example Watch"]
    assert record.source_url == "https://watch.example.org/news/2019/lawyer-detained"
    assert record.title and "Lawyer detained in Valdora" in record.title


def test_html_publication_date_is_never_guessed_from_the_prose(tmp_path: Path) -> None:
    page = ARTICLE.replace('<meta property="article:published_time" content="2019-06-05T09:00:00+00:00">', "")
    assert read_document(write(tmp_path / "page.html", page)).record.published is None


def test_html_in_a_declared_legacy_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"></head><body><p>'
        + "Le défenseur José Núñez a été arrêté le 2 juin 2019 à Valdora par la police."
        + "</p></body></html>"
    )
    doc = read_document(write(tmp_path / "fr.html", page.encode("latin-1")))
    assert "José Núñez" in doc.text


def test_unknown_suffix_is_sniffed(tmp_path: Path) -> None:
    assert "Jane Roe" in read_document(write(tmp_path / "page.download", ARTICLE)).text
    assert "Jane Roe" in read_document(write(tmp_path / "report.bin", make_pdf(report_lines()))).text
    assert read_document(write(tmp_path / "notes", REPORT)).text == REPORT


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_text(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "r.pdf", make_pdf(report_lines())))
    assert "police in Valdora detained the human rights lawyer Jane Roe" in doc.text
    assert doc.record.text == doc.text
    assert doc.record.content_hash == content_hash((tmp_path / "r.pdf").read_bytes())


def test_pdf_encrypted_with_an_empty_user_password_is_read(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "r.pdf", encrypt_pdf(make_pdf(report_lines()), "")))
    assert "Jane Roe" in doc.text


def test_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no extractable text"):
        read_document(write(tmp_path / "scan.pdf", make_pdf([])))


# --- bad input -----------------------------------------------------------------------------


def test_every_bad_input_gets_its_own_clear_error(tmp_path: Path) -> None:
    expected = write_bad_inputs(tmp_path)
    for name, phrase in expected.items():
        path = tmp_path / name
        with pytest.raises(InputError) as info:
            read_document(path)
        assert info.value.source == str(path), name
        assert phrase in info.value.problem, (name, info.value.problem)
        assert "\n" not in info.value.problem, name


def test_a_vanished_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="vanished"):
        read_document(tmp_path / "gone.txt")


def test_a_folder_is_not_a_document(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(InputError, match="folder"):
        read_document(tmp_path / "dir.txt")


def test_text_too_long_for_the_extractor_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "long.txt", REPORT * 5_000)  # over 1M characters of text, under the byte limit
    with pytest.raises(InputError, match="split the document"):
        read_document(path)


def test_html_entity_tricks_are_neither_expanded_nor_kept(tmp_path: Path) -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 20}">' for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    page = f"<!DOCTYPE html [{entities}]>\n<html><body><p>{REPORT} &h;</p></body></html>"
    doc = read_document(write(tmp_path / "lol.html", page))
    assert "Jane Roe" in doc.text
    assert "aaaaaaaaaa" not in doc.text
    assert "ENTITY" not in doc.text and "]>" not in doc.text


def test_a_pipe_or_device_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(InputError, match="not a regular file"):
            read_document(path)


def test_a_short_html_note_keeps_its_text_and_drops_the_menu(tmp_path: Path) -> None:
    page = (
        "<html><body><nav><a href='/'>Home MENU-MARKER</a> <a href='/about'>About us</a></nav>"
        "<p>Police detained the journalist Juan Perez in Lima on 4 May 2020.</p></body></html>"
    )
    doc = read_document(write(tmp_path / "note.html", page))
    assert doc.text == "Police detained the journalist Juan Perez in Lima on 4 May 2020."

"""Generators for the inputs the reader and build tests feed in: small real PDFs (plain and
encrypted), HTML pages with boilerplate, and every kind of bad file the build must survive.
Everything is made in the test's tmp_path; nothing here is checked in as a binary."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf

# A short report in the style of an NGO appeal, about people and places that do not exist.
REPORT = (
    "On 2 June 2019 police in Valdora detained the human rights lawyer Jane Roe at her office.\n"
    "On 4 June 2019 the Valdora District Court ordered two months of pre-trial detention.\n"
    "Her lawyers intend to appeal.\n"
)


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds `lines` (Helvetica, one line each)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 40 760 Td 14 TL " + " ".join(f"({esc(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def report_lines() -> list[str]:
    return REPORT.strip().splitlines()


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """One file per kind of bad input; returns file name -> a phrase its error must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}

    def put(name: str, data: bytes, phrase: str) -> None:
        (folder / name).write_bytes(data)
        expected[name] = phrase

    put("empty.txt", b"", "file is empty")
    put("blank.txt", b"  \n\n \t\n", "file is empty")
    put("junk.txt", bytes(range(256)) * 64, "binary content")
    put("latin1.txt", "Le défenseur a été arrêté à Valdora le 2 juin 2019.".encode("latin-1"), "not valid UTF-8")
    put("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08" * 200 + REPORT.encode(), "binary content")
    put("broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nthis is not a pdf body", "broken PDF")
    put("encrypted.pdf", encrypt_pdf(make_pdf(report_lines()), "secret"), "encrypted PDF")
    put("notpdf.pdf", REPORT.encode(), "not a PDF file")
    put("nested.html", b"<html><body>" + b"<div>" * 100_000 + REPORT.encode() + b"</body></html>", "HTML nesting")
    put("wide.html", b"<html><body>" + b"<b>x</b>" * 400_000 + b"</body></html>", "tags; the limit")
    put(
        "chrome.html",
        b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>",
        "no usable text",
    )
    big = folder / "huge.txt"
    with big.open("wb") as f:  # 50 MB, sparse: refused by size before it is read
        f.truncate(50 * 1024 * 1024)
    expected["huge.txt"] = "the limit is"
    return expected


def pdf_bomb(inflated: int = 300 * 1024 * 1024) -> bytes:
    """A one-page PDF under 1 MB whose content stream inflates to `inflated` bytes (a
    decompression bomb): the PDF reader's decompression limit must stop it."""
    import zlib

    squeeze = zlib.compressobj(9)
    chunk = b"BT /F1 11 Tf 40 760 Td (x) Tj ET\n" * 10_000
    parts = [squeeze.compress(chunk) for _ in range(inflated // len(chunk) + 1)]
    stream = b"".join(parts) + squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out

"""Real files for upload tests, made on the spot."""

import struct
import zlib


def pdf_bytes(text: str = "Báo cáo CCHC năm 2021") -> bytes:
    """A real PDF, rendered by WeasyPrint."""
    from weasyprint import HTML
    return HTML(string=f"<html><body><h1>{text}</h1><p>Mục II, điểm 2.1</p></body></html>").write_pdf()


def png_bytes() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def exe_bytes() -> bytes:
    """The start of a Windows executable (MZ header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"

"""Removing location (and other camera) metadata from a citizen's photo, without decoding it.

A phone photo carries EXIF with the GPS position of where it was taken — often the citizen's
home. Photos sent through the web chat are stored and shown to staff, so the position goes:

- JPEG: the APP1 (EXIF, XMP) and APP13 segments are dropped;
- PNG: the ``eXIf`` chunk and text chunks (XMP lives in ``iTXt``) are dropped;
- WebP: the ``EXIF`` and ``XMP `` chunks are dropped and the VP8X flags cleared;
- HEIC: the EXIF block's GPS directory and its values are overwritten with zeros in place (the
  container's offsets stay valid), and any XMP packet blanked.

Pure byte work, no image library; callers run it in a thread (a 10 MB file takes milliseconds).
"""

from __future__ import annotations

import re
import struct

GPS_TAG = 0x8825
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_XMP = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.S)


def strip_location(data: bytes, kind: str) -> bytes:
    """The photo without its location metadata (``kind``: jpeg | png | webp | heic)."""
    if kind == "jpeg":
        return _jpeg(data)
    if kind == "png":
        return _png(data)
    if kind == "webp":
        return _webp(data)
    if kind == "heic":
        return _heic(data)
    return data


def _jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])  # SOI
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the image data follows, copied as it is
            break
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        segment = data[i : i + 2 + length]
        if marker not in (0xE1, 0xED):
            out += segment
        i += 2 + length
    out += data[i:]
    return bytes(out)


def _png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    i = 8
    while i + 12 <= len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind = data[i + 4 : i + 8]
        chunk = data[i : i + 12 + length]
        if kind not in (b"eXIf", b"iTXt", b"tEXt", b"zTXt"):
            out += chunk
        i += 12 + length
    return bytes(out)


def _webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return data
    body = bytearray()
    i = 12
    while i + 8 <= len(data):
        kind = data[i : i + 4]
        length = struct.unpack("<I", data[i + 4 : i + 8])[0]
        chunk = bytearray(data[i : i + 8 + length + (length & 1)])
        if kind == b"VP8X" and len(chunk) > 8:
            chunk[8] &= ~0x0C & 0xFF  # the EXIF and XMP flags
        if kind not in (b"EXIF", b"XMP "):
            body += chunk
        i += 8 + length + (length & 1)
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + bytes(body)


def _heic(data: bytes) -> bytes:
    out = bytearray(data)
    start = data.find(b"Exif\x00\x00")
    while start != -1:
        _zero_gps(out, start + 6)
        start = data.find(b"Exif\x00\x00", start + 6)
    for match in _XMP.finditer(bytes(out)):
        out[match.start() : match.end()] = b" " * (match.end() - match.start())
    return bytes(out)


def _zero_gps(buf: bytearray, tiff: int) -> None:
    """Overwrite the GPS directory of the TIFF structure at ``tiff`` (and its values)."""
    order = {b"II": "<", b"MM": ">"}.get(bytes(buf[tiff : tiff + 2]))
    if order is None:
        return

    def read(fmt: str, at: int) -> int:
        return struct.unpack(order + fmt, bytes(buf[at : at + struct.calcsize(fmt)]))[0]

    try:
        ifd = tiff + read("I", tiff + 4)
        for n in range(read("H", ifd)):
            entry = ifd + 2 + 12 * n
            if read("H", entry) != GPS_TAG:
                continue
            gps = tiff + read("I", entry + 8)
            count = read("H", gps)
            for k in range(count):
                item = gps + 2 + 12 * k
                size = _TYPE_SIZES.get(read("H", item + 2), 1) * read("I", item + 4)
                value = tiff + read("I", item + 8)
                if size > 4 and value + size <= len(buf):
                    buf[value : value + size] = bytes(size)
            if gps + 2 + 12 * count <= len(buf):
                buf[gps : gps + 2 + 12 * count] = bytes(2 + 12 * count)
            buf[entry + 8 : entry + 12] = bytes(4)
    except (struct.error, IndexError):
        return

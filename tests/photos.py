"""Small photo files carrying an EXIF GPS position, built byte by byte (no image library)."""

from __future__ import annotations

import struct

LATITUDE = (10, 47, 3232)  # 10°47'32.32" — the kind of value that must not survive


def tiff_with_gps() -> bytes:
    """A little-endian TIFF block: IFD0 with a GPS pointer, a GPS IFD with a latitude."""
    # header (8) + IFD0: count(2) + 1 entry(12) + next(4) = 26 → GPS IFD at 26
    gps_at = 26
    # GPS IFD: count(2) + 2 entries(24) + next(4) = 30 → values at 56
    values_at = gps_at + 30
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x8825, 4, 1, gps_at) + b"\0\0\0\0"
    gps = (
        struct.pack("<H", 2)
        + struct.pack("<HHI4s", 1, 2, 2, b"N\0\0\0")  # GPSLatitudeRef "N"
        + struct.pack("<HHII", 2, 5, 3, values_at)  # GPSLatitude: 3 rationals
        + b"\0\0\0\0"
    )
    rationals = b"".join(
        struct.pack("<II", v, 100 if i == 2 else 1) for i, v in enumerate(LATITUDE)
    )
    return b"II*\x00" + struct.pack("<I", 8) + ifd0 + gps + rationals


def jpeg_with_gps() -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    exif = b"Exif\x00\x00" + tiff_with_gps()
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    scan = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00" + b"\x12\x34" * 50
    return b"\xff\xd8" + app0 + app1 + scan + b"\xff\xd9"


def gps_rationals() -> bytes:
    """The latitude's bytes as they sit in the file (to check they are gone)."""
    return b"".join(struct.pack("<II", v, 100 if i == 2 else 1) for i, v in enumerate(LATITUDE))

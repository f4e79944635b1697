#!/usr/bin/env python3
"""Writes the image-decoder fixtures of Tests/VigilImageTests/Fixtures/decoder.

Each fixture F (tiny PNG, BMP or JPEG files exercising one variant each) is written next to
F.rgb, the bytes Pillow produces for `Image.open(F).convert("RGB")`, and manifest.json records
for each F its size, Pillow mode and the EXIF orientation Pillow's `_getexif()` reports. The
Swift decoder tests require ImageDecoder to reproduce all of it exactly.

PNG and BMP files are written by the small encoders below (not by Pillow) so that every colour
type, bit depth, interlacing, short palettes, tRNS and the BMP RLE corner cases Pillow treats in
its own way (runs crossing the row end, odd absolute runs, deltas) can be produced.

Usage (Python 3.11, numpy, Pillow 13.0.0):
    python scripts/make-image-fixtures.py [--out Tests/VigilImageTests/Fixtures/decoder]
"""
import argparse
import io
import json
import os
import struct
import warnings
import zlib

import numpy as np
from PIL import Image

RNG = np.random.RandomState(20261124)


def tiff_orientation(value, big_endian):
    """A minimal TIFF (EXIF) block whose IFD0 holds Make and Orientation = value."""
    e = ">" if big_endian else "<"
    head = (b"MM\0*" if big_endian else b"II*\0") + struct.pack(e + "I", 8)
    ifd = struct.pack(e + "H", 2) + struct.pack(e + "HHI", 0x010F, 2, 4) + b"Vig\0"
    ifd += struct.pack(e + "HHIH", 0x0112, 3, 1, value) + b"\0\0" + struct.pack(e + "I", 0)
    return head + ifd


# --------------------------------------------------------------------------------------- PNG
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pack_rows(samples, depth):
    """samples: H x (W*channels) ints -> list of row byte strings (big-endian, MSB first)."""
    rows = []
    for row in samples:
        if depth == 16:
            rows.append(b"".join(struct.pack(">H", int(v)) for v in row))
        elif depth == 8:
            rows.append(bytes(int(v) for v in row))
        else:
            bits = "".join(format(int(v), f"0{depth}b") for v in row)
            bits += "0" * (-len(bits) % 8)
            rows.append(bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)))
    return rows


def png(samples, depth, color_type, plte=None, trns=None, interlace=False):
    """samples: H x W x channels array of sample values."""
    h, w, c = samples.shape
    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.size:
                raw += b"".join(b"\0" + r for r in pack_rows(sub.reshape(sub.shape[0], -1), depth))
    else:
        raw = b"".join(b"\0" + r for r in pack_rows(samples.reshape(h, -1), depth))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, int(interlace)))
    if plte is not None:
        out += chunk(b"PLTE", bytes(np.asarray(plte, np.uint8).reshape(-1)))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def png_fixtures():
    w, h = 7, 5
    f = {}
    for depth in (1, 2, 4, 8):
        f[f"png-gray{depth}.png"] = png(RNG.randint(0, 1 << depth, (h, w, 1)), depth, 0)
    f["png-gray8-trns.png"] = png(RNG.randint(0, 256, (h, w, 1)), 8, 0, trns=struct.pack(">H", 7))
    gray16 = RNG.randint(0, 65536, (h, w, 1))
    gray16[0, :4, 0] = [0, 1, 255, 256]                      # Pillow clips "I;16" to 255
    f["png-gray16.png"] = png(gray16, 16, 0)
    f["png-rgb8.png"] = png(RNG.randint(0, 256, (h, w, 3)), 8, 2)
    f["png-rgb16.png"] = png(RNG.randint(0, 65536, (h, w, 3)), 16, 2)
    f["png-rgb8-adam7.png"] = png(RNG.randint(0, 256, (9, 11, 3)), 8, 2, interlace=True)
    f["png-palette1.png"] = png(RNG.randint(0, 2, (h, w, 1)), 1, 3, plte=[[200, 10, 30], [5, 250, 90]])
    # Three palette entries, indices up to 3: index 3 has no entry (Pillow: black).
    f["png-palette2-short.png"] = png(RNG.randint(0, 4, (h, w, 1)), 2, 3, plte=RNG.randint(0, 256, (3, 3)))
    f["png-palette4-trns.png"] = png(RNG.randint(0, 16, (h, w, 1)), 4, 3, plte=RNG.randint(0, 256, (16, 3)),
                                     trns=bytes(range(0, 160, 10)))
    f["png-palette8-adam7.png"] = png(RNG.randint(0, 256, (9, 11, 1)), 8, 3, plte=RNG.randint(0, 256, (256, 3)),
                                      interlace=True)
    f["png-graya8.png"] = png(RNG.randint(0, 256, (h, w, 2)), 8, 4)
    f["png-graya16.png"] = png(RNG.randint(0, 65536, (h, w, 2)), 16, 4)
    f["png-rgba8.png"] = png(RNG.randint(0, 256, (h, w, 4)), 8, 6)
    f["png-rgba16-adam7.png"] = png(RNG.randint(0, 65536, (9, 11, 4)), 16, 6, interlace=True)
    # eXIf after the image data (Pillow 13 still reports it), big-endian TIFF inside.
    rgb = png(RNG.randint(0, 256, (h, w, 3)), 8, 2)
    f["png-rgb8-exif6.png"] = rgb[:-12] + chunk(b"eXIf", tiff_orientation(6, True)) + rgb[-12:]
    pal = png(RNG.randint(0, 4, (h, w, 1)), 2, 3, plte=RNG.randint(0, 256, (4, 3)))
    f["png-palette2-exif3.png"] = pal[:33] + chunk(b"eXIf", tiff_orientation(3, False)) + pal[33:]
    return f


# --------------------------------------------------------------------------------------- BMP
def bmp(width, height, bits, pixel_data, palette=b"", compression=0, colors=0, header_size=40,
        masks=None, top_down=False):
    extra = b""
    if header_size == 12:
        info = struct.pack("<IHHHH", 12, width, height, 1, bits)
    else:
        info = struct.pack("<IiiHHIIiiII", header_size, width, -height if top_down else height, 1, bits,
                           compression, len(pixel_data), 2835, 2835, colors, 0)
        if masks is not None:
            mask_bytes = struct.pack("<" + "I" * len(masks), *masks)
            if header_size == 40:
                extra = mask_bytes
            else:
                info += mask_bytes
        info += b"\0" * (header_size - len(info))
    offset = 14 + len(info) + len(extra) + len(palette)
    head = b"BM" + struct.pack("<IHHI", offset + len(pixel_data), 0, 0, offset)
    return head + info + extra + palette + pixel_data


def rows_padded(rows):
    return b"".join(r + b"\0" * (-len(r) % 4) for r in rows)


def bgrx(colors):
    return b"".join(bytes([b, g, r, 0]) for r, g, b in colors)


def bmp_fixtures():
    f = {}
    pal16 = [tuple(RNG.randint(0, 256, 3)) for _ in range(16)]
    # RLE4, 9 x 4, bottom-up. Row 0: encoded run crossing the row end (cut at 9), EOL.
    # Row 1: absolute run of 5 (odd: 3 bytes, then word padding), encoded 4, EOL.
    # Delta (2 right, 1 up) then an encoded run, EOL; row 3: absolute 9, end of bitmap.
    rle4 = bytes([12, 0x1A, 0, 0,
                  0, 5, 0x12, 0x34, 0x50, 0, 4, 0xCD, 0, 0,
                  0, 2, 2, 1, 3, 0xEF, 0, 0,
                  0, 9, 0x98, 0x76, 0x54, 0x32, 0x10, 0, 0, 1])
    f["bmp-rle4-quirks.bmp"] = bmp(9, 4, 4, rle4, bgrx(pal16), compression=2, colors=16)
    pal256 = [tuple(RNG.randint(0, 256, 3)) for _ in range(256)]
    rle8 = bytes([3, 200, 9, 17, 0, 0,
                  0, 3, 1, 2, 3, 0, 2, 7, 0, 0,
                  0, 2, 4, 0, 5, 9, 0, 0,
                  0, 12, *range(30, 42), 0, 1])
    f["bmp-rle8-quirks.bmp"] = bmp(10, 4, 8, rle8, bgrx(pal256), compression=1, colors=256)
    w, h = 5, 3
    px16 = RNG.randint(0, 65536, (h, w))
    f["bmp-16-555.bmp"] = bmp(w, h, 16, rows_padded([struct.pack("<5H", *r) for r in px16]))
    f["bmp-16-565-bitfields.bmp"] = bmp(w, h, 16, rows_padded([struct.pack("<5H", *r) for r in px16]),
                                        compression=3, masks=(0xF800, 0x7E0, 0x1F))
    px32 = RNG.randint(0, 1 << 32, (h, w), dtype=np.uint64)
    data32 = b"".join(struct.pack("<5I", *map(int, r)) for r in px32)
    f["bmp-32-v5-bgra.bmp"] = bmp(w, h, 32, data32, compression=3, header_size=124,
                                  masks=(0xFF0000, 0xFF00, 0xFF, 0xFF000000))
    f["bmp-32-xbgr-bitfields.bmp"] = bmp(w, h, 32, data32, compression=3, masks=(0xFF000000, 0xFF0000, 0xFF00))
    f["bmp-32-bgrx.bmp"] = bmp(w, h, 32, data32)
    f["bmp-24-topdown.bmp"] = bmp(w, h, 24, rows_padded([bytes(RNG.randint(0, 256, w * 3).tolist()) for _ in range(h)]),
                                  top_down=True)
    pal_os2 = b"".join(bytes(RNG.randint(0, 256, 3).tolist()) for _ in range(256))
    f["bmp-os2-8bit.bmp"] = bmp(w, h, 8, rows_padded([bytes(RNG.randint(0, 256, w).tolist()) for _ in range(h)]),
                                palette=pal_os2, header_size=12)
    # Entries (i,i,i) for i < 16: Pillow opens as "L" and index 200 reads as grey 200.
    gray = bgrx([(i, i, i) for i in range(16)])
    f["bmp-8-gray-palette.bmp"] = bmp(w, h, 8, rows_padded([bytes([0, 5, 15, 16, 200])] * h), palette=gray, colors=16)
    short = bgrx([(200, 100, 50), (1, 2, 3), (90, 80, 70)])
    f["bmp-8-short-palette.bmp"] = bmp(w, h, 8, rows_padded([bytes([0, 1, 2, 3, 255])] * h), palette=short, colors=3)
    mono = bgrx([(0, 0, 0), (255, 255, 255)])
    f["bmp-1-mono.bmp"] = bmp(11, 2, 1, rows_padded([bytes([0b10110011, 0b01000000])] * 2), palette=mono, colors=2)
    f["bmp-4-palette.bmp"] = bmp(w, h, 4, rows_padded([bytes([0x01, 0x23, 0xF0])] * h), palette=bgrx(pal16))
    return f


# -------------------------------------------------------------------------------------- JPEG
def with_app1(jpeg, payload):
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def jpeg_fixtures():
    f = {}
    smooth = np.clip(np.add.outer(np.arange(12) * 18, np.arange(16) * 9)[:, :, None]
                     + np.array([0, 40, 90]) + RNG.randint(0, 30, (12, 16, 3)), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(smooth).save(buf, "JPEG", quality=90)
    rgb = buf.getvalue()
    f["jpeg-exif-bigendian-3.jpg"] = with_app1(rgb, b"Exif\0\0" + tiff_orientation(3, True))
    f["jpeg-exif-littleendian-6.jpg"] = with_app1(rgb, b"Exif\0\0" + tiff_orientation(6, False))
    xmp = b'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description tiff:Orientation="8"/></x:xmpmeta>'
    exif_without = b"Exif\0\0II*\0" + struct.pack("<IH", 8, 0) + struct.pack("<I", 0)
    f["jpeg-xmp-orientation-8.jpg"] = with_app1(with_app1(rgb, xmp), exif_without)
    buf = io.BytesIO()
    Image.fromarray(smooth[:, :, 1]).save(buf, "JPEG", quality=90)
    f["jpeg-gray-exif-6.jpg"] = with_app1(buf.getvalue(), b"Exif\0\0" + tiff_orientation(6, False))
    buf = io.BytesIO()
    Image.fromarray(np.dstack([smooth, smooth[:, :, :1] // 2]), "CMYK").save(buf, "JPEG", quality=90)
    f["jpeg-cmyk.jpg"] = buf.getvalue()
    buf = io.BytesIO()
    Image.fromarray(smooth).save(buf, "JPEG", quality=90, subsampling=0, progressive=True)
    f["jpeg-progressive-444.jpg"] = buf.getvalue()
    return f


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "Tests", "VigilImageTests", "Fixtures", "decoder"))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    manifest = {}
    for name, data in sorted({**png_fixtures(), **bmp_fixtures(), **jpeg_fixtures()}.items()):
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)
        im = Image.open(io.BytesIO(data))
        exif = im._getexif() if hasattr(im, "_getexif") else None
        orientation = exif.get(0x0112) if exif else None
        mode = im.mode
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Palette images with Transparency expressed in bytes..."
            rgb = np.asarray(im.convert("RGB"))
        with open(os.path.join(out, name + ".rgb"), "wb") as fh:
            fh.write(rgb.tobytes())
        manifest[name] = {"width": rgb.shape[1], "height": rgb.shape[0], "pillowMode": mode,
                          "orientation": orientation}
        print(f"{name}: {rgb.shape[1]}x{rgb.shape[0]} {mode} orientation={orientation}")
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()

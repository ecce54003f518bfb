#!/usr/bin/python3
"""Marks a symbol version that a shared library requires as weak (VER_FLG_WEAK in its .gnu.version_r entry).

Usage: mark_version_weak.py LIBRARY VERSION      e.g. mark_version_weak.py libLibTorchSharp.so GLIBCXX_3.4.32

The dynamic loader refuses to load a library that requires a version its dependency does not define ("version
`GLIBCXX_3.4.32' not found"), unless the requirement is weak: then it loads it and resolves each symbol of that version
wherever the symbol is defined (for libLibTorchSharp.so: the shim of torchsharp-glibcxx-shim.sh). Only the flag changes:
the file keeps its size and layout. Used by benchmarks/torchsharp-glibcxx-shim.sh; never by CI.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path, version):
    version = version.encode()
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"{path}: not a 64-bit little-endian ELF file")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)

    def section(i):
        _, kind, _, _, offset, _, link, _, _, _ = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        return kind, offset, link

    marked = 0
    for i in range(shnum):
        kind, need, link = section(i)
        if kind != SHT_GNU_VERNEED:
            continue
        strings = section(link)[1]

        def string(offset):
            start = strings + offset
            return bytes(data[start:data.index(b"\0", start)])

        while True:  # Elf64_Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next
            _, count, file, aux, following = struct.unpack_from("<HHIII", data, need)
            entry = need + aux
            for _ in range(count):  # Elf64_Vernaux: vna_hash, vna_flags, vna_other, vna_name, vna_next
                _, flags, _, name, step = struct.unpack_from("<IHHII", data, entry)
                if string(name) == version:
                    struct.pack_into("<H", data, entry + 4, flags | VER_FLG_WEAK)
                    marked += 1
                    print(f"{path}: {version.decode()} of {string(file).decode()} marked weak (flags {flags:#x} -> {flags | VER_FLG_WEAK:#x})")
                if not step:
                    break
                entry += step
            if not following:
                break
            need += following
    if not marked:
        sys.exit(f"{path} does not require {version.decode()}")
    with open(path, "wb") as file:
        file.write(data)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

#!/usr/bin/env python3
"""Guard: the page's wasm (dist/app_bg.wasm) links no Arrow, Parquet or codec code.

The page only shows what the worker computes; the data path (Arrow, Parquet, the codecs, CSV
parsing, hashing) belongs in the worker's wasm. One careless call from `src/ui` into a function
of `crate::core` that touches Arrow (or a `&dyn Derive`, whose vtable holds `run`) links all of
it into the page: 636 KB became 9.66 MB once (release build, raw). Startup pays for every byte.

Run on the debug build (`trunk build`, as `make test-e2e` does): it keeps function names, which
this reads from the wasm "name" section; a release build has none. Also a budget on the code
size of the debug build, for growth that is not one of the named crates.

    python3 tools/check_app_wasm.py [dist/app_bg.wasm]
    python3 tools/check_app_wasm.py --short-names dist/app_bg.wasm /tmp/app.wasm

The second form writes a copy that twiggy 0.7 can read (it rejects Leptos's longest function
names): function names cut to 4,000 bytes, other custom sections dropped. Then
`twiggy paths /tmp/app.wasm --regex 'arrow_array'` shows what calls into Arrow.
"""
import re
import sys

# Crates of the data path that the page must not link (as the first segment of a Rust path).
BANNED = [
    "arrow", "arrow_array", "arrow_buffer", "arrow_cast", "arrow_data", "arrow_json", "arrow_ord",
    "arrow_schema", "arrow_select", "arrow_arith", "arrow_row", "arrow_string", "arrow_ipc",
    "parquet", "flate2", "zlib_rs", "libz_rs_sys", "miniz_oxide", "zstd", "zstd_safe", "zstd_sys",
    "lz4_flex", "snap", "brotli", "brotli_decompressor", "zip", "csv_core", "encoding_rs", "sha2",
    "chrono_tz", "thrift",
]
# Code of the debug page wasm (dist/app_bg.wasm after `trunk build`): 8.8 MB on 2026-11-23,
# 19.0 MB when it linked Arrow.
CODE_BUDGET = 12_000_000

ROOT = re.compile(r"(?:^|[^\w:])(" + "|".join(sorted(BANNED, key=len, reverse=True)) + r")::")


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def functions(path):
    """(name, body size) of every function defined in the module."""
    b = open(path, "rb").read()
    if b[:4] != b"\0asm":
        sys.exit(f"{path} is not a wasm module")
    i, imported, bodies, names = 8, 0, [], {}
    while i < len(b):
        sid = b[i]
        size, i = leb(b, i + 1)
        end = i + size
        if sid == 2:  # imports: function imports come first in the function index space
            n, j = leb(b, i)
            for _ in range(n):
                for _ in range(2):
                    ln, j = leb(b, j)
                    j += ln
                kind = b[j]
                j += 1
                if kind == 0:
                    _, j = leb(b, j)
                    imported += 1
                elif kind in (1, 2):  # table (reftype + limits) or memory (limits)
                    j += kind == 1
                    flags, j = leb(b, j)
                    _, j = leb(b, j)
                    if flags & 1:
                        _, j = leb(b, j)
                else:  # global (valtype, mut) or tag (attr, type)
                    j += 2 if kind == 3 else 1
                    if kind == 4:
                        _, j = leb(b, j)
        elif sid == 10:
            n, j = leb(b, i)
            for _ in range(n):
                s, j = leb(b, j)
                bodies.append(s)
                j += s
        elif sid == 0:
            ln, j = leb(b, i)
            if b[j : j + ln] == b"name":
                j += ln
                while j < end:
                    sub = b[j]
                    ss, j = leb(b, j + 1)
                    if sub == 1:
                        n, k = leb(b, j)
                        for _ in range(n):
                            idx, k = leb(b, k)
                            ln, k = leb(b, k)
                            names[idx] = b[k : k + ln].decode("utf-8", "replace")
                            k += ln
                    j += ss
        i = end
    if not names:
        sys.exit(
            f"{path} has no function names (a release build?). Run this on the debug build: "
            "`trunk build && python3 tools/check_app_wasm.py`."
        )
    return [(names.get(imported + k, ""), s) for k, s in enumerate(bodies)]


ESCAPES = {"$LT$": "<", "$GT$": ">", "$u20$": " ", "$RF$": "&", "$LP$": "(", "$RP$": ")", "$C$": ","}


def readable(name):
    """Legacy-mangled `_ZN6strata4core...E` to `strata::core::...` (wasm-bindgen usually
    demangles already)."""
    if name.startswith("_ZN"):
        parts, i = [], 3
        while i < len(name) and name[i].isdigit():
            j = i
            while name[j].isdigit():
                j += 1
            n = int(name[i:j])
            parts.append(name[j : j + n])
            i = j + n
        name = "::".join(parts)
    for k, v in ESCAPES.items():
        name = name.replace(k, v)
    return name.replace("..", "::")


def enc(n):
    out = bytearray()
    while True:
        x, n = n & 0x7F, n >> 7
        out.append(x | 0x80 if n else x)
        if not n:
            return bytes(out)


def short_names(src, dst):
    """Copies `src` to `dst` with only the function-name subsection of the name section, each
    name cut to 4,000 bytes."""
    b = open(src, "rb").read()
    out, i = bytearray(b[:8]), 8
    while i < len(b):
        start, sid = i, b[i]
        size, i = leb(b, i + 1)
        end = i + size
        if sid == 0:
            ln, j = leb(b, i)
            if b[j : j + ln] == b"name":
                j += ln
                body = bytearray(enc(4) + b"name")
                while j < end:
                    sub = b[j]
                    ss, j = leb(b, j + 1)
                    if sub == 1:
                        n, k = leb(b, j)
                        names = bytearray(enc(n))
                        for _ in range(n):
                            idx, k = leb(b, k)
                            ln, k = leb(b, k)
                            names += enc(idx) + enc(min(ln, 4000)) + b[k : k + min(ln, 4000)]
                            k += ln
                        body += bytes([1]) + enc(len(names)) + names
                    j += ss
                out += bytes([0]) + enc(len(body)) + body
        else:
            out += b[start:end]
        i = end
    open(dst, "wb").write(out)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--short-names":
        short_names(sys.argv[2], sys.argv[3])
        return
    path = sys.argv[1] if len(sys.argv) > 1 else "dist/app_bg.wasm"
    fns = functions(path)
    code = sum(s for _, s in fns)
    hits = {}
    for name, size in fns:
        m = ROOT.search(readable(name))
        if m:
            hits.setdefault(m.group(1), []).append((size, readable(name)))
    print(f"check_app_wasm: {path}: {len(fns)} functions, {code / 1e6:.2f} MB of code")
    failed = False
    if hits:
        failed = True
        print("\nThe page's wasm links code of the worker's data path:")
        for crate, fs in sorted(hits.items(), key=lambda kv: -sum(s for s, _ in kv[1])):
            print(f"  {crate}: {len(fs)} functions, {sum(s for s, _ in fs)} bytes, e.g. {fs[0][1][:160]}")
        print(
            "\nSomething in src/ui (or protocol.rs / view_model.rs as the UI uses them) now calls"
            " into code that touches Arrow, Parquet or a codec. Find the call chain with"
            " `python3 tools/check_app_wasm.py --short-names dist/app_bg.wasm /tmp/app.wasm &&"
            " twiggy paths /tmp/app.wasm --regex '<a crate above>::'`, then keep what the page needs in"
            " Arrow-free code: compute it from serde data, or compute it in the worker and send it"
            " in the response. Describe steps with Step::label()/inputs()/outputs(), never through"
            " `&dyn Derive` (its vtable holds `run`). Keep errors the UI formats free of Arrow types."
        )
    if code > CODE_BUDGET:
        failed = True
        print(
            f"\nThe page's code is {code / 1e6:.2f} MB, over the budget of {CODE_BUDGET / 1e6:.1f} MB"
            " (debug build). Find what grew with `twiggy top` (see --short-names above) and move data"
            " work to the worker; raise CODE_BUDGET in tools/check_app_wasm.py only for UI that"
            " is worth its startup cost (measure: node tests/e2e/bench/startup.bench.mjs)."
        )
    if failed:
        sys.exit(1)
    print("check_app_wasm: no Arrow, Parquet or codec code in the page; within the size budget")


if __name__ == "__main__":
    main()

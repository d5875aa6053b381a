#!/usr/bin/env python3
"""Trunk post-build hook: move the inline boot <script> of index.html into boot.js.

The Content-Security-Policy allows scripts from this origin only ('self'), which forbids inline
scripts. Trunk writes one inline module script that imports the app's JS and starts the wasm;
this hook writes it to boot.js and points a <script src> at it. Nonces are dropped: a nonce
baked into a static file protects nothing.
"""
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "dist")
index = os.path.join(staging, "index.html")
html = open(index, encoding="utf-8").read()
pattern = re.compile(r'<script type="module"(?: nonce="[^"]*")?>(.*?)</script>', re.S)
scripts = pattern.findall(html)
if len(scripts) != 1:
    sys.exit(f"expected exactly one inline module script in {index}, found {len(scripts)}")
with open(os.path.join(staging, "boot.js"), "w", encoding="utf-8") as f:
    f.write(scripts[0].strip() + "\n")
html = pattern.sub('<script type="module" src="./boot.js"></script>', html)
html = re.sub(r' nonce="[^"]*"', "", html)
if "<script>" in html or re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html):
    sys.exit("an inline script is left in index.html; the CSP would block it")
open(index, "w", encoding="utf-8").write(html)

# Then the service worker for offline use, which registers itself from boot.js (one hook, so
# the order is certain).
import runpy  # noqa: E402

runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "service_worker.py"))

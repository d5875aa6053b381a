#!/usr/bin/env python3
"""Trunk post-build hook: make the app work offline after its first visit.

Writes sw.js, a service worker that keeps every file of the build in a cache named after the
build's content hash, and has boot.js register it. Requests go to the network first (so a new
build is picked up at once) and fall back to the cache when the network is off. The service
worker never sees the user's data: files are read from the disk by the page, never fetched.
Run by externalize_boot_script.py once boot.js exists.
"""
import hashlib
import json
import os
import sys

staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "dist")
files = []
digest = hashlib.sha256()
for root, _dirs, names in os.walk(staging):
    for name in sorted(names):
        path = os.path.join(root, name)
        rel = os.path.relpath(path, staging).replace(os.sep, "/")
        if rel == "sw.js":
            continue
        files.append(rel)
files.sort()
for rel in files:
    digest.update(rel.encode())
    with open(os.path.join(staging, rel), "rb") as f:
        digest.update(hashlib.sha256(f.read()).digest())
version = digest.hexdigest()[:16]
urls = ["./"] + ["./" + f for f in files]

SW = """// Strata's service worker (written by tools/service_worker.py at build time).
// Keeps this build's files so the app loads and works with the network off. Network first, so a
// new build is used as soon as it is online; the cache answers when the network does not.
const CACHE = 'strata-%(version)s';
const FILES = %(files)s;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('strata-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((c) => c.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreSearch: true }).then((hit) => hit || (request.mode === 'navigate' ? caches.match('./') : Response.error())),
      ),
  );
});
""" % {"version": version, "files": json.dumps(urls)}

with open(os.path.join(staging, "sw.js"), "w", encoding="utf-8") as f:
    f.write(SW)

REGISTER = """
// Offline use: a service worker keeps this build's files (tools/service_worker.py). When it is
// ready the page says so (html[data-offline=ready] shows "works offline").
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').then(() => navigator.serviceWorker.ready).then(() => {
    document.documentElement.dataset.offline = 'ready';
  }, (e) => console.warn('offline use is not available:', e));
}
"""
boot = os.path.join(staging, "boot.js")
text = open(boot, encoding="utf-8").read()
if "serviceWorker" not in text:
    with open(boot, "a", encoding="utf-8") as f:
        f.write(REGISTER)

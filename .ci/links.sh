#!/usr/bin/env bash
# Checks that every relative link in the repository's Markdown files (tracked
# or new; docs/ holds the rendered templates) resolves inside the repository:
# the file or directory exists, does not lie outside the checkout, and a
# #fragment names a heading (GitHub's slug rules) or an <a id="..."> anchor
# of the target. Links to http(s)/mailto and links inside code are not
# checked. Called by `make docs-check`; prints every broken link and fails.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

git ls-files --cached --others --exclude-standard -- '*.md' |
	python3 -c '
import os, re, sys, unicodedata

root = os.getcwd()
files = [l.strip() for l in sys.stdin if l.strip()]

def strip_code(text):
    # Fenced blocks, then inline code spans.
    text = re.sub(r"(?ms)^(\s*)(```|~~~).*?^\s*\2[^\n]*$", "", text)
    return re.sub(r"`[^`\n]*`", "", text)

def slug(heading):
    h = re.sub(r"<[^>]+>", "", heading).strip().lower()
    h = re.sub(r"[`*_~]", lambda m: m.group(0) if m.group(0) == "_" else "", h)
    out = []
    for ch in h:
        cat = unicodedata.category(ch)
        if ch in " -_" or cat[0] in "LN":
            out.append("-" if ch == " " else ch)
    return "".join(out)

anchors_cache = {}
def anchors(path):
    if path not in anchors_cache:
        text = open(path, encoding="utf-8").read()
        seen, found = {}, set()
        for m in re.finditer(r"(?m)^#{1,6}\s+(.+?)\s*#*\s*$", strip_code(text)):
            s = slug(m.group(1))
            n = seen.get(s, 0)
            seen[s] = n + 1
            found.add(s if n == 0 else f"{s}-{n}")
        found.update(re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", text))
        anchors_cache[path] = found
    return anchors_cache[path]

link_re = re.compile(r"(?<!\!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\s*\[[^\]]+\]:\s*(\S+)", re.M)
bad = 0
checked = 0
for f in files:
    if not os.path.exists(f):
        continue
    text = strip_code(open(f, encoding="utf-8").read())
    for m in link_re.finditer(text):
        target = m.group(1) or m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or "{{" in target:
            continue
        checked += 1
        path, _, frag = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        where = f"{f}: ({target})"
        if os.path.relpath(os.path.abspath(dest), root).startswith(".."):
            print(f"{where}: points outside the repository"); bad += 1; continue
        if not os.path.exists(dest):
            print(f"{where}: {dest} does not exist"); bad += 1; continue
        if frag and os.path.isfile(dest) and dest.endswith((".md", ".md.tmpl")):
            if frag.lower() not in {a.lower() for a in anchors(dest)}:
                print(f"{where}: {dest} has no heading or anchor #{frag}"); bad += 1
print(f"links: {checked} relative links in {len(files)} Markdown files, {bad} broken", file=sys.stderr)
sys.exit(1 if bad else 0)
'

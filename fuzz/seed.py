"""Writes the seed corpus under fuzz/seeds/<target>/ from workflow definitions: the conformance
cases (a directory of <case>/definition.json and input.json, /work/shared/conformance/cases by
default) and the repository's own tests/flows and UI cases. Each seed is named by its hash, so
running it again only adds what is new.

    python3 fuzz/seed.py [CASES_DIR]
"""
import hashlib
import json
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cases = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/conformance/cases"
out = os.path.join(root, "fuzz", "seeds")


def put(target, text):
    data = text.encode() if isinstance(text, str) else text
    if not data or len(data) > 20_000:
        return
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)


def definition(text):
    put("definition", text)
    try:
        doc = json.loads(text)
    except ValueError:
        return
    for s in strings(doc):
        m = re.fullmatch(r"\s*\{%(.*)%\}\s*", s, re.S)
        if m:
            put("jsonata", m.group(1).strip())
        elif s.startswith("States."):
            put("intrinsics", s)
        elif s.startswith("$"):
            put("jsonpath", s)


if os.path.isdir(cases):
    for case in sorted(os.listdir(cases)):
        for name, handler in (("definition.json", definition), ("input.json", lambda t: put("execution_input", t))):
            p = os.path.join(cases, case, name)
            if os.path.exists(p):
                with open(p, encoding="utf-8") as f:
                    handler(f.read())
for base in ("tests/flows", "tests/tests/ui/fail", "tests/tests/ui/pass", "examples"):
    for dirpath, _, files in os.walk(os.path.join(root, base)):
        for name in files:
            if name.endswith(".json"):
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    definition(f.read())
for target in ("definition", "jsonpath", "intrinsics", "jsonata", "execution_input"):
    d = os.path.join(out, target)
    print(target, len(os.listdir(d)) if os.path.isdir(d) else 0)

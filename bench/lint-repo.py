#!/usr/bin/env python3
"""Writes a GitOps repository of COUNT manifests for bench/lint.sh: copies of
the broken example platform (`kubectl kustomize examples/broken`), one per
namespace, one object per file, as a repository of many teams would hold.

Usage: lint-repo.py RENDERED.yaml OUT_DIR COUNT
"""
import os
import sys

rendered, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
docs = [d for d in open(rendered).read().split("\n---\n") if d.strip()]
written = 0
copy = 0
while written < count:
    ns = f"team-{copy:03d}"
    folder = os.path.join(out, ns)
    os.makedirs(folder, exist_ok=True)
    for i, doc in enumerate(docs):
        if written == count:
            break
        text = (doc.replace("namespace: data-platform", f"namespace: {ns}")
                   .replace(".data-platform.svc", f".{ns}.svc")
                   .replace("\n  name: data-platform\n", f"\n  name: {ns}\n"))
        with open(os.path.join(folder, f"{i:03d}.yaml"), "w") as f:
            f.write(text.lstrip("-\n") + "\n")
        written += 1
    copy += 1
print(f"{written} manifests in {copy} namespaces under {out}")

#!/usr/bin/env python3
"""Writes kubeconform's JSON schemas from an API server's OpenAPI v2 document.

kubeconform validates manifests against one standalone JSON schema per kind,
which it normally downloads; here nothing is downloaded: the schemas are made
from the test control plane's own OpenAPI document (`kubectl get --raw
/openapi/v2`, which includes the installed CRDs), one file per
group/version/kind at DIR/GROUP/VERSION/KIND.json (kubeconform's template
`DIR/{{ .Group }}/{{ .ResourceAPIVersion }}/{{ .ResourceKind }}.json`; the core
group is `v1`). Each file holds the kind's definition and every definition it
reaches. `int-or-string` becomes "a string or an integer", as kubeconform's own
schema generator does.

    kubectl get --raw /openapi/v2 | bench/kubeconform-schemas.py DIR
"""

import json
import os
import sys

INT_OR_STRING = {"oneOf": [{"type": "string"}, {"type": "integer"}]}


def fix(node):
    """The node with refs pointing into the file and int-or-string widened."""
    if isinstance(node, dict):
        if node.get("format") == "int-or-string":
            return INT_OR_STRING
        return {k: fix(v) for k, v in node.items()}
    if isinstance(node, list):
        return [fix(v) for v in node]
    return node


def reached(definitions, name):
    """Every definition `name` refers to, transitively, itself included."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in definitions:
            continue
        seen.add(current)
        stack = [definitions[current]]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/definitions/"):
                    todo.append(ref[len("#/definitions/"):])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return seen


def main():
    out = sys.argv[1]
    definitions = json.load(sys.stdin)["definitions"]
    written = 0
    for name, definition in definitions.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            group = gvk["group"] or gvk["version"]
            path = os.path.join(out, group, gvk["version"], gvk["kind"].lower() + ".json")
            if os.path.exists(path):
                continue
            schema = fix(definition)
            schema["definitions"] = {d: fix(definitions[d]) for d in reached(definitions, name)}
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(schema, f)
            written += 1
    print(f"{written} schemas in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()

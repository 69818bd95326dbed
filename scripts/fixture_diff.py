"""Every value that moved in a regenerated fixture: compares test/fixtures/*.json in the working tree with the
committed version (git show REV:path, default HEAD) leaf by leaf.

  python3 scripts/fixture_diff.py [--rev REV] [--all] [fixture.json ...]   (default: every changed fixture)

Prints, per fixture, one line per JSON path whose leaves moved: how many of its leaves moved, the largest relative
difference |new - old| / max(|old|, |new|), and the first moved leaf (old -> new); --all prints every moved leaf.
Lists differ in length are reported as such; keys only on one side as added / removed. Standard library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def leaves(value, path=""):
    """(path, leaf) pairs; list indices are written [i] so that paths group by key once indices are dropped."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, value


def relative(old, new):
    if isinstance(old, bool) or isinstance(new, bool) or not all(isinstance(v, (int, float)) for v in (old, new)):
        return None
    scale = max(abs(old), abs(new))
    return 0.0 if scale == 0 else abs(new - old) / scale


def moved(old, new):
    """Moved leaves as (path, old, new, relative difference or None)."""
    old_leaves, new_leaves = dict(leaves(old)), dict(leaves(new))
    out = []
    for path in old_leaves.keys() | new_leaves.keys():
        a, b = old_leaves.get(path, "<absent>"), new_leaves.get(path, "<absent>")
        same = a == b and type(a) is type(b) or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)
        if not same:
            out.append((path, a, b, relative(a, b)))
    return sorted(out, key=lambda m: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", m[0])])


def changed_fixtures(rev):
    names = subprocess.run(["git", "diff", "--name-only", rev, "--", "test/fixtures"], cwd=REPO, check=True,
                           capture_output=True, text=True).stdout.split()
    return [n for n in names if n.endswith(".json")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--all", action="store_true", help="print every moved leaf")
    parser.add_argument("fixtures", nargs="*")
    args = parser.parse_args()
    paths = [p if p.startswith("test/") else os.path.join("test", "fixtures", p) for p in args.fixtures]
    for path in paths or changed_fixtures(args.rev):
        shown = subprocess.run(["git", "show", f"{args.rev}:{path}"], cwd=REPO, capture_output=True, text=True)
        old = json.loads(shown.stdout) if shown.returncode == 0 else {}
        with open(os.path.join(REPO, path)) as handle:
            new = json.load(handle)
        changes = moved(old, new)
        print(f"== {path}: {len(changes)} leaves moved")
        groups = {}
        for change in changes:
            groups.setdefault(re.sub(r"\[\d+\]", "[]", change[0]), []).append(change)
        for key, group in groups.items():
            if args.all:
                for path_, a, b, rel in group:
                    print(f"  {path_}: {a!r} -> {b!r}" + ("" if rel is None else f"  (rel {rel:.3g})"))
                continue
            rels = [g[3] for g in group if g[3] is not None]
            first = group[0]
            largest = f"max rel {max(rels):.3g}" if rels else "non-numeric"
            print(f"  {key}: {len(group)} moved, {largest}; first {first[0]}: {first[1]!r} -> {first[2]!r}")


if __name__ == "__main__":
    sys.exit(main())

"""Checks that README.md shows every example under tests/clients/examples/ verbatim.

Each example block in the README is preceded by an HTML comment naming its file, e.g.
<!-- tests/clients/examples/redis_py_example.py -->, and the fenced block under it must equal the
file, so the README shows exactly the code the clients_example_* tests run.
Usage: check_readme.py SOURCE_DIR
"""

import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
readme = (root / "README.md").read_text()
examples = root / "tests" / "clients" / "examples"
blocks = re.findall(r"^<!-- (tests/clients/examples/\S+) -->\n```[\w-]*\n(.*?)^```$", readme,
                    re.MULTILINE | re.DOTALL)
failed = False
shown = set()
for path, text in blocks:
    shown.add(path)
    file = root / path
    if not file.is_file():
        print(f"README.md shows {path}, which does not exist")
        failed = True
    elif file.read_text() != text:
        print(f"README.md's block for {path} differs from the file; copy the file into README.md")
        failed = True
for file in sorted(examples.iterdir()):
    path = str(file.relative_to(root))
    if file.suffix != ".expected" and path not in shown:
        print(f"README.md does not show {path} (<!-- {path} --> and a fenced block)")
        failed = True
if not blocks:
    print("README.md has no example blocks")
    failed = True
if failed:
    sys.exit(1)
print(f"README.md shows all {len(blocks)} examples verbatim")

"""The shape of the code (issue: views by page, named URLs, no import cycles).

These read the source, not the running site: a module that grows past a page, an import
cycle hidden behind a function-local import, or a link typed as a path fails here.
"""

import ast
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "board", "accounts")
MAX_LINES = 400
# Not code to split by area: hand-written demo articles, and the one settings module the
# project keeps on purpose (every setting in one place, each read from the environment).
DATA_FILES = {"board/demo_content.py", "config/settings.py"}


def project_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_module_is_longer_than_a_page_or_two():
    long = {
        str(path.relative_to(ROOT)): n
        for path in project_files()
        if str(path.relative_to(ROOT)) not in DATA_FILES and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, "split these by area (STYLE.md rule 1)"


def imports_of(path, modules):
    """Project modules this file imports, at the top or inside a function alike."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            # `from . import sibling` loads the sibling, not the package's __init__ (already
            # loading); a name taken from the package itself depends on its __init__.
            targets = submodules if all(m in modules for m in submodules) else [base, *submodules]
        else:
            continue
        for target in targets:
            # The module itself, or the package whose __init__ a name comes from.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph():
    paths = {module_name(path): path for path in project_files()}
    return {name: imports_of(path, paths) for name, path in paths.items()}


def find_cycle(graph):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_between_project_modules():
    graph = import_graph()
    assert "board.pagecache" in graph["board.views.reading"]  # the graph sees real imports
    assert find_cycle(graph) is None


def test_the_cycle_check_finds_a_cycle_hidden_in_a_function():
    graph = import_graph()
    graph["board.invalidation"] = graph["board.invalidation"] | {"board.sidebar"}  # what used to be there
    assert find_cycle(graph) is not None


def test_the_page_cache_and_the_sidebar_depend_on_invalidation_not_on_each_other():
    graph = import_graph()
    assert "board.invalidation" in graph["board.pagecache"] and "board.invalidation" in graph["board.sidebar"]
    assert "board.sidebar" not in graph["board.pagecache"] and "board.pagecache" not in graph["board.sidebar"]
    assert not graph["board.invalidation"] & {"board.pagecache", "board.sidebar"}
    assert not {name for name in graph["board.search"] | graph["board.search.index"] if "pagecache" in name}


# --- Links by name -----------------------------------------------------------------------

# An attribute that holds a link or an address, with a value starting with "/" typed into the
# template (a {% url %} or {% static %} tag, or a variable, never starts with "/").
HARD_CODED_ATTRIBUTE = re.compile(r"""\b(href|action|src|formaction|content|poster|srcset)\s*=\s*["']\s*/(?!/)""")


def test_no_template_types_a_path_of_the_site():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if HARD_CODED_ATTRIBUTE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "use {% url %} (or {% static %}) instead"


def site_prefixes(patterns=None):
    """The first path segment of every route of the site ("b", "tags", "accounts", …)."""
    found = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern).lstrip("^")
        first = route.split("/", 1)[0]
        if first and "<" not in first:
            found.add(first.rstrip("$"))
        if isinstance(entry, URLResolver) and not first:
            found |= site_prefixes(entry.url_patterns)
        elif isinstance(entry, URLPattern | URLResolver):
            continue
    return found


def test_no_python_module_types_a_path_of_the_site():
    prefixes = site_prefixes()
    assert {"b", "tags", "accounts", "search", "admin"} <= prefixes
    pattern = re.compile(rf"^/({'|'.join(map(re.escape, sorted(prefixes)))})(/|$|\?|\.)")
    offenders = []
    for path in project_files():
        if path.name == "urls.py":
            continue  # routes are declared there, without the leading slash
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and pattern.match(first.value):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: f{first.value!r}…")
    assert offenders == [], "use reverse() or get_absolute_url() instead"


def test_the_template_check_catches_a_typed_path():
    assert HARD_CODED_ATTRIBUTE.search('<a href="/b/ainews/">')
    assert HARD_CODED_ATTRIBUTE.search("<form action='/accounts/login/'>")
    assert not HARD_CODED_ATTRIBUTE.search("<a href=\"{% url 'board:home' %}\">")
    assert not HARD_CODED_ATTRIBUTE.search('<a href="https://example.com/x">')
    assert not HARD_CODED_ATTRIBUTE.search('<a href="?page=2">')


def test_no_django_template_comment_spans_lines():
    """{# … #} is one line only in Django's templates: one that runs on is printed on the page."""
    spilled = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if "jinja2" not in path.parts
        for line in path.read_text().splitlines()
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert spilled == [], "use {% comment %} … {% endcomment %} for these"

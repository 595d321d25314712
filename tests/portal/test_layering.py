"""The apps are layered portal < surveys < promises: an app imports only from the apps below it (DESIGN.md).

Every module of the three apps, migrations included, is read with `ast` and every import in it is checked,
wherever it stands: at the top, inside a function, under `if TYPE_CHECKING:`; relative imports are resolved
first. So are the ways of reaching a model by name instead of importing it: `apps.get_model("promises", …)`,
a relation to "promises.Activity", a migration depending on ("promises", …), an admin URL name
"admin:promises_…". A lower app that needs something from a higher one offers a hook the higher one registers
(portal.admin_site.register_todo, a model attribute such as municipality_path), or follows a relation the
higher app declared.

No database: this reads source files only.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("portal", "surveys", "promises", "subscriptions")
# The project's wiring, which names every app by design: INSTALLED_APPS and the root URLconf's include()s. Their
# imports are still checked; only their strings are not.
WIRING = {"portal/settings.py", "portal/urls.py"}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def module_name(path):
    """portal/admin_site.py -> portal.admin_site; surveys/admin/__init__.py -> surveys.admin."""
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module, is_package, node):
    """The absolute module an ImportFrom names: `from ..models import X` in surveys/admin/survey.py is
    surveys.models."""
    if node.level == 0:
        return node.module
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _app(dotted):
    return dotted.split(".")[0] if dotted else None


def _name(func):
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _string_references(tree):
    """(line, app, text) for each reference by name to a model or URL of another app."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "get_model" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, _app(first.value), f"get_model({first.value!r}, …)"
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "dependencies" for target in node.targets
        ):
            # A migration's dependencies: [("promises", "0001_initial"), …].
            for element in ast.walk(node.value):
                if isinstance(element, ast.Tuple) and element.elts and isinstance(element.elts[0], ast.Constant):
                    yield element.lineno, element.elts[0].value, f"dependency on {element.elts[0].value!r}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            if text.startswith("admin:"):
                # admin:<app>_<model>_<view>
                yield node.lineno, text.removeprefix("admin:").split("_")[0], repr(text)
            elif "." in text and " " not in text:
                # "promises.Activity" (a relation), "promises.services" (a dotted path to import later).
                yield node.lineno, _app(text), repr(text)


def violations(source, path):
    """Every reference in `source` (the text of the module at `path`) against the layering, as "file:line: …"."""
    path = Path(path).as_posix()
    app = path.split("/")[0]
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    forbidden = set(LAYERS) - allowed
    module = module_name(path)
    is_package = path.endswith("__init__.py")
    tree = ast.parse(source, filename=path)
    found = []  # (line, problem)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            # `from . import invalidation` in portal/apps.py names portal.invalidation; `from promises import x`
            # names promises either way.
            targets = [target]
        else:
            continue
        for target in targets:
            if _app(target) in forbidden:
                found.append((node.lineno, f"{path}:{node.lineno}: {app} imports {target}"))
    if path not in WIRING:
        for line, referenced, text in _string_references(tree):
            if referenced in forbidden:
                found.append((line, f"{path}:{line}: {app} names {referenced} in {text}"))
    return [problem for _line, problem in sorted(found)]


def app_modules():
    for app in LAYERS:
        for file in sorted((ROOT / app).rglob("*.py")):
            yield file.relative_to(ROOT).as_posix()


def test_the_apps_import_only_from_the_apps_below_them():
    found = [
        problem for path in app_modules() for problem in violations((ROOT / path).read_text(encoding="utf-8"), path)
    ]
    assert found == [], "Against the layering portal < surveys < promises:\n" + "\n".join(found)


def test_every_app_and_its_migrations_are_read():
    modules = set(app_modules())
    for expected in (
        "portal/scoping.py",
        "portal/migrations/0001_initial.py",
        "surveys/admin/survey.py",
        "surveys/migrations/0001_initial.py",
        "promises/views/home.py",
    ):
        assert expected in modules


# --- The checker itself: it must find what it is meant to find, or the test above proves nothing. ---

SYNTHETIC = '''"""A module that names promises.models in its docstring, which is allowed."""

from typing import TYPE_CHECKING

from portal.models import Municipality

if TYPE_CHECKING:
    from surveys.models import Survey


def late():
    from promises.services import coordinator_todo

    return coordinator_todo


def by_name(apps):
    return apps.get_model("surveys", "Dialogue")


class Later:
    def method(self):
        import promises.models

        return promises.models
'''


def test_the_checker_finds_imports_at_any_depth():
    found = violations(SYNTHETIC, "portal/synthetic.py")

    assert found == [
        "portal/synthetic.py:8: portal imports surveys.models",
        "portal/synthetic.py:12: portal imports promises.services",
        "portal/synthetic.py:18: portal names surveys in get_model('surveys', …)",
        "portal/synthetic.py:23: portal imports promises.models",
    ]


def test_the_same_imports_are_allowed_in_the_top_app():
    assert violations(SYNTHETIC, "promises/synthetic.py") == []


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        # Relative imports are resolved against the module's package.
        ("surveys/admin/survey.py", "from ...promises import models\n", ["surveys imports promises"]),
        ("surveys/admin/__init__.py", "from ..models import Survey\n", []),
        ("portal/views.py", "def f():\n    from . import scoping\n", []),
        # A relation or a migration dependency by name.
        (
            "surveys/models/place.py",
            'x = models.ManyToManyField("promises.Activity")\n',
            ["surveys names promises in 'promises.Activity'"],
        ),
        (
            "surveys/migrations/0009_x.py",
            'class Migration:\n    dependencies = [("portal", "0001"), ("promises", "0002")]\n',
            ["surveys names promises in dependency on 'promises'"],
        ),
        (
            "surveys/admin/places.py",
            'url = reverse("admin:promises_activity_change", args=[1])\n',
            ["surveys names promises in 'admin:promises_activity_change'"],
        ),
        ("promises/admin.py", 'url = reverse("admin:surveys_survey_change", args=[1])\n', []),
    ],
)
def test_the_checker_resolves_relative_imports_and_names(path, source, expected):
    found = [problem.split(": ", 1)[1] for problem in violations(source, path)]

    assert found == expected

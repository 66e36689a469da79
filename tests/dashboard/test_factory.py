"""The app factory plugs everything in, and the modules' imports run one way.

* Every Flask blueprint defined under ``dashboard/`` is registered by
  :func:`dashboard.factory.create_app`, and nothing else calls ``register_blueprint``.
* The imports between ``dashboard`` modules form no circle.
* Layers never import back up: ``app.py -> dashboard -> geodata``, and ``geodata``
  never imports dash, flask or werkzeug.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import ROOT

#: Circles through imports inside functions that are known and not yet removed. The
#: test fails on any other circle; it still passes once one of these is gone.
KNOWN_LAZY_CIRCLES: list[set[str]] = []


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _imports(path: Path, *, module_level: bool) -> set[str]:
    """Every module `path` imports (``from a import b`` gives ``a`` and ``a.b``).

    With ``module_level``, only the imports that run when the module is imported: not
    those inside functions, nor those under ``if TYPE_CHECKING:``.
    """
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if module_level and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return
        if module_level and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _graph(modules: dict[str, Path], *, module_level: bool) -> dict[str, set[str]]:
    """Module -> the modules of `modules` it imports (a name resolves to its longest
    known prefix, so ``from dashboard import ids`` is an edge to ``dashboard.ids``)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for target in _imports(path, module_level=module_level):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
        graph[name] = edges
    return graph


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[set[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(component)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return circles


def test_the_circle_finder_finds_circles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _circles(graph) == [{"a", "b", "c"}]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_every_blueprint_is_registered_by_the_factory(dash_app):
    from flask import Blueprint

    blueprints = {}
    for name in _modules("dashboard"):
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, Blueprint) and value.import_name == name:
                blueprints[value.name] = value
    assert {"atlas_api", "atlas_export", "atlas_auth", "atlas_uploads"} <= set(blueprints)
    for name, bp in blueprints.items():
        assert dash_app.server.blueprints.get(name) is bp, f"blueprint {name} not registered"
    callers = [
        name
        for name, path in _modules("dashboard").items()
        if "register_blueprint" in path.read_text(encoding="utf-8")
    ]
    assert callers == ["dashboard.factory"], "blueprints are registered by the factory only"


def test_dashboard_module_imports_form_no_circle():
    graph = _graph(_modules("dashboard"), module_level=True)
    # the graph sees real imports
    assert "dashboard.ids" in graph["dashboard.pages.explorer.layout"]
    assert _circles(graph) == []


def test_dashboard_imports_inside_functions_form_no_new_circle():
    graph = _graph(_modules("dashboard"), module_level=False)
    for circle in _circles(graph):
        assert any(circle <= known for known in KNOWN_LAZY_CIRCLES), (
            f"import circle: {sorted(circle)}"
        )


def test_app_module_is_thin_and_lazy():
    code = (
        "import sys, app, dashboard.factory as f, dashboard.cli as cli\n"
        "assert app.create_app is f.create_app\n"
        "heavy = [m for m in ('dash', 'flask', 'pandas', 'sqlalchemy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr


def _roots(package: str) -> dict[str, set[str]]:
    """Module -> the top-level packages it imports, anywhere in the module."""
    return {
        name: {target.split(".")[0] for target in _imports(path, module_level=False)}
        for name, path in _modules(package).items()
    }


def test_layers_never_import_back_up():
    for name, roots in _roots("dashboard").items():
        assert "app" not in roots, f"{name} imports app.py"
    for name, roots in _roots("geodata").items():
        assert not roots & {"app", "dashboard"}, f"{name} imports {roots & {'app', 'dashboard'}}"


def test_geodata_never_imports_web_frameworks():
    web = {"dash", "flask", "werkzeug"}
    assert "flask" in _roots("dashboard")["dashboard.accounts.session"]  # the scan works
    for name, roots in _roots("geodata").items():
        assert not roots & web, f"{name} imports {sorted(roots & web)}"


def test_an_export_logs_no_kaleido_chatter(client, caplog):
    """One line per request in the server's log: kaleido and its browser driver log
    some twenty INFO lines per export unless they are kept to warnings."""
    import logging

    with caplog.at_level(logging.INFO):
        r = client.get("/export/map.png?region=520000")
    assert r.status_code == 200
    chatter = [
        rec.name
        for rec in caplog.records
        if rec.name.split(".")[0] in ("kaleido", "choreographer", "logistro")
        and rec.levelno < logging.WARNING
    ]
    assert not chatter, chatter[:5]


def test_debug_level_lets_the_libraries_speak_again():
    import logging

    from dashboard.factory import CHATTY_LOGGERS, configure_logging

    try:
        configure_logging("DEBUG")
        assert all(logging.getLogger(n).level == logging.DEBUG for n in CHATTY_LOGGERS)
    finally:
        configure_logging("INFO")
    assert all(logging.getLogger(n).level == logging.WARNING for n in CHATTY_LOGGERS)


def test_a_new_process_loads_what_its_first_requests_need(app_settings):
    """Issue 17: a worker's first value update took 1.9 s (the code registry for English
    names, the map's static parts, the place names) and its first county panel 2.5 s;
    five fresh workers doing it at once held the 200-planner load test up for 9 s. The
    app loads them in the background at start, and gunicorn's master waits for that
    before it forks (so the workers share them)."""
    from dashboard.factory import WARM_THREAD, create_app, wait_for_warm_up
    from dashboard.presenters import labels
    from dashboard.presenters import map as map_views

    app = create_app(app_settings)
    wait_for_warm_up()
    assert not [t for t in threading.enumerate() if t.name == WARM_THREAD]
    atlas = app.atlas
    assert "registry" in atlas.__dict__  # the cached property is loaded
    key = atlas.layers.meta["key"]
    assert key in map_views._STATIC
    placed = {(k[1], k[2]) for k in labels._PLACED if k[0] == key}
    assert {(None, "zh"), (None, "en")} <= placed


def test_gunicorn_waits_for_the_warm_up_before_forking(monkeypatch):
    import gc
    import runpy

    import dashboard.factory as factory

    order = []
    monkeypatch.setattr(gc, "freeze", lambda: None)  # not this test process's objects
    monkeypatch.setattr(factory, "wait_for_warm_up", lambda: order.append("wait"))
    monkeypatch.setattr(factory, "warm_imports", lambda delay: order.append("imports"))
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    class Client:
        def get(self, path):
            order.append(path)

    class Server:
        class cfg:  # noqa: N801 - gunicorn's attribute name
            preload_app = True

        class app:  # noqa: N801
            @staticmethod
            def wsgi():
                return type("W", (), {"test_client": lambda self: Client()})()

    conf["when_ready"](Server)
    assert order[0] == "wait" and "/_dash-layout" in order

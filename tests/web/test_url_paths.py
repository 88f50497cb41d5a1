"""app/web/url_paths.py: `url_for` through the index gives what Starlette's scan of every route
gives, for every route name with its own parameters, too few and one too many."""

from starlette.routing import NoMatchFound, Router

from app.main import create_app
from app.settings import Settings
from app.web.url_paths import IndexedPaths


def scan(router: Router, name: str, params: dict) -> str:
    try:
        return str(Router.url_path_for(router, name, **params))
    except NoMatchFound:
        return "no match"


def index(lookup: IndexedPaths, name: str, params: dict) -> str:
    try:
        return str(lookup(name, **params))
    except NoMatchFound:
        return "no match"


def test_the_index_finds_what_the_scan_finds(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}"))
    router = app.router
    assert isinstance(router.url_path_for, IndexedPaths)
    cases = [("static", {"path": "css/app.css"}), ("static", {}), ("no_such_route", {})]
    own = []
    for route in router.routes:
        name = getattr(route, "name", None)
        params = dict.fromkeys(getattr(route, "param_convertors", {}), "x")
        if name:
            own.append((name, params))
            cases += [(name, params), (name, {**params, "extra": "y"})]
            cases += [(name, {k: v for k, v in params.items() if k != p}) for p in params]
    assert len(cases) > 200

    # Each case twice: the first scans and remembers, the second is answered from what it found.
    found = [index(router.url_path_for, n, p) for n, p in cases + cases]

    assert found == [scan(router, n, p) for n, p in cases + cases]
    assert [c for c in own if index(router.url_path_for, *c) == "no match"] == []
    # A route added later is found: the index scans again when the routes change.
    router.add_route("/added/{thing}", lambda request: None, name="added_later")
    assert index(router.url_path_for, "added_later", {"thing": "x"}) == "/added/x"
    app.state.db.dispose()

"""Project hygiene that a newcomer relies on: documented settings, a clean Dockerfile, translations."""

import re
import shutil
import subprocess

from babel.messages.pofile import read_po

from app.settings import ROOT, Settings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme_table():
    table_rows = {m.group(1) for m in re.finditer(r"^\| `([A-Z_]+)` \|", README, re.MULTILINE)}
    settings = {field.validation_alias for field in Settings.model_fields.values()}
    assert settings - table_rows == set(), "settings missing from the README table"
    assert table_rows - settings == set(), "README documents settings that do not exist"


def test_readme_names_the_two_commands():
    assert "make run" in README and "make test" in README


def test_dockerfile_is_clean_under_hadolint():
    hadolint = shutil.which("hadolint") or str(ROOT / ".venv" / "bin" / "hadolint")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_with_a_healthcheck_and_a_data_volume():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER 10001$", dockerfile, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.MULTILINE)
    assert 'VOLUME ["/data"]' in dockerfile
    # Served through app.serve (the flags of `make run`), migrations a separate command.
    assert 'CMD ["python", "-m", "app.serve", "--no-migrate"' in dockerfile
    assert "alembic upgrade" not in dockerfile


def test_chinese_catalogue_is_complete_and_keeps_placeholders():
    with open(ROOT / "locales" / "zh" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    placeholder = re.compile(r"%\(\w+\)s")
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        if any(set(placeholder.findall(s)) != set(placeholder.findall(ids[-1])) for s in strings):
            problems.append(f"placeholders differ: {ids[0]!r}")
    assert problems == []


def test_catalogue_has_every_message_the_code_uses(tmp_path):
    pybabel = str(ROOT / ".venv" / "bin" / "pybabel")
    pot = tmp_path / "messages.pot"
    not_source = ".* ._ node_modules data static docs tests bench migrations locales"
    subprocess.run(
        [
            pybabel,
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_",
            f"--ignore-dirs={not_source}",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as handle:
        used = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with open(ROOT / "locales" / "zh" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        translated = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert sorted(used - translated) == [], (
        "run `make extract-messages` and translate the new entries"
    )


def test_readme_images_exist():
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images, "the README shows the product"
    assert [path for path in images if not (ROOT / path).is_file()] == []


def test_route_names_are_unique(app):
    """`url_for` finds a route by name: two routes with one name make it pick one silently."""
    names = [getattr(route, "name", None) for route in app.routes]
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    assert duplicated == []


def test_every_make_target_the_readme_names_exists():
    named = set(re.findall(r"`make ([a-z][\w-]*)", README))
    named |= set(re.findall(r"^make ([a-z][\w-]*)", README, re.MULTILINE))
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))
    assert {"run", "test", "test-fast", "lint", "screenshots", "bench-http"} <= named
    assert sorted(named - targets) == []


def test_make_test_runs_lint_and_every_test_and_ci_runs_make_test():
    makefile = (ROOT / "Makefile").read_text()
    prerequisites = re.search(r"^test: (.*)$", makefile, re.MULTILINE).group(1).split()
    assert prerequisites == ["system-deps", "setup", "lint"]
    # The whole suite, the browser required, no ignored folder: the two marker selections are
    # complements (everything but serial, then serial), so together they are every test.
    recipe = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert recipe == [
        '\tPYTHONDONTWRITEBYTECODE= REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n auto -m "not serial" $(PYTEST_ARGS)',
        "\tPYTHONDONTWRITEBYTECODE= REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder -m serial $(PYTEST_ARGS)",
    ]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line[:1] not in "#"]
    assert ci[-1] == "exec make test"

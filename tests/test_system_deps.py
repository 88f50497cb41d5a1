"""scripts/system_deps.sh, which `make test` runs first: it installs what is missing as root with
apt, and otherwise stops at once with the command to run. Run here against a PATH of fakes
(`id`, `apt-get`, the tools it looks for), so nothing on this machine is installed or removed."""

import subprocess
from pathlib import Path

import pytest

from app.settings import ROOT

SCRIPT = ROOT / "scripts" / "system_deps.sh"
APT_LOG = "apt-get.log"


def fake(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path: Path):
    """A machine whose PATH holds only what each test puts there; `run` calls the script on it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()

    def run(
        *needs: str,
        uid: int,
        apt: bool = True,
        have: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ):
        fake(bin_dir, "id", f"echo {uid}")
        if apt:
            # Logs each call; `install` puts the packages' commands on PATH, as apt would.
            fake(
                bin_dir,
                "apt-get",
                f'echo "$DEBIAN_FRONTEND $*" >> {tmp_path / APT_LOG}\n'
                f'if [ "$1" = install ]; then\n'
                f"  for tool in chromium chromium-headless-shell java; do printf '#!/bin/sh\\n' > {bin_dir}/$tool; "
                f"/bin/chmod +x {bin_dir}/$tool; done\nfi",
            )
        for tool in have:
            fake(bin_dir, tool, "true")
        return subprocess.run(
            ["/bin/bash", str(SCRIPT), *needs],
            cwd=tmp_path,
            env={"PATH": str(bin_dir), **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )

    def apt_calls() -> list[str]:
        log = tmp_path / APT_LOG
        return log.read_text().splitlines() if log.exists() else []

    run.apt_calls = apt_calls
    return run


def test_without_root_it_stops_at_once_with_the_command_to_run(machine):
    result = machine("chromium", "java", uid=1000)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Missing system packages: chromium (screenshots and Lighthouse), "
        "default-jre-headless (Java for the vnu HTML checker).\n"
        "Install them, then run make again:\n"
        "    sudo apt-get update && sudo apt-get install -y --no-install-recommends "
        "chromium default-jre-headless\n"
    )
    assert machine.apt_calls() == []


def test_without_apt_it_stops_and_names_the_debian_packages(machine):
    result = machine("chromium", "java", uid=0, apt=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == [
        "Install them (Debian package names) with this system's package manager,",
        "then run make again: chromium default-jre-headless",
    ]


def test_as_root_with_apt_it_installs_what_is_missing_without_questions(machine):
    result = machine("chromium", "java", uid=0, have=("chromium",))
    assert result.returncode == 0, result.stderr
    assert machine.apt_calls() == [
        "noninteractive update -qq",
        "noninteractive install -y -qq --no-install-recommends default-jre-headless",
    ]


def test_nothing_is_installed_when_nothing_is_missing(machine):
    result = machine("chromium", "java", "wrk", uid=0, have=("chromium", "java", "wrk"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert machine.apt_calls() == []


def test_the_browser_tests_need_the_headless_shell_the_full_browser_is_not_enough(machine):
    result = machine("chromium-headless-shell", uid=1000, have=("chromium",))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Missing system packages: chromium-headless-shell (the browser tests).",
        "Install them, then run make again:",
        "    sudo apt-get update && sudo apt-get install -y --no-install-recommends "
        "chromium-headless-shell",
    ]


def test_chromium_path_stands_in_for_the_headless_shell(machine, tmp_path):
    browser = tmp_path / "my-chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    result = machine("chromium-headless-shell", uid=1000, env={"CHROMIUM_PATH": str(browser)})
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_as_root_the_headless_shell_is_installed(machine):
    result = machine("chromium-headless-shell", uid=0)
    assert result.returncode == 0, result.stderr
    assert machine.apt_calls() == [
        "noninteractive update -qq",
        "noninteractive install -y -qq --no-install-recommends chromium-headless-shell",
    ]


def test_an_unknown_need_is_refused(machine):
    result = machine("chromium", "jav", uid=0, have=("chromium",))
    assert (result.returncode, result.stderr) == (2, "system_deps.sh: unknown need 'jav'\n")
    assert machine.apt_calls() == []


def test_a_package_that_did_not_bring_its_command_is_reported(machine):
    # The fake apt-get brings chromium and java only.
    result = machine("java", "wrk", uid=0)
    assert result.returncode == 1
    assert result.stderr == "Installed, but still missing: wrk.\n"
    assert machine.apt_calls()[1] == (
        "noninteractive install -y -qq --no-install-recommends default-jre-headless wrk"
    )


def test_postgresql_needs_its_client_to_be_asked_up_front(machine):
    result = machine("postgresql", "node", uid=1000)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "Missing system packages: postgresql-client (pg_isready to reach PostgreSQL), "
        "npm (Node's npm for the front-end assets)."
    )


def test_a_postgresql_that_answers_needs_nothing(machine):
    result = machine("postgresql", "node", uid=1000, have=("pg_isready", "npm"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_refusing_postgresql_is_reported_with_the_url(machine, tmp_path):
    (tmp_path / "bin").mkdir(exist_ok=True)
    fake(tmp_path / "bin", "pg_isready", "exit 2")
    result = machine("postgresql", uid=1000)
    assert result.returncode == 1
    assert result.stderr == (
        "PostgreSQL is not answering at postgresql+psycopg://postgres@127.0.0.1:5432/test "
        "(TEST_POSTGRES_URL).\nStart it, or point TEST_POSTGRES_URL at one, then run make again.\n"
    )

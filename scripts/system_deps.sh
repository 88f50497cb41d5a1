#!/usr/bin/env bash
# What the make targets need from the operating system, checked before they run:
#
#     scripts/system_deps.sh NEED...
#
# NEED is one of: venv (Python's venv module), chromium-headless-shell (the browser tests: Chromium's
# headless build, which Playwright itself runs headless; CHROMIUM_PATH, if set, stands in for it),
# chromium (screenshots, Lighthouse), java (the
# vnu HTML checker), wrk (make bench-http), cjk-fonts (Chinese screenshots and the PDF export),
# pdftotext (reading the PDF export in its tests), node (npm, for the front-end assets),
# postgresql (the HTTP tests' second database, at TEST_POSTGRES_URL: its client is installed, and
# the server must answer before anything else runs).
#
# A missing package is installed when we are root on a machine with apt (Debian, Ubuntu).
# Otherwise the script stops at once and prints the exact command to run: never a half-run suite
# that fails an hour later on a missing browser.
set -euo pipefail

missing=()  # Debian package names
why=()      # what each one is for, in the same order

need() {
  missing+=("$1")
  why+=("$1 ($2)")
}

check() {
  case "$1" in
    venv)
      local python="${PYTHON:-python3}" version
      # An existing virtualenv needs nothing; without Python at all, make's own error is clearer.
      if [[ -x .venv/bin/python ]] || ! command -v "$python" >/dev/null; then return; fi
      if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
        version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        need "python$version-venv" "to create .venv"
      fi
      ;;
    chromium-headless-shell)
      if [[ -n ${CHROMIUM_PATH:-} && -x ${CHROMIUM_PATH} ]]; then return; fi
      command -v chromium-headless-shell >/dev/null ||
        need chromium-headless-shell "the browser tests"
      ;;
    chromium)
      if [[ -n ${CHROMIUM_PATH:-} && -x ${CHROMIUM_PATH} ]]; then return; fi
      command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
        need chromium "screenshots and Lighthouse"
      ;;
    java)
      command -v java >/dev/null || need default-jre-headless "Java for the vnu HTML checker"
      ;;
    wrk)
      command -v wrk >/dev/null || need wrk "the HTTP benchmark"
      ;;
    cjk-fonts)
      compgen -G '/usr/share/fonts/opentype/noto/NotoSansCJK*' >/dev/null ||
        need fonts-noto-cjk "Chinese text in screenshots and the PDF export"
      ;;
    pdftotext)
      command -v pdftotext >/dev/null || need poppler-utils "pdftotext to read the PDF export in its tests"
      ;;
    postgresql)
      # The server is a service (started below); its client asks whether it answers, up front.
      command -v pg_isready >/dev/null || need postgresql-client "pg_isready to reach PostgreSQL"
      ;;
    node)
      command -v npm >/dev/null || need npm "Node's npm for the front-end assets"
      ;;
    *)
      echo "system_deps.sh: unknown need '$1'" >&2
      exit 2
      ;;
  esac
}

for name in "$@"; do check "$name"; done

if ((${#missing[@]})); then
  packages="${missing[*]}"
  reasons=$(IFS=,; echo "${why[*]}")
  reasons=${reasons//,/, }
  uid=$(id -u)
  if [[ $uid == 0 ]] && command -v apt-get >/dev/null; then
    echo "Installing $reasons"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
    missing=() why=()
    for name in "$@"; do check "$name"; done
    if ((${#missing[@]})); then
      echo "Installed, but still missing: ${missing[*]}." >&2
      exit 1
    fi
  else
    echo "Missing system packages: $reasons." >&2
    if command -v apt-get >/dev/null; then
      echo "Install them, then run make again:" >&2
      echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends $packages" >&2
    else
      echo "Install them (Debian package names) with this system's package manager," >&2
      echo "then run make again: $packages" >&2
    fi
    exit 1
  fi
fi

# PostgreSQL is part of the suite: start it if the machine has it but it is down.
for name in "$@"; do
  [[ $name == postgresql ]] || continue
  url="${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
  libpq_url="${url/+psycopg/}"  # pg_isready takes libpq's URL, without SQLAlchemy's driver
  if pg_isready -q -d "$libpq_url"; then
    continue
  fi
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    for version in /etc/postgresql/*/; do
      version=$(basename "$version")
      echo "Starting PostgreSQL $version"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 50); do
      pg_isready -q -d "$libpq_url" && continue 2
      sleep 0.2
    done
  fi
  echo "PostgreSQL is not answering at $url (TEST_POSTGRES_URL)." >&2
  echo "Start it, or point TEST_POSTGRES_URL at one, then run make again." >&2
  exit 1
done

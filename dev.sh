#!/usr/bin/env bash
# Set up everything this project needs on a Debian 12 machine, then run it.
#
#   ./dev.sh run     set up, then run the batch over samples/ into out/
#   ./dev.sh test    set up, then run the whole test suite
#   ./dev.sh setup   set up only
#
# Set-up is idempotent: system packages are installed with apt-get only when missing, the
# virtual environment (.venv) is created once, and the package is reinstalled only when
# pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd fonts-liberation2 poppler-utils python3-venv chromium)

say() { printf '[dev.sh] %s\n' "$*" >&2; }

missing_apt_packages() {
    local missing=()
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    printf '%s\n' "${missing[@]}"
}

install_system_packages() {
    mapfile -t missing < <(missing_apt_packages | sed '/^$/d')
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { say "need root to install: ${missing[*]}"; exit 1; }
        sudo="sudo"
    fi
    say "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_command() {
    for candidate in python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    say "Python 3.11 or newer is required"; exit 1
}

install_python_packages() {
    local stamp=.venv/.installed fingerprint
    fingerprint=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
    if [ ! -x .venv/bin/python ]; then
        say "creating .venv"
        "$(python_command)" -m venv .venv
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint" ]; then
        say "installing the package and its pinned dependencies into .venv"
        .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
        echo "$fingerprint" > "$stamp"
    fi
}

setup() {
    install_system_packages
    install_python_packages
}

case "${1:-}" in
    setup) setup ;;
    run)
        setup
        .venv/bin/extractor batch samples -o out
        say "records in out/ (results.jsonl, errors.jsonl, summary.json)"
        ;;
    test)
        setup
        .venv/bin/python -m pytest "${@:2}"
        ;;
    *) echo "usage: ./dev.sh run|test|setup" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Makes (once) the virtualenv of the Celery benchmark and prints its python:
#   py=$(benchmarks/celery/venv.sh)      # CELERY_VENV [benchmarks/celery/.venv, not committed]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${CELERY_VENV:-$here/.venv}
if [[ ! -x $venv/bin/python || $here/requirements.txt -nt $venv/bin/python ]]; then
    python3 -m venv "$venv" >&2
    index=$(pip config get global.extra-index-url | cut -d' ' -f1)   # the local index, /opt/pypi/simple
    PIP_EXTRA_INDEX_URL=" " "$venv/bin/pip" install -q --index-url "$index" --no-deps -r "$here/requirements.txt" >&2
    touch "$venv/bin/python"
fi
echo "$venv/bin/python"

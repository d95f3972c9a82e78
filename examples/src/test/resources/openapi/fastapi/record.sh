#!/bin/sh
# Re-records FastAPI's OpenAPI documents of the apps beside this script (<name>.py -> <name>.openapi.json), which
# the examples' golden tests (dev.coda.examples.*OpenApiGoldenTest) compare Coda's documents with.
#   python3 -m venv /tmp/fastapi-venv && /tmp/fastapi-venv/bin/pip install 'fastapi==0.142.*'
#   PYTHON=/tmp/fastapi-venv/bin/python ./record.sh
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-/tmp/fastapi-venv/bin/python}
for app in items tutorial001 tutorial002 events responses forms routers security; do
    "$PYTHON" - "$app" <<'PY'
import importlib, json, sys
import fastapi
name = sys.argv[1]
document = importlib.import_module(name).app.openapi()
with open(name + ".openapi.json", "w") as out:
    json.dump(document, out, indent=2)
    out.write("\n")
print(name, "recorded with FastAPI", fastapi.__version__)
PY
done

#!/bin/sh
# Re-records FastAPI's OpenAPI documents of the apps beside this script (<name>.py -> <name>.openapi.json), which
# the examples' golden tests (dev.coda.examples.*OpenApiGoldenTest) compare Coda's documents with.
#   python3 -m venv /tmp/fastapi-venv && /tmp/fastapi-venv/bin/pip install 'fastapi==0.142.*'
#   PYTHON=/tmp/fastapi-venv/bin/python ./record.sh
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-/tmp/fastapi-venv/bin/python}
for app in items tutorial001 tutorial002 events responses forms routers security subapp; do
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
# A mounted sub-application's document as served to a request (FastAPI adds the mount's root_path to its servers then)
"$PYTHON" - <<'PY'
import asyncio, json
import fastapi
from subapp import app

async def served(path):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    body = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        if message["type"] == "http.response.body":
            body.append(message.get("body", b""))
    await app(scope, receive, send)
    return json.loads(b"".join(body))

with open("subapp-subapi.openapi.json", "w") as out:
    json.dump(asyncio.run(served("/subapi/openapi.json")), out, indent=2)
    out.write("\n")
print("subapp-subapi recorded with FastAPI", fastapi.__version__)
PY

# Records FastAPI's answers to the security cases into security.json, which dev.coda.examples.SecurityParityTest
# replays against Coda's security example. Run from this folder:
#   python3 -m venv /tmp/forms-venv && /tmp/forms-venv/bin/pip install 'fastapi==0.142.*' python-multipart httpx
#   PYTHONPATH=../openapi/fastapi /tmp/forms-venv/bin/python record_security.py
import base64
import json

import fastapi
import pydantic
from fastapi.testclient import TestClient

from security import app

URLENC = "application/x-www-form-urlencoded"


def basic(text):
    return "Basic " + base64.b64encode(text.encode()).decode()


# name, method, path, request headers, body
CASES = [
    ("token-ok", "POST", "/token", {"Content-Type": URLENC}, "username=alice&password=secret&scope=me+items"),
    ("token-no-scope", "POST", "/token", {"Content-Type": URLENC}, "username=alice&password=secret"),
    ("token-wrong-password", "POST", "/token", {"Content-Type": URLENC}, "username=alice&password=nope"),
    ("token-bad-grant-type", "POST", "/token", {"Content-Type": URLENC}, "grant_type=code&username=a&password=secret"),
    ("token-missing-password", "POST", "/token", {"Content-Type": URLENC}, "username=alice"),
    ("me-ok", "GET", "/users/me", {"Authorization": "Bearer alice:me"}, None),
    ("me-no-header", "GET", "/users/me", {}, None),
    ("me-basic-scheme", "GET", "/users/me", {"Authorization": "Basic YWxpY2U6c2VjcmV0"}, None),
    ("me-lowercase-bearer", "GET", "/users/me", {"Authorization": "bearer alice:me"}, None),
    ("me-bearer-without-token", "GET", "/users/me", {"Authorization": "Bearer"}, None),
    ("me-missing-scope", "GET", "/users/me", {"Authorization": "Bearer alice:items"}, None),
    ("items-ok", "GET", "/users/me/items", {"Authorization": "Bearer alice:me items"}, None),
    ("items-missing-scope", "GET", "/users/me/items", {"Authorization": "Bearer alice:me"}, None),
    ("status-no-header", "GET", "/status", {}, None),
    ("status-token", "GET", "/status", {"Authorization": "Bearer abc"}, None),
    ("status-basic-scheme", "GET", "/status", {"Authorization": "Basic abc"}, None),
    ("header-key-ok", "GET", "/header-key", {"X-API-Key": "k1"}, None),
    ("header-key-missing", "GET", "/header-key", {}, None),
    ("header-key-empty", "GET", "/header-key", {"X-API-Key": ""}, None),
    ("query-key-ok", "GET", "/query-key?api_key=k2", {}, None),
    ("query-key-missing", "GET", "/query-key", {}, None),
    ("query-key-empty", "GET", "/query-key?api_key=", {}, None),
    ("cookie-key-ok", "GET", "/cookie-key", {"Cookie": "session=k3"}, None),
    ("cookie-key-missing", "GET", "/cookie-key", {}, None),
    ("basic-ok", "GET", "/basic", {"Authorization": basic("alice:se:cret")}, None),
    ("basic-lowercase-scheme", "GET", "/basic", {"Authorization": "basic " + basic("bob:pw")[6:]}, None),
    ("basic-empty-password", "GET", "/basic", {"Authorization": basic("alice:")}, None),
    ("basic-no-header", "GET", "/basic", {}, None),
    ("basic-bearer-scheme", "GET", "/basic", {"Authorization": "Bearer abc"}, None),
    ("basic-malformed-base64", "GET", "/basic", {"Authorization": "Basic !!!notbase64"}, None),
    ("basic-stray-character", "GET", "/basic", {"Authorization": basic("alice:secret") + "!"}, None),
    ("basic-no-colon", "GET", "/basic", {"Authorization": basic("alice")}, None),
    ("basic-empty-credentials", "GET", "/basic", {"Authorization": "Basic "}, None),
    ("basic-not-ascii", "GET", "/basic", {"Authorization": "Basic " + base64.b64encode("jü:pw".encode()).decode()}, None),
    ("bearer-ok", "GET", "/bearer", {"Authorization": "Bearer abc.def"}, None),
    ("bearer-no-header", "GET", "/bearer", {}, None),
    ("bearer-basic-scheme", "GET", "/bearer", {"Authorization": "Basic abc"}, None),
    ("bearer-empty-credentials", "GET", "/bearer", {"Authorization": "Bearer "}, None),
]

client = TestClient(app)
cases = []
for name, method, path, extra, body in CASES:
    headers = {"Host": "testserver", **extra}
    r = client.request(method, path, headers=headers, content=body, follow_redirects=False)
    cases.append({"name": name, "method": method, "path": path, "headers": headers, "body": body,
                  "status": r.status_code,
                  "response_headers": {k: v for k, v in r.headers.items() if k in ("www-authenticate",)},
                  "response": r.json()})
with open("security.json", "w") as out:
    json.dump({"fastapi_version": fastapi.__version__, "pydantic_version": pydantic.VERSION, "cases": cases}, out,
              indent=2, ensure_ascii=False)
    out.write("\n")
print("recorded", len(cases), "cases with FastAPI", fastapi.__version__)

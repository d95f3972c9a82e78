"""Records FastAPI's CORSMiddleware answers for CorsParityTest: the CORS tutorial app (openapi/fastapi/cors.py)
and three other configurations, each asked the same preflights and simple requests.

Run: /tmp/forms-venv/bin/python record_cors.py > cors.json   (FastAPI 0.142, Starlette 1.x)
"""
import importlib.util
import json
import pathlib
import sys

import fastapi
import starlette
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.testclient import TestClient

here = pathlib.Path(__file__).parent
spec = importlib.util.spec_from_file_location("cors", here.parent / "openapi" / "fastapi" / "cors.py")
tutorial = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tutorial)


def app_with(**settings):
    app = FastAPI()
    app.add_middleware(CORSMiddleware, **settings)

    @app.get("/")
    async def main():
        return {"message": "Hello World"}

    return app


# name -> the app; CorsParityTest builds the same settings with Coda.Builder.cors
apps = {
    "tutorial": tutorial.app,
    "wildcard": app_with(allow_origins=["*"]),
    "wildcard-credentials": app_with(allow_origins=["*"], allow_credentials=True, allow_methods=["GET", "POST"]),
    "regex": app_with(allow_origin_regex=r"https://.*\.example\.org", allow_origins=["https://exact.example.com"],
                      allow_headers=["X-Token", "x-trace"], expose_headers=["X-Total", "X-Page"], max_age=60,
                      allow_methods=["GET", "PUT"], allow_private_network=True),
}

PREFLIGHT = {"Access-Control-Request-Method": "GET"}
requests = [
    ("preflight-allowed", "OPTIONS", {"Origin": "http://localhost:8080", **PREFLIGHT}),
    ("preflight-allowed-headers", "OPTIONS",
     {"Origin": "http://localhost", "Access-Control-Request-Method": "PUT",
      "Access-Control-Request-Headers": "X-Token, Content-Type"}),
    ("preflight-unknown-header", "OPTIONS",
     {"Origin": "https://exact.example.com", "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": "X-Other"}),
    ("preflight-regex-origin", "OPTIONS", {"Origin": "https://a.example.org", **PREFLIGHT}),
    ("preflight-regex-partial", "OPTIONS", {"Origin": "https://a.example.org.evil.com", **PREFLIGHT}),
    ("preflight-refused-origin", "OPTIONS", {"Origin": "https://evil.example.com", **PREFLIGHT}),
    ("preflight-refused-all", "OPTIONS",
     {"Origin": "https://evil.example.com", "Access-Control-Request-Method": "TRACE",
      "Access-Control-Request-Headers": "X-Other"}),
    ("preflight-private-network", "OPTIONS",
     {"Origin": "https://exact.example.com", **PREFLIGHT, "Access-Control-Request-Private-Network": "true"}),
    ("options-without-request-method", "OPTIONS", {"Origin": "http://localhost"}),
    ("simple-allowed", "GET", {"Origin": "http://localhost.tiangolo.com"}),
    ("simple-allowed-regex", "GET", {"Origin": "https://b.example.org"}),
    ("simple-refused", "GET", {"Origin": "https://evil.example.com"}),
    ("simple-with-cookie", "GET", {"Origin": "https://site.example.net", "Cookie": "a=1"}),
    ("simple-no-origin", "GET", {}),
    ("simple-post-unrouted", "POST", {"Origin": "http://localhost"}),
    ("simple-not-found", "GET", {"Origin": "http://localhost"}, "/missing"),
]

cases = []
for app_name, app in apps.items():
    client = TestClient(app)
    for name, method, headers, *path in requests:
        path = path[0] if path else "/"
        response = client.request(method, path, headers=headers)
        cases.append({
            "app": app_name,
            "name": name,
            "method": method,
            "path": path,
            "headers": headers,
            "status": response.status_code,
            "response_headers": {k: v for k, v in response.headers.items()
                                 if k.startswith("access-control-") or k in ("vary", "content-type")},
            "body": response.text,
        })

json.dump({"fastapi_version": fastapi.__version__, "starlette_version": starlette.__version__, "cases": cases},
          sys.stdout, indent=2)
sys.stdout.write("\n")

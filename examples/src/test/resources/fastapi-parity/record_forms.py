# Records FastAPI's answers to the forms cases into forms.json, which dev.coda.examples.FormsParityTest replays
# against Coda's forms example. Run from this folder:
#   python3 -m venv /tmp/forms-venv && /tmp/forms-venv/bin/pip install 'fastapi==0.142.*' python-multipart httpx
#   PYTHONPATH=../openapi/fastapi /tmp/forms-venv/bin/python record_forms.py
import json

import fastapi
import pydantic
from fastapi.testclient import TestClient

from forms import app

B = "coda-boundary"
MP = "multipart/form-data; boundary=" + B
URLENC = "application/x-www-form-urlencoded"


def multipart(*parts, closed=True):
    """parts: (name, value) for a field, (name, filename, content type, value) for a file."""
    out = ""
    for p in parts:
        out += "--" + B + "\r\n"
        if len(p) == 2:
            out += 'Content-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % p
        else:
            name, filename, ctype, value = p
            out += 'Content-Disposition: form-data; name="%s"; filename="%s"\r\n' % (name, filename)
            out += "Content-Type: %s\r\n\r\n%s\r\n" % (ctype, value)
    if closed:
        out += "--" + B + "--\r\n"
    return out


CASES = [
    ("files-ok", "POST", "/files/", MP, multipart(("file", "a.txt", "text/plain", "hello"),
                                                  ("fileb", "b.csv", "text/csv", "x,y"), ("token", "secret"))),
    ("files-file-as-field", "POST", "/files/", MP, multipart(("file", "abc"), ("fileb", "b.bin", "application/octet-stream", "z"),
                                                             ("token", "t"))),
    ("files-missing-token", "POST", "/files/", MP, multipart(("file", "a.txt", "text/plain", "hello"),
                                                             ("fileb", "b.csv", "text/csv", "x,y"))),
    ("files-empty-form", "POST", "/files/", MP, multipart()),
    ("files-no-body", "POST", "/files/", None, None),
    ("files-fileb-not-a-file", "POST", "/files/", MP, multipart(("file", "a.txt", "text/plain", "hello"),
                                                                ("fileb", "text"), ("token", "t"))),
    ("files-urlencoded", "POST", "/files/", URLENC, "file=abc&fileb=def&token=t"),
    ("login-urlencoded", "POST", "/login/", URLENC, "username=alice&password=secret"),
    ("login-multipart", "POST", "/login/", MP, multipart(("username", "bob"), ("password", "pw"))),
    ("login-encoded-characters", "POST", "/login/", URLENC, "username=j%C3%BCrgen+m&password=p%26w"),
    ("login-repeated-field", "POST", "/login/", URLENC, "username=first&username=last&password=p"),
    ("login-missing-password", "POST", "/login/", URLENC, "username=alice"),
    ("login-empty-username", "POST", "/login/", URLENC, "username=&password=p"),
    ("login-no-body", "POST", "/login/", None, None),
    ("login-json-body", "POST", "/login/", "application/json", '{"username": "alice", "password": "secret"}'),
    ("login-text-body", "POST", "/login/", "text/plain", "username=alice&password=secret"),
    ("login-no-trailing-slash", "POST", "/login", URLENC, "username=alice&password=secret"),
    ("login-get", "GET", "/login/", None, None),
    ("uploadfiles-two", "POST", "/uploadfiles/", MP, multipart(("files", "one.txt", "text/plain", "1"),
                                                               ("files", "two.txt", "text/plain", "22"))),
    ("uploadfiles-one", "POST", "/uploadfiles/", MP, multipart(("files", "only.txt", "text/plain", "1"))),
    ("uploadfiles-missing", "POST", "/uploadfiles/", MP, multipart(("other", "x"))),
    ("uploadfiles-a-field-among-files", "POST", "/uploadfiles/", MP, multipart(("files", "one.txt", "text/plain", "1"),
                                                                              ("files", "text"))),
    ("multipart-no-boundary", "POST", "/login/", "multipart/form-data", multipart(("username", "bob"), ("password", "pw"))),
    ("multipart-truncated", "POST", "/login/", MP, multipart(("username", "bob"), ("password", "pw"), closed=False)[:-10]),
]

client = TestClient(app)
cases = []
for name, method, path, ctype, body in CASES:
    headers = {"Host": "testserver"}
    if ctype is not None:
        headers["Content-Type"] = ctype
    r = client.request(method, path, headers=headers, content=body, follow_redirects=False)
    try:
        response = r.json()
    except ValueError:
        response = r.text or None
    cases.append({"name": name, "method": method, "path": path, "headers": headers, "body": body,
                  "status": r.status_code,
                  "response_headers": {k: v for k, v in r.headers.items() if k in ("content-type", "location")},
                  "response": response})
with open("forms.json", "w") as out:
    json.dump({"fastapi_version": fastapi.__version__, "pydantic_version": pydantic.VERSION, "cases": cases}, out,
              indent=2, ensure_ascii=False)
    out.write("\n")
print("recorded", len(cases), "cases with FastAPI", fastapi.__version__)

# FastAPI's security utilities, one route per scheme, as dev.coda.examples.security.SecurityApp declares them.
# The OAuth2 routes follow FastAPI's OAuth2 scopes tutorial (docs_src/security/tutorial005).
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import (APIKeyCookie, APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBasic,
                              HTTPBasicCredentials, HTTPBearer, OAuth2PasswordBearer, OAuth2PasswordRequestForm,
                              SecurityScopes)

app = FastAPI()

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "Read information about the current user.",
                                                               "items": "Read items."})
optional_oauth2 = OAuth2PasswordBearer(tokenUrl="token", scheme_name="OptionalOAuth2", auto_error=False)
header_key = APIKeyHeader(name="X-API-Key")
query_key = APIKeyQuery(name="api_key")
cookie_key = APIKeyCookie(name="session", auto_error=False)
basic = HTTPBasic()
bearer = HTTPBearer()


@app.post("/token")
def login(form_data: Annotated[OAuth2PasswordRequestForm, Depends()]):
    if form_data.password != "secret":
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    return {"access_token": form_data.username + ":" + " ".join(form_data.scopes), "token_type": "bearer"}


def get_current_user(security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]):
    authenticate_value = f'Bearer scope="{security_scopes.scope_str}"' if security_scopes.scopes else "Bearer"
    username, _, granted = token.partition(":")
    for scope in security_scopes.scopes:
        if scope not in granted.split():
            raise HTTPException(status_code=401, detail="Not enough permissions",
                                headers={"WWW-Authenticate": authenticate_value})
    return {"username": username, "scopes": security_scopes.scopes}


def get_current_active_user(current_user: Annotated[dict, Security(get_current_user, scopes=["me"])]):
    return current_user


@app.get("/users/me")
def read_users_me(current_user: Annotated[dict, Depends(get_current_active_user)]):
    return current_user


@app.get("/users/me/items")
def read_own_items(current_user: Annotated[dict, Security(get_current_active_user, scopes=["items"])]):
    return current_user


@app.get("/status")
def read_status(token: Annotated[str | None, Depends(optional_oauth2)]):
    return {"token": token}


@app.get("/header-key")
def read_header_key(key: Annotated[str, Depends(header_key)]):
    return {"key": key}


@app.get("/query-key")
def read_query_key(key: Annotated[str, Depends(query_key)]):
    return {"key": key}


@app.get("/cookie-key")
def read_cookie_key(key: Annotated[str | None, Depends(cookie_key)]):
    return {"key": key}


@app.get("/basic")
def read_basic(credentials: Annotated[HTTPBasicCredentials, Depends(basic)]):
    return {"username": credentials.username, "password": credentials.password}


@app.get("/bearer")
def read_bearer(credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]):
    return {"scheme": credentials.scheme, "credentials": credentials.credentials}

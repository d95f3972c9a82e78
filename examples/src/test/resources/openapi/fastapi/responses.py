# What FastAPI 0.142 writes for each response class (recorded for dev.coda.openapi.ResponseKindsTest's notes): typed
# and untyped server-sent events, JSON Lines, StreamingResponse and FileResponse.
from collections.abc import AsyncIterable

from fastapi import FastAPI
from fastapi.responses import FileResponse, StreamingResponse
from fastapi.sse import EventSourceResponse
from pydantic import BaseModel

app = FastAPI()


class Tick(BaseModel):
    n: int


@app.get("/events", response_class=EventSourceResponse)
async def events():
    yield {"n": 0}


@app.get("/typed-events", response_class=EventSourceResponse)
async def typed_events() -> AsyncIterable[Tick]:
    yield Tick(n=0)


@app.get("/lines")
async def lines() -> AsyncIterable[Tick]:
    yield Tick(n=0)


@app.get("/stream", response_class=StreamingResponse)
async def stream():
    return StreamingResponse(iter([b"x"]))


@app.get("/file", response_class=FileResponse)
async def file():
    return "report.pdf"

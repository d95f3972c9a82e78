"""The events example in FastAPI, for benchmarks/sse: uvicorn events:app --port 8001"""
import asyncio
from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.sse import EventSourceResponse

app = FastAPI()


@app.get("/events", response_class=EventSourceResponse)
async def events(count: Annotated[int, Query(ge=0)] = 3, delay: Annotated[float, Query(ge=0)] = 0):
    for i in range(count):
        if i and delay:
            await asyncio.sleep(delay)
        yield {"n": i}

# The events example's FastAPI original (dev.coda.examples.Events' Javadoc).
import asyncio
from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.sse import EventSourceResponse
from fastapi.staticfiles import StaticFiles

app = FastAPI()


@app.get("/events", response_class=EventSourceResponse)
async def events(count: Annotated[int, Query(ge=0)] = 3, delay: Annotated[float, Query(ge=0)] = 0):
    for i in range(count):
        if i and delay:
            await asyncio.sleep(delay)
        yield {"n": i}


app.mount("/static", StaticFiles(directory="static", check_dir=False), name="static")

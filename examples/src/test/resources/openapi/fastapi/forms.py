# FastAPI's forms and files tutorials in one app (request_forms_and_files, request_forms, request_files):
# the app that Coda's forms example mirrors (dev.coda.examples.Forms).
from typing import Annotated

from fastapi import FastAPI, File, Form, UploadFile

app = FastAPI()


@app.post("/files/")
async def create_file(
    file: Annotated[bytes, File()],
    fileb: Annotated[UploadFile, File()],
    token: Annotated[str, Form()],
):
    return {"file_size": len(file), "token": token, "fileb_content_type": fileb.content_type}


@app.post("/login/")
async def login(username: Annotated[str, Form()], password: Annotated[str, Form()]):
    return {"username": username}


@app.post("/uploadfiles/")
async def create_upload_files(files: Annotated[list[UploadFile], File()]):
    return {"filenames": [file.filename for file in files]}

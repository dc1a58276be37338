"""Nothing leaves the machine: an ask on a local database with the in-process model opens no socket."""

import socket

from engine.pipeline import ask
from engine.session import open_session


def test_ask_opens_no_socket(chinook_url, workspace, smol_model, monkeypatch):
    session = open_session(workspace, chinook_url)
    session.value_index()
    opened = []
    real_connect = socket.socket.connect
    real_create = socket.create_connection

    def spy_connect(self, address):
        opened.append(address)
        return real_connect(self, address)

    def spy_create(address, *a, **k):
        opened.append(address)
        return real_create(address, *a, **k)

    monkeypatch.setattr(socket.socket, "connect", spy_connect)
    monkeypatch.setattr(socket, "create_connection", spy_create)
    res = ask("How many albums are there?", session, smol_model)
    assert res.trace.attempts
    assert opened == [], f"an ask opened sockets: {opened}"

import pytest

from engine.connections import NoKeyring, list_connections, resolve_url, save_connection


class MemoryKeyring:
    """A real keyring backend (the library's API), kept in memory for the test."""

    def __init__(self):
        import keyring.backend

        class Backend(keyring.backend.KeyringBackend):
            priority = 1
            store: dict = {}

            def set_password(self, service, username, password):
                self.store[(service, username)] = password

            def get_password(self, service, username):
                return self.store.get((service, username))

            def delete_password(self, service, username):
                self.store.pop((service, username), None)

        self.backend = Backend()


def test_password_goes_to_the_keyring_not_the_workspace(workspace):
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring().backend)
    try:
        conn, warning = save_connection(workspace, "shop", "postgresql+psycopg://bob:s3cret-pw@127.0.0.1:5432/shop")
        assert warning is None
        assert conn.has_password and "s3cret-pw" not in conn.url
        assert not any(b"s3cret-pw" in p.read_bytes() for p in workspace.root.rglob("*") if p.is_file())
        assert "s3cret-pw" in resolve_url(list_connections(workspace)[0])
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_we_ask_each_time_and_say_why(workspace):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        conn, warning = save_connection(workspace, "shop", "postgresql://bob:pw-secret@localhost/shop")
        assert "ask for it each time" in warning and conn.has_password
        assert b"pw-secret" not in (workspace.root / "connections.json").read_bytes()
        from engine.connections import SavedConnection

        with pytest.raises(NoKeyring, match="enter the password"):
            resolve_url(SavedConnection("shop", "postgresql://bob@localhost/shop", True))
        assert "pw" in resolve_url(SavedConnection("shop", "postgresql://bob@localhost/shop", True), password="pw")
    finally:
        keyring.set_keyring(previous)


def test_build_url_from_the_connection_form():
    from engine.connections import build_url

    assert build_url("SQLite file", path="/data/shop.db") == "sqlite:////data/shop.db"
    assert build_url("DuckDB file", path="/data/x.duckdb") == "duckdb:////data/x.duckdb"
    url = build_url("PostgreSQL", host="db.local", database="shop", user="bob", password="p@ss:word")
    assert url == "postgresql+psycopg://bob:p%40ss%3Aword@db.local:5432/shop"
    assert build_url("MySQL / MariaDB", host="h", port=3307, database="d").startswith("mysql+pymysql://h:3307/d")
    with pytest.raises(ValueError, match="Choose the database file"):
        build_url("SQLite file")
    with pytest.raises(ValueError, match="database name"):
        build_url("PostgreSQL", host="h")
    with pytest.raises(ValueError, match="Unknown kind"):
        build_url("Oracle")

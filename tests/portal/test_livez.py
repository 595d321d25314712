"""/livez: the process answers, without touching the database (and the benchmark's floor)."""


def test_livez_answers_ok_without_the_database(resident):
    # No `db` fixture: pytest-django makes any database access in this test an error.
    response = resident.get("/livez")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]

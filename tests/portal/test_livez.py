"""/livez: the process answers, without touching the database (and the benchmark's floor)."""


def test_livez_answers_ok_without_any_query(resident, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = resident.get("/livez")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]

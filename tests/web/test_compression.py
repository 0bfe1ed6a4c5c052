"""Pages travel compressed: regional offices have slow links."""


def test_pages_are_compressed_for_browsers_that_accept_it(client):
    plain = client.get("/login")
    packed = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert packed.headers.get("Content-Encoding") == "gzip"
    assert len(packed.data) < len(plain.data)

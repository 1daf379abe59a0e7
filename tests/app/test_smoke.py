def test_login_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in to Casebook" in response.data

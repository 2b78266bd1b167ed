"""Public reads: what the pages show, as JSON; problem+json errors in the request's language;
ETag/If-None-Match; CORS only for configured origins; the spec and its docs page."""

from __future__ import annotations

from openapi_spec_validator import validate

from portal.extensions import db


def test_the_spec_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any violation of the OpenAPI 3.1 schema
    assert "/api/v1/postings" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    # Every operation documents its problem+json errors.
    for operations in spec["paths"].values():
        for operation in operations.values():
            assert "application/problem+json" in operation["responses"]["422"]["content"]


def test_docs_page_uses_our_assets_and_a_nonce(client):
    response = client.get("/api/docs")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html  # no CDN
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert html.count(f'nonce="{nonce}"') == 2
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    asset = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()


def test_postings_filter_and_cursor_pages(client, build):
    hr = build.enterprise()
    other = build.enterprise()
    ids = [build.posting(hr, "internship", title=f"焊工实习{i}").id for i in range(5)]
    build.posting(other, "order_class", title="订单班")
    build.posting(hr, "internship", publish=False, title="草稿")
    seen, cursor = [], None
    for _ in range(5):
        query = {"kind": "internship", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/postings", query_string=query).get_json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)  # newest first, each once, no draft, no other kind
    found = client.get("/api/v1/postings", query_string={"q": "焊工实习3"}).get_json()["items"]
    assert [p["id"] for p in found] == [ids[3]]
    assert found[0]["enterprise"]["id"] == hr.organisation_id


def test_a_foreign_or_unpublished_posting_is_404_problem(client, build):
    hr = build.enterprise()
    draft = build.posting(hr, publish=False)
    response = client.get(f"/api/v1/postings/{draft.id}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Not found"


def test_bad_filters_are_422_with_every_field_in_the_asked_language(client):
    query = {"kind": "nope", "limit": "many", "town": "atlantis"}
    en = client.get("/api/v1/postings", query_string=query, headers={"Accept-Language": "en"}).get_json()
    assert en["status"] == 422
    assert {e["field"] for e in en["errors"]} == {"kind", "limit", "town"}
    zh = client.get("/api/v1/postings", query_string=query, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    body = zh.get_json()
    assert body["title"] == "请求有问题"
    assert any("请" in e["message"] or "整数" in e["message"] for e in body["errors"])
    bad = client.get("/api/v1/postings", query_string={"cursor": "not-ours"}).get_json()
    assert bad["status"] == 422 and bad["errors"][0]["field"] == "cursor"


def test_etag_answers_304_when_nothing_changed(client, build):
    build.posting(build.enterprise())
    first = client.get("/api/v1/postings")
    tag = first.headers["ETag"]
    again = client.get("/api/v1/postings", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    build.posting(build.enterprise(), title="又一个")
    assert client.get("/api/v1/postings", headers={"If-None-Match": tag}).status_code == 200


def test_cors_only_for_configured_origins(app_factory):
    app = app_factory(API_CORS_ORIGINS=("https://mini.example.cn",))
    client = app.test_client()
    allowed = client.get("/api/v1/catalogue", headers={"Origin": "https://mini.example.cn"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://mini.example.cn"
    other = client.get("/api/v1/catalogue", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/api/v1/enterprise/postings",
        headers={"Origin": "https://mini.example.cn", "Access-Control-Request-Method": "POST"},
    )
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]


def test_public_reads(client, build):
    staff = build.school()
    hr = build.enterprise()
    build.posting(hr, "internship")
    db.session.commit()
    enterprises = client.get("/api/v1/enterprises").get_json()
    assert hr.organisation_id in [e["id"] for e in enterprises["items"]]
    assert client.get(f"/api/v1/enterprises/{hr.organisation_id}").get_json()["open_postings"] == 1
    schools = client.get("/api/v1/schools").get_json()["items"]
    assert staff.organisation_id in [s["id"] for s in schools]
    assert client.get("/api/v1/internships").get_json()["total"] == 1
    assert client.get("/api/v1/majors").get_json()["total"] == 0  # drafts are not public
    assert client.get("/api/v1/named-classes").status_code == 200
    assert set(client.get("/api/v1/statistics").get_json()) == {
        "cooperations_by_industry",
        "named_classes",
        "pilot_partnerships",
    }
    assert "groups" in client.get("/api/v1/statistics/alignment").get_json()
    catalogue = client.get("/api/v1/catalogue", query_string={"q": "焊接"}).get_json()["items"]
    assert any(e["name"] == "焊接技术应用" for e in catalogue)
    unknown = client.get("/api/v1/no-such-thing")
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"

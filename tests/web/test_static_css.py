"""Our style sheets are served without their comments, rule for rule as written."""

import re

import pytest

from app.settings import ROOT


@pytest.mark.parametrize("name", ["app.css", "wizard.css"])
def test_a_sheet_is_served_without_comments_and_nothing_else_changes(client, name) -> None:
    source = (ROOT / "static" / "css" / name).read_text(encoding="utf-8")
    response = client.get(f"/static/css/{name}?v=1")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    served = response.text
    assert "/*" not in served and "*/" not in served

    # The rules themselves, token for token: the source with its comments and blank lines out.
    def tokens(text: str) -> list[str]:
        return re.sub(r"/\*.*?\*/", " ", text, flags=re.S).split()

    assert served.split() == tokens(source)
    assert len(served) < len(source)
    # A second request with the file's validator is answered 304, as for any static file.
    again = client.get(f"/static/css/{name}", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304
    head = client.head(f"/static/css/{name}")
    assert head.status_code == 200 and head.content == b""


def test_vendor_sheets_are_served_as_they_are(client) -> None:
    vendor = ROOT / "static" / "vendor" / "pico.min.css"
    assert client.get("/static/vendor/pico.min.css").content == vendor.read_bytes()

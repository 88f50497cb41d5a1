"""Every cookie the app sets: HttpOnly, SameSite=Lax, and Secure when served over HTTPS."""

from starlette.requests import Request
from starlette.responses import Response


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.https,
        path="/",
    )


def delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, httponly=True, samesite="lax", secure=request.app.state.settings.https, path="/"
    )

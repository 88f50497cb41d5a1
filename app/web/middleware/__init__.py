"""The protections every request passes, one concern a module, each a small pure-ASGI middleware.

app/main.py stacks them in this order, outermost first; each one's answer passes through those
above it, so a refusal from any of them carries the security headers, is in the reader's language
(the header limit's excepted: it refuses the headers that would choose one) and loses its body for
HEAD:

1. headers.SecurityHeadersMiddleware    CSP, nosniff, frame and referrer policies, HSTS, no-cache
2. head.HeadAsGetMiddleware             HEAD answered as GET, body dropped
3. header_limit.HeaderLimitMiddleware   431 for too many or too large headers
4. language.LanguageMiddleware          `request.state.lang` from query, cookie, Accept-Language
5. failures.FailureMiddleware           503 when busy or the database is down, 500, one log line
6. hosts.TrustedHostMiddleware          400 for a Host this app is not known by
7. methods.MethodMiddleware             405 for TRACE, TRACK and CONNECT
8. cross_origin.CrossOriginMiddleware   403 for a cross-site write
9. body_size.BodySizeMiddleware         413 past the body limit (declared or streamed)
10. body_timeout.BodyTimeoutMiddleware  408 for a body that does not arrive in time

The checks themselves are pure functions in app/web/security.py.
"""

from starlette.types import Message, Send


class StartedSend:
    """`send`, noting whether the response has started (after which no refusal can be sent)."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)

"""Talking to the LMS's services (grades, roster) as the tool: an access token from the
platform's token endpoint (OAuth 2 client credentials with a client assertion signed by the
tool's key, IMS Security Framework 4.1), reused until it expires, and requests that retry
what is worth retrying.

* 401 once: the token is dropped and asked for again (it may have been revoked); a second
  401, or a 403, is a :class:`~course.errors.LtiServiceError` naming the cause in one line.
* 429 and 5xx: retried with a growing pause (``Retry-After`` honoured, capped), then given up
  on (the caller lists what was not sent).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from course.errors import LtiBusyError, LtiServiceError
from course.lti.config import PlatformConfig
from course.lti.keys import ToolKey
from course.lti.store import Store

__all__ = ["ServiceClient"]

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
RETRIES = 4
MAX_PAUSE = 8.0


@dataclass
class ServiceClient:
    platform: PlatformConfig
    key: ToolKey
    store: Store
    session: requests.Session
    sleep: Callable[[float], None] = time.sleep
    timeout: float = 30.0

    def token(self, scopes: list[str]) -> str:
        scope = " ".join(sorted(scopes))
        cached = self.store.token(scope)
        if cached:
            return cached
        assertion = self.key.sign(
            {
                "iss": self.platform.client_id,
                "sub": self.platform.client_id,
                "aud": self.platform.token_url,
            },
        )
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            "scope": scope,
        }
        response = self._send("POST", self.platform.token_url, data=form, what="token endpoint")
        if response.status_code != 200:
            raise LtiServiceError(
                f"the LMS's token endpoint refused the tool (HTTP {response.status_code}): check "
                "that the LMS has the tool's public key (jwks_url from `ankle-course hub "
                "lti-config`) and that grade and roster services are on for it"
            )
        body = response.json()
        token = str(body["access_token"])
        self.store.save_token(scope, token, time.time() + float(body.get("expires_in", 3600)))
        return token

    def call(
        self, method: str, url: str, scopes: list[str], *, what: str, **kwargs: Any
    ) -> requests.Response:
        """A service request with the tool's token; raises :class:`LtiBusyError` on 429/5xx
        after the retries, :class:`LtiServiceError` on 401/403."""
        headers = dict(kwargs.pop("headers", {}))
        for attempt in (1, 2):
            headers["Authorization"] = f"Bearer {self.token(scopes)}"
            response = self._send(method, url, headers=headers, what=what, **kwargs)
            if response.status_code == 401 and attempt == 1:
                self.store.forget_token(" ".join(sorted(scopes)))
                continue
            if response.status_code in (401, 403):
                raise LtiServiceError(
                    f"the LMS refused the {what} (HTTP {response.status_code}): the tool's "
                    "access was withdrawn or lacks this service's scope; nothing more was sent, "
                    "run the command again once the LMS allows it"
                )
            return response
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, *, what: str, **kwargs: Any) -> requests.Response:
        pause = 0.5
        status: int | str = "no answer"
        for _ in range(RETRIES + 1):
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as exc:
                status = type(exc).__name__
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return response
                status = response.status_code
                pause = max(pause, _retry_after(response))
            self.sleep(min(pause, MAX_PAUSE))
            pause *= 2
        raise LtiBusyError(status)


def _retry_after(response: requests.Response) -> float:
    try:
        return float(response.headers.get("Retry-After", "0"))
    except ValueError:
        return 0.0

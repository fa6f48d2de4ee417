"""Checking a launch: the ``id_token`` an LMS posts to the tool (LTI 1.3 core, section 5.1, and
the IMS Security Framework, section 5.1.3).

PyJWT checks the signature (RS256 only, with the platform's published key), the issuer, the
audience and the times; this module adds what LTI needs on top: the deployment must be one the
school registered, ``azp`` must be the tool's client id when several audiences are named, the
LTI version and message type must be known, and the nonce is accepted once (checked after the
signature, so a forged token can never use up a real nonce).

Every refusal is a :class:`~course.errors.LaunchRefusedError` whose message is shown on the refusal
page; nothing in it comes from a secret.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt

from course.errors import LaunchRefusedError
from course.lti.config import PlatformConfig
from course.lti.store import Store

__all__ = ["KeyResolver", "Launch", "check_launch", "jwks_resolver", "verify_id_token"]

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
MAX_AGE = 600  # seconds: an id_token issued longer ago than this is refused
#: finds the platform's public key for a token (PyJWT's JWKS client by default)
KeyResolver = Callable[[str], Any]


def jwks_resolver(jwks_url: str) -> KeyResolver:
    """The platform's keys, fetched from its JWKS URL and cached by key id."""
    client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=10)

    def resolve(token: str) -> Any:
        return client.get_signing_key_from_jwt(token).key

    return resolve


@dataclass(frozen=True)
class Launch:
    """What the tool takes from a checked launch."""

    issuer: str
    sub: str
    deployment_id: str
    message_type: str
    roles: tuple[str, ...]
    context_id: str
    context_title: str = ""
    name: str = ""
    email: str = ""
    username: str = ""
    target_link_uri: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    lineitems_url: str = ""
    lineitem_url: str = ""
    memberships_url: str = ""
    deep_link_return_url: str = ""
    deep_link_data: str | None = None
    nonce: str = ""
    expires: float = 0.0


def _refuse(reason: str) -> LaunchRefusedError:
    return LaunchRefusedError(f"This link from your LMS was refused: {reason}.")


def _decode(token: str, platform: PlatformConfig, resolve: KeyResolver) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _refuse("the launch token is not a JSON Web Token") from None
    if header.get("alg") != "RS256":
        raise _refuse(f"the launch token is signed with {header.get('alg')!r}, not RS256")
    try:
        key = resolve(token)
    except jwt.PyJWKClientError:
        raise _refuse("the launch token is signed by a key the LMS does not publish") from None
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except jwt.ExpiredSignatureError:
        raise _refuse("the launch token has expired (open the link again from the LMS)") from None
    except jwt.InvalidAudienceError:
        raise _refuse("the launch token is meant for another tool (audience)") from None
    except jwt.InvalidIssuerError:
        raise _refuse("the launch token comes from an LMS this hub is not registered with") from (
            None
        )
    except jwt.InvalidSignatureError:
        raise _refuse("the launch token's signature does not match the LMS's key") from None
    except jwt.MissingRequiredClaimError as exc:
        raise _refuse(f"the launch token has no {exc.claim!r} claim") from None
    except jwt.PyJWTError as exc:
        raise _refuse(f"the launch token is not valid ({exc})") from None
    return claims


def _check_claims(claims: dict[str, Any], platform: PlatformConfig) -> None:
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != platform.client_id:
        raise _refuse("the launch token names several tools and not this one as its party")
    if claims["iat"] < time.time() - MAX_AGE:
        raise _refuse("the launch token was issued too long ago")
    if claims.get(LTI + "version") != "1.3.0":
        raise _refuse("the launch is not LTI 1.3")
    kind = claims.get(LTI + "message_type")
    if kind not in (RESOURCE_LINK, DEEP_LINKING):
        raise _refuse(f"the message type {kind!r} is not one this tool answers")
    deployment = claims.get(LTI + "deployment_id")
    if not deployment:
        raise _refuse("the launch names no deployment")
    if deployment not in platform.deployment_ids:
        raise _refuse("the launch comes from a deployment this hub is not registered with")
    if not str(claims["sub"]):
        raise _refuse("the launch names no user (anonymous launches are not accepted)")
    if kind == RESOURCE_LINK and not (claims.get(LTI + "resource_link") or {}).get("id"):
        raise _refuse("the launch names no resource link")
    if kind == DEEP_LINKING and not (claims.get(DL + "deep_linking_settings") or {}).get(
        "deep_link_return_url"
    ):
        raise _refuse("the deep-linking request has no return URL")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _launch(claims: dict[str, Any]) -> Launch:
    context = claims.get(LTI + "context") or {}
    custom = {str(k): str(v) for k, v in (claims.get(LTI + "custom") or {}).items()}
    ags = claims.get(AGS_ENDPOINT) or {}
    nrps = claims.get(NRPS) or {}
    settings = claims.get(DL + "deep_linking_settings") or {}
    roles = claims.get(LTI + "roles") or []
    return Launch(
        issuer=str(claims["iss"]),
        sub=str(claims["sub"]),
        deployment_id=str(claims[LTI + "deployment_id"]),
        message_type=str(claims[LTI + "message_type"]),
        roles=tuple(str(r) for r in roles) if isinstance(roles, list) else (),
        context_id=_text(context.get("id")),
        context_title=_text(context.get("title")) or _text(context.get("label")),
        name=_text(claims.get("name")),
        email=_text(claims.get("email")),
        username=custom.get("username") or _text(claims.get("preferred_username")),
        target_link_uri=_text(claims.get(LTI + "target_link_uri")),
        custom=custom,
        lineitems_url=_text(ags.get("lineitems")),
        lineitem_url=_text(ags.get("lineitem")),
        memberships_url=_text(nrps.get("context_memberships_url")),
        deep_link_return_url=_text(settings.get("deep_link_return_url")),
        deep_link_data=settings.get("data") if isinstance(settings.get("data"), str) else None,
        nonce=str(claims["nonce"]),
        expires=float(claims["exp"]),
    )


def verify_id_token(token: str, platform: PlatformConfig, resolve: KeyResolver) -> Launch:
    """Check ``token`` fully except the nonce's single use; raise :class:`LaunchRefusedError`."""
    claims = _decode(token, platform, resolve)
    _check_claims(claims, platform)
    return _launch(claims)


def check_launch(
    token: str,
    platform: PlatformConfig,
    resolve: KeyResolver,
    store: Store,
    *,
    expected_nonce: str | None = None,
) -> Launch:
    """:func:`verify_id_token`, then the nonce: the one this browser was given (when known)
    and never seen before on this hub."""
    launch = verify_id_token(token, platform, resolve)
    if expected_nonce is not None and launch.nonce != expected_nonce:
        raise _refuse("the launch does not answer this browser's log-in request (nonce)")
    if not store.use_nonce(launch.nonce, launch.expires + MAX_AGE):
        raise _refuse("the launch token was already used (a replay)")
    return launch

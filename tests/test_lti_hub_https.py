"""The course inside the LMS's page over HTTPS, in a learner's Chromium, on the real hub
(marker ``hub``; root) against the independent LMS of tests/lti_platform.py.

The hub's proxy serves https with a certificate made here (cryptography: a test authority and
a certificate for 127.0.0.1); the LMS runs on plain http, and shows the tool in a frame from
``http://localhost`` (another site than the hub's ``https://127.0.0.1``). Stages run once per
module, so each test also runs on its own:

* a learner's launch ends in her JupyterLab with the fetched assessment open, and every cookie
  the hub and her own server set on the way is ``SameSite=None; Secure``;
* inside the LMS's frame a lesson link opens the lesson in JupyterLab, in the frame;
* a browser that keeps third-party cookies out gets, in the frame, the offer to open the course
  in a new tab, and that tab lands in JupyterLab.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from hub_harness import HubProcess, stop_and_tear_down

from course.hub import system
from tests.lti_browser import (
    CookieLog,
    attributes,
    browser_profile,
    cookie_name,
    launch_browser,
    wait_for_notebook,
)
from tests.lti_platform import ROLE, Person
from tests.lti_room import LmsRoom, open_room

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.root]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "lti"

COURSE = "lti-s"
CONTEXT = "lms-course-401"
ASSIGNMENT = "safety_scenarios"
LESSON = "05_safety"
LESSON_HEADING = "Safety, contraindications and when to refer"
ASSESSMENT_HEADING = "Graded assessment: is it safe to massage this ankle?"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_tls(folder: Path) -> tuple[Path, Path, Path]:
    """A test certificate authority and a certificate for 127.0.0.1 signed by it: (authority,
    certificate with its chain, key), the key readable by root only."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("ankle-course test authority"))
        .issuer_name(_name("ankle-course test authority"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(mode=0o700)
    pem = serialization.Encoding.PEM
    authority = folder / "ca.pem"
    authority.write_bytes(ca.public_bytes(pem))
    chain = folder / "cert.pem"
    chain.write_bytes(cert.public_bytes(pem) + ca.public_bytes(pem))
    secret = folder / "key.pem"
    secret.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    os.chmod(secret, 0o600)
    return authority, chain, secret


@dataclass
class Site(LmsRoom):
    released: bool = False
    notes: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def tls(self) -> tuple[Path, Path, Path]:
        return make_tls(self.base / "tls")

    @property
    def lms_page_origin(self) -> str:
        """The LMS's pages as the browser reaches them: another site than the hub."""
        return self.server.url.replace("127.0.0.1", "localhost")

    def course_page(self, who: str, hint: str) -> str:
        from urllib.parse import urlencode

        query = urlencode({"user": self.people[who].sub, "hint": hint})
        return f"{self.lms_page_origin}/course_page?{query}"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    learner = [ROLE + "Learner"]
    people = {
        who: Person(f"lms-{who}", learner, f"{who.title()} Test", "", who)
        for who in ("lea", "noa", "eli")
    }
    with open_room(Site, "lti-https", "s", CONTEXT, people) as room:
        yield room


def _hub_up(site: Site) -> HubProcess:
    """Stage 1: set up from PLATFORM.json, the hub on https, the assessment released."""
    if site.hub is None:
        site.set_up({CONTEXT: COURSE}, frame_ancestors=[site.lms_page_origin])
        _authority, chain, key = site.tls
        hub = HubProcess(hub_dir=site.hub_dir, tls=(chain, key))
        hub.env["ANKLE_HUB_PUBLIC_URL"] = hub.url
        site.start(hub)
        site.release(ASSIGNMENT)
    assert site.hub is not None
    return site.hub


def _assert_third_party(headers: list[tuple[str, str]]) -> set[str]:
    names = set()
    for url, header in headers:
        if header.split(";", 1)[0].split("=", 1)[1].strip() in ("", '""'):
            continue  # a cookie being removed (expired, empty): nothing a browser keeps
        marks = attributes(header)
        assert "samesite=none" in marks, (url, header)
        assert "secure" in marks, (url, header)
        names.add(cookie_name(header))
    return names


def test_over_https_a_learner_lands_in_her_assessment_and_every_cookie_is_third_party(
    site: Site,
) -> None:
    from playwright.sync_api import sync_playwright

    hub = _hub_up(site)
    lea = site.account("lea")
    log = CookieLog()
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            context = browser.new_context(ignore_https_errors=True)
            log.listen(context)
            page = context.new_page()
            start = site.platform.login_url(
                site.people["lea"], json.dumps({"assignment": ASSIGNMENT})
            )
            page.goto(start)
            wait_for_notebook(page, f"{ASSIGNMENT}.ipynb", ASSESSMENT_HEADING)
            assert f"/user/{lea}/lab/tree/{COURSE}/{ASSIGNMENT}/" in page.url
            stored = context.cookies([hub.url])
        finally:
            browser.close()
    hub_names = _assert_third_party(log.under("/hub/"))
    assert {"jupyterhub-session-id", "jupyterhub-hub-login", "_xsrf"} <= hub_names
    assert any(name.startswith("lti13") for name in hub_names)  # the launch's state and nonce
    server_names = _assert_third_party(log.under(f"/user/{lea}/"))
    assert f"jupyterhub-user-{lea}" in server_names  # her server's log-in cookie
    assert "_xsrf" in server_names  # JupyterLab's own
    assert stored
    for cookie in stored:  # what the browser kept, as it kept it
        assert cookie["sameSite"] == "None", cookie
        assert cookie["secure"] is True, cookie


def test_inside_the_lms_frame_a_lesson_link_opens_the_lesson(site: Site) -> None:
    """A browser that allows third-party cookies: the whole launch runs in the LMS's frame."""
    from playwright.sync_api import sync_playwright

    _hub_up(site)
    with sync_playwright() as playwright:
        context = browser_profile(playwright, site.base / "allows", third_party_cookies=True)
        try:
            page = context.new_page()
            page.goto(site.course_page("noa", json.dumps({"lesson": LESSON})))
            tool = page.wait_for_selector("#tool").content_frame()  # the LMS's frame
            assert tool is not None
            wait_for_notebook(tool, f"{LESSON}.ipynb", LESSON_HEADING)
            assert f"/user/{site.account('noa')}/lab/tree/ankle-course/{LESSON}.ipynb" in tool.url
            assert page.url.startswith(site.lms_page_origin)  # still the LMS's page around it
            picture = ARTIFACTS / "lti_framed.png"
            picture.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(picture))
        finally:
            context.close()


def test_a_browser_blocking_third_party_cookies_is_offered_a_new_tab_that_works(
    site: Site,
) -> None:
    from playwright.sync_api import sync_playwright

    _hub_up(site)
    with sync_playwright() as playwright:
        context = browser_profile(playwright, site.base / "blocks", third_party_cookies=False)
        try:
            page = context.new_page()
            page.goto(site.course_page("eli", json.dumps({"lesson": LESSON})))
            offer = page.frame_locator("#tool").get_by_role(
                "link", name="Open the course in a new tab"
            )
            offer.wait_for(timeout=60_000)
            picture = ARTIFACTS / "lti_new_tab_framed.png"
            page.screenshot(path=str(picture))
            assert not system.user_exists(site.account("eli"))  # nobody logged in yet
            with context.expect_page() as opened:
                offer.click()
            tab = opened.value
            wait_for_notebook(tab, f"{LESSON}.ipynb", LESSON_HEADING)
            assert f"/user/{site.account('eli')}/lab/tree/ankle-course/" in tab.url
        finally:
            context.close()


def test_teardown_leaves_no_account(site: Site) -> None:
    _hub_up(site)
    created = stop_and_tear_down(site)
    assert created
    assert [u for u in created if system.user_exists(u)] == []

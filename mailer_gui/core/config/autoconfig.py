"""Find the mail servers of an address: Thunderbird's autoconfig format.

The domain's own files first (``autoconfig.<domain>``, then its
``.well-known`` path), then Mozilla's ISPDB, all asked at once and within one
short total timeout: when nothing answers in time, or the machine is offline,
the answer is None and the operator enters the server by hand. Never call this
on the GUI thread. The URL templates are parameters so that tests point them
at a server on 127.0.0.1.

Format: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from time import monotonic
from urllib.parse import quote

from mailer_gui.core.audience import addresses
from mailer_gui.core.config.settings import SmtpSettings

DOMAIN_URLS = (
    "https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={address}",
    "https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
)
ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1/{domain}"
TOTAL_TIMEOUT = 4.0  # seconds for the whole look-up
MAX_BYTES = 256 * 1024
_SOCKET_TYPES = {"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
# Providers whose OAuth2 the app can sign in with, by server name.
_SIGNIN_HOSTS = {
    "microsoft": ("office365.com", "outlook.com", "hotmail.com", "live.com"),
    "google": ("gmail.com", "googlemail.com", "google.com"),
}


@dataclass(frozen=True)
class Server:
    """One server of the file: ``security`` in the app's words (tls, starttls, none)."""

    kind: str  # smtp, imap
    hostname: str
    port: int
    security: str
    username: str
    authentication: tuple[str, ...]

    @property
    def signin(self) -> str:
        """``microsoft``/``google`` when the server takes OAuth2 of a provider the
        app signs in with, else ``password``."""
        if "OAuth2" in self.authentication:
            host = self.hostname.lower()
            for provider, suffixes in _SIGNIN_HOSTS.items():
                if any(host == s or host.endswith("." + s) for s in suffixes):
                    return provider
        return "password"


@dataclass(frozen=True)
class Discovery:
    """What was found for ``domain``, and where (``source``: the URL)."""

    domain: str
    source: str
    provider: str  # the file's display name, e.g. "Microsoft"
    smtp: Server
    imap: Server | None = None

    def apply(self, smtp: SmtpSettings) -> SmtpSettings:
        """``smtp`` with the server, port, security, user name and sign-in found."""
        return replace(
            smtp,
            host=self.smtp.hostname,
            port=self.smtp.port,
            security=self.smtp.security,
            user=self.smtp.username,
            signin=self.smtp.signin,
        )

    def settings_for(self, from_addr: str) -> SmtpSettings:
        """New SMTP settings for ``from_addr`` from what was found."""
        return self.apply(SmtpSettings(host="", port=0, security="", from_addr=from_addr))


def domain_of(address: str) -> str | None:
    """The (ASCII) domain of an address, or None if it has none."""
    local, sep, domain = address.strip().rpartition("@")
    if not sep or not local or not domain:
        return None
    try:
        domain = addresses.envelope(f"x@{domain}").rpartition("@")[2]
    except addresses.InvalidAddress:
        return None
    return domain.lower() if "." in domain else None


def _fill(text: str, address: str, domain: str) -> str:
    local = address.rpartition("@")[0]
    return (
        text.replace("%EMAILADDRESS%", address)
        .replace("%EMAILLOCALPART%", local)
        .replace("%EMAILDOMAIN%", domain)
    )


def _server(node: ET.Element, address: str, domain: str) -> Server | None:
    kind = node.get("type", "")
    host = _fill((node.findtext("hostname") or "").strip(), address, domain)
    security = _SOCKET_TYPES.get((node.findtext("socketType") or "").strip())
    try:
        port = int((node.findtext("port") or "").strip())
    except ValueError:
        return None
    if not host or security is None or not 1 <= port <= 65535 or any(c.isspace() for c in host):
        return None
    auth = tuple((a.text or "").strip() for a in node.findall("authentication"))
    user = _fill((node.findtext("username") or "%EMAILADDRESS%").strip(), address, domain)
    return Server(kind, host, port, security, user, auth)


def _best(servers: list[Server]) -> Server | None:
    """The first encrypted one (the file lists them in the provider's order)."""
    for s in servers:
        if s.security != "none":
            return s
    return servers[0] if servers else None


def parse(xml: bytes, address: str, source: str = "") -> Discovery | None:
    """The servers an autoconfig file names for ``address``; None if it names
    no usable SMTP server or is not such a file."""
    domain = domain_of(address)
    if domain is None:
        return None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    provider = root.find("emailProvider")
    if root.tag != "clientConfig" or provider is None:
        return None
    outgoing = [_server(n, address, domain) for n in provider.findall("outgoingServer")]
    incoming = [_server(n, address, domain) for n in provider.findall("incomingServer")]
    smtp = _best([s for s in outgoing if s is not None and s.kind == "smtp"])
    if smtp is None:
        return None
    imap = _best([s for s in incoming if s is not None and s.kind == "imap"])
    name = (provider.findtext("displayName") or provider.get("id") or domain).strip()
    return Discovery(domain, source, name, smtp, imap)


def _fetch(url: str, timeout: float) -> bytes | None:
    req = urllib.request.Request(url, headers={"User-Agent": "mailer-gui autoconfig"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - https/127.0.0.1
            if resp.status != 200:
                return None
            data: bytes = resp.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return data if len(data) <= MAX_BYTES else None


def discover(
    address: str,
    *,
    domain_urls: tuple[str, ...] | None = None,
    ispdb_url: str | None = "",
    timeout: float = TOTAL_TIMEOUT,
) -> Discovery | None:
    """The settings found for ``address`` within ``timeout`` seconds in all,
    the domain's own files before the ISPDB; None when none was found in time
    (offline, unknown domain, a malformed file). ``domain_urls`` and
    ``ispdb_url`` default to :data:`DOMAIN_URLS` and :data:`ISPDB_URL`
    (``ispdb_url=None``: no ISPDB)."""
    domain_urls = DOMAIN_URLS if domain_urls is None else domain_urls
    ispdb_url = ISPDB_URL if ispdb_url == "" else ispdb_url
    domain = domain_of(address)
    if domain is None:
        return None
    urls = [u.format(domain=domain, address=quote(address.strip(), safe="@")) for u in domain_urls]
    if ispdb_url:
        urls.append(ispdb_url.format(domain=domain, address=quote(address.strip(), safe="@")))
    found: list[Discovery | None] = [None] * len(urls)
    answered = [False] * len(urls)
    done = threading.Condition()
    deadline = monotonic() + timeout

    def ask(i: int, url: str) -> None:
        data = _fetch(url, max(0.1, deadline - monotonic()))
        result = parse(data, address, url) if data is not None else None
        with done:
            found[i], answered[i] = result, True
            done.notify_all()

    for i, url in enumerate(urls):
        threading.Thread(target=ask, args=(i, url), daemon=True, name="autoconfig").start()
    with done:
        while True:
            # The first source in order that found something, once all before it answered.
            for result, came in zip(found, answered, strict=True):
                if not came:
                    break
                if result is not None:
                    return result
            else:
                return None
            left = deadline - monotonic()
            if left <= 0:
                return next((r for r in found if r is not None), None)
            done.wait(left)

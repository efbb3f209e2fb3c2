"""A local deployment: three services and the web portal on loopback ports with SQLite
files in one folder.

Everything lives under the var folder (``./var`` by default): the three databases,
the signing keys, and the service clients' secrets (created once, owner-only).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from services.clients import ApiConnection
from services.shared.settings import AUDIENCES

SERVICE_PORTS = {"catalog": 8001, "exchange": 8002, "audit": 8003}
PORTAL_PORT = 8000


@dataclass
class LocalDeployment:
    """Where a local deployment keeps its files and which ports it uses."""

    var_dir: Path
    host: str = "127.0.0.1"
    ports: dict[str, int] = field(default_factory=lambda: dict(SERVICE_PORTS))

    def url(self, service: str) -> str:
        """Base URL of ``service``."""
        return f"http://{self.host}:{self.ports[service]}"

    def database_url(self, service: str) -> str:
        """SQLite URL of ``service``'s database file."""
        return f"sqlite:///{(self.var_dir / f'{service}.db').resolve()}"

    def service_secrets(self) -> dict[str, str]:
        """Each service's client secret, created on first use (owner-readable only)."""
        path = self.var_dir / "service-secrets.json"
        stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        missing = [name for name in SERVICE_PORTS if name not in stored]
        if missing:
            self.var_dir.mkdir(parents=True, exist_ok=True)
            stored.update({name: secrets.token_urlsafe(32) for name in missing})
            _write_owner_only(path, json.dumps(stored))
        return stored

    @property
    def portal_url(self) -> str:
        """Base URL of the web portal."""
        return f"http://{self.host}:{PORTAL_PORT}"

    def portal_secret(self) -> str:
        """The portal's cookie-signing secret, created on first use (owner-readable only).
        Kept apart from the service clients' secrets: the portal is not a service client."""
        path = self.var_dir / "portal-secret"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            _write_owner_only(path, secrets.token_urlsafe(32))
        return path.read_text().strip()

    def environment(self) -> dict[str, str]:
        """Environment variables configuring all three services for this deployment."""
        env: dict[str, str] = {}
        issuer = self.url("exchange")
        secrets_by_service = self.service_secrets()
        for service, port in self.ports.items():
            prefix = f"DATAEX_{service.upper()}_"
            env[prefix + "HOST"] = self.host
            env[prefix + "PORT"] = str(port)
            env[prefix + "DATABASE_URL"] = self.database_url(service)
            env[prefix + "VAR_DIR"] = str(self.var_dir.resolve())
            env[prefix + "ISSUER"] = issuer
            env[prefix + "JWKS_URL"] = f"{issuer}/.well-known/jwks.json"
            for other in self.ports:
                env[prefix + f"{other.upper()}_URL"] = self.url(other)
            if service in secrets_by_service:
                env[prefix + "CLIENT_SECRET"] = secrets_by_service[service]
        env["DATAEX_EXCHANGE_SERVICE_CLIENTS"] = ",".join(
            f"{name}:{secret}" for name, secret in secrets_by_service.items()
        )
        env["DATAEX_PORTAL_HOST"] = self.host
        env["DATAEX_PORTAL_PORT"] = str(PORTAL_PORT)
        env["DATAEX_PORTAL_SECRET_KEY"] = self.portal_secret()
        for service in self.ports:
            env[f"DATAEX_PORTAL_{service.upper()}_URL"] = self.url(service)
        return env


def _write_owner_only(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``, readable by its owner only."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def wait_ready(urls: dict[str, str], timeout: float = 60.0) -> dict[str, str]:
    """Poll each service's ``/readyz`` until all answer 200; returns what is not ready."""
    deadline = time.monotonic() + timeout
    # Readiness is asked anonymously; the portal is no token audience.
    pending = {name: ApiConnection(url, service=name, audience=AUDIENCES.get(name, name),
                                   timeout=2.0)
               for name, url in urls.items()}
    try:
        while pending and time.monotonic() < deadline:
            for name, connection in list(pending.items()):
                if connection.ready():
                    pending.pop(name).close()
            if pending:
                time.sleep(0.2)
    finally:
        for connection in pending.values():
            connection.close()
    return {name: urls[name] for name in pending}


class Supervisor:
    """Runs child processes and stops them all together."""

    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        """Start ``argv`` as child ``name``."""
        self.children[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and args
            argv, env={**os.environ, **env}
        )

    def start_service(self, service: str, env: dict[str, str]) -> None:
        """Start ``dataex serve SERVICE`` as a child."""
        self.start(service, [sys.executable, "-m", "services.cli.main", "serve", service], env)

    def exited(self) -> dict[str, int]:
        """Children that have stopped, with their exit codes."""
        return {n: p.returncode for n, p in self.children.items() if p.poll() is not None}

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every child to stop (SIGTERM), then kill what is left after ``timeout``."""
        for proc in self.children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.children.values():
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

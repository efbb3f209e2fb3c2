"""The three services (and, when asked, the web portal) as real processes (uvicorn on free
loopback ports)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from services.clients import ApiConnection
from services.shared.migrations import SERVICES
from services.shared.settings import AUDIENCES

OPERATOR = ("operator", "operator-e2e-password")
SERVICE_SECRETS = {
    "catalog": "catalog-e2e-secret",
    "exchange": "exchange-e2e-secret",
    "audit": "audit-e2e-secret",
}
PORTAL_SECRET = "portal-e2e-secret-0123456789"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class ServiceProcesses:
    """Runs catalog, exchange and audit as child processes of the test."""

    var_dir: Path
    database_urls: dict[str, str]
    ports: dict[str, int] = field(default_factory=lambda: {s: free_port() for s in SERVICES})
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATAEX_")}
        issuer = self.url("exchange")
        for service in SERVICES:
            prefix = f"DATAEX_{service.upper()}_"
            env[prefix + "PORT"] = str(self.ports[service])
            env[prefix + "DATABASE_URL"] = self.database_urls[service]
            env[prefix + "VAR_DIR"] = str(self.var_dir)
            env[prefix + "ISSUER"] = issuer
            env[prefix + "JWKS_URL"] = f"{issuer}/.well-known/jwks.json"
            env[prefix + "ENVIRONMENT"] = "test"
            for other in SERVICES:
                env[prefix + other.upper() + "_URL"] = self.url(other)
            if service in SERVICE_SECRETS:
                env[prefix + "CLIENT_SECRET"] = SERVICE_SECRETS[service]
        env["DATAEX_EXCHANGE_SERVICE_CLIENTS"] = ",".join(
            f"{k}:{v}" for k, v in SERVICE_SECRETS.items()
        )
        env["DATAEX_PORTAL_ENVIRONMENT"] = "test"
        env["DATAEX_PORTAL_SECRET_KEY"] = PORTAL_SECRET
        for service in SERVICES:
            env[f"DATAEX_PORTAL_{service.upper()}_URL"] = self.url(service)
        env["DATAEX_BOOTSTRAP_OPERATOR"] = ":".join(OPERATOR)
        env["DATAEX_EXCHANGE_MFA_REQUIRED_ROLES"] = ""  # tested on its own
        env["DATAEX_EXCHANGE_ARGON2_TIME_COST"] = "1"
        env["DATAEX_EXCHANGE_ARGON2_MEMORY_KIB"] = "8"
        env["DATAEX_EXCHANGE_ARGON2_PARALLELISM"] = "1"
        return env

    def start(self, service: str, *, name: str | None = None, port: int | None = None,
              command: str = "serve", extra_env: dict[str, str] | None = None) -> None:
        """Start ``dataex serve SERVICE`` (or ``dataex relay``) as child ``name``."""
        name = name or service
        env = {**self.environment(), **(extra_env or {})}
        if port is not None:
            self.ports[name] = port
            env[f"DATAEX_{service.upper()}_PORT"] = str(port)
        log = open(self.var_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        argv = [sys.executable, "-m", "services.cli.main", command]
        if command == "serve":
            argv.append(service)
        self.procs[name] = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)

    def start_all(self) -> None:
        for service in ("exchange", "catalog", "audit"):
            self.start(service)
        self.wait_ready(*SERVICES)

    def start_portal(self) -> None:
        """Start ``dataex serve portal`` on a free port and wait until it answers."""
        self.start("portal", port=free_port())
        self.wait_ready("portal")

    def wait_ready(self, *names: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        for service in names:
            while True:
                proc = self.procs[service]
                if proc.poll() is not None:
                    raise RuntimeError(f"{service} exited: {self.log(service)}")
                with ApiConnection(self.url(service), service=service,
                                   audience=AUDIENCES.get(service, service),
                                   timeout=1) as connection:
                    if connection.ready():
                        break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{service} not ready: {self.log(service)}")
                time.sleep(0.1)

    def log(self, service: str) -> str:
        path = self.var_dir / f"{service}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self, service: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(service, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop_all(self) -> None:
        for service in list(self.procs):
            self.stop(service)



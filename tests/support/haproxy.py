"""HAProxy with deploy/haproxy.cfg in front of two app replicas, for tests and benchmarks."""

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

from tests.support.browser import ROOT, free_port, stop_process, wait_until_healthy

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
REPLICAS = ("replica1", "replica2")  # the server names and cookie values in deploy/haproxy.cfg


def haproxy_program() -> str:
    program = shutil.which("haproxy") or "/usr/sbin/haproxy"  # /usr/sbin is not on every PATH
    if not Path(program).exists():
        raise RuntimeError("haproxy is not installed: apt-get install -y haproxy (Debian's package, as in CI)")
    return program


@contextlib.contextmanager
def haproxy_balancer(log_path, replica_ports, start_timeout=30):
    """Yield the balancer's base URL, HAProxy running in front of the replicas; stop it afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "DIGITS_FRONTEND_ADDRESS": "127.0.0.1",
        "DIGITS_FRONTEND_PORT": str(port),
        "DIGITS_REPLICA_1_PORT": str(replica_ports[0]),
        "DIGITS_REPLICA_2_PORT": str(replica_ports[1]),
    }
    with open(log_path, "w") as log:
        balancer = subprocess.Popen(
            [haproxy_program(), "-f", str(HAPROXY_CONFIG), "-db"], stdout=log, stderr=subprocess.STDOUT, env=environment
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_healthy(url, balancer, start_timeout)  # /_stcore/health answered through it
            yield url
        finally:
            stop_process(balancer)

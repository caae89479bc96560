"""Drive a URL with wrk (Debian's, installed on first use) and read its throughput and latency."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

THREADS = 1  # two cores: one for wrk, the rest for the two gunicorn workers
CONNECTIONS = 8
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float


def ensure_wrk() -> str:
    """The path of wrk; install Debian's package first when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("benchmarks: the HTTP figures need wrk: sudo apt-get install wrk")
    print("benchmarks: wrk is missing; installing Debian's package (apt-get install wrk)", file=sys.stderr)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=environment, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("benchmarks: apt-get install wrk did not provide a wrk command")
    return found


def _script(body: str, headers: dict[str, str]) -> str:
    lines = ['wrk.method = "POST"', f"wrk.body = [==[{body}]==]"]
    lines += [f'wrk.headers["{name}"] = [==[{value}]==]' for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def parse_output(output: str) -> Load:
    """Requests per second and p50/p99 latency from wrk --latency; errors if any request failed."""
    problems = re.findall(r"^\s*(Non-2xx or 3xx responses: \d+|Socket errors: .*)$", output, re.MULTILINE)
    if problems:
        raise RuntimeError(f"wrk saw failed requests ({'; '.join(problems)}):\n{output}")
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    latencies = {percent: float(value) * _UNITS[unit] for percent, value, unit in _LATENCY.findall(output)}
    if rate is None or set(latencies) != {"50", "99"}:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    return Load(float(rate.group(1)), latencies["50"], latencies["99"])


def post_load(url: str, body: str, headers: dict[str, str], seconds: float) -> Load:
    """POST `body` to `url` for `seconds` with wrk's keep-alive connections."""
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        script = Path(folder) / "post.lua"
        script.write_text(_script(body, headers), encoding="utf-8")
        command = [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency", "-s", str(script), url]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}")
    return parse_output(done.stdout)

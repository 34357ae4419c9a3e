"""Small helpers shared by the loopback (tests/integration) and Docker (tests/docker) tests."""
import socket
import time


def free_port() -> int:
    """A loopback TCP port nothing listens on (the OS's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Polls predicate until it returns something true, and returns that; fails the test
    after timeout seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")

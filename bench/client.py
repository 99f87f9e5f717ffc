"""A small HTTP/1.1 keep-alive client that logs in like a browser.

Why not wrk: the pages need a logged-in session, visit logging needs a CSRF token and a fresh
form body per request, and every response's X-Query-Count header must be read. A Python client
does all of it in a few lines; its own cost (~1 ms a request) is the same for a page and its floor,
so the ratios are unaffected. Its absolute rps is a lower bound of what gunicorn can serve.
"""

import http.client
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    def __init__(self, host, port, timeout=30):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies = {}
        self.conn = None

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, data=None, cookies=True):
        """One request; returns (status, headers, body, seconds). Never follows redirects."""
        headers = {"Host": f"{self.host}:{self.port}", "Connection": "keep-alive"}
        if cookies and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        started = time.perf_counter()
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.close()  # a broken keep-alive connection is not reused
            raise
        seconds = time.perf_counter() - started
        if cookies:
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        return response.status, response.headers, payload, seconds

    def log_in(self, username, password):
        status, _, body, _ = self.request("GET", "/login/")
        token = CSRF_INPUT.search(body.decode())
        assert status == 200 and token, f"login page: {status}"
        status, headers, _, _ = self.request("POST", "/login/", {
            "csrfmiddlewaretoken": token[1], "username": username, "password": password})
        assert status == 302, f"login as {username} failed: {status}"
        if headers.get("Location", "").endswith("/login/code/"):  # an admin: the authenticator's code
            status, headers, _, _ = self.request("POST", "/login/code/", {
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", token[1]), "token": _next_code()})
            assert status == 302, f"the code step of {username} failed: {status}"
        return self


_last_step = [0]


def _next_code():
    """The code of bench_admin's authenticator (bench.seed.TOTP_KEY) for a step not used yet in
    this process: django-otp accepts each step once, the seeded tolerance many steps ahead."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    from bench.seed import TOTP_KEY

    step = max(int(time.time() // 30), _last_step[0] + 1)
    _last_step[0] = step
    totp = TOTP(unhexlify(TOTP_KEY), 30, 0, 6)
    totp.time = step * 30 + 1
    return f"{totp.token():06d}"

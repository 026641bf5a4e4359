"""HTTPS verified with the face's CA (ssl_cert=), and 429 with the rate limit on."""
import time

from oracle import CONFIG, check, connect, done, error, ok, one
from pypureclient.configuration import Configuration
from pypureclient.responses import ErrorResponse

# The face's certificate verifies against its CA (and 127.0.0.1 is in its subjectAltName). Client's
# ssl_cert= is passed too, but this client version stores it where its transport never reads it
# (ssl_cert vs ssl_ca_cert), so the CA goes in through Configuration(ssl_ca_cert=) as well.
v = connect("a", verify_ssl=True, ssl_cert=CONFIG["ca_file"], configuration=Configuration(ssl_ca_cert=CONFIG["ca_file"]))
check(one(v.get_arrays(), "verified get_arrays").name == CONFIG["a"]["name"], "verified call")
try:
    connect("a", verify_ssl=True)
    check(False, "a client without the CA must not trust the face")
except Exception as e:  # urllib3 gives up on the certificate: the face is not trusted without its CA
    check("CERTIFICATE_VERIFY_FAILED" in repr(e) or "certificate" in repr(e).lower(), f"unverified: {e!r}")

# Over the limit: 429 with the FlashArray rate-limit headers. urllib3 itself honours Retry-After
# and retries, so both it (Configuration.retries) and the client (retries=0) are told not to, to
# see the 429 the face answers.
bare = Configuration()
bare.retries = 0
lim = connect("limited", retries=0, configuration=bare)
hit = None
statuses = []
for _ in range(20):
    r = lim.get_arrays()
    statuses.append(r.status_code)
    if isinstance(r, ErrorResponse):
        hit = r
        break
check(hit is not None, f"the rate limit was reached: {statuses}")
error(hit, 429, None, "API rate limit exceeded", "rate limited")
h = hit.headers
check(str(h.x_ratelimit_remaining_second) == "0" and str(h.x_ratelimit_limit_second) == str(CONFIG["limited"]["per_second"]), f"headers {vars(h)}")
check(str(h.x_ratelimit_limit_minute) == "1000" and h.x_ratelimit_remaining_minute is not None, f"minute headers {vars(h)}")
# With retries (urllib3's on Retry-After, then the client's) it waits and gets through.
time.sleep(1.1)
patient = connect("limited", retries=3)
for _ in range(CONFIG["limited"]["per_second"] + 1):
    ok(patient.get_arrays(), "retried past the limit")
done()

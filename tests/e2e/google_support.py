"""Throw-away Google service accounts for the Gemini / Vertex AI end-to-end tests.

`make_service_account(directory, token_uri)` generates a fresh 2048-bit RSA key with `cryptography` (installed
by pyjwt[crypto]) and writes a service-account JSON file shaped like the ones Google issues. The key exists
only for the test run: nothing here is, or may be, committed. The mock upstream is pointed at the same file
(`portcullis mock-upstream --google-service-account FILE`) and verifies assertions with its public key.

Run as a script to print a key file to stdout: `python3 tests/e2e/google_support.py [TOKEN_URI]`.
"""
import json
import os
import secrets
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

TEST_PROJECT = "portcullis-test"
TEST_CLIENT_EMAIL = f"gateway@{TEST_PROJECT}.iam.gserviceaccount.com"


def service_account_json(token_uri: str = "https://oauth2.googleapis.com/token",
                         client_email: str = TEST_CLIENT_EMAIL) -> str:
    """A service-account key file (JSON text) with a freshly generated PKCS#8 RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return json.dumps({
        "type": "service_account",
        "project_id": TEST_PROJECT,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": client_email,
        "client_id": str(secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    }, indent=2)


def make_service_account(directory, token_uri: str = "https://oauth2.googleapis.com/token",
                         name: str = "service-account.json") -> str:
    """Writes a fresh key file into `directory` (mode 0600) and returns its path."""
    path = os.path.join(str(directory), name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(service_account_json(token_uri))
    return path


if __name__ == "__main__":
    print(service_account_json(*sys.argv[1:2]))

"""End-to-end fixtures: one LocalStack for the whole session (started on a free 127.0.0.1 port, stopped at the end),
and boto3 clients for it. Each test module deploys the configuration it needs once, with the real Pulumi CLI
(tests/e2e/helpers.py: deploy_tutorial), and destroys it at its end.

LocalStack runs from `.venv-localstack` (override with $LOCALSTACK_VENV); `bash scripts/setup` creates it. A missing
venv is an error, not a skip: these tests are the project's proof that an upload starts an execution.
"""
from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from proof.emulator import LocalStack

from .helpers import REGION


@pytest.fixture(scope="session")
def localstack():
    ls = LocalStack()
    ls.start()
    try:
        yield ls
    finally:
        ls.stop()


@pytest.fixture(scope="module")
def credentials():
    """Test credentials in the environment, for the operations command, which uses boto3's ordinary credential chain
    (LocalStack takes any key). A module asks for them with `pytestmark = pytest.mark.usefixtures("credentials")`."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "test")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "test")
        yield


@pytest.fixture(scope="session")
def endpoint(localstack) -> str:
    return localstack.endpoint


@pytest.fixture(scope="session")
def aws(endpoint):
    """`aws("s3")` / `aws("events", "eu-west-1")`: a boto3 client for the emulator."""
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")
    cache = {}

    def client(service: str, region: str = REGION):
        if (service, region) not in cache:
            cache[service, region] = session.client(
                service, region_name=region, endpoint_url=endpoint,
                config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))
        return cache[service, region]

    return client

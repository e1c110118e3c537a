"""Whether Slack has accepted the bot token: auth.test, retried in the background until it answers."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
# Answers that no retry will change: the token itself is wrong (retried anyway, slowly: it may be rotated).
TOKEN_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


class SlackCheck:
    """The server starts without Slack; /healthz reports what this check last found.

    state: "verifying" (first try under way), "verified", "unreachable" (network, 5xx, rate limit)
    or "rejected" (the token was refused)."""

    def __init__(self, client: WebClient, first_wait: float = 1.0, max_wait: float = 60.0) -> None:
        # Our own client without retry handlers: this loop is the retrying, and each try stays short.
        self.client = WebClient(token=client.token, base_url=client.base_url, timeout=10, retry_handlers=[])
        self.first_wait, self.max_wait = first_wait, max_wait
        self.state, self.detail = "verifying", ""

    def start(self) -> SlackCheck:
        threading.Thread(target=self._run, name="slack-check", daemon=True).start()
        return self

    def _run(self) -> None:
        wait, tries = self.first_wait, 1
        while not self.check():
            if self.state == "rejected":
                wait = self.max_wait
            log.warning("Slack is not verified yet (%s): serving anyway, trying auth.test again in %.0f s",
                        self.detail, wait)
            time.sleep(wait)
            wait, tries = min(wait * 2, self.max_wait), tries + 1
        if tries > 1:  # as loud as the failures were
            log.warning("Slack verified after %d tries: %s", tries, self.detail)

    def check(self) -> bool:
        """One auth.test; True when Slack accepted the token."""
        try:
            result = self.client.auth_test()
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            self.state = "rejected" if error in TOKEN_ERRORS else "unreachable"
            self.detail = f"auth.test answered {error}"
            return False
        except Exception as exc:  # noqa: BLE001 - DNS, refused, timed out, TLS: all mean "not reachable now"
            self.state, self.detail = "unreachable", f"auth.test failed: {exc}"
            return False
        self.state, self.detail = "verified", f"team {result.get('team_id')}, bot user {result.get('user_id')}"
        return True

    def health(self) -> dict[str, str]:
        """/healthz's answer. Always "ok": the process serves, and a load balancer that restarted it
        for Slack's outage would only add a crash loop to it."""
        return {"status": "ok", "slack": self.state, "detail": self.detail}

-- Tokens an operator can manage: an optional expiry, the last time a token was used, and
-- revocation. A revoked token keeps its row, so its name stays the actor of its past changes
-- and is never given to another token. docs/access.md is the operator's manual.
ALTER TABLE api_tokens
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN last_used_at timestamptz,
    ADD COLUMN revoked_at   timestamptz;

-- A counter that moves whenever a token may have stopped working: revoked, expired early,
-- its role or hash changed, deleted, truncated (R__tokens.sql keeps it, whoever writes). Each
-- instance of the service trusts its cached tokens only while the counter it read within the
-- last 250 ms is the one they were loaded under, so a change made on one instance, or in psql,
-- reaches every other within that window without a query per request. One row, always.
CREATE TABLE api_token_revocations (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    counter   bigint  NOT NULL
);
INSERT INTO api_token_revocations (singleton, counter) VALUES (true, 0);

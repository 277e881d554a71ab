-- Functions and triggers of api_tokens. Repeatable: Flyway runs this file again whenever it
-- changes, after every versioned migration, so each statement replaces in place.

-- Moves the revocation counter of V7__token_lifecycle.sql. A trigger, not the service, so a
-- token revoked or deleted in psql stops working as fast as one revoked through the API.
CREATE OR REPLACE FUNCTION custodian_count_token_revocation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE api_token_revocations SET counter = counter + 1;
    RETURN NULL;
END $$;

-- Only columns that decide whether a token works: recording its last use every minute must
-- not empty every instance's cache.
CREATE OR REPLACE TRIGGER api_tokens_10_revocation_update
    AFTER UPDATE ON api_tokens
    FOR EACH ROW
    WHEN ((OLD.name, OLD.role, OLD.token_sha256, OLD.expires_at, OLD.revoked_at)
          IS DISTINCT FROM (NEW.name, NEW.role, NEW.token_sha256, NEW.expires_at, NEW.revoked_at))
    EXECUTE FUNCTION custodian_count_token_revocation();

CREATE OR REPLACE TRIGGER api_tokens_10_revocation_delete
    AFTER DELETE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION custodian_count_token_revocation();

CREATE OR REPLACE TRIGGER api_tokens_10_revocation_truncate
    AFTER TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION custodian_count_token_revocation();

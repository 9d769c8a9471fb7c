-- The ledger schema of version 1 (cc_cli/ledger/sqlite.py at 7f72994), kept to test upgrading old ledgers.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    roster_path TEXT NOT NULL,
    roster_sha256 TEXT NOT NULL,
    issuer_did TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    rows_total INTEGER NOT NULL DEFAULT 0,
    issued INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    replaced INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS awards (
    id TEXT PRIMARY KEY,                 -- urn:uuid:...
    row_key TEXT NOT NULL UNIQUE,        -- one award per roster row identity
    credential_id TEXT NOT NULL,
    email TEXT NOT NULL,                 -- as written in the roster
    email_lower TEXT NOT NULL,
    name TEXT NOT NULL,
    salt TEXT NOT NULL,
    policy TEXT NOT NULL,                -- deny | allow | replace, from the catalog at issue time
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    roster_line INTEGER NOT NULL,
    external_id TEXT,
    issued_at TEXT NOT NULL,             -- validFrom
    awarded_at TEXT NOT NULL,            -- awardedDate, kept from the award a renewal replaces
    valid_until TEXT,
    evidence_url TEXT,
    evidence_narrative TEXT,
    status_index INTEGER NOT NULL UNIQUE,
    signed_at TEXT NOT NULL,             -- proof `created`
    state TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'revoked')),
    revoked_at TEXT,
    revoked_reason TEXT,
    replaces TEXT REFERENCES awards(id),
    file TEXT NOT NULL,                  -- relative to the output folder
    file_sha256 TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_live_award
    ON awards (credential_id, email_lower) WHERE state != 'revoked' AND policy != 'allow';
CREATE INDEX IF NOT EXISTS awards_by_recipient ON awards (email_lower, credential_id);
CREATE INDEX IF NOT EXISTS awards_unwritten ON awards (file_sha256) WHERE file_sha256 IS NULL;
INSERT INTO meta VALUES ('schema_version', '1');

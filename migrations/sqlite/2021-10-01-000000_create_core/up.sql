-- Core tables of antoan on SQLite. Timestamps are UTC; dates are local
-- dates of Asia/Ho_Chi_Minh. Every identifier that leaves the system is a
-- random public_id or code; the BIGINT ids stay inside.

CREATE TABLE districts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE wards (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    district_code TEXT NOT NULL REFERENCES districts (code),
    former_district TEXT
);
CREATE INDEX wards_district_code_idx ON wards (district_code);

CREATE TABLE vaccines (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    primary_doses INTEGER NOT NULL CHECK (primary_doses BETWEEN 1 AND 5),
    eu_product_code TEXT
);

CREATE TABLE status_policies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL UNIQUE,
    effective_from DATE NOT NULL,
    description TEXT NOT NULL,
    rules TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX status_policies_effective_from_idx ON status_policies (effective_from);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE,
    tax_code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    ward_code TEXT NOT NULL REFERENCES wards (code),
    sector TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organizations_ward_code_idx ON organizations (ward_code);

CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    qid TEXT NOT NULL UNIQUE,
    document_kind TEXT NOT NULL,
    document_number TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    folded_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    gender INTEGER NOT NULL,
    phone TEXT,
    health_insurance_number TEXT,
    ward_code TEXT NOT NULL REFERENCES wards (code),
    address TEXT,
    declared_by_person_id BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX people_ward_code_idx ON people (ward_code);
CREATE INDEX people_declared_by_person_id_idx ON people (declared_by_person_id);

CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    description TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX checkpoints_organization_id_idx ON checkpoints (organization_id);

-- A checkpoint's location codes: the current one has no revoked_at; revoked
-- codes stay so that an old poster answers "revoked" instead of "unknown".
CREATE TABLE location_codes (
    code TEXT PRIMARY KEY,
    checkpoint_id BIGINT NOT NULL REFERENCES checkpoints (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX location_codes_checkpoint_id_idx ON location_codes (checkpoint_id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    ward_code TEXT REFERENCES wards (code),
    organization_id BIGINT REFERENCES organizations (id),
    checkpoint_id BIGINT REFERENCES checkpoints (id),
    person_id BIGINT REFERENCES people (id),
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX accounts_organization_id_idx ON accounts (organization_id);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    family TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);

CREATE TABLE vaccinations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    vaccine_code TEXT NOT NULL REFERENCES vaccines (code),
    dose_number INTEGER NOT NULL,
    administered_on DATE NOT NULL,
    place TEXT,
    lot TEXT,
    source TEXT NOT NULL,
    source_record_id TEXT,
    recorded_by_account_id BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (person_id, dose_number),
    UNIQUE (source, source_record_id)
);

CREATE TABLE recoveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    positive_on DATE NOT NULL,
    recovered_on DATE NOT NULL,
    certificate_number TEXT,
    recorded_by_account_id BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX recoveries_person_id_idx ON recoveries (person_id);

CREATE TABLE test_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    sampled_at TIMESTAMP NOT NULL,
    positive BOOLEAN NOT NULL,
    facility TEXT,
    recorded_by_account_id BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX test_results_person_id_idx ON test_results (person_id, sampled_at);

CREATE TABLE health_declarations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people (id),
    declared_at TIMESTAMP NOT NULL,
    symptoms TEXT NOT NULL,
    contact_with_case BOOLEAN NOT NULL,
    recent_travel BOOLEAN NOT NULL,
    note TEXT,
    declared_by_account_id BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX health_declarations_person_id_idx ON health_declarations (person_id, declared_at);

-- Scan events, the big table. Indexed for "visits of this checkpoint in this
-- window", "of this organization", "of this person", and deletion by age.
CREATE TABLE visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    checkpoint_id BIGINT NOT NULL REFERENCES checkpoints (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    person_id BIGINT REFERENCES people (id),
    subject_document TEXT,
    subject_name TEXT NOT NULL,
    colour TEXT NOT NULL,
    reason TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    method TEXT NOT NULL,
    signature TEXT NOT NULL,
    scanned_by_account_id BIGINT REFERENCES accounts (id),
    idempotency_key TEXT,
    entered_at TIMESTAMP NOT NULL,
    exited_at TIMESTAMP,
    UNIQUE (checkpoint_id, idempotency_key)
);
CREATE INDEX visits_checkpoint_entered_idx ON visits (checkpoint_id, entered_at, id);
CREATE INDEX visits_organization_entered_idx ON visits (organization_id, entered_at, id);
CREATE INDEX visits_person_entered_idx ON visits (person_id, entered_at);
CREATE INDEX visits_entered_at_idx ON visits (entered_at);

-- Tanager schema, PostgreSQL dialect. Every workspace-scoped table is keyed by (workspace_id, …) so that it can be
-- distributed by workspace_id under Citus (see docs/scaling.md); users and sessions are global (reference tables).
-- Foreign keys come in 0002, after Citus (when present) has distributed the tables.
CREATE TABLE users (
    id            uuid        NOT NULL PRIMARY KEY,
    email         text        NOT NULL,
    email_key     text        NOT NULL UNIQUE,
    display_name  text        NOT NULL,
    password_hash text        NOT NULL,
    metadata      jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE sessions (
    token_hash bytea       NOT NULL PRIMARY KEY,
    user_id    uuid        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE workspaces (
    id         uuid        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    owner_id   uuid        NOT NULL,
    metadata   jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE workspace_members (
    workspace_id uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
    joined_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_by_user ON workspace_members (user_id);

CREATE TABLE channels (
    workspace_id  uuid        NOT NULL,
    id            uuid        NOT NULL,
    name          text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('public', 'private')),
    topic         text,
    last_sequence bigint      NOT NULL DEFAULT 0,
    metadata      jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, name)
);

CREATE TABLE channel_members (
    workspace_id uuid        NOT NULL,
    channel_id   uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    joined_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, channel_id, user_id)
);
CREATE INDEX channel_members_by_user ON channel_members (workspace_id, user_id);

CREATE TABLE messages (
    workspace_id    uuid        NOT NULL,
    id              uuid        NOT NULL,
    channel_id      uuid        NOT NULL,
    author_id       uuid        NOT NULL,
    content         text        NOT NULL,
    sequence        bigint      NOT NULL,
    change_sequence bigint      NOT NULL,
    thread_id       uuid,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    edited_at       timestamptz,
    deleted_at      timestamptz,
    search          tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, channel_id, sequence)
);
CREATE INDEX messages_changes ON messages (workspace_id, channel_id, change_sequence);
CREATE INDEX messages_search ON messages USING gin (search) WHERE deleted_at IS NULL;

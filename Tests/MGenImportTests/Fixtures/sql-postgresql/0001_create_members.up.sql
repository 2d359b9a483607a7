CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE members (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    handle varchar(40) NOT NULL,
    karma integer NOT NULL DEFAULT 0,
    joined_on date NOT NULL DEFAULT CURRENT_DATE,
    CONSTRAINT members_handle_key UNIQUE (handle)
);
COMMENT ON TABLE members IS 'Forum members.';

CREATE TABLE threads (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id uuid NOT NULL,
    title text NOT NULL,
    tags text[] NOT NULL DEFAULT '{}',
    body jsonb,
    CONSTRAINT threads_author_id_fkey FOREIGN KEY (author_id) REFERENCES members (id) ON DELETE CASCADE
);
CREATE INDEX threads_author_id_idx ON threads (author_id);
CREATE INDEX threads_open_idx ON threads (id) WHERE body IS NOT NULL;
INSERT INTO members (handle) VALUES ('moderator') ON CONFLICT DO NOTHING;

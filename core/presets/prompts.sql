-- Named prompts and their versions, beside the runs in the run store (added tables; older store files gain them).
CREATE TABLE IF NOT EXISTS prompts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, task TEXT NOT NULL DEFAULT 'custom',
    created REAL, updated REAL);
CREATE TABLE IF NOT EXISTS prompt_versions (
    prompt_id INTEGER NOT NULL, version INTEGER NOT NULL, system TEXT NOT NULL DEFAULT '',
    template TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', created REAL,
    PRIMARY KEY (prompt_id, version));

-- The run store's tables. Never holds an API key. A run belongs to one owner: only they list, reopen or delete it.
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY, text TEXT NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER, created REAL);
CREATE TABLE IF NOT EXISTS inputs (hash TEXT PRIMARY KEY, name TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL, finished REAL, file_name TEXT, input_hash TEXT,
    task TEXT, template TEXT, system TEXT, model TEXT, engine TEXT, params TEXT, output_column TEXT,
    text_column TEXT, rows INTEGER, cost REAL, owner TEXT NOT NULL DEFAULT 'local');
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER NOT NULL, row INTEGER NOT NULL, output TEXT DEFAULT '', status TEXT DEFAULT '',
    error TEXT DEFAULT '', prompt_tokens INTEGER DEFAULT 0, completion_tokens INTEGER DEFAULT 0,
    latency REAL DEFAULT 0, key TEXT DEFAULT '', edited TEXT, PRIMARY KEY (run_id, row));

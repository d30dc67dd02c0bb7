-- Batch runs: which run went to a provider's Batch API, in which parts, and where each part stands.
-- A part is planned (its rows saved) before its file is uploaded and its batch created, so a restart finds it.
CREATE TABLE IF NOT EXISTS batch_runs (
    run_id INTEGER PRIMARY KEY, signature TEXT NOT NULL, token TEXT NOT NULL, created REAL, done REAL);
CREATE INDEX IF NOT EXISTS batch_runs_by_signature ON batch_runs (signature, run_id);
CREATE TABLE IF NOT EXISTS batch_parts (
    run_id INTEGER NOT NULL, part INTEGER NOT NULL, rows TEXT NOT NULL, requests INTEGER NOT NULL,
    input_file TEXT, batch_id TEXT, status TEXT NOT NULL DEFAULT 'planned', total INTEGER DEFAULT 0,
    completed INTEGER DEFAULT 0, failed INTEGER DEFAULT 0, output_file TEXT, error_file TEXT, errors TEXT DEFAULT '',
    created REAL, in_progress_at REAL, updated REAL, collected REAL, PRIMARY KEY (run_id, part));

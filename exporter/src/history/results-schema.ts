/*
 * The layout of data_dir/results.db (history/results-store.ts), one migration per schema version.
 *
 * Version 2 keys both tables time-major. Version 1 keyed them probe-major ((probe, at) and (step,
 * probe, start)): a flush of one result per probe then put every row in a leaf page of its own,
 * so each 22-byte row rewrote a 4 KiB page in the WAL (~7 MB per 5-s flush at 10,000 probes, 19-27
 * µs of CPU per result, half of it system time: bench/history.ts). Now a flush appends to the
 * current 30-s slot, a roll-up pass reads a 5-minute window as one range, appends its buckets and
 * deletes by age as one range; one probe's range is read as one short lookup per slot or bucket.
 */

/**
 * Width of a raw slot. The default probe interval, so a probe has one row per slot and a flush
 * fills the slot in probe order; below 32,768 ms the offset fits SQLite's 2-byte integer, and the
 * slot number (4 bytes) and offset cost what the epoch-ms `at` (6 bytes) did.
 */
export const SLOT_MS = 30_000;

const V1 = `
  CREATE TABLE probes (
    id        INTEGER PRIMARY KEY,
    component TEXT NOT NULL,
    probe     TEXT NOT NULL,
    UNIQUE (component, probe)
  );
  -- Failure reasons repeat (one per outage, not per result): stored once, referred to by id.
  CREATE TABLE reasons (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
  CREATE TABLE results (
    probe      INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    latency_us INTEGER NOT NULL,
    reason     INTEGER,
    PRIMARY KEY (probe, at)
  ) WITHOUT ROWID;
  CREATE TABLE buckets (
    step         INTEGER NOT NULL,
    probe        INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    min_us       INTEGER,
    sum_us       INTEGER NOT NULL,
    max_us       INTEGER,
    p95_us       INTEGER,
    first_reason INTEGER,
    last_reason  INTEGER,
    PRIMARY KEY (step, probe, start)
  ) WITHOUT ROWID;
  CREATE TABLE marks (id INTEGER PRIMARY KEY CHECK (id = 1), raw_from INTEGER NOT NULL, five_from INTEGER NOT NULL);
  INSERT INTO marks VALUES (1, 0, 0);
`;

const BUCKET_COLUMNS = 'count, failures, min_us, sum_us, max_us, p95_us, first_reason, last_reason';

/** Copied in key order, so the new tables are written as appends (packed pages). */
const V2 = `
  CREATE TABLE results_v2 (
    slot       INTEGER NOT NULL, -- at / ${SLOT_MS}
    probe      INTEGER NOT NULL,
    ms         INTEGER NOT NULL, -- at - slot * ${SLOT_MS} (a fractional at keeps its fraction)
    latency_us INTEGER NOT NULL,
    reason     INTEGER,
    PRIMARY KEY (slot, probe, ms)
  ) WITHOUT ROWID;
  INSERT INTO results_v2 (slot, probe, ms, latency_us, reason)
    SELECT CAST(at / ${SLOT_MS} AS INTEGER), probe, at - CAST(at / ${SLOT_MS} AS INTEGER) * ${SLOT_MS}, latency_us, reason
    FROM results ORDER BY 1, 2, 3;
  CREATE TABLE buckets_v2 (
    step         INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    probe        INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    min_us       INTEGER,
    sum_us       INTEGER NOT NULL,
    max_us       INTEGER,
    p95_us       INTEGER,
    first_reason INTEGER,
    last_reason  INTEGER,
    PRIMARY KEY (step, start, probe)
  ) WITHOUT ROWID;
  INSERT INTO buckets_v2 (step, start, probe, ${BUCKET_COLUMNS})
    SELECT step, start, probe, ${BUCKET_COLUMNS} FROM buckets ORDER BY step, start, probe;
  DROP TABLE results;
  DROP TABLE buckets;
  ALTER TABLE results_v2 RENAME TO results;
  ALTER TABLE buckets_v2 RENAME TO buckets;
`;

export const RESULTS_MIGRATIONS: readonly string[] = [V1, V2];

/** The embedded state file (`state.dataDir/state.sqlite`) as each of its tables opens it. */
import Database from 'better-sqlite3';

/**
 * A handle on the state file with the settings every table relies on. WAL: readers never wait for the writer, and
 * several handles (one per table's store) share the file; NORMAL sync is durable against a process crash (the case
 * here), not a power cut.
 */
export function openStateDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

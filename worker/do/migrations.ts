/** One step of a Durable Object's append-only SQLite schema history. Never edit a step that has shipped. */
export interface Migration {
  id: string;
  statements: string[];
  /** Data work a statement cannot express (backfills), run after the statements of the same step. */
  run?: (sql: SqlStorage) => void;
}

/** Applies, in order, the steps not yet recorded in `_migrations`; the object's constructor calls it first. */
export function migrate(sql: SqlStorage, steps: readonly Migration[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const applied = new Set(
    sql
      .exec<{ id: string }>("SELECT id FROM _migrations")
      .toArray()
      .map((r) => r.id),
  );
  for (const m of steps) {
    if (applied.has(m.id)) continue;
    for (const statement of m.statements) sql.exec(statement);
    m.run?.(sql);
    sql.exec("INSERT INTO _migrations (id, applied_at) VALUES (?, ?)", m.id, Date.now());
  }
}

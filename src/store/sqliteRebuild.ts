import { sql } from '@payloadcms/db-sqlite'
import type { Payload } from 'payload'

/**
 * Rebuild every table of the SQLite database, keeping every row, index and
 * foreign key, to switch AUTOINCREMENT on (or off) for the ids the adapter
 * declares so (`autoIncrement: true` in src/payload.config.ts). SQLite has no
 * ALTER for that: a table must be created anew and its rows copied.
 *
 * Why not the rebuild `payload migrate:create` writes: it turns foreign keys
 * off with a PRAGMA, which SQLite ignores inside a transaction, and Payload
 * runs each migration inside one; libsql connections have foreign keys on.
 * Its `DROP TABLE issues` then deletes the rows first, and the foreign key
 * actions take the children with them (an issue's articles and relations
 * cascade, its versions lose their parent). So here, inside the migration's
 * transaction and with foreign keys on:
 *  1. every table T is created as __new_T, its references pointing at the
 *     __new_ tables; then the rows are copied (the counts compared);
 *  2. the old tables are dropped, children first: whatever their foreign key
 *     actions do, they do to old rows only;
 *  3. each __new_T is renamed T (SQLite rewrites the references to it) and
 *     the indexes are created again as they were;
 *  4. each AUTOINCREMENT table's sequence starts above every id it ever had,
 *     as far as the database still knows it (see `idFloors`);
 *  5. foreign_key_check must come back empty, or nothing is kept.
 */
type Db = { run(query: unknown): Promise<unknown>; all<T>(query: unknown): Promise<T[]> }
type Row = Record<string, unknown>

const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``
/** A table name as SQLite keeps it in a statement: `x`, "x", [x] or bare. */
const IDENT = String.raw`(?:\`((?:[^\`]|\`\`)+)\`|"((?:[^"]|"")+)"|\[([^\]]+)\]|([A-Za-z_][A-Za-z0-9_$]*))`
const identOf = (m: RegExpMatchArray, at: number) => (m[at] ?? '').replace(/``/g, '`') || (m[at + 1] ?? '').replace(/""/g, '"') || m[at + 2] || m[at + 3]

/** The CREATE TABLE statement of `table` for its rebuild: named __new_, references to __new_ tables, AUTOINCREMENT as asked. */
export function rebuiltDefinition(definition: string, table: string, tables: Set<string>, autoIncrement: boolean | 'keep'): string {
  const header = new RegExp(String.raw`^\s*CREATE\s+TABLE\s+${IDENT}`, 'i')
  const head = definition.match(header)
  if (!head || identOf(head, 1) !== table) throw new Error(`rebuild: cannot read the definition of table ${table}`)
  let out = `CREATE TABLE ${quote(`__new_${table}`)}${definition.slice(head[0].length)}`
  out = out.replace(new RegExp(String.raw`(REFERENCES\s+)${IDENT}`, 'gi'), (...m) => {
    const parent = identOf(m as unknown as RegExpMatchArray, 2)
    if (!tables.has(parent)) throw new Error(`rebuild: ${table} references ${parent}, which is not a table`)
    return `${m[1]}${quote(`__new_${parent}`)}`
  })
  if (autoIncrement === 'keep') return out
  const id = /([(,]\s*)(`id`|"id"|\bid\b)(\s+integer\s+primary\s+key)(\s+autoincrement)?/i
  if (!id.test(out)) {
    if (autoIncrement) throw new Error(`rebuild: ${table} has no integer primary key id`)
    return out
  }
  return out.replace(id, (_m, before, name, pk) => `${before}${name}${pk}${autoIncrement ? ' AUTOINCREMENT' : ''}`)
}

/** Tables in an order where each comes after the tables that reference it (children first); cycles in any order. */
function childrenFirst(tables: string[], parentsOf: Map<string, Set<string>>): string[] {
  const order: string[] = []
  const placed = new Set<string>()
  let left = [...tables]
  while (left.length) {
    const referenced = new Set(left.flatMap((t) => [...(parentsOf.get(t) ?? [])].filter((p) => p !== t)))
    const ready = left.filter((t) => !referenced.has(t))
    const next = ready.length ? ready : [left[0]]
    for (const t of next) (order.push(t), placed.add(t))
    left = left.filter((t) => !placed.has(t))
  }
  return order
}

/**
 * The lowest value each AUTOINCREMENT table's sequence may start from: the
 * highest id the database still mentions anywhere, not only the highest row
 * left. Without AUTOINCREMENT a deleted newest content's id was free again,
 * but its deliveries, figures and audit entries still name it; a content
 * given that id after the upgrade would find "its" deliveries already made.
 */
async function idFloors(db: Db, payload: Payload, columnsOf: Map<string, Set<string>>): Promise<Map<string, number>> {
  const floors = new Map<string, number>()
  const adapter = payload.db as unknown as { tableNameMap?: Map<string, string> }
  const tableOf = (slug: string) => adapter.tableNameMap?.get(slug.replace(/-/g, '_')) ?? slug.replace(/-/g, '_')
  const has = (table: string, ...cols: string[]) => cols.every((c) => columnsOf.get(table)?.has(c))
  const highest = async (query: string) => Number((await db.all<{ n: number | null }>(sql.raw(query)))[0]?.n ?? 0)
  const raise = (table: string, n: number) => n > (floors.get(table) ?? 0) && floors.set(table, n)
  const numeric = (col: string) => `CAST(${col} AS INTEGER)`
  const isNumber = (col: string) => `${col} GLOB '[1-9]*' AND ${col} NOT GLOB '*[^0-9]*'`
  for (const { slug } of payload.config.collections) {
    const table = tableOf(slug)
    if (!columnsOf.has(table)) continue
    const lit = `'${slug.replace(/'/g, "''")}'`
    // Content named by type and id: deliveries, readership figures and events, reading history.
    for (const source of ['deliveries', 'read_rollups', 'wechat_article_stats', 'read_events', 'reading_history']) {
      if (has(source, 'content_type', 'content_id')) {
        raise(table, await highest(`SELECT MAX(${numeric('content_id')}) AS n FROM ${quote(source)} WHERE content_type = ${lit} AND ${isNumber('content_id')}`))
      }
    }
    if (has('audit_log', 'target_collection', 'target_id')) {
      raise(table, await highest(`SELECT MAX(${numeric('target_id')}) AS n FROM audit_log WHERE target_collection = ${lit} AND ${isNumber('target_id')}`))
    }
  }
  // A delivery's receipts name it and their subscriber.
  if (has('delivery_receipts', 'delivery', 'subscriber')) {
    raise('deliveries', await highest(`SELECT MAX(${numeric('delivery')}) AS n FROM delivery_receipts WHERE ${isNumber('delivery')}`))
    raise('subscribers', await highest(`SELECT MAX(${numeric('subscriber')}) AS n FROM delivery_receipts WHERE ${isNumber('subscriber')}`))
  }
  return floors
}

/**
 * Rebuild all tables, inside the caller's transaction (a migration's `db`).
 * `autoIncrement`: true switches AUTOINCREMENT on for every table whose id
 * the adapter declares so; false switches it off everywhere (the way down).
 */
export async function rebuildSqliteTables(
  db: Db,
  payload: Payload,
  {
    autoIncrement,
    definition,
  }: {
    /** 'keep': every table keeps its AUTOINCREMENT (or not) and its sequence (a rebuild for another change). */
    autoIncrement: boolean | 'keep'
    /** A change to a table's CREATE TABLE text (e.g. a column losing NOT NULL). */
    definition?: (table: string, sql: string) => string
  },
) {
  const keep = autoIncrement === 'keep'
  const log = payload.logger.child({ component: 'migration' })
  const started = Date.now()
  const rawTables = (payload.db as unknown as { rawTables?: Record<string, { columns?: Record<string, { autoIncrement?: boolean }> }> }).rawTables ?? {}
  const wantsAutoIncrement = (table: string) => autoIncrement === true && Boolean(rawTables[table]?.columns?.id?.autoIncrement)

  const schema = await db.all<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    sql.raw(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid`),
  )
  const others = schema.filter((s) => s.type === 'view' || s.type === 'trigger')
  if (others.length) throw new Error(`rebuild: views and triggers are not carried over (${others.map((o) => o.name).join(', ')})`)
  const tables = schema.filter((s) => s.type === 'table' && s.sql && !s.name.startsWith('__new_'))
  const indexes = schema.filter((s) => s.type === 'index' && s.sql)
  const names = new Set(tables.map((t) => t.name))
  const columnsOf = new Map<string, Set<string>>()
  const parentsOf = new Map<string, Set<string>>()
  for (const { name } of tables) {
    const cols = await db.all<{ name: string }>(sql.raw(`PRAGMA table_info(${quote(name)})`))
    columnsOf.set(name, new Set(cols.map((c) => c.name)))
    const fks = await db.all<{ table: string }>(sql.raw(`PRAGMA foreign_key_list(${quote(name)})`))
    parentsOf.set(name, new Set(fks.map((f) => f.table)))
  }

  const sequences =
    keep && (await db.all(sql.raw(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`))).length
      ? await db.all<{ name: string; seq: number }>(sql.raw('SELECT name, seq FROM sqlite_sequence'))
      : []
  // Rows are copied in any order; foreign keys are checked at commit, and once more below.
  await db.run(sql.raw('PRAGMA defer_foreign_keys = ON'))
  const counts = new Map<string, number>()
  // All the copies exist before any row goes in: a row's foreign key needs its parent table to exist.
  for (const t of tables) await db.run(sql.raw(rebuiltDefinition(definition ? definition(t.name, t.sql!) : t.sql!, t.name, names, keep ? 'keep' : wantsAutoIncrement(t.name))))
  for (const t of tables) {
    const cols = [...columnsOf.get(t.name)!].map(quote).join(', ')
    await db.run(sql.raw(`INSERT INTO ${quote(`__new_${t.name}`)} (${cols}) SELECT ${cols} FROM ${quote(t.name)}`))
    const [before, after] = await Promise.all(
      [t.name, `__new_${t.name}`].map(async (n) => Number((await db.all<{ n: number }>(sql.raw(`SELECT COUNT(*) AS n FROM ${quote(n)}`)))[0].n)),
    )
    if (before !== after) throw new Error(`rebuild: ${t.name} has ${before} rows, its copy ${after}`)
    counts.set(t.name, before)
  }
  for (const name of childrenFirst([...names], parentsOf)) await db.run(sql.raw(`DROP TABLE ${quote(name)}`))
  for (const { name } of tables) await db.run(sql.raw(`ALTER TABLE ${quote(`__new_${name}`)} RENAME TO ${quote(name)}`))
  for (const index of indexes) await db.run(sql.raw(index.sql!))

  const floors = autoIncrement === true ? await idFloors(db, payload, columnsOf) : new Map<string, number>()
  const hasSequence = (await db.all(sql.raw(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`))).length > 0
  if (keep) {
    // Each table's sequence as it was (the copy may have set a lower one: ids deleted from the top are remembered there).
    if (hasSequence) {
      await db.run(sql.raw(`DELETE FROM sqlite_sequence WHERE substr(name, 1, 6) = '__new_'`))
      for (const { name, seq } of sequences) {
        const current = Number((await db.all<{ seq: number }>(sql`SELECT seq FROM sqlite_sequence WHERE name = ${name}`))[0]?.seq ?? 0)
        await db.run(sql`DELETE FROM sqlite_sequence WHERE name = ${name}`)
        await db.run(sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${name}, ${Math.max(current, Number(seq))})`)
      }
    }
  } else {
    // Sequences of the copies' names, and (on the way down) of tables no longer AUTOINCREMENT, mean nothing.
    if (hasSequence) await db.run(sql.raw(autoIncrement ? `DELETE FROM sqlite_sequence WHERE substr(name, 1, 6) = '__new_'` : 'DELETE FROM sqlite_sequence'))
    for (const { name } of tables) {
      if (!wantsAutoIncrement(name)) continue
      // The copy already moved the sequence to the highest id copied; a floor may move it further.
      const maxId = Number((await db.all<{ n: number | null }>(sql.raw(`SELECT MAX(id) AS n FROM ${quote(name)}`)))[0]?.n ?? 0)
      const seq = Math.max(maxId, floors.get(name) ?? 0)
      if (seq <= 0) continue
      await db.run(sql`DELETE FROM sqlite_sequence WHERE name = ${name}`)
      await db.run(sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${name}, ${seq})`)
    }
  }

  const broken = await db.all<Row>(sql.raw('PRAGMA foreign_key_check'))
  if (broken.length) throw new Error(`rebuild: ${broken.length} rows break a foreign key, e.g. ${JSON.stringify(broken[0])}`)
  log.info(
    { tables: tables.length, rows: [...counts.values()].reduce((a, b) => a + b, 0), indexes: indexes.length, autoIncrement, ms: Date.now() - started },
    'tables rebuilt',
  )
}

import type pg from "pg";

// Everything below reads schema `public` only, minus Prisma's bookkeeping table. Each object
// becomes one line; comparing sets of lines makes column (and any other) order irrelevant.
const SKIP = "'_prisma_migrations'";

const QUERIES: Record<string, string> = {
  relation: `SELECT format('%s %I', CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
      WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' ELSE 'foreign table' END, c.relname) AS line
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relname <> ${SKIP}`,
  column: `SELECT format('column %I.%I %s%s%s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
      CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
      CASE WHEN a.attgenerated = 's' THEN ' GENERATED ' ELSE ' DEFAULT ' END || pg_get_expr(d.adbin, d.adrelid),
      CASE a.attidentity WHEN 'a' THEN ' IDENTITY ALWAYS' WHEN 'd' THEN ' IDENTITY BY DEFAULT' ELSE '' END,
      CASE WHEN a.attcollation <> t.typcollation THEN ' COLLATE ' || quote_ident(co.collname) ELSE '' END) AS line
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname <> ${SKIP}
      AND a.attnum > 0 AND NOT a.attisdropped`,
  // Values sorted: Prisma's diff appends a new value with ADD VALUE wherever the schema lists it,
  // so declaration order cannot be reproduced by migrations and is not compared.
  enum: `SELECT format('enum %I (%s)', t.typname, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumlabel)) AS line
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE n.nspname = 'public' GROUP BY t.typname`,
  index: `SELECT format('index %s', pg_get_indexdef(i.indexrelid)) AS line
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname <> ${SKIP}`,
  constraint: `SELECT format('%s %I.%I %s', CASE k.contype WHEN 'f' THEN 'foreign key' WHEN 'p' THEN 'primary key'
      WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' ELSE 'constraint' END,
      c.relname, k.conname, pg_get_constraintdef(k.oid)) AS line
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname <> ${SKIP}`,
  extension: `SELECT format('extension %I', extname) AS line FROM pg_extension WHERE extname <> 'plpgsql'`,
};

/** Schema qualification depends on search_path, not on the schema; drop it. */
function normalize(line: string): string {
  return line.replace(/(^|[\s(,])(?:public|"public")\./g, "$1");
}

export async function readCatalog(client: pg.Client): Promise<string[]> {
  const lines: string[] = [];
  for (const sql of Object.values(QUERIES)) {
    const { rows } = await client.query<{ line: string }>(sql);
    lines.push(...rows.map((r) => normalize(r.line)));
  }
  return lines.sort();
}

/** Lines present on one side only, each prefixed with the side that has it. */
export function compareCatalogs(fromMigrations: string[], fromSchema: string[]): string[] {
  const a = new Set(fromMigrations);
  const b = new Set(fromSchema);
  return [
    ...fromMigrations.filter((l) => !b.has(l)).map((l) => `  only in migrations: ${l}`),
    ...fromSchema.filter((l) => !a.has(l)).map((l) => `  only in schema.prisma: ${l}`),
  ];
}

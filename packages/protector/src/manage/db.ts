import { databaseVersion, openDatabase, redactUrl, syncDatabase } from '../db/index.js';
import type { CommandResult } from './result.js';

/** `protector-manage db sync`: applies pending migrations; idempotent. */
export async function dbSync(connection: string): Promise<CommandResult> {
  const db = openDatabase(connection);
  try {
    const applied = await syncDatabase(db);
    const v = await databaseVersion(db);
    const what = applied.length ? `applied ${applied.join(', ')}` : 'already up to date';
    return { output: `${redactUrl(connection)}: ${what}; now at ${v.current ?? 'no version'}\n`, exitCode: 0 };
  } finally {
    await db.destroy();
  }
}

/** `protector-manage db version`: the applied version, and what is pending (exit 1 when behind or ahead). */
export async function dbVersion(connection: string): Promise<CommandResult> {
  const db = openDatabase(connection);
  try {
    const v = await databaseVersion(db);
    const lines = [`current: ${v.current ?? 'none (run protector-manage db sync)'}`, `latest:  ${v.latest}`];
    if (v.pending.length) lines.push(`pending: ${v.pending.join(', ')}`);
    if (v.unknown.length) lines.push(`unknown to this code (the database is newer): ${v.unknown.join(', ')}`);
    return { output: `${lines.join('\n')}\n`, exitCode: v.pending.length || v.unknown.length ? 1 : 0 };
  } finally {
    await db.destroy();
  }
}

import type { Store } from './store.js';

/**
 * Volume content as a block map. Blocks are immutable rows; a content (a volume, a snapshot, a
 * replicated snapshot's volume) maps block index -> block row. A snapshot copies the map, not the
 * data, and a write always inserts a new block row, so a snapshot never sees later writes.
 * Unmapped indexes read as zeros. A block row is deleted once no map references it.
 */
export const BLOCK_SIZE = 64 * 1024;

const ZERO_BLOCK = Buffer.alloc(BLOCK_SIZE);

export function newContent(s: Store): number {
  return Number(s.db.prepare('INSERT INTO fa_contents DEFAULT VALUES').run().lastInsertRowid);
}

export function cloneContent(s: Store, from: number): number {
  const id = newContent(s);
  s.run('INSERT INTO fa_block_maps (content_id, idx, block_id) SELECT ?, idx, block_id FROM fa_block_maps WHERE content_id = ?', id, from);
  return id;
}

function blockIds(s: Store, content: number): number[] {
  return s.all<{ block_id: number }>('SELECT DISTINCT block_id FROM fa_block_maps WHERE content_id = ?', content).map((r) => r.block_id);
}

/** Deletes those of `ids` that no map references any more. */
function collect(s: Store, ids: Iterable<number>): void {
  const del = s.db.prepare('DELETE FROM fa_blocks WHERE id = ? AND NOT EXISTS (SELECT 1 FROM fa_block_maps WHERE block_id = ?)');
  for (const id of new Set(ids)) del.run(id, id);
}

/** Makes `target` hold what `from` holds (copy with overwrite). */
export function replaceContent(s: Store, target: number, from: number): void {
  const old = blockIds(s, target);
  s.run('DELETE FROM fa_block_maps WHERE content_id = ?', target);
  s.run('INSERT INTO fa_block_maps (content_id, idx, block_id) SELECT ?, idx, block_id FROM fa_block_maps WHERE content_id = ?', target, from);
  collect(s, old);
}

/** Makes blocks `first`..`last` of `target` what they are in `from` (mirroring a write). */
export function copyBlockRange(s: Store, target: number, from: number, first: number, last: number): void {
  const old = s.all<{ block_id: number }>('SELECT block_id FROM fa_block_maps WHERE content_id = ? AND idx BETWEEN ? AND ?', target, first, last);
  s.run('DELETE FROM fa_block_maps WHERE content_id = ? AND idx BETWEEN ? AND ?', target, first, last);
  s.run(
    'INSERT INTO fa_block_maps (content_id, idx, block_id) SELECT ?, idx, block_id FROM fa_block_maps WHERE content_id = ? AND idx BETWEEN ? AND ?',
    target, from, first, last,
  );
  collect(s, old.map((r) => r.block_id));
}

export function dropContent(s: Store, content: number): void {
  const old = blockIds(s, content);
  s.run('DELETE FROM fa_block_maps WHERE content_id = ?', content);
  s.run('DELETE FROM fa_contents WHERE id = ?', content);
  collect(s, old);
}

function blockAt(s: Store, content: number, idx: number): { id: number; data: Buffer } | undefined {
  return s.get<{ id: number; data: Buffer }>(
    'SELECT b.id, b.data FROM fa_block_maps m JOIN fa_blocks b ON b.id = m.block_id WHERE m.content_id = ? AND m.idx = ?',
    content,
    idx,
  );
}

function putBlock(s: Store, content: number, idx: number, data: Buffer): void {
  const old = blockAt(s, content, idx);
  if (data.equals(ZERO_BLOCK)) {
    // Keep maps sparse: an all-zero block is the same as an unwritten one.
    s.run('DELETE FROM fa_block_maps WHERE content_id = ? AND idx = ?', content, idx);
  } else {
    const id = Number(s.db.prepare('INSERT INTO fa_blocks (data) VALUES (?)').run(data).lastInsertRowid);
    s.run('INSERT OR REPLACE INTO fa_block_maps (content_id, idx, block_id) VALUES (?, ?, ?)', content, idx, id);
  }
  if (old) collect(s, [old.id]);
}

/** Caller checks bounds. */
export function writeContent(s: Store, content: number, offset: number, data: Buffer): void {
  let pos = 0;
  while (pos < data.length) {
    const at = offset + pos;
    const idx = Math.floor(at / BLOCK_SIZE);
    const within = at - idx * BLOCK_SIZE;
    const n = Math.min(BLOCK_SIZE - within, data.length - pos);
    let block: Buffer;
    if (n === BLOCK_SIZE) block = Buffer.from(data.subarray(pos, pos + n));
    else {
      block = Buffer.alloc(BLOCK_SIZE);
      blockAt(s, content, idx)?.data.copy(block);
      data.copy(block, within, pos, pos + n);
    }
    putBlock(s, content, idx, block);
    pos += n;
  }
}

/** Caller checks bounds. */
export function readContent(s: Store, content: number, offset: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  if (length === 0) return out;
  const first = Math.floor(offset / BLOCK_SIZE);
  const last = Math.floor((offset + length - 1) / BLOCK_SIZE);
  const rows = s.all<{ idx: number; data: Buffer }>(
    'SELECT m.idx, b.data FROM fa_block_maps m JOIN fa_blocks b ON b.id = m.block_id WHERE m.content_id = ? AND m.idx BETWEEN ? AND ?',
    content,
    first,
    last,
  );
  for (const r of rows) {
    const blockStart = r.idx * BLOCK_SIZE;
    const from = Math.max(offset, blockStart);
    const to = Math.min(offset + length, blockStart + BLOCK_SIZE);
    r.data.copy(out, from - offset, from - blockStart, to - blockStart);
  }
  return out;
}

/** Shrinking drops blocks past the end and zeroes the tail of the last one, so growing again reads zeros. */
export function truncateContent(s: Store, content: number, size: number): void {
  const keep = Math.ceil(size / BLOCK_SIZE);
  const old = s.all<{ block_id: number }>('SELECT block_id FROM fa_block_maps WHERE content_id = ? AND idx >= ?', content, keep);
  s.run('DELETE FROM fa_block_maps WHERE content_id = ? AND idx >= ?', content, keep);
  collect(s, old.map((r) => r.block_id));
  const tail = size % BLOCK_SIZE;
  if (tail !== 0) {
    const last = blockAt(s, content, keep - 1);
    if (last) {
      const block = Buffer.from(last.data);
      block.fill(0, tail);
      putBlock(s, content, keep - 1, block);
    }
  }
}

/** Bytes that differ between `next` and `base` (null: everything written), counted in whole blocks. */
export function changedBytes(s: Store, next: number, base: number | null): number {
  if (base === null) {
    return BLOCK_SIZE * (s.get<{ n: number }>('SELECT COUNT(*) AS n FROM fa_block_maps WHERE content_id = ?', next)?.n ?? 0);
  }
  const changed =
    s.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM fa_block_maps n WHERE n.content_id = ? AND NOT EXISTS
         (SELECT 1 FROM fa_block_maps o WHERE o.content_id = ? AND o.idx = n.idx AND o.block_id = n.block_id)`,
      next,
      base,
    )?.n ?? 0;
  // Blocks the base had and `next` no longer maps were zeroed; zeros travel too.
  const zeroed =
    s.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM fa_block_maps o WHERE o.content_id = ? AND NOT EXISTS
         (SELECT 1 FROM fa_block_maps n WHERE n.content_id = ? AND n.idx = o.idx)`,
      base,
      next,
    )?.n ?? 0;
  return BLOCK_SIZE * (changed + zeroed);
}

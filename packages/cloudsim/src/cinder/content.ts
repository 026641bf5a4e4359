import type { Db } from '../store/database.js';

/**
 * Where volume and snapshot bytes live, keyed by an opaque content key. An interface because
 * a simulated storage array (issue [2]) takes this over later.
 */
export interface VolumeContent {
  /** `length` bytes from `offset`; never-written ranges read as zeros. */
  read(key: string, offset: number, length: number): Buffer;
  write(key: string, offset: number, data: Buffer): void;
  /** Replaces `to`'s content with a copy of `from`'s. */
  copy(from: string, to: string): void;
  /** Renames content, e.g. when an unmanaged volume is managed again under a new id. */
  move(from: string, to: string): void;
  drop(key: string): void;
}

export const BLOCK_SIZE = 64 * 1024;

/** Sparse block map in SQLite: only written 64 KiB blocks take space. */
export class SqliteBlockContent implements VolumeContent {
  private readonly stmts;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS cinder_blocks (
      volume_id TEXT NOT NULL, block INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (volume_id, block))`);
    this.stmts = {
      get: db.prepare<[string, number], { data: Buffer }>('SELECT data FROM cinder_blocks WHERE volume_id = ? AND block = ?'),
      put: db.prepare<[string, number, Buffer]>('INSERT OR REPLACE INTO cinder_blocks (volume_id, block, data) VALUES (?, ?, ?)'),
      copy: db.prepare<[string, string]>('INSERT INTO cinder_blocks (volume_id, block, data) SELECT ?, block, data FROM cinder_blocks WHERE volume_id = ?'),
      move: db.prepare<[string, string]>('UPDATE cinder_blocks SET volume_id = ? WHERE volume_id = ?'),
      drop: db.prepare<[string]>('DELETE FROM cinder_blocks WHERE volume_id = ?'),
    };
    this.copyTx = db.transaction((from: string, to: string) => {
      this.stmts.drop.run(to);
      this.stmts.copy.run(to, from);
    });
    this.writeTx = db.transaction((key: string, offset: number, data: Buffer) => this.writeBlocks(key, offset, data));
  }

  private readonly copyTx: (from: string, to: string) => void;
  private readonly writeTx: (key: string, offset: number, data: Buffer) => void;

  read(key: string, offset: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let pos = offset; pos < offset + length; ) {
      const block = Math.floor(pos / BLOCK_SIZE);
      const within = pos - block * BLOCK_SIZE;
      const n = Math.min(BLOCK_SIZE - within, offset + length - pos);
      const row = this.stmts.get.get(key, block);
      if (row) row.data.copy(out, pos - offset, within, within + n);
      pos += n;
    }
    return out;
  }

  write(key: string, offset: number, data: Buffer): void {
    this.writeTx(key, offset, data);
  }

  private writeBlocks(key: string, offset: number, data: Buffer): void {
    for (let pos = offset; pos < offset + data.length; ) {
      const block = Math.floor(pos / BLOCK_SIZE);
      const within = pos - block * BLOCK_SIZE;
      const n = Math.min(BLOCK_SIZE - within, offset + data.length - pos);
      const buf = Buffer.alloc(BLOCK_SIZE);
      this.stmts.get.get(key, block)?.data.copy(buf);
      data.copy(buf, within, pos - offset, pos - offset + n);
      this.stmts.put.run(key, block, buf);
      pos += n;
    }
  }

  copy(from: string, to: string): void {
    this.copyTx(from, to);
  }

  move(from: string, to: string): void {
    this.stmts.drop.run(to);
    this.stmts.move.run(to, from);
  }

  drop(key: string): void {
    this.stmts.drop.run(key);
  }
}

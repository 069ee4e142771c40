// Caches per-model results by the sha256 of the file's bytes; a path's hash is forgotten when the file changes on disk.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 (hex) of a file, streamed so a large model is never held whole in memory just to hash it. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export interface CacheHit<T> {
  value: T;
  contentHash: string;
  cached: boolean;
}

/**
 * Results keyed by (content hash, variant) — the variant holds options such as pinned input shapes.
 * Concurrent requests for one key share a single computation; failed computations are not kept.
 * Bounded: the least recently used entries are dropped beyond `maxEntries`.
 */
export class ContentCache<T> {
  private readonly hashByPath = new Map<string, Promise<string>>();
  private readonly entries = new Map<string, Promise<T>>();

  constructor(
    private readonly maxEntries = 8,
    private readonly keep: (value: T) => boolean = () => true,
    private readonly hashFile: (path: string) => Promise<string> = sha256File,
  ) {}

  /** The file's content hash, read once per path until `invalidate(path)`. */
  contentHash(path: string): Promise<string> {
    let h = this.hashByPath.get(path);
    if (!h) {
      h = this.hashFile(path);
      this.hashByPath.set(path, h);
      h.catch(() => this.hashByPath.delete(path));
    }
    return h;
  }

  async get(path: string, variant: string, compute: (contentHash: string) => Promise<T>): Promise<CacheHit<T>> {
    const contentHash = await this.contentHash(path);
    const key = `${contentHash}\0${variant}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert to mark as most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return { value: await hit, contentHash, cached: true };
    }
    const pending = compute(contentHash);
    this.entries.set(key, pending);
    this.evict();
    try {
      const value = await pending;
      if (!this.keep(value)) this.entries.delete(key);
      return { value, contentHash, cached: false };
    } catch (e) {
      this.entries.delete(key);
      throw e;
    }
  }

  /** The file changed or was deleted on disk: its next request re-hashes it. */
  invalidate(path: string): void {
    this.hashByPath.delete(path);
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

import type { Database as Db } from 'better-sqlite3';

interface Waiting {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: writes asked for in the same turn of the event loop run
 * in one SQLite transaction, each inside a savepoint of its own. A write
 * that throws is rolled back alone and its caller gets the error; the
 * others commit together with a single sync to disk. Every caller's
 * promise settles only after that commit, so an acknowledged write is
 * durable exactly as with a transaction of its own.
 *
 * @example
 * const group = new GroupCommit(db);
 * const ids = await group.run(() => insertRecords(batch));
 */
export class GroupCommit {
  readonly #db: Db;
  #queue: Waiting[] = [];
  #scheduled = false;

  constructor(db: Db) {
    this.#db = db;
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  }

  /** Commits what is waiting now, before the connection closes. */
  flush(): void {
    if (this.#queue.length > 0) this.#flush();
  }

  #flush(): void {
    const group = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.#db.transaction(() => {
        for (const { work } of group) outcomes.push(this.#attempt(work));
      }).immediate();
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    group.forEach((waiting, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome?.value);
    });
  }

  /** One write in a savepoint: rolled back alone when it throws. */
  #attempt(work: () => unknown): { ok: boolean; value: unknown } {
    try {
      return { ok: true, value: this.#db.transaction(work)() };
    } catch (error) {
      return { ok: false, value: error };
    }
  }
}

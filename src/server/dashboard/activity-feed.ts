import type { LogEvent } from '../../log.js';

/** What the dashboard's live view shows: engine events without contents. */
export type Activity = { readonly seq: number; readonly at: number } & Extract<
  LogEvent,
  { type: 'decision' | 'flow' | 'collection' | 'alert' | 'erasure' }
>;

type Listener = (activity: Activity) => void;

const KEPT = 200;
const SHOWN: ReadonlySet<string> = new Set(['decision', 'flow', 'collection', 'alert', 'erasure']);

/**
 * The latest decisions, flows, collections, alerts and erasures of this
 * process, for live views: a short history and subscribers.
 */
export class ActivityFeed {
  readonly #recent: Activity[] = [];
  readonly #listeners = new Set<Listener>();
  readonly #closers = new Set<() => void>();
  #seq = 0;

  /** A listener for `EngineContext.tap`. */
  readonly observe = (event: LogEvent): void => {
    if (!SHOWN.has(event.type)) return;
    this.#seq += 1;
    const activity = { ...event, seq: this.#seq, at: Date.now() } as Activity;
    this.#recent.push(activity);
    if (this.#recent.length > KEPT) this.#recent.shift();
    for (const listener of this.#listeners) listener(activity);
  };

  /** Entries after `seq`, oldest first. */
  since(seq: number): Activity[] {
    return this.#recent.filter((a) => a.seq > seq);
  }

  /** Calls `listener` for each new entry and `onClose` when the feed closes. */
  subscribe(listener: Listener, onClose: () => void): () => void {
    this.#listeners.add(listener);
    this.#closers.add(onClose);
    return () => {
      this.#listeners.delete(listener);
      this.#closers.delete(onClose);
    };
  }

  close(): void {
    for (const onClose of [...this.#closers]) onClose();
    this.#listeners.clear();
    this.#closers.clear();
  }
}

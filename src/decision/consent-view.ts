/**
 * Consent held in memory for in-process checks: which subject granted
 * which purpose. Stores keep their own; this is for library callers that
 * decide record by record.
 */
export class ConsentView {
  readonly #granted = new Map<string, Set<string>>();

  grant(subject: string, purpose: string): void {
    const set = this.#granted.get(subject) ?? new Set<string>();
    set.add(purpose);
    this.#granted.set(subject, set);
  }

  withdraw(subject: string, purpose: string): void {
    this.#granted.get(subject)?.delete(purpose);
  }

  has(subject: string, purpose: string): boolean {
    return this.#granted.get(subject)?.has(purpose) ?? false;
  }
}

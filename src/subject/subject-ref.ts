import { createHash } from 'node:crypto';

const DOMAIN = 'purposeguard:audit-subject:';

/**
 * A short reference to a subject for audit entries and outputs: 12 hex
 * digits of a second, domain-separated hash of the subject id. It lets a
 * person who knows the identifier find the entries, and says nothing to
 * anyone who does not.
 *
 * @example subjectRef(subject); // 'a41f09c2e7b3'
 */
export function subjectRef(subject: string): string {
  return createHash('sha256').update(DOMAIN).update(subject).digest('hex').slice(0, 12);
}

import { createHash } from 'node:crypto';
import { PurposeGuardError } from '../errors.js';

/**
 * Fixed namespace of flow run ids. Changing it changes every run id already
 * exported, so lineage tools would see each flow as a new run.
 */
const FLOW_RUN_NAMESPACE = 'a72414d0-a468-4e04-95b5-ae81c2ab502f';

/**
 * The run id of a flow: a name-based UUID (version 5), the same for the
 * same namespace and flow id on every export.
 *
 * @example
 * flowRunId('purposeguard://acme', 42) === flowRunId('purposeguard://acme', 42);
 */
export function flowRunId(namespace: string, flowId: number): string {
  return uuidV5(`${flowId}@${namespace}`, FLOW_RUN_NAMESPACE);
}

/**
 * An RFC 4122 version 5 UUID: SHA-1 of the namespace UUID's bytes and the
 * UTF-8 name, with the version and variant bits set.
 *
 * @example
 * uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8');
 * // '2ed6657d-e927-568b-95e1-2665a8aea6a2'
 */
export function uuidV5(name: string, namespace: string): string {
  const digest = createHash('sha1')
    .update(uuidBytes(namespace))
    .update(name, 'utf8')
    .digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) {
    throw new PurposeGuardError('invalid_request', 'invalid namespace uuid');
  }
  return Buffer.from(hex, 'hex');
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}

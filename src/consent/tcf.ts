/**
 * IAB TCF v2 consent strings: decoded with the IAB's own library into plain
 * data, and mapped onto policy purposes.
 */
import { DecodingError, TCString } from '@iabtechlabtcf/core';
import type { TCModel } from '@iabtechlabtcf/core';
import { PurposeGuardError } from '../errors.js';

/** The signals of a decoded TC string. Id lists are sorted ascending. */
export interface TcfConsent {
  readonly version: number;
  readonly cmpId: number;
  readonly cmpVersion: number;
  readonly consentScreen: number;
  readonly consentLanguage: string;
  readonly vendorListVersion: number;
  readonly policyVersion: number;
  readonly isServiceSpecific: boolean;
  readonly useNonStandardTexts: boolean;
  readonly publisherCountryCode: string;
  readonly purposeOneTreatment: boolean;
  readonly purposeConsents: readonly number[];
  readonly purposeLegitimateInterests: readonly number[];
  readonly specialFeatureOptins: readonly number[];
  readonly vendorConsents: readonly number[];
  readonly vendorLegitimateInterests: readonly number[];
  readonly publisherConsents: readonly number[];
  readonly publisherLegitimateInterests: readonly number[];
  readonly created: Date | null;
  readonly lastUpdated: Date | null;
}

/** Policy purposes split by the consent a TC string carries. */
export interface TcfPurposes {
  readonly granted: string[];
  readonly denied: string[];
}

const SUPPORTED_VERSION = 2;
const CORE_SEGMENT = 0;
const MAX_LENGTH = 32_768;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEGMENT_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes a TCF v2 consent string (core segment first, optionally followed
 * by the disclosed-vendors, allowed-vendors and publisher segments).
 *
 * A string that cannot be decoded never reads as "no consent": it throws
 * `invalid_consent`, and the message does not repeat the string.
 *
 * @example
 * const consent = decodeTcf('COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA');
 * consent.cmpId; // 675
 * consent.purposeConsents; // [2, 10]
 */
export function decodeTcf(value: string): TcfConsent {
  const reason = structuralProblem(value);
  if (reason !== null) throw malformed(reason);

  const model = decodeModel(value);
  const version = Number(model.version);
  if (version !== SUPPORTED_VERSION) {
    throw malformed(`unsupported version ${version}`);
  }
  return toConsent(model);
}

/**
 * Maps TCF purposes (by number) onto policy purposes.
 *
 * Rule: a policy purpose is granted only when every TCF purpose that maps to
 * it has the user's consent (`purposeConsents`); otherwise it is denied.
 * Legitimate interest never counts as consent, and a TCF purpose number that
 * is not a valid id is simply never consented. Each policy purpose appears
 * once, in `granted` or in `denied`; both lists are sorted.
 *
 * TODO(consent): vendor consent (`vendorConsents`) and the publisher
 * segment are not consulted; a caller acting as a registered TCF vendor
 * must also check its own vendor id before relying on `granted`.
 *
 * @example
 * const mapping = new Map([
 *   [1, ['ads.optimization', 'ai.training']],
 *   [9, ['ads.measurement']],
 * ]);
 * tcfToPurposes(decodeTcf(tcString), mapping);
 * // { granted: ['ads.measurement'], denied: ['ads.optimization', ...] }
 */
export function tcfToPurposes(
  consent: TcfConsent,
  mapping: ReadonlyMap<number, readonly string[]>,
): TcfPurposes {
  const consented = new Set(consent.purposeConsents);
  const required = requiredTcfPurposes(mapping);
  const granted: string[] = [];
  const denied: string[] = [];

  for (const [purpose, tcfPurposes] of required) {
    const ok = tcfPurposes.every((id) => consented.has(id));
    (ok ? granted : denied).push(purpose);
  }
  return { granted: granted.sort(), denied: denied.sort() };
}

function requiredTcfPurposes(
  mapping: ReadonlyMap<number, readonly string[]>,
): Map<string, number[]> {
  const required = new Map<string, number[]>();
  for (const [tcfPurpose, purposes] of mapping) {
    for (const purpose of purposes) {
      const list = required.get(purpose) ?? [];
      list.push(tcfPurpose);
      required.set(purpose, list);
    }
  }
  return required;
}

function structuralProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'not a string';
  if (value.length === 0) return 'empty';
  if (value.length > MAX_LENGTH) return 'too long';

  const segments = value.split('.');
  if (!segments.every((s) => SEGMENT_PATTERN.test(s))) {
    return 'not base64url segments';
  }
  return segmentProblem(segments);
}

function segmentProblem(segments: readonly string[]): string | null {
  const types = segments.map(segmentType);
  if (types[0] !== CORE_SEGMENT) return 'core segment missing';
  if (new Set(types).size !== types.length) return 'repeated segment';

  const version = BASE64URL.indexOf(segments[0]?.charAt(0) ?? '');
  if (version !== SUPPORTED_VERSION) return `unsupported version ${version}`;
  return null;
}

/** The top 3 bits of a segment; the core segment has none, so reads 0. */
function segmentType(segment: string): number {
  return BASE64URL.indexOf(segment.charAt(0)) >> 3;
}

function decodeModel(value: string): TCModel {
  try {
    return TCString.decode(value);
  } catch (error) {
    throw malformed(decodeFailure(error), error);
  }
}

function decodeFailure(error: unknown): string {
  if (!(error instanceof DecodingError)) return 'cannot be decoded';
  const text = error.message.split('\n')[0] ?? '';
  return text.length > 0 ? text.slice(0, 60).toLowerCase() : 'cannot be decoded';
}

function malformed(reason: string, cause?: unknown): PurposeGuardError {
  const message = `malformed TCF consent string: ${reason}`;
  return cause === undefined
    ? new PurposeGuardError('invalid_consent', message)
    : new PurposeGuardError('invalid_consent', message, { cause });
}

function toConsent(model: TCModel): TcfConsent {
  return {
    version: Number(model.version),
    cmpId: Number(model.cmpId),
    cmpVersion: Number(model.cmpVersion),
    consentScreen: Number(model.consentScreen),
    consentLanguage: model.consentLanguage,
    vendorListVersion: Number(model.vendorListVersion),
    policyVersion: Number(model.policyVersion),
    isServiceSpecific: model.isServiceSpecific,
    useNonStandardTexts: model.useNonStandardTexts,
    publisherCountryCode: model.publisherCountryCode,
    purposeOneTreatment: model.purposeOneTreatment,
    purposeConsents: ids(model.purposeConsents),
    purposeLegitimateInterests: ids(model.purposeLegitimateInterests),
    specialFeatureOptins: ids(model.specialFeatureOptins),
    vendorConsents: ids(model.vendorConsents),
    vendorLegitimateInterests: ids(model.vendorLegitimateInterests),
    publisherConsents: ids(model.publisherConsents),
    publisherLegitimateInterests: ids(model.publisherLegitimateInterests),
    created: validDate(model.created),
    lastUpdated: validDate(model.lastUpdated),
  };
}

function ids(vector: Iterable<[number, boolean]>): number[] {
  const out: number[] = [];
  for (const [id, set] of vector) if (set) out.push(id);
  return out.sort((a, b) => a - b);
}

function validDate(value: Date | undefined): Date | null {
  if (!(value instanceof Date)) return null;
  return Number.isNaN(value.getTime()) ? null : new Date(value.getTime());
}

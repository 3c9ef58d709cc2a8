import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PurposeGuardError } from '../errors.js';
import type { Issue } from '../errors.js';
import { parseDuration } from './duration.js';
import { BUILTIN_GROUPS, expandJurisdictions, isCountryCode } from './jurisdictions.js';
import { PolicyDocument } from './policy-document.js';
import type { PathKey } from './policy-document.js';
import { isDict, readDict, readNumber, readString, readStringList } from './policy-fields.js';
import { emptyMask, hasBit, setBit, union } from './purpose-mask.js';
import type { PurposeMask } from './purpose-mask.js';
import type {
  AlertSettings,
  CompiledCategory,
  CompiledDataset,
  CompiledDestination,
  CompiledPolicy,
  CompiledProcessor,
  CompiledPurpose,
  CompiledSource,
  ConsentRule,
  Mode,
  Reclassification,
  RetentionRule,
  RuleCondition,
  TaggingRule,
} from './policy-types.js';

const TOP_KEYS = [
  'version', 'mode', 'default_jurisdiction', 'jurisdictions', 'purposes',
  'categories', 'owners', 'sources', 'datasets', 'processors', 'admin',
  'consent', 'destinations', 'reclassifications', 'alerts', 'detectors',
];
const PURPOSE_KEYS = ['description', 'requires_consent'];
const CATEGORY_KEYS = ['description', 'special'];
const SOURCE_KEYS = [
  'kind', 'owner', 'dataset', 'write_key_sha256', 'jurisdiction',
  'retention', 'rules', 'keep_plain', 'description',
];
const RULE_KEYS = ['when', 'purposes', 'restrict_to', 'categories'];
const WHEN_KEYS = ['event_name', 'limited_data_use', 'opt_out', 'jurisdiction'];
const DATASET_KEYS = ['kind', 'description', 'purposes', 'mode'];
const PROCESSOR_KEYS = ['owner', 'purposes', 'token_sha256', 'description'];
const DESTINATION_KEYS = ['kind', 'datasets', 'endpoint', 'file', 'description'];
const RECLASS_KEYS = ['processor', 'dataset', 'purposes', 'min_subjects', 'justification'];
const ALERT_KEYS = [
  'webhook', 'read_spike_factor', 'read_baseline_min_rows', 'denial_spike_per_minute',
];
const SPECIAL_CATEGORIES = [
  'health', 'sex_life', 'sexual_orientation', 'political_opinion', 'religion',
  'ethnicity', 'trade_union', 'genetic', 'biometric',
];
const PLAIN_FIELDS = [
  'client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'subscription_id',
  'fb_login_id', 'lead_id', 'anon_id', 'madid',
];
const NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Reads, validates and compiles a policy file; throws `invalid_policy`. */
export function loadPolicyFile(file: string): CompiledPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PurposeGuardError('invalid_policy', `cannot read policy file ${file}`);
  }
  return compilePolicy(text, file);
}

/**
 * Validates and compiles policy YAML. Every problem is reported at once as
 * an issue with its `file:line`.
 *
 * @example
 * const policy = compilePolicy(readFileSync('policy.yaml', 'utf8'), 'policy.yaml');
 * policy.processors.get('ads-ranker')?.purposes; // ['ads.optimization']
 */
export function compilePolicy(text: string, file = 'policy.yaml'): CompiledPolicy {
  const { policy, issues } = checkPolicy(text, file);
  if (policy === null) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    throw new PurposeGuardError('invalid_policy', `policy ${file} has ${count}`, { issues });
  }
  return policy;
}

/** Validates and compiles; returns the issues instead of throwing. */
export function checkPolicy(
  text: string,
  file = 'policy.yaml',
): { policy: CompiledPolicy | null; issues: readonly Issue[] } {
  const doc = new PolicyDocument(file, text);
  if (doc.issues.length > 0) return { policy: null, issues: doc.issues };
  const policy = new Compiler(doc, text).compile();
  return doc.issues.length > 0
    ? { policy: null, issues: byLine(doc.issues) }
    : { policy, issues: [] };
}

class Compiler {
  readonly #doc: PolicyDocument;
  readonly #text: string;
  readonly #purposes = new Map<string, CompiledPurpose>();
  #closure: PurposeMask[] = [];
  #groups = new Map<string, ReadonlySet<string>>(BUILTIN_GROUPS);
  #categories = new Map<string, CompiledCategory>();
  #owners = new Set<string>();
  #datasets = new Map<string, CompiledDataset>();
  readonly #tokenDigests = new Map<string, string>();

  constructor(doc: PolicyDocument, text: string) {
    this.#doc = doc;
    this.#text = text;
  }

  compile(): CompiledPolicy {
    const doc = this.#doc;
    const root = readDict(doc, [], doc.root, TOP_KEYS) ?? {};
    if (root['version'] !== undefined && root['version'] !== 1) {
      doc.report(['version'], `unsupported policy version ${String(root['version'])} (expected 1)`);
    }
    const mode = this.#mode(['mode'], root['mode']) ?? 'enforce';
    this.#readGroups(root['jurisdictions']);
    const defaultJurisdiction = this.#jurisdiction(
      ['default_jurisdiction'], root['default_jurisdiction'] ?? 'US',
    );
    this.#readPurposes(root['purposes']);
    this.#readCategories(root['categories']);
    this.#readOwners(root['owners']);
    this.#readDatasets(root['datasets'], mode);
    const sources = this.#readSources(root['sources']);
    const processors = this.#readProcessors(root['processors']);
    const admin = readDict(this.#doc, ['admin'], root['admin'], ['token_sha256']);
    const adminToken = this.#sha(['admin', 'token_sha256'], admin?.['token_sha256']);
    const tcfPurposes = this.#readConsent(root['consent']);
    const destinations = this.#readDestinations(root['destinations']);
    const reclassifications = this.#readReclassifications(root['reclassifications'], processors);
    const alerts = this.#readAlerts(root['alerts']);
    const specialTerms = this.#readDetectors(root['detectors']);
    return this.#assemble({
      mode, defaultJurisdiction, sources, processors, adminToken, tcfPurposes,
      destinations, reclassifications, alerts, specialTerms,
    });
  }

  #assemble(parts: {
    mode: Mode;
    defaultJurisdiction: string;
    sources: Map<string, CompiledSource>;
    processors: Map<string, CompiledProcessor>;
    adminToken: string | null;
    tcfPurposes: Map<number, readonly string[]>;
    destinations: Map<string, CompiledDestination>;
    reclassifications: Map<string, Reclassification>;
    alerts: AlertSettings;
    specialTerms: Map<string, readonly string[]>;
  }): CompiledPolicy {
    const purposeList = [...this.#purposes.values()].sort((a, b) => a.bit - b.bit);
    const closure = this.#closure;
    const purposes = this.#purposes;
    const count = purposeList.length;
    const maskOf = (names: Iterable<string>): PurposeMask => {
      let mask = emptyMask(count);
      for (const name of names) {
        const purpose = purposes.get(name);
        if (purpose) mask = union(mask, closure[purpose.bit] ?? emptyMask(count));
      }
      return mask;
    };
    const namesOf = (mask: PurposeMask): string[] =>
      purposeList.filter((p) => hasBit(mask, p.bit)).map((p) => p.name);
    return Object.freeze({
      file: this.#doc.file,
      digest: createHash('sha256').update(this.#text).digest('hex'),
      mode: parts.mode,
      defaultJurisdiction: parts.defaultJurisdiction,
      purposeCount: count,
      purposes,
      purposeList,
      categories: this.#categories,
      owners: this.#owners,
      sources: parts.sources,
      datasets: this.#datasets,
      processors: parts.processors,
      adminTokenSha256: parts.adminToken,
      tcfPurposes: parts.tcfPurposes,
      destinations: parts.destinations,
      reclassifications: parts.reclassifications,
      alerts: parts.alerts,
      specialTerms: parts.specialTerms,
      jurisdictionGroups: this.#groups,
      maskOf,
      namesOf,
    });
  }

  #mode(path: PathKey[], value: unknown): Mode | null {
    if (value === undefined || value === null) return null;
    if (value === 'enforce' || value === 'log') return value;
    this.#doc.report(path, `'${path.join('.')}' must be 'enforce' or 'log'`);
    return null;
  }

  #readGroups(value: unknown): void {
    const groups = readDict(this.#doc, ['jurisdictions'], value, Object.keys(isDict(value) ? value : {}));
    for (const [name, members] of Object.entries(groups ?? {})) {
      const path = ['jurisdictions', name];
      const list = readStringList(this.#doc, path, members);
      for (const [i, member] of list.entries()) {
        if (!isCountryCode(member)) this.#doc.report([...path, i], `'${member}' is not an ISO 3166 alpha-2 country code`);
      }
      this.#groups.set(name, new Set(list));
    }
  }

  #jurisdiction(path: PathKey[], value: unknown): string {
    const text = readString(this.#doc, path, value) ?? 'US';
    if (!isCountryCode(text) && !this.#groups.has(text)) {
      this.#doc.report(path, `unknown jurisdiction '${text}' (use an ISO 3166 alpha-2 code or a declared group)`);
    }
    return text;
  }

  #readPurposes(value: unknown): void {
    const doc = this.#doc;
    const section = readDict(doc, ['purposes'], value, Object.keys(isDict(value) ? value : {}));
    if (!section || Object.keys(section).length === 0) {
      doc.report(['purposes'], 'the policy declares no purposes');
      return;
    }
    const names = Object.keys(section).filter((name) => {
      if (NAME.test(name)) return true;
      doc.issues.push({ code: 'policy', path: doc.whereKey(['purposes', name]), message: `invalid purpose name '${name}' (lowercase words joined by dots)` });
      return false;
    });
    const all = new Set(names);
    for (const name of names) {
      for (const ancestor of ancestorsOf(name)) all.add(ancestor);
    }
    const ordered = [...all].sort();
    ordered.forEach((name, bit) => {
      const spec = readDict(doc, ['purposes', name], section[name], PURPOSE_KEYS) ?? {};
      this.#purposes.set(name, {
        name,
        bit,
        parent: parentOf(name),
        description: readString(doc, ['purposes', name, 'description'], spec['description']) ?? '',
        consent: this.#consentRule(['purposes', name, 'requires_consent'], spec['requires_consent']),
      });
    });
    this.#closure = ordered.map(() => emptyMask(ordered.length));
    for (const purpose of this.#purposes.values()) {
      let name: string | null = purpose.name;
      while (name !== null) {
        const ancestor = this.#purposes.get(name);
        if (ancestor) setBit(this.#closure[ancestor.bit] ?? emptyMask(1), purpose.bit);
        name = parentOf(name);
      }
    }
  }

  #consentRule(path: PathKey[], value: unknown): ConsentRule {
    if (value === undefined || value === null || value === false) return { kind: 'none' };
    if (value === true) return { kind: 'always' };
    const list = readStringList(this.#doc, path, value);
    for (const [i, name] of list.entries()) {
      if (!isCountryCode(name) && !this.#groups.has(name)) {
        this.#doc.report([...path, i], `unknown jurisdiction '${name}' in requires_consent`);
      }
    }
    return { kind: 'in', jurisdictions: expandJurisdictions(list, this.#groups) };
  }

  #readCategories(value: unknown): void {
    const doc = this.#doc;
    const section = readDict(doc, ['categories'], value, Object.keys(isDict(value) ? value : {})) ?? {};
    for (const [name, raw] of Object.entries(section)) {
      const spec = readDict(doc, ['categories', name], raw, CATEGORY_KEYS) ?? {};
      const special = readString(doc, ['categories', name, 'special'], spec['special']);
      if (special !== null && !SPECIAL_CATEGORIES.includes(special)) {
        doc.report(['categories', name, 'special'], `unknown special category '${special}' (one of ${SPECIAL_CATEGORIES.join(', ')})`);
      }
      this.#categories.set(name, { name, special });
    }
  }

  #readOwners(value: unknown): void {
    const section = readDict(this.#doc, ['owners'], value, Object.keys(isDict(value) ? value : {})) ?? {};
    for (const [name, raw] of Object.entries(section)) {
      readDict(this.#doc, ['owners', name], raw, ['description']);
      this.#owners.add(name);
    }
  }

  #readDatasets(value: unknown, mode: Mode): void {
    const doc = this.#doc;
    const section = readDict(doc, ['datasets'], value, Object.keys(isDict(value) ? value : {})) ?? {};
    for (const [name, raw] of Object.entries(section)) {
      const path = ['datasets', name];
      const spec = readDict(doc, path, raw, DATASET_KEYS) ?? {};
      const kind = spec['kind'] ?? 'raw';
      if (kind !== 'raw' && kind !== 'derived') {
        doc.report([...path, 'kind'], `dataset kind must be 'raw' or 'derived', not '${String(kind)}'`);
      }
      const purposes = this.#purposeList([...path, 'purposes'], spec['purposes']);
      if (kind === 'derived' && purposes.length === 0) {
        doc.report(path, `derived dataset '${name}' declares no purposes`);
      }
      this.#datasets.set(name, {
        name,
        kind: kind === 'derived' ? 'derived' : 'raw',
        description: readString(doc, [...path, 'description'], spec['description']) ?? '',
        purposes,
        mask: this.#maskOf(purposes),
        mode: this.#mode([...path, 'mode'], spec['mode']) ?? mode,
      });
    }
  }

  #readSources(value: unknown): Map<string, CompiledSource> {
    const doc = this.#doc;
    const out = new Map<string, CompiledSource>();
    const section = readDict(doc, ['sources'], value, Object.keys(isDict(value) ? value : {})) ?? {};
    for (const [name, raw] of Object.entries(section)) {
      const path = ['sources', name];
      const spec = readDict(doc, path, raw, SOURCE_KEYS) ?? {};
      const kind = spec['kind'] ?? 'conversions_api';
      if (kind !== 'conversions_api' && kind !== 'customer_list') {
        doc.report([...path, 'kind'], `source kind must be 'conversions_api' or 'customer_list', not '${String(kind)}'`);
      }
      const dataset = readString(doc, [...path, 'dataset'], spec['dataset'], { required: true }) ?? '';
      const target = this.#datasets.get(dataset);
      if (dataset !== '' && !target) doc.report([...path, 'dataset'], `unknown dataset '${dataset}'`);
      if (target?.kind === 'derived') doc.report([...path, 'dataset'], `source '${name}' writes into derived dataset '${dataset}'`);
      const keepPlain = readStringList(doc, [...path, 'keep_plain'], spec['keep_plain']);
      keepPlain.forEach((field, i) => {
        if (!PLAIN_FIELDS.includes(field)) doc.report([...path, 'keep_plain', i], `'${field}' is not a plain user_data field (${PLAIN_FIELDS.join(', ')})`);
      });
      out.set(name, {
        name,
        kind: kind === 'customer_list' ? 'customer_list' : 'conversions_api',
        owner: this.#owner([...path, 'owner'], spec['owner']),
        dataset,
        writeKeySha256: this.#sha([...path, 'write_key_sha256'], spec['write_key_sha256']),
        jurisdiction: spec['jurisdiction'] === undefined ? null : this.#jurisdiction([...path, 'jurisdiction'], spec['jurisdiction']),
        retention: this.#retention([...path, 'retention'], spec['retention']),
        rules: this.#rules([...path, 'rules'], spec['rules']),
        keepPlain: new Set(keepPlain),
      });
    }
    return out;
  }

  #retention(path: PathKey[], value: unknown): RetentionRule {
    if (value === undefined || value === null) return { defaultMs: null, byJurisdiction: new Map() };
    if (typeof value === 'string') return { defaultMs: this.#duration(path, value), byJurisdiction: new Map() };
    const spec = readDict(this.#doc, path, value, ['default', 'by_jurisdiction']) ?? {};
    const byJurisdiction = new Map<string, number>();
    const section = readDict(this.#doc, [...path, 'by_jurisdiction'], spec['by_jurisdiction'], Object.keys(isDict(spec['by_jurisdiction']) ? spec['by_jurisdiction'] : {})) ?? {};
    for (const [name, text] of Object.entries(section)) {
      const at = [...path, 'by_jurisdiction', name];
      const ms = this.#duration(at, text);
      const members = this.#groups.get(name) ?? new Set([name]);
      for (const member of members) if (ms !== null) byJurisdiction.set(member, ms);
    }
    const fallback = spec['default'] === undefined ? null : this.#duration([...path, 'default'], spec['default']);
    return { defaultMs: fallback, byJurisdiction };
  }

  #duration(path: PathKey[], value: unknown): number | null {
    const ms = typeof value === 'string' ? parseDuration(value) : null;
    if (ms === null) this.#doc.report(path, `'${path.join('.')}' must be a duration such as 400d, 12h or 1y`);
    return ms;
  }

  #rules(path: PathKey[], value: unknown): TaggingRule[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.#doc.report(path, `'${path.join('.')}' must be a list of rules`);
      return [];
    }
    return value.map((raw, i) => {
      const at = [...path, i];
      const spec = readDict(this.#doc, at, raw, RULE_KEYS) ?? {};
      const restrict = spec['restrict_to'];
      if (spec['purposes'] === undefined && restrict === undefined) {
        this.#doc.report(at, 'a rule needs purposes or restrict_to');
      }
      return {
        when: this.#condition([...at, 'when'], spec['when']),
        purposes: this.#purposeList([...at, 'purposes'], spec['purposes']),
        restrictTo: restrict === undefined ? null : this.#purposeList([...at, 'restrict_to'], restrict),
        categories: this.#categoryList([...at, 'categories'], spec['categories']),
      };
    });
  }

  #condition(path: PathKey[], value: unknown): RuleCondition {
    const spec = readDict(this.#doc, path, value, WHEN_KEYS) ?? {};
    const flag = (key: string): boolean | null => {
      const v = spec[key];
      if (v === undefined) return null;
      if (typeof v === 'boolean') return v;
      this.#doc.report([...path, key], `'${key}' must be true or false`);
      return null;
    };
    const names = spec['event_name'] === undefined ? null : new Set(readStringList(this.#doc, [...path, 'event_name'], spec['event_name']));
    const places = spec['jurisdiction'] === undefined ? null : expandJurisdictions(readStringList(this.#doc, [...path, 'jurisdiction'], spec['jurisdiction']), this.#groups);
    return { eventNames: names, limitedDataUse: flag('limited_data_use'), optOut: flag('opt_out'), jurisdictions: places };
  }

  #readProcessors(value: unknown): Map<string, CompiledProcessor> {
    const doc = this.#doc;
    const out = new Map<string, CompiledProcessor>();
    const section = readDict(doc, ['processors'], value, Object.keys(isDict(value) ? value : {})) ?? {};
    for (const [name, raw] of Object.entries(section)) {
      const path = ['processors', name];
      const spec = readDict(doc, path, raw, PROCESSOR_KEYS) ?? {};
      const purposes = this.#purposeList([...path, 'purposes'], spec['purposes']);
      if (purposes.length === 0 && isEmptyList(spec['purposes'])) {
        doc.report(path, `processor '${name}' has no purposes`);
      }
      out.set(name, {
        name,
        index: out.size,
        owner: this.#owner([...path, 'owner'], spec['owner']),
        purposes,
        mask: this.#maskOf(purposes),
        tokenSha256: this.#sha([...path, 'token_sha256'], spec['token_sha256']),
      });
    }
    return out;
  }

  #readConsent(value: unknown): Map<number, readonly string[]> {
    const doc = this.#doc;
    const out = new Map<number, readonly string[]>();
    const spec = readDict(doc, ['consent'], value, ['tcf']) ?? {};
    const tcf = readDict(doc, ['consent', 'tcf'], spec['tcf'], ['purposes']) ?? {};
    const map = readDict(doc, ['consent', 'tcf', 'purposes'], tcf['purposes'], Object.keys(isDict(tcf['purposes']) ? tcf['purposes'] : {})) ?? {};
    for (const [key, list] of Object.entries(map)) {
      const path = ['consent', 'tcf', 'purposes', key];
      const number = Number(key);
      if (!Number.isInteger(number) || number < 1 || number > 24) {
        doc.report(path, `TCF purpose '${key}' must be a number from 1 to 24`);
        continue;
      }
      out.set(number, this.#purposeList(path, list));
    }
    return out;
  }

  #readDestinations(value: unknown): Map<string, CompiledDestination> {
    const doc = this.#doc;
    const out = new Map<string, CompiledDestination>();
    const section = readDict(doc, ['destinations'], value, Object.keys(isDict(value) ? value : {})) ?? {};
    for (const [name, raw] of Object.entries(section)) {
      const path = ['destinations', name];
      const spec = readDict(doc, path, raw, DESTINATION_KEYS) ?? {};
      if (spec['kind'] !== 'customer_list_removal') {
        doc.report([...path, 'kind'], `destination kind must be 'customer_list_removal'`);
      }
      const datasets = readStringList(doc, [...path, 'datasets'], spec['datasets']);
      datasets.forEach((d, i) => {
        if (!this.#datasets.has(d)) doc.report([...path, 'datasets', i], `unknown dataset '${d}'`);
      });
      const endpoint = readString(doc, [...path, 'endpoint'], spec['endpoint']);
      const file = readString(doc, [...path, 'file'], spec['file']);
      if (endpoint === null && file === null) doc.report(path, `destination '${name}' needs an endpoint or a file`);
      if (endpoint !== null && !/^https?:\/\//.test(endpoint)) doc.report([...path, 'endpoint'], 'endpoint must be an http(s) URL');
      out.set(name, { name, kind: 'customer_list_removal', datasets, endpoint, file });
    }
    return out;
  }

  #readReclassifications(
    value: unknown,
    processors: Map<string, CompiledProcessor>,
  ): Map<string, Reclassification> {
    const doc = this.#doc;
    const out = new Map<string, Reclassification>();
    const section = readDict(doc, ['reclassifications'], value, Object.keys(isDict(value) ? value : {})) ?? {};
    for (const [name, raw] of Object.entries(section)) {
      const path = ['reclassifications', name];
      const spec = readDict(doc, path, raw, RECLASS_KEYS) ?? {};
      const processor = readString(doc, [...path, 'processor'], spec['processor'], { required: true }) ?? '';
      if (processor !== '' && !processors.has(processor)) doc.report([...path, 'processor'], `unknown processor '${processor}'`);
      const dataset = readString(doc, [...path, 'dataset'], spec['dataset'], { required: true }) ?? '';
      if (dataset !== '' && this.#datasets.get(dataset)?.kind !== 'derived') doc.report([...path, 'dataset'], `'${dataset}' is not a derived dataset`);
      const justification = readString(doc, [...path, 'justification'], spec['justification'], { required: true }) ?? '';
      out.set(name, {
        name,
        processor,
        dataset,
        purposes: this.#purposeList([...path, 'purposes'], spec['purposes']),
        minSubjects: readNumber(doc, [...path, 'min_subjects'], spec['min_subjects'], 0),
        justification,
      });
    }
    return out;
  }

  #readAlerts(value: unknown): AlertSettings {
    const doc = this.#doc;
    const spec = readDict(doc, ['alerts'], value, ALERT_KEYS) ?? {};
    const webhook = readString(doc, ['alerts', 'webhook'], spec['webhook']);
    if (webhook !== null && !/^https?:\/\//.test(webhook)) doc.report(['alerts', 'webhook'], 'webhook must be an http(s) URL');
    return {
      webhook,
      readSpikeFactor: readNumber(doc, ['alerts', 'read_spike_factor'], spec['read_spike_factor'], 10),
      readBaselineMinRows: readNumber(doc, ['alerts', 'read_baseline_min_rows'], spec['read_baseline_min_rows'], 1000),
      denialSpikePerMinute: readNumber(doc, ['alerts', 'denial_spike_per_minute'], spec['denial_spike_per_minute'], 20),
    };
  }

  #readDetectors(value: unknown): Map<string, readonly string[]> {
    const doc = this.#doc;
    const out = new Map<string, readonly string[]>();
    const spec = readDict(doc, ['detectors'], value, ['special']) ?? {};
    const special = readDict(doc, ['detectors', 'special'], spec['special'], SPECIAL_CATEGORIES) ?? {};
    for (const [name, list] of Object.entries(special)) {
      out.set(name, readStringList(doc, ['detectors', 'special', name], list));
    }
    return out;
  }

  #purposeList(path: PathKey[], value: unknown): string[] {
    const list = readStringList(this.#doc, path, value);
    list.forEach((name, i) => {
      if (!this.#purposes.has(name)) {
        this.#doc.report(Array.isArray(value) ? [...path, i] : path, `unknown purpose '${name}'`);
      }
    });
    return list;
  }

  #categoryList(path: PathKey[], value: unknown): string[] {
    const list = readStringList(this.#doc, path, value);
    list.forEach((name, i) => {
      if (!this.#categories.has(name)) this.#doc.report([...path, i], `unknown category '${name}'`);
    });
    return list;
  }

  #owner(path: PathKey[], value: unknown): string {
    const owner = readString(this.#doc, path, value, { required: true }) ?? '';
    if (owner !== '' && this.#owners.size > 0 && !this.#owners.has(owner)) {
      this.#doc.report(path, `unknown owner '${owner}'`);
    }
    if (owner !== '' && this.#owners.size === 0) this.#owners.add(owner);
    return owner;
  }

  /**
   * A token digest. Each digest may name one principal only: a token shared
   * by two would authenticate as whichever is checked first.
   */
  #sha(path: PathKey[], value: unknown): string | null {
    const text = readString(this.#doc, path, value);
    if (text === null) return null;
    const name = path.join('.');
    if (!SHA256.test(text)) {
      this.#doc.report(path, `'${name}' must be a lowercase SHA-256 hex digest (never a plaintext token)`);
      return null;
    }
    const holder = this.#tokenDigests.get(text);
    if (holder !== undefined) {
      this.#doc.report(path, `'${name}' is the same digest as '${holder}': each token names one principal`);
      return null;
    }
    this.#tokenDigests.set(text, name);
    return text;
  }

  #maskOf(names: readonly string[]): PurposeMask {
    let mask = emptyMask(this.#purposes.size);
    for (const name of names) {
      const purpose = this.#purposes.get(name);
      if (purpose) mask = union(mask, this.#closure[purpose.bit] ?? mask);
    }
    return mask;
  }
}

function byLine(issues: readonly Issue[]): Issue[] {
  const line = (issue: Issue): number => Number(issue.path.slice(issue.path.lastIndexOf(':') + 1));
  return [...issues].sort((a, b) => line(a) - line(b));
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function parentOf(name: string): string | null {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? null : name.slice(0, dot);
}

function ancestorsOf(name: string): string[] {
  const out: string[] = [];
  for (let p = parentOf(name); p !== null; p = parentOf(p)) out.push(p);
  return out;
}


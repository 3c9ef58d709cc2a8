import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryHash, GENESIS_HASH } from '../src/audit/audit-hash.js';
import { PurposeGuardError } from '../src/errors.js';
import type { LabelClass } from '../src/label.js';
import type {
  AuditEntry,
  AuditInput,
  ConsentChange,
  EraseCounts,
  NewFlow,
  NewRecord,
  ReadPlan,
  Store,
  StoredRecord,
} from '../src/store/store.js';
import { storeCases } from './store-fixtures.js';
import type { StoreCase, StoreFixture } from './store-fixtures.js';

const NOW = 1_750_000_000_000;

const ADS: LabelClass = {
  purposes: ['ads.optimization', 'analytics'],
  categories: ['user.behavior.purchase'],
  source: 'pixel',
  jurisdiction: 'EU',
  flags: [],
};
const AI: LabelClass = { ...ADS, purposes: ['ai.training'], source: 'crm' };

const DESTINATIONS = [
  { name: 'meta-audience', datasets: ['audience'] },
  { name: 'bi-export', datasets: ['reports'] },
];

function note(n: number, kind: AuditInput['kind'] = 'collection'): AuditInput {
  return { kind, actor: 'contract-test', owner: 'o1', data: { n, text: 'é "q"' } };
}

function record(labelId: number, fields: Partial<NewRecord> = {}): NewRecord {
  return {
    dataset: 'events',
    owner: 'o1',
    labelId,
    subjects: ['s1'],
    collectedAt: NOW - 1000,
    expiresAt: null,
    dedupeKey: null,
    json: '{"event_name":"Purchase"}',
    ...fields,
  };
}

function plan(fields: Partial<ReadPlan> = {}): ReadPlan {
  return { dataset: 'events', owner: 'o1', open: [], consentGroups: [], now: NOW, ...fields };
}

function consent(subject: string, status: ConsentChange['status'], at: number,
  purpose = 'ai.training', owner = 'o1'): ConsentChange {
  return { owner, subject, purpose, status, at, source: 'api', evidence: 'form-7' };
}

function flow(output: string, inputs: readonly string[] = ['events']): NewFlow {
  return {
    owner: 'o1', processor: 'builder', purpose: 'ads.optimization', inputs, output,
    outcome: 'allowed', outputPurposes: ['ads.optimization'], reclassification: null, at: NOW,
  };
}

function eraseAudit(counts: EraseCounts): AuditInput {
  return { kind: 'erasure', actor: 'dpo', owner: 'o1', data: { ...counts } };
}

async function batches(store: Store, readPlan: ReadPlan): Promise<StoredRecord[][]> {
  const out: StoredRecord[][] = [];
  for await (const batch of store.readRecords(readPlan)) out.push(batch);
  return out;
}

async function read(store: Store, readPlan: ReadPlan): Promise<StoredRecord[]> {
  return (await batches(store, readPlan)).flat();
}

async function ids(store: Store, readPlan: ReadPlan): Promise<number[]> {
  return (await read(store, readPlan)).map((r) => r.id);
}

/** Commits one record and returns its id. */
async function put(store: Store, newRecord: NewRecord): Promise<number> {
  const result = await store.commit({ records: [newRecord], audit: [] });
  const id = result.recordIds[0];
  assert.ok(typeof id === 'number', 'the record was stored');
  return id;
}

async function wholeChain(store: Store): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (;;) {
    const page = await store.readAudit({ afterSeq: out.at(-1)?.seq ?? 0, limit: 50 });
    if (page.length === 0) return out;
    out.push(...page);
  }
}

function assertValidChain(entries: readonly AuditEntry[]): void {
  let prevHash = GENESIS_HASH;
  entries.forEach((entry, i) => {
    assert.equal(entry.seq, i + 1, 'seq is contiguous');
    assert.equal(entry.prevHash, prevHash, `entry ${entry.seq} links to the one before`);
    assert.equal(entry.hash, entryHash(prevHash, entry), `entry ${entry.seq} hash`);
    assert.deepEqual(JSON.parse(entry.dataJson), entry.data);
    prevHash = entry.hash;
  });
}

type Body = (store: Store, fixture: StoreFixture) => Promise<void>;

/** Runs `body` against a fresh, empty store of `kind`. */
function withStore(kind: StoreCase, body: Body): () => Promise<void> {
  return async () => {
    const fixture = await kind.fresh();
    const store = await fixture.open();
    try {
      await body(store, fixture);
    } finally {
      await store.close();
      await fixture.cleanup();
    }
  };
}

for (const kind of storeCases()) {
  if (kind.missing !== null && kind.required) {
    describe(`${kind.name} store contract`, () => {
      it('has a database to run against', () => {
        assert.fail(`the ${kind.name} store must run in CI: ${kind.missing}`);
      });
    });
    continue;
  }
  describe(`${kind.name} store contract`, { skip: kind.missing ?? false }, () => {
    contract(kind);
  });
}

function contract(kind: StoreCase): void {
  it('interns a label class once, whatever the order of its lists', withStore(kind, async (store) => {
    const first = await store.internLabel(ADS);
    const again = await store.internLabel({ ...ADS, purposes: ['analytics', 'ads.optimization', 'analytics'] });
    const other = await store.internLabel(AI);
    assert.equal(again, first);
    assert.notEqual(other, first);
    const all = await store.labelsAfter(0);
    assert.deepEqual(all.map((l) => l.id), [first, other]);
    assert.deepEqual(all[0]?.label.purposes, ['ads.optimization', 'analytics']);
    assert.deepEqual((await store.labelsAfter(first)).map((l) => l.id), [other]);
  }));

  it('commits records with dedupe and audit entries together', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const key = 'Purchase:e1';
    const result = await store.commit({
      records: [
        record(label, { dedupeKey: key }),
        record(label, { dedupeKey: key }),
        record(label),
      ],
      audit: [note(1), note(2)],
    });
    const [a, dup, b] = result.recordIds;
    assert.equal(dup, null);
    assert.ok(typeof a === 'number' && typeof b === 'number' && b > a);
    assert.equal(result.flowId, null);
    assert.deepEqual(result.audit.map((e) => e.seq), [1, 2]);
    const again = await store.commit({ records: [record(label, { dedupeKey: key })], audit: [] });
    assert.deepEqual(again.recordIds, [null]);
    const elsewhere = await store.commit({
      records: [
        record(label, { dedupeKey: key, dataset: 'other' }),
        record(label, { dedupeKey: key, owner: 'o2' }),
      ],
      audit: [],
    });
    assert.ok(elsewhere.recordIds.every((id) => typeof id === 'number'));
    const described = await store.commit({
      records: [record(label, { dedupeKey: key }), record(label, { dedupeKey: 'Lead:e2' })],
      audit: (written) => [{ ...note(3), data: { written: written.map((id) => id !== null) } }],
    });
    assert.deepEqual(described.audit[0]?.data, { written: [false, true] });
    assert.equal(await store.countRecords(plan({ open: [label] })), 3);
    assert.deepEqual(await wholeChain(store), [...result.audit, ...described.audit]);
  }));

  it('stores nothing of a commit that fails', withStore(kind, async (store, fixture) => {
    const label = await store.internLabel(ADS);
    const failing = store.commit({
      records: [record(label), record(987_654)],
      consents: [consent('s1', 'granted', NOW)],
      flow: flow('audience'),
      audit: [note(1)],
    });
    await assert.rejects(failing);
    assert.equal(await store.countRecords(plan({ open: [label, 987_654] })), 0);
    assert.equal(await fixture.count('SELECT count(*) AS n FROM records'), 0);
    assert.deepEqual(await store.readAudit({ afterSeq: 0, limit: 10 }), []);
    assert.deepEqual(await store.consentOf('o1', 's1'), []);
    assert.deepEqual(await store.flows({}), []);
    const next = await store.appendAudit([note(2)]);
    assert.equal(next[0]?.seq, 1, 'the chain did not advance');
  }));

  it('reads the chain as stored and the newest entries of a kind', withStore(kind, async (store) => {
    const written = await store.appendAudit([note(1), note(2, 'policy'), note(3), note(4, 'policy')]);
    const links = await store.readAuditChain({ afterSeq: 1, limit: 2 });
    assert.deepEqual(links, written.slice(1, 3).map(({ data: _data, ...link }) => link));
    assert.equal(links[0]?.dataJson, '{"n":2,"text":"é \\"q\\""}');
    assert.deepEqual(await store.readAuditChain({ afterSeq: 4, limit: 10 }), []);
    const policies = await store.latestAudit({ kind: 'policy', limit: 5 });
    assert.deepEqual(policies.map((e) => e.seq), [4, 2]);
    assert.deepEqual(policies, [written[3], written[1]]);
    assert.deepEqual((await store.latestAudit({ kind: 'collection', limit: 1 })).map((e) => e.seq), [3]);
    assert.deepEqual(await store.latestAudit({ kind: 'erasure', limit: 1 }), []);
  }));

  it('reads only labels the plan opens', withStore(kind, async (store) => {
    const ads = await store.internLabel(ADS);
    const ai = await store.internLabel(AI);
    const open = await put(store, record(ads));
    await put(store, record(ai));
    assert.deepEqual(await ids(store, plan({ open: [ads] })), [open]);
    assert.deepEqual(await ids(store, plan()), [], 'a plan that opens nothing reads nothing');
  }));

  it('reads consent-gated labels only for subjects who granted', withStore(kind, async (store) => {
    const ads = await store.internLabel(ADS);
    const ai = await store.internLabel(AI);
    await store.commit({
      consents: [
        consent('granted', 'granted', 1),
        consent('both', 'granted', 1),
        consent('withdrew', 'granted', 1),
        consent('withdrew', 'withdrawn', 2),
        consent('denied', 'denied', 1),
        consent('late', 'withdrawn', 5),
        consent('late', 'granted', 3),
        consent('none', 'granted', 1, 'ai.training', 'o2'),
      ],
      audit: [note(1, 'consent')],
    });
    const want = [
      await put(store, record(ai, { subjects: ['granted'] })),
      await put(store, record(ai, { subjects: ['granted', 'both'] })),
      await put(store, record(ads, { subjects: ['none'] })),
    ];
    for (const subjects of [['withdrew'], ['denied'], ['late'], ['none'], [], ['granted', 'none']]) {
      await put(store, record(ai, { subjects }));
    }
    const group = { labels: [ai], purposes: ['ai.training'] };
    assert.deepEqual(await ids(store, plan({ open: [ads], consentGroups: [group] })), want);
    const twoPurposes = { labels: [ai], purposes: ['ai.training', 'analytics'] };
    assert.deepEqual(await ids(store, plan({ consentGroups: [twoPurposes] })), []);
    const late = await store.consentOf('o1', 'late');
    assert.deepEqual(late.map((c) => [c.status, c.at]), [['withdrawn', 5]]);
  }));

  it('leaves out expired records', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const keep = [
      await put(store, record(label, { expiresAt: null })),
      await put(store, record(label, { expiresAt: NOW + 1 })),
    ];
    await put(store, record(label, { expiresAt: NOW }));
    await put(store, record(label, { expiresAt: NOW - 1 }));
    assert.deepEqual(await ids(store, plan({ open: [label] })), keep);
    assert.equal(await store.countRecords(plan({ open: [label] })), 2);
  }));

  it('filters on JSON fields by type', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const purchase = await put(store, record(label, {
      json: '{"event_name":"Purchase","value":5,"test":true,"user":{"country":"de"}}',
    }));
    const lead = await put(store, record(label, {
      json: '{"event_name":"Lead","value":"5","test":false,"user":{"country":"fr"}}',
    }));
    const where = async (w: ReadPlan['where']): Promise<number[]> =>
      ids(store, plan({ open: [label], ...(w ? { where: w } : {}) }));
    assert.deepEqual(await where({ event_name: 'Purchase' }), [purchase]);
    assert.deepEqual(await where({ value: 5 }), [purchase]);
    assert.deepEqual(await where({ value: '5' }), [lead]);
    assert.deepEqual(await where({ test: true }), [purchase]);
    assert.deepEqual(await where({ test: false }), [lead]);
    assert.deepEqual(await where({ 'user.country': 'fr' }), [lead]);
    assert.deepEqual(await where({ event_name: 'Purchase', test: false }), []);
    await assert.rejects(where({ 'x; DROP TABLE records': 1 }), isCode('invalid_request'));
  }));

  it('keeps owners apart', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const mine = await put(store, record(label));
    const theirs = await put(store, record(label, { owner: 'o2' }));
    await put(store, record(label, { owner: 'o2', dataset: 'audience' }));
    assert.deepEqual(await ids(store, plan({ open: [label] })), [mine]);
    assert.deepEqual(await ids(store, plan({ open: [label], owner: 'o2' })), [theirs]);
    assert.deepEqual(await store.recordsById('o2', [mine, theirs, theirs]), [
      ...(await store.recordsById('o2', [theirs])),
    ]);
    assert.deepEqual((await store.recordsById('o1', [mine]))[0]?.owner, 'o1');
    assert.deepEqual(await store.datasetCounts(null), [
      { owner: 'o1', dataset: 'events', rows: 1 },
      { owner: 'o2', dataset: 'audience', rows: 1 },
      { owner: 'o2', dataset: 'events', rows: 1 },
    ]);
    assert.deepEqual(await store.datasetCounts('o1'), [{ owner: 'o1', dataset: 'events', rows: 1 }]);
  }));

  it('pages by id with afterId, limit and batchSize', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const result = await store.commit({
      records: Array.from({ length: 10 }, (_, i) => record(label, { json: `{"i":${i}}` })),
      audit: [],
    });
    const all = result.recordIds.filter((id): id is number => id !== null);
    const sizes = async (p: Partial<ReadPlan>): Promise<number[]> =>
      (await batches(store, plan({ open: [label], ...p }))).map((b) => b.length);
    assert.deepEqual(await sizes({ batchSize: 3 }), [3, 3, 3, 1]);
    assert.deepEqual(await sizes({ batchSize: 5 }), [5, 5]);
    assert.deepEqual(await sizes({ batchSize: 2, limit: 5 }), [2, 2, 1]);
    assert.deepEqual(await sizes({ limit: 0 }), []);
    assert.deepEqual(await ids(store, plan({ open: [label], afterId: all[3] ?? 0 })), all.slice(4));
    const read = await store.recordsById('o1', [all[2] ?? 0]);
    assert.equal(read[0]?.json, '{"i":2}');
    assert.equal(await store.countRecords(plan({ open: [label], afterId: 0 })), 10);
  }));

  it('keeps multi-subject records whole', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const id = await put(store, record(label, { subjects: ['a', 'b'], expiresAt: NOW + 5 }));
    const [stored] = await store.recordsById('o1', [id]);
    assert.deepEqual(stored, {
      id, dataset: 'events', owner: 'o1', labelId: label, subjects: ['a', 'b'],
      collectedAt: NOW - 1000, expiresAt: NOW + 5, json: '{"event_name":"Purchase"}',
    });
    assert.deepEqual(await store.subjectDatasets('o1', 'b'), [
      { owner: 'o1', dataset: 'events', rows: 1 },
    ]);
  }));

  it('records flows and finds them by exact dataset name', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const source = await put(store, record(label));
    const result = await store.commit({
      flow: flow('audience', ['events', 'web_log']),
      records: [record(label, { dataset: 'audience', sources: [source] })],
      audit: [note(1, 'flow')],
    });
    assert.ok(typeof result.flowId === 'number');
    const [stored] = await store.flows({ dataset: 'events' });
    assert.deepEqual(stored, { ...flow('audience', ['events', 'web_log']), id: result.flowId, rows: 1 });
    assert.equal((await store.flows({ dataset: 'audience' })).length, 1);
    assert.equal((await store.flows({ dataset: 'web_log' })).length, 1);
    assert.deepEqual(await store.flows({ dataset: 'EVENTS' }), []);
    assert.deepEqual(await store.flows({ dataset: 'web%log' }), []);
    assert.deepEqual(await store.flows({ dataset: 'webxlog' }), []);
    assert.deepEqual(await store.flows({ owner: 'o2' }), []);
  }));

  it('keeps a denied flow without records and shows audit builders the flow id', withStore(kind, async (store) => {
    const denied: NewFlow = { ...flow('audience'), outcome: 'denied', outputPurposes: [] };
    const seen: (number | null)[] = [];
    const result = await store.commit({
      flow: denied,
      audit: (_ids, flowId) => {
        seen.push(flowId);
        return [{ ...note(1, 'violation'), data: { flowId } }];
      },
    });
    assert.ok(typeof result.flowId === 'number');
    assert.deepEqual(seen, [result.flowId]);
    assert.deepEqual(result.audit[0]?.data, { flowId: result.flowId });
    const [stored] = await store.flows({ dataset: 'audience' });
    assert.deepEqual(stored, { ...denied, id: result.flowId, rows: 0 });
  }));

  it('erases a subject with everything derived from them', withStore(kind, async (store, fixture) => {
    const label = await store.internLabel(ADS);
    await store.commit({
      consents: [
        consent('s1', 'granted', 1),
        consent('s1', 'withdrawn', 2),
        consent('s1', 'granted', 1, 'ai.training', 'o2'),
        consent('s2', 'granted', 1),
      ],
      audit: [],
    });
    const r1 = await put(store, record(label));
    await put(store, record(label));
    const r3 = await put(store, record(label, { subjects: ['s2'] }));
    const shared = await put(store, record(label, { subjects: ['s2', 's1'] }));
    const r5 = await put(store, record(label, { subjects: ['s2'] }));
    const elsewhere = await put(store, record(label, { owner: 'o2' }));
    const derived = await store.commit({
      flow: flow('audience'),
      records: [
        record(label, { dataset: 'audience', subjects: [], sources: [r1] }),
        record(label, { dataset: 'audience', subjects: ['s2'], sources: [r3] }),
      ],
      audit: [],
    });
    const [d1, d2] = derived.recordIds;
    await store.commit({
      flow: flow('reports', ['audience']),
      records: [record(label, { dataset: 'reports', subjects: [], sources: [d1 ?? 0] })],
      audit: [],
    });

    const result = await store.erase({
      owner: 'o1', subject: 's1', now: NOW, destinations: DESTINATIONS, audit: eraseAudit,
    });

    assert.deepEqual(result.rows, { events: 3 });
    assert.deepEqual(result.derivedRows, { audience: 1, reports: 1 });
    assert.equal(result.consentRecords, 2);
    assert.deepEqual(result.queued, ['meta-audience', 'bi-export']);
    assert.equal(result.audit.kind, 'erasure');
    assert.deepEqual(result.audit.data, {
      rows: result.rows, derivedRows: result.derivedRows,
      consentRecords: 2, queued: result.queued,
    });
    assert.deepEqual(await store.subjectDatasets('o1', 's1'), []);
    assert.deepEqual(await store.consentOf('o1', 's1'), []);
    const s1Rows = "SELECT count(*) AS n FROM consent_events WHERE subject = 's1' AND owner = 'o1'";
    assert.equal(await fixture.count(s1Rows), 0, 'no consent history names the subject');
    assert.equal(await fixture.count(
      "SELECT count(*) AS n FROM record_subjects WHERE subject = 's1' AND owner = 'o1'"), 0);
    assert.equal((await store.consentOf('o2', 's1')).length, 1);
    assert.equal((await store.consentOf('o1', 's2')).length, 1);
    assert.deepEqual(await ids(store, plan({ open: [label] })), [r3, r5]);
    assert.deepEqual(await ids(store, plan({ open: [label], dataset: 'audience' })), [d2]);
    assert.deepEqual(await store.recordsById('o2', [elsewhere]).then((r) => r.length), 1);
    assert.equal((await store.recordsById('o1', [shared])).length, 0);
    const pending = await store.outbox({ pendingOnly: true, limit: 10 });
    assert.deepEqual(pending.map((o) => [o.destination, o.owner, o.subject, o.attempts]), [
      ['meta-audience', 'o1', 's1', 0], ['bi-export', 'o1', 's1', 0],
    ]);
    assertValidChain(await wholeChain(store));
  }));

  it('erases a record named by one of its other identifiers', withStore(kind, async (store, fixture) => {
    const label = await store.internLabel(ADS);
    const both = await put(store, record(label, { subjects: ['s1'], identifiers: ['phone-1', 'em-2'] }));
    const other = await put(store, record(label, { subjects: ['s2'], identifiers: ['phone-2'] }));
    const elsewhere = await put(store, record(label, { owner: 'o2', identifiers: ['phone-1'] }));
    const derived = await store.commit({
      flow: flow('audience'),
      records: [record(label, { dataset: 'audience', subjects: [], sources: [both] })],
      audit: [],
    });
    assert.deepEqual(await store.subjectDatasets('o1', 'phone-1'), [
      { owner: 'o1', dataset: 'events', rows: 1 },
    ]);

    const result = await store.erase({
      owner: 'o1', subject: 'phone-1', now: NOW, destinations: DESTINATIONS, audit: eraseAudit,
    });

    assert.deepEqual(result.rows, { events: 1 });
    assert.deepEqual(result.derivedRows, { audience: 1 });
    const derivedIds = derived.recordIds.filter((id): id is number => id !== null);
    assert.equal(derivedIds.length, 1);
    assert.equal((await store.recordsById('o1', [both, ...derivedIds])).length, 0);
    assert.equal((await store.recordsById('o1', [other])).length, 1);
    assert.equal((await store.recordsById('o2', [elsewhere])).length, 1);
    assert.equal(await fixture.count(
      "SELECT count(*) AS n FROM record_identifiers WHERE owner = 'o1' AND identifier = 'em-2'"), 0);
    assert.deepEqual(await store.subjectDatasets('o1', 'em-2'), []);
  }));

  it('keeps every consent change of a subject in order', withStore(kind, async (store) => {
    await store.commit({
      consents: [consent('s1', 'granted', 5), consent('s1', 'withdrawn', 7), consent('s2', 'granted', 6)],
      audit: [],
    });
    await store.commit({ consents: [consent('s1', 'denied', 6, 'ads')], audit: [] });
    const history = await store.consentHistory('o1', 's1');
    assert.deepEqual(history.map((c) => [c.purpose, c.status, c.at]), [
      ['ai.training', 'granted', 5], ['ads', 'denied', 6], ['ai.training', 'withdrawn', 7],
    ]);
    assert.deepEqual(history[0], consent('s1', 'granted', 5));
    assert.deepEqual(await store.consentHistory('o2', 's1'), []);
    await store.erase({ owner: 'o1', subject: 's1', now: NOW, destinations: [], audit: eraseAudit });
    assert.deepEqual(await store.consentHistory('o1', 's1'), []);
    assert.equal((await store.consentHistory('o1', 's2')).length, 1);
  }));

  it('never gives an erased record\'s id to a new record', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const first = await put(store, record(label, { subjects: ['s2'] }));
    const newest = await put(store, record(label));
    await store.erase({ owner: 'o1', subject: 's1', now: NOW, destinations: [], audit: eraseAudit });
    const next = await put(store, record(label, { subjects: ['s3'] }));
    assert.ok(next > newest, `id ${next} comes after the erased id ${newest}`);
    assert.deepEqual(await ids(store, plan({ open: [label], afterId: newest })), [next]);
    assert.deepEqual(await ids(store, plan({ open: [label] })), [first, next]);
  }));

  it('queues nothing when no destination dataset was touched', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    await put(store, record(label));
    const result = await store.erase({
      owner: 'o1', subject: 's1', now: NOW, destinations: DESTINATIONS, audit: eraseAudit,
    });
    assert.deepEqual(result.queued, []);
    assert.equal(result.consentRecords, 0);
    assert.deepEqual(await store.outbox({ pendingOnly: false, limit: 10 }), []);
  }));

  it('expires records past their retention, and what came from them', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    const old = await put(store, record(label, { expiresAt: NOW - 1 }));
    const keep = await put(store, record(label, { subjects: ['s2'], expiresAt: NOW + 1 }));
    const forever = await put(store, record(label, { subjects: ['s3'] }));
    const theirs = await put(store, record(label, { owner: 'o2', expiresAt: NOW }));
    await store.commit({
      flow: flow('audience'),
      records: [record(label, { dataset: 'audience', sources: [old] })],
      audit: [],
    });
    const result = await store.expire({
      now: NOW, destinations: DESTINATIONS,
      audit: (counts) => ({ kind: 'expiry', actor: 'retention', owner: null, data: { ...counts } }),
    });
    assert.deepEqual(result.rows, { events: 2 });
    assert.deepEqual(result.derivedRows, { audience: 1 });
    assert.deepEqual(result.queued, ['meta-audience']);
    assert.equal(result.audit.kind, 'expiry');
    assert.deepEqual(await ids(store, plan({ open: [label], now: 0 })), [keep, forever]);
    assert.deepEqual(await store.recordsById('o2', [theirs]), []);
    const pending = await store.outbox({ pendingOnly: true, limit: 10 });
    assert.deepEqual(pending.map((o) => [o.destination, o.owner, o.subject]), [
      ['meta-audience', 'o1', 's1'],
    ]);
  }));

  it('marks outbox items delivered or failed', withStore(kind, async (store) => {
    const label = await store.internLabel(ADS);
    await put(store, record(label, { dataset: 'audience' }));
    await store.erase({ owner: 'o1', subject: 's1', now: NOW, destinations: DESTINATIONS, audit: eraseAudit });
    const [item] = await store.outbox({ pendingOnly: true, limit: 10 });
    assert.ok(item);
    assert.equal(item.lastAttemptAt, null);
    assert.deepEqual(await store.outboxCounts(), { pending: 1, delivered: 0 });
    await store.markOutbox({ id: item.id, delivered: false, error: 'http 503', at: NOW + 1 });
    const [failed] = await store.outbox({ pendingOnly: true, limit: 10 });
    assert.deepEqual({ ...failed }, {
      ...item, attempts: 1, lastError: 'http 503', lastAttemptAt: NOW + 1,
    });
    await store.markOutbox({ id: item.id, delivered: true, error: null, at: NOW + 2 });
    assert.deepEqual(await store.outbox({ pendingOnly: true, limit: 10 }), []);
    const [done] = await store.outbox({ pendingOnly: false, limit: 10 });
    assert.deepEqual(done, {
      ...item, attempts: 2, lastError: null, lastAttemptAt: NOW + 2, deliveredAt: NOW + 2, subject: '',
    });
    assert.deepEqual(await store.outboxCounts(), { pending: 0, delivered: 1 });
  }));

  it('keeps one valid audit chain under concurrent writers', withStore(kind, async (store, fixture) => {
    const other = await fixture.open();
    try {
      const label = await store.internLabel(ADS);
      const writes = Array.from({ length: 40 }, (_, i) => {
        const writer = i % 2 === 0 ? store : other;
        if (i % 5 === 0) {
          return writer.commit({ records: [record(label)], audit: [note(i), note(i + 100)] })
            .then((r) => r.audit);
        }
        return writer.appendAudit([note(i), note(i + 100)]);
      });
      const appended = await Promise.all(writes);
      const chain = await wholeChain(other);
      assert.equal(chain.length, 80);
      assertValidChain(chain);
      for (const pair of appended) {
        assert.equal(pair.length, 2);
        assert.equal((pair[1]?.seq ?? 0) - (pair[0]?.seq ?? 0), 1, 'one call, adjacent entries');
        assert.deepEqual(chain[(pair[0]?.seq ?? 0) - 1], pair[0]);
      }
    } finally {
      await other.close();
    }
  }));
}

function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof PurposeGuardError && error.code === code;
}

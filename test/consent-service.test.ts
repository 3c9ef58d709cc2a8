import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PurposeGuardError } from '../src/errors.js';
import { createApp } from '../src/server/app.js';
import { subjectRef } from '../src/subject/subject-ref.js';
import { cli, emailSubject, eventIds, ingestExamples, openScenario } from './erasure-support.js';
import type { Scenario } from './erasure-support.js';
import { readSharedData } from './shared-data.js';
import { fixture, openEngine } from './support.js';

const MINA = 'mina.lee@example.com';
const OMAR = 'omar.haddad@example.org';
const admin = { 'content-type': 'application/json', authorization: 'Bearer demo-admin' };

let s: Scenario;
let app: ReturnType<typeof createApp>;

function tcfStrings(): string[] {
  return readSharedData('tcf/strings.tsv').trim().split('\n').slice(1).map((l) => l.split('\t')[0] ?? '');
}

async function postConsent(body: unknown, headers: Record<string, string> = admin): Promise<Response> {
  return app.request('/v1/consent', { method: 'POST', headers, body: JSON.stringify(body) });
}

async function trainerRows(): Promise<string[]> {
  return eventIds(s.pg, 'model-trainer', 'ai.training');
}

before(async () => {
  s = await openScenario();
  await ingestExamples(s.pg);
  app = createApp(s.pg);
});

after(async () => {
  await s.pg.close();
});

describe('consent through the library', () => {
  test('the model trainer gets only subjects who granted ai.training', async () => {
    assert.deepEqual(await trainerRows(), ['demo-order-1']);
  });

  test('a grant shows on the next read, a withdrawal is gone on the next', async () => {
    await s.pg.consent({ email: OMAR, purpose: 'ai.training', status: 'granted', actor: 'test' });
    assert.deepEqual(await trainerRows(), ['demo-cart-1', 'demo-order-1', 'demo-order-2']);
    await s.pg.consent({ email: ' Omar.Haddad@Example.org ', purpose: 'ai.training', status: 'withdrawn', actor: 'test' });
    assert.deepEqual(await trainerRows(), ['demo-order-1']);
  });

  test('show gives the latest state per purpose and the history count', async () => {
    const summary = await s.pg.consentOf({ email: OMAR });
    assert.equal(summary.subject, emailSubject(OMAR));
    assert.deepEqual(summary.purposes.map((p) => [p.purpose, p.status, p.source]), [['ai.training', 'withdrawn', 'test']]);
    assert.equal(summary.history, 2);
  });

  test('an unknown purpose or status is a clear error and stores nothing', async () => {
    const before = (await s.pg.consentOf({ email: OMAR })).history;
    await assert.rejects(s.pg.consent({ email: OMAR, purpose: 'ai.trainng', status: 'granted', actor: 't' }),
      (e: unknown) => e instanceof PurposeGuardError && e.code === 'invalid_consent' && /ai\.trainng/.test(e.message));
    await assert.rejects(s.pg.consent({ email: OMAR, purpose: 'ai.training', status: 'maybe' as 'granted', actor: 't' }),
      { code: 'invalid_consent' });
    assert.equal((await s.pg.consentOf({ email: OMAR })).history, before);
  });

  test('a subject is named by exactly one usable identifier, never echoed', async () => {
    const cases = [{}, { email: OMAR, phone: '+1 415 555 0101' }, { email: 'not-an-email' }, { subject: '  ' }];
    for (const selector of cases) {
      await assert.rejects(s.pg.consent({ ...selector, purpose: 'ai.training', status: 'granted', actor: 't' }),
        (e: unknown) => e instanceof PurposeGuardError && e.code === 'invalid_request' && !e.message.includes('not-an-email'));
    }
  });

  test('a TCF string grants and denies the purposes the policy maps', async () => {
    const [, second] = tcfStrings();
    const receipt = await s.pg.consentFromTcf({ email: OMAR, tcf: second ?? '', actor: 'test' });
    assert.deepEqual(receipt.changes, [
      { purpose: 'ads.audience.lookalike', status: 'granted' },
      { purpose: 'ads.optimization', status: 'granted' },
      { purpose: 'analytics.external', status: 'granted' },
      { purpose: 'ads.measurement', status: 'denied' },
    ]);
    const state = await s.pg.consentOf({ email: OMAR });
    assert.ok(state.purposes.every((p) => p.purpose === 'ai.training' || /^tcf:[0-9a-f]{16}$/.test(p.evidence ?? '')));
    assert.deepEqual((await eventIds(s.pg, 'bi-export', 'analytics.external')), ['demo-cart-1', 'demo-order-2']);
  });

  test('a malformed TCF string is an error, never "no consent"', async () => {
    const malformed = tcfStrings().at(-1) ?? '';
    const before = await s.pg.consentOf({ email: OMAR });
    await assert.rejects(s.pg.consentFromTcf({ email: OMAR, tcf: malformed, actor: 'test' }),
      (e: unknown) => e instanceof PurposeGuardError && e.code === 'invalid_consent' && /malformed TCF/.test(e.message));
    assert.deepEqual(await s.pg.consentOf({ email: OMAR }), before);
  });

  test('every change is audited with a short reference, no identifier', async () => {
    const trail = await s.pg.store.readAudit({ afterSeq: 0, limit: 1000 });
    const entries = trail.filter((e) => e.kind === 'consent' && e.data['via'] !== 'collection');
    assert.ok(entries.length >= 3);
    const ref = subjectRef(emailSubject(OMAR));
    assert.ok(entries.every((e) => e.data['subject_ref'] === ref));
    const text = JSON.stringify(entries);
    assert.doesNotMatch(text, /omar|haddad/i);
    assert.ok(!text.includes(emailSubject(OMAR)));
  });
});

describe('consent over HTTP', () => {
  test('POST grant, then a read returns the subject; withdraw, and it is gone', async () => {
    const grant = await postConsent({ email: MINA, purpose: 'analytics.external', status: 'granted' });
    assert.equal(grant.status, 200);
    assert.deepEqual(await eventIds(s.pg, 'bi-export', 'analytics.external'), ['demo-cart-1', 'demo-order-1', 'demo-order-2']);
    const withdraw = await postConsent({ email: MINA, purpose: 'analytics.external', status: 'withdrawn' });
    assert.equal(withdraw.status, 200);
    assert.deepEqual(await eventIds(s.pg, 'bi-export', 'analytics.external'), ['demo-cart-1', 'demo-order-2']);
  });

  test('GET shows the hashed subject, never the email', async () => {
    const res = await app.request(`/v1/consent?email=${encodeURIComponent(MINA)}`, { headers: admin });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(!text.includes(MINA));
    const body = JSON.parse(text) as { subject: string; purposes: { purpose: string; status: string }[]; history: number };
    assert.equal(body.subject, emailSubject(MINA));
    assert.deepEqual(body.purposes.map((p) => [p.purpose, p.status]), [
      ['ai.training', 'granted'], ['analytics.external', 'withdrawn'],
    ]);
    assert.equal(body.history, 3);
    const bySubject = await app.request(`/v1/consent?subject=${emailSubject(MINA)}`, { headers: admin });
    assert.deepEqual(await bySubject.json(), body);
  });

  test('a TCF body works; a malformed one is 400', async () => {
    const [first] = tcfStrings();
    assert.equal((await postConsent({ email: MINA, tcf: first })).status, 200);
    const bad = await postConsent({ email: MINA, tcf: 'Bg' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'invalid_consent');
  });

  const refusals: { name: string; body: unknown; headers?: Record<string, string>; status: number }[] = [
    { name: 'an unknown purpose', body: { email: MINA, purpose: 'nope', status: 'granted' }, status: 400 },
    { name: 'an unknown field', body: { email: MINA, purpose: 'ai.training', status: 'granted', extra: 1 }, status: 400 },
    { name: 'no subject', body: { purpose: 'ai.training', status: 'granted' }, status: 400 },
    { name: 'a processor token', body: { email: MINA, purpose: 'ai.training', status: 'granted' }, headers: { 'content-type': 'application/json', authorization: 'Bearer demo-model-trainer' }, status: 403 },
    { name: 'no token', body: { email: MINA, purpose: 'ai.training', status: 'granted' }, headers: { 'content-type': 'application/json' }, status: 401 },
  ];
  for (const row of refusals) {
    test(`POST /v1/consent with ${row.name} is ${row.status}`, async () => {
      const res = await postConsent(row.body, row.headers);
      assert.equal(res.status, row.status);
      assert.doesNotMatch(await res.text(), /mina/i);
    });
  }
});

describe('consent through the CLI', () => {
  test('grant, read, withdraw, read: the change counts on the next read', async () => {
    const read = async (): Promise<string[]> => {
      const out = await cli(s, ['read', '--as', 'model-trainer', '--purpose', 'ai.training', 'events']);
      assert.equal(out.code, 0, out.stderr);
      return out.stdout.trim().split('\n').filter(Boolean)
        .map((l) => (JSON.parse(l) as { data: { event_id: string } }).data.event_id).sort();
    };
    const grant = await cli(s, ['consent', 'grant', '--email', OMAR, '--purpose', 'ai.training', '--evidence', 'form-9']);
    assert.equal(grant.code, 0, grant.stderr);
    assert.ok(!grant.stdout.includes(OMAR));
    assert.deepEqual(await read(), ['demo-cart-1', 'demo-order-1', 'demo-order-2']);
    const withdraw = await cli(s, ['consent', 'withdraw', '--email', OMAR, '--purpose', 'ai.training']);
    assert.equal(withdraw.code, 0, withdraw.stderr);
    assert.deepEqual(await read(), ['demo-order-1']);
    const show = await cli(s, ['consent', 'show', '--email', OMAR]);
    const summary = JSON.parse(show.stdout) as { subject: string; purposes: { purpose: string; status: string }[] };
    assert.equal(summary.subject, emailSubject(OMAR));
    assert.equal(summary.purposes.find((p) => p.purpose === 'ai.training')?.status, 'withdrawn');
    assert.ok(!show.stdout.includes(OMAR));
  });

  test('a malformed TCF string exits 1 with a clear message', async () => {
    const out = await cli(s, ['consent', 'grant', '--tcf', 'Bg', '--email', OMAR]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /malformed TCF consent string/);
  });

  test('an unknown purpose exits 1 naming it', async () => {
    const out = await cli(s, ['consent', 'deny', '--email', OMAR, '--purpose', 'ads.everything']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /unknown purpose 'ads\.everything'/);
  });
});

describe('consent owners', () => {
  test('with several owners the owner must be named, and consent is per owner', async () => {
    const t = await openEngine(fixture('two-owners.yaml'));
    try {
      await assert.rejects(t.pg.consent({ subject: 's-1', purpose: 'ai.training', status: 'granted', actor: 't' }),
        /several owners/);
      await t.pg.consent({ subject: 's-1', owner: 'shop-b', purpose: 'ai.training', status: 'granted', actor: 't' });
      assert.equal((await t.pg.consentOf({ subject: 's-1', owner: 'shop-a' })).purposes.length, 0);
      assert.equal((await t.pg.consentOf({ subject: 's-1', owner: 'shop-b' })).purposes.length, 1);
      await assert.rejects(t.pg.consentOf({ subject: 's-1', owner: 'shop-c' }), /unknown owner 'shop-c'/);
    } finally {
      await t.pg.close();
    }
  });
});

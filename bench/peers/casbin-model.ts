/**
 * The record-decision rule as a Casbin ABAC model. A request is
 * `(processor, record, purpose)` where the record carries its label role
 * and subject. Policy lines register processors for purposes. Role graph
 * `g` holds the purpose hierarchy (child -> parent) and a link from each
 * purpose a label allows to `label:<id>`, so a child purpose reaches the
 * label through its parent; `g2` holds consents (subject -> purpose); `g3`
 * links each purpose that requires consent to `consent`.
 */
export const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _
g2 = _, _
g3 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.sub == p.sub && g(r.act, p.act) && g(r.act, r.obj.label) \\
  && (!g3(r.act, "consent") || g2(r.obj.subject, r.act))
`;

export function labelRole(id: number): string {
  return `label:${id}`;
}

/**
 * The record-decision rule in Cedar. A request is: principal = processor,
 * action = `use`, resource = the record's label, context = the declared
 * purpose and the record's subject. Purposes are entities whose parent is
 * the purpose above them, so `in` walks the hierarchy.
 */
export const CEDAR_NAMESPACE = 'PurposeGuard';

export const CEDAR_SCHEMA = `
namespace ${CEDAR_NAMESPACE} {
  entity Purpose in [Purpose] { requiresConsent: Bool };
  entity Processor { registered: Set<Purpose> };
  entity Label { allows: Set<Purpose> };
  entity Subject { consents: Set<Purpose> };
  action use appliesTo {
    principal: Processor,
    resource: Label,
    context: { purpose: Purpose, subject: Subject }
  };
}
`;

export const CEDAR_POLICIES = `
permit (
  principal is ${CEDAR_NAMESPACE}::Processor,
  action == ${CEDAR_NAMESPACE}::Action::"use",
  resource is ${CEDAR_NAMESPACE}::Label
)
when {
  context.purpose in principal.registered &&
  context.purpose in resource.allows &&
  (!context.purpose.requiresConsent ||
    context.subject.consents.contains(context.purpose))
};
`;

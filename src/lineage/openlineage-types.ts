/**
 * The part of the OpenLineage 2-0-2 run event that PurposeGuard exports:
 * finished runs whose datasets carry the standard tags facet.
 */

export const RUN_EVENT_SCHEMA_URL =
  'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

export const TAGS_FACET_SCHEMA_URL =
  'https://openlineage.io/spec/facets/1-0-0/TagsDatasetFacet.json'
  + '#/$defs/TagsDatasetFacet';

export type RunEventType = 'COMPLETE' | 'FAIL';

export interface DatasetTag {
  readonly key: string;
  readonly value: string;
  readonly source: string;
}

export interface TagsDatasetFacet {
  readonly _producer: string;
  readonly _schemaURL: string;
  readonly tags: readonly DatasetTag[];
}

export interface LineageDataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets: { readonly tags: TagsDatasetFacet };
}

export interface RunEvent {
  readonly eventType: RunEventType;
  /** ISO 8601 with a time zone. */
  readonly eventTime: string;
  readonly producer: string;
  readonly schemaURL: string;
  readonly run: { readonly runId: string };
  readonly job: { readonly namespace: string; readonly name: string };
  readonly inputs: readonly LineageDataset[];
  readonly outputs: readonly LineageDataset[];
}

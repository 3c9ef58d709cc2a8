import type { ReadRow } from './read.js';

const labelJson = new WeakMap<object, string>();

/**
 * A read row as JSON text: `{id, dataset, data, label, subjects}`. The
 * data is already JSON text, and rows share label objects, so each label
 * is serialized once; the CLI prints these as lines, the HTTP API as an
 * array.
 */
export function readRowJson(row: ReadRow): string {
  let label = labelJson.get(row.label);
  if (label === undefined) {
    label = JSON.stringify(row.label);
    labelJson.set(row.label, label);
  }
  return `{"id":${row.id},"dataset":${JSON.stringify(row.dataset)},"data":${row.json},` +
    `"label":${label},"subjects":${JSON.stringify(row.subjects)}}`;
}

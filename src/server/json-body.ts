import { PurposeGuardError } from '../errors.js';

export const MAX_JSON_DEPTH = 32;

/**
 * Parses a request body as JSON: the content type must say JSON, the text
 * must parse, and nesting may not go deeper than `maxDepth`.
 */
export function parseJsonBody(
  text: string,
  contentType: string | undefined,
  maxDepth = MAX_JSON_DEPTH,
): unknown {
  if (!/^application\/(.+\+)?json\b/i.test(contentType ?? '')) {
    throw new PurposeGuardError('unsupported_media_type', `expected content-type application/json, not '${contentType ?? 'none'}'`);
  }
  if (text.trim() === '') throw new PurposeGuardError('invalid_request', 'the request body is empty');
  if (nestingOf(text) > maxDepth) {
    throw new PurposeGuardError('invalid_request', `the JSON body is nested deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PurposeGuardError('invalid_request', 'the request body is not valid JSON');
  }
}

/** The deepest bracket nesting of JSON text, ignoring brackets in strings. */
function nestingOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) {
      inString = true;
    } else if (ch === 123 || ch === 91) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (ch === 125 || ch === 93) {
      depth--;
    }
  }
  return deepest;
}

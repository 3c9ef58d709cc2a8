import type { CompiledPolicy } from '../policy/policy-types.js';
import { createSensitiveScanner } from './sensitive-scan.js';
import type { SensitiveScanner } from './sensitive-scan.js';

const scanners = new WeakMap<CompiledPolicy, SensitiveScanner>();

/** The scanner with a policy's special terms, compiled once per policy. */
export function scannerFor(policy: CompiledPolicy): SensitiveScanner {
  let scanner = scanners.get(policy);
  if (!scanner) {
    scanner = createSensitiveScanner({ extraTerms: policy.specialTerms });
    scanners.set(policy, scanner);
  }
  return scanner;
}

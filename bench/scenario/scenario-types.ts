/**
 * The inputs every decision engine of the benchmark receives. Purposes are
 * hierarchical by their dotted names; `purposes` lists every purpose,
 * parents included. A purpose's consent requirement applies to that exact
 * purpose, and a consent is granted for that exact purpose.
 */
export interface ScenarioPurpose {
  readonly name: string;
  readonly requiresConsent: boolean;
}

export interface ScenarioProcessor {
  readonly name: string;
  /** Registered purposes; each covers every purpose below it. */
  readonly purposes: readonly string[];
}

export interface ScenarioLabel {
  readonly id: number;
  /** Allowed purposes; each allows every purpose below it. */
  readonly purposes: readonly string[];
}

export interface ScenarioConsent {
  readonly subject: string;
  readonly purpose: string;
}

export interface Scenario {
  readonly processors: readonly ScenarioProcessor[];
  readonly purposes: readonly ScenarioPurpose[];
  readonly labels: readonly ScenarioLabel[];
  readonly consents: readonly ScenarioConsent[];
}

export interface DecisionRequest {
  readonly processor: string;
  readonly purpose: string;
  readonly labelId: number;
  readonly subject: string;
}

/** Answers whether the request is allowed. Synchronous on every side. */
export type Decider = (request: DecisionRequest) => boolean;

/** Builds a decider once per scenario; the build may be asynchronous. */
export type DeciderFactory = (scenario: Scenario) => Promise<Decider>;

/** One configuration and the findings of one rule that it must produce. */
export interface FiringCase {
  name: string;
  config: string;
  /** nginx version to lint for; the default target when left out. */
  version?: string;
  edition?: 'oss' | 'plus';
  /** Line and column of each expected finding of the rule, in order. */
  findings: readonly (readonly [line: number, column: number])[];
}

/** A configuration that the rule must not report anything in. */
export interface SilentCase {
  name: string;
  config: string;
  version?: string;
  edition?: 'oss' | 'plus';
}

/** The must-fire and must-stay-silent cases of one rule. */
export interface RuleCases {
  fire: readonly FiringCase[];
  silent: readonly SilentCase[];
}

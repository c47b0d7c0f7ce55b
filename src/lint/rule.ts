import type { Severity } from '../problems.js';
import type { Target } from './target.js';
import type { SourcePosition } from './syntax.js';
import type { LintNode, LintTree } from './tree.js';

export type RuleCategory = 'syntax' | 'versions' | 'upstreams' | 'http2' | 'security';

/** Rule metadata, apart from its logic. The docs page is docs/rules/<id>.md. */
export interface RuleMeta {
  /** Kebab-case id, equal to the file name under src/lint/rules/. */
  id: string;
  category: RuleCategory;
  severity: Severity;
  /** One line, shown by `h2sticky lint --list-rules` and in SARIF. */
  description: string;
  /** Message templates by id; `{{name}}` is replaced from the report's data. */
  messages: Readonly<Record<string, string>>;
  /**
   * Directive names whose "unknown directive" finding this rule replaces with
   * a more specific one, so that one mistake gives one finding.
   */
  replacesUnknownDirective?: readonly string[];
  /** Settings a config file may change, with their defaults and a JSON schema for the object that sets them. */
  options?: RuleOptions;
}

export interface RuleOptions {
  defaults: Readonly<Record<string, number | string | boolean>>;
  /** JSON schema of the options object in a config file. */
  schema: Readonly<Record<string, unknown>>;
}

export interface Report {
  node: LintNode;
  messageId: string;
  data?: Readonly<Record<string, string | number>>;
  /** Overrides the rule's severity for this finding. */
  severity?: Severity;
  hint?: string;
  /** The finding's position, when it is not the node's name. */
  position?: SourcePosition;
}

export interface RuleContext {
  target: Target;
  tree: LintTree;
  /** The rule's options: its defaults, overridden by the config file. */
  options: Readonly<Record<string, number | string | boolean>>;
  report(report: Report): void;
}

/** Handlers keyed by directive name. The `*` handler gets every directive, and `end` runs once after the walk. */
export type RuleVisitor = {
  [name: string]: ((node: LintNode) => void) | (() => void) | undefined;
} & {
  end?: () => void;
};

export interface Rule extends RuleMeta {
  create(context: RuleContext): RuleVisitor;
}

/** Checks a rule definition against `Rule`; each rule file exports one. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Path of a rule's docs page, relative to the package root. */
export function ruleDocsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/**
 * Message templates split at their placeholders: text, name, text, … name,
 * text. A large configuration gives thousands of findings from a few
 * templates, and a replace() with a callback per finding was slower.
 */
const templateParts = new Map<string, readonly string[]>();

/** Fills `{{name}}` placeholders in a message template; a placeholder without data stays as written. */
export function formatMessage(template: string, data: Readonly<Record<string, string | number>> = {}): string {
  let parts = templateParts.get(template);
  if (!parts) {
    // A capturing group makes split() keep each placeholder's name between the texts.
    parts = template.split(/\{\{(\w+)\}\}/);
    templateParts.set(template, parts);
  }

  let message = parts[0] as string;
  for (let index = 1; index < parts.length; index += 2) {
    const key = parts[index] as string;
    message += (key in data ? String(data[key]) : `{{${key}}}`) + (parts[index + 1] as string);
  }
  return message;
}

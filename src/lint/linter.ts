import type { Problem, Severity } from '../problems.js';
import { parseConfigFile, parseConfigText, type ParseOptions, type ParseResult } from './parser.js';
import { formatMessage, type Report, type Rule, type RuleContext } from './rule.js';
import { allRules } from './rules/index.js';
import { closestMatch } from '../util/suggest.js';
import { readSuppressions, type Suppressions } from './suppressions.js';
import { checkDirective } from './directive-set.js';
import type { ContextName } from './directive-table.js';
import type { Directive, ParsePayload } from './syntax.js';
import type { Target } from './target.js';
import { buildLintTree, type LintNode } from './tree.js';

/**
 * A rule's setting in a config file: off, a severity that replaces the
 * rule's own, or a severity with options, such as `["warning", {"maxSeconds": 600}]`.
 */
export type RuleSetting = 'off' | Severity | readonly [Severity, Readonly<Record<string, number | string | boolean>>];

/** The blocks a file can be linted as included in, as `lint --context` names them. */
export const lintContexts = ['main', 'http', 'server', 'location', 'stream'] as const;
export type LintContext = (typeof lintContexts)[number];

export interface LintOptions {
  target: Target;
  rules?: Readonly<Record<string, RuleSetting>>;
  /**
   * The block the file is linted as included in. Undefined means `main`,
   * unless the file is an http or stream fragment (see detectFragmentContext).
   */
  context?: LintContext;
}

/**
 * A finding: a `Problem` whose `code` is the rule id. Rule findings always
 * have a line and column; a message from real `nginx -t` may have only a
 * line, or neither.
 */
export interface Finding extends Problem {
  file: string;
  /** How many include sites produced this same finding, when a file is included more than once; absent means one. */
  includeCount?: number;
}

export interface LintResult {
  /** Findings sorted by file, line, column and rule id. */
  findings: Finding[];
  payload: ParsePayload;
  /** How many findings inline comments suppressed. */
  suppressed: number;
  /** The block the file was linted as included in. */
  context: LintContext;
  /** True when the file was linted as an http or stream fragment because its top level does not fit in main. */
  fragmentDetected: boolean;
}

const severityRank: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

/** True when `severity` is at least `threshold`. */
export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank[severity] >= severityRank[threshold];
}

/** Parses a main file with its includes and lints it. Parse errors are in `payload.errors`; findings need a tree, so a failed parse still lints what was read. */
export function lintFile(file: string, options: LintOptions, parseOptions: ParseOptions = {}): LintResult {
  return lintParsed(parseConfigFile(file, parseOptions), options);
}

/** Lints configuration text, as if it were the file named. */
export function lintText(text: string, options: LintOptions, file = 'nginx.conf'): LintResult {
  return lintParsed(parseConfigText(text, file), options);
}

/**
 * Runs every enabled rule over the tree in one walk: each directive is handed
 * to the handlers registered for its name and to the `*` handlers.
 */
export function lintParsed(parsed: ParseResult, options: LintOptions): LintResult {
  const detected = options.context === undefined ? detectFragmentContext(parsed, options.target) : undefined;
  const lintContext = options.context ?? detected ?? 'main';
  const tree = buildLintTree(parsed.payload, options.target, parsed, lintContext);
  const rules = allRules.filter((rule) => options.rules?.[rule.id] !== 'off');
  const findings: Finding[] = [];
  const findingRules = new Map<Finding, Rule>();
  const handlers = new Map<string, ((node: LintNode) => void)[]>();
  const endHandlers: (() => void)[] = [];

  for (const rule of rules) {
    const setting = options.rules?.[rule.id];
    const severity = typeof setting === 'string' ? setting : setting?.[0];
    const context: RuleContext = {
      target: options.target,
      tree,
      options: { ...rule.options?.defaults, ...(Array.isArray(setting) ? setting[1] : {}) },
      report: (report) => {
        const finding = toFinding(rule, report, severity === undefined || severity === 'off' ? undefined : severity);
        findings.push(finding);
        findingRules.set(finding, rule);
      },
    };
    const visitor = rule.create(context);
    for (const [name, handler] of Object.entries(visitor)) {
      if (handler === undefined) continue;
      if (name === 'end') {
        endHandlers.push(handler as () => void);
        continue;
      }
      const list = handlers.get(name) ?? [];
      list.push(handler as (node: LintNode) => void);
      handlers.set(name, list);
    }
  }

  // Indexed loops, because this one runs once per directive and a for-of loop allocates before the JIT optimizes it.
  const everyDirective = handlers.get('*') ?? [];
  const nodes = tree.nodes;
  for (let nodeIndex = 0; nodeIndex < nodes.length; nodeIndex++) {
    const node = nodes[nodeIndex] as LintNode;
    const named = handlers.get(node.name);
    if (named) for (let index = 0; index < named.length; index++) (named[index] as (node: LintNode) => void)(node);
    for (let index = 0; index < everyDirective.length; index++) (everyDirective[index] as (node: LintNode) => void)(node);
  }
  for (const handler of endHandlers) handler();

  const remaining = dropReplacedUnknownDirectives(findings, findingRules);
  const suppressions = readSuppressions(parsed.comments);
  const visible = remaining.filter((finding) => finding.line === undefined || !suppressions.isSuppressed(finding.code, finding.file, finding.line));
  // Counted before the unknown-rule findings join, because those are added, not suppressed.
  const suppressed = remaining.length - visible.length;
  visible.push(...unknownSuppressedRules(suppressions));
  const merged = mergeIdenticalFindings(visible);
  merged.sort(compareFindings);
  return { findings: merged, payload: parsed.payload, suppressed, context: lintContext, fragmentDetected: detected !== undefined };
}

/**
 * Returns `http` or `stream` when the main file's top level has directives
 * that nginx rejects in main but that all fit in that block, as in a
 * conf.d or sites-enabled file that holds only `server` and `upstream`
 * blocks. When both fit, the block whose tree has fewer directives in the
 * wrong place wins, and http wins a tie. Returns undefined for a main file.
 */
export function detectFragmentContext(parsed: ParseResult, target: Target): 'http' | 'stream' | undefined {
  const topLevel = topLevelDirectives(parsed.payload);
  const rejectedIn = (context: ContextName): boolean =>
    topLevel.some((directive) => checkDirective(directive.directive, context, directive.args, directive.block !== undefined, target).kind === 'not-allowed-here');
  if (!rejectedIn('main')) return undefined;

  const fitting = (['http', 'stream'] as const).filter((context) => !rejectedIn(context));
  if (fitting.length < 2) return fitting[0];
  // Both fit, as for a file of only server blocks, so the directives inside the blocks decide.
  const misplaced = fitting.map((context) => buildLintTree(parsed.payload, target, parsed, context).failedChecks.filter((node) => node.check?.kind === 'not-allowed-here').length);
  return (misplaced[1] ?? 0) < (misplaced[0] ?? 0) ? 'stream' : 'http';
}

/** Returns the main file's top-level directives, with the top-level includes expanded and comments left out. */
function topLevelDirectives(payload: ParsePayload): Directive[] {
  const found: Directive[] = [];
  const visit = (list: readonly Directive[], depth: number): void => {
    for (const directive of list) {
      if (directive.directive === '#') continue;
      if (directive.directive === 'include' && directive.includes && depth < maxIncludeDepth) {
        for (const index of directive.includes) visit(payload.config[index]?.parsed ?? [], depth + 1);
        continue;
      }
      found.push(directive);
    }
  };
  visit(payload.config[0]?.parsed ?? [], 0);
  return found;
}

/** Top-level includes are followed at most this deep; the parser already rejects cycles. */
const maxIncludeDepth = 64;

/**
 * Merges findings that are the same in rule, severity, file, line, column
 * and message into one with `includeCount`. A file included in several
 * places yields such copies, one per include site. Findings whose message
 * differs between the sites stay apart.
 */
export function mergeIdenticalFindings(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    const key = JSON.stringify([finding.code, finding.severity, finding.file, finding.line, finding.column, finding.message]);
    const first = byKey.get(key);
    if (first === undefined) {
      byKey.set(key, { ...finding });
      continue;
    }
    first.includeCount = (first.includeCount ?? 1) + (finding.includeCount ?? 1);
  }
  return [...byKey.values()];
}

/** The code of findings for a suppression comment that names no rule. */
export const unknownSuppressionRuleCode = 'suppression-unknown-rule';

const ruleIds: readonly string[] = allRules.map((rule) => rule.id);

/** Reports each rule id in a suppression comment that no rule has, because such a comment suppresses nothing. */
function unknownSuppressedRules(suppressions: Suppressions): Finding[] {
  const findings: Finding[] = [];
  for (const named of suppressions.namedRuleIds) {
    if (ruleIds.includes(named.ruleId)) continue;
    const suggestion = closestMatch(named.ruleId, ruleIds);
    findings.push({
      code: unknownSuppressionRuleCode,
      severity: 'warning',
      message: `unknown rule "${named.ruleId}" in a ${named.kind} comment, so it suppresses nothing`,
      hint: suggestion
        ? `Did you mean "${suggestion}"? "h2sticky lint --list-rules" lists every rule id.`
        : 'Use a rule id from "h2sticky lint --list-rules", or remove it from the comment.',
      file: named.file,
      line: named.line,
      column: named.column,
    });
  }
  return findings;
}

function toFinding(rule: Rule, report: Report, severityOverride: Severity | undefined): Finding {
  const template = rule.messages[report.messageId];
  if (template === undefined) throw new Error(`rule ${rule.id} reported unknown message id "${report.messageId}"`);
  const finding: Finding = {
    code: rule.id,
    severity: severityOverride ?? report.severity ?? rule.severity,
    message: formatMessage(template, report.data),
    file: report.node.file,
    line: report.position?.line ?? report.node.line,
    column: report.position?.column ?? report.node.column,
  };
  if (report.hint !== undefined) finding.hint = report.hint;
  return finding;
}

/** Drops the generic unknown-directive finding where a rule explains the same directive (such as `sticky` on old nginx). */
function dropReplacedUnknownDirectives(findings: Finding[], findingRules: ReadonlyMap<Finding, Rule>): Finding[] {
  const replaced = new Set<string>();
  for (const finding of findings) {
    const rule = findingRules.get(finding);
    if (rule?.replacesUnknownDirective?.length) replaced.add(`${finding.file}:${finding.line}:${finding.column}`);
  }
  return findings.filter((finding) => finding.code !== 'unknown-directive' || !replaced.has(`${finding.file}:${finding.line}:${finding.column}`));
}

/** Orders findings by file, line, column and rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  // A finding without a line or column is about the whole file or line, so it comes first.
  if (a.line !== b.line) return (a.line ?? 0) - (b.line ?? 0);
  if (a.column !== b.column) return (a.column ?? 0) - (b.column ?? 0);
  return a.code.localeCompare(b.code);
}

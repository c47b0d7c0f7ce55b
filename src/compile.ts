import { buildPlan } from './plan/build.js';
import type { Plan } from './plan/types.js';
import { renderConfig, type Layout } from './nginx/render.js';
import { hasErrors, type Problem } from './problems.js';
import { checkSemantics, trustFromSchemaProblems } from './spec/check.js';
import { loadSpecFile, loadSpecText, type LoadedSpec, type LoadResult } from './spec/load.js';
import { normalizeSpec } from './spec/normalize.js';
import { checkAgainstSchema } from './spec/schema-check.js';
import { resolveTarget, type Target, type TargetOverride } from './spec/target.js';
import type { SpecDocument } from './spec/types.js';

export interface ValidationResult {
  spec?: LoadedSpec;
  target?: Target;
  /** Errors and warnings, every one found, in document order within each stage. */
  problems: Problem[];
}

/** Runs every check on a loaded spec: schema, target resolution and the checks between parts of the spec. */
export function validateLoadedSpec(loaded: LoadResult, override: TargetOverride = {}): ValidationResult {
  const spec = loaded.spec;
  if (!spec) return { problems: loaded.problems };

  const schemaProblems = checkAgainstSchema(spec);
  const trust = trustFromSchemaProblems(schemaProblems);
  // Problems from loading (a repeated key) come first; the document was still complete enough to check.
  const problems = [...loaded.problems, ...schemaProblems];
  const document = spec.data as SpecDocument;
  // A target field that failed the schema is left out. Without a valid version the checks that depend on it are skipped, instead of running for a version the spec does not name.
  const specTarget = typeof document === 'object' && trust.trusted('/target') ? document.target : undefined;
  const versionKnown = override.nginxVersion !== undefined || trust.trusted('/target/nginx');
  const resolved = resolveTarget(
    specTarget ?? {
      ...(trust.trusted('/target/nginx') && typeof document.target?.nginx === 'string' ? { nginx: document.target.nginx } : {}),
      ...(trust.trusted('/target/edition') && (document.target?.edition === 'oss' || document.target?.edition === 'plus') ? { edition: document.target.edition } : {}),
    },
    override,
  );

  let target: Target | undefined;
  if (!versionKnown) {
    target = undefined;
  } else if ('target' in resolved) {
    target = resolved.target;
  } else {
    const pointer = resolved.fromOverride ? undefined : '/target/nginx';
    const position = pointer === undefined ? undefined : spec.locate(pointer);
    problems.push({
      code: 'spec.target',
      severity: 'error',
      message: resolved.error,
      hint: resolved.hint,
      ...(resolved.fromOverride ? { file: '--nginx-version' } : { file: spec.file, line: position!.line, column: position!.column, pointer }),
    });
  }

  problems.push(...checkSemantics(spec, target, trust));
  return { spec, ...(target ? { target } : {}), problems };
}

export interface CompileOptions {
  target?: TargetOverride;
  layout?: Layout;
}

export interface CompileResult {
  /** The loaded spec, which locates JSON pointers; absent when the file could not be read or parsed. */
  spec?: LoadedSpec;
  plan?: Plan;
  /** The nginx configuration; present only when there are no errors. */
  config?: string;
  problems: Problem[];
}

/** Compiles spec text to a Plan and nginx configuration. Nothing is returned but problems when the spec has errors. */
export function compileSpecText(text: string, file: string, options: CompileOptions = {}): CompileResult {
  return compileLoaded(loadSpecText(text, file), options);
}

export async function compileSpecFile(path: string, options: CompileOptions = {}): Promise<CompileResult> {
  return compileLoaded(await loadSpecFile(path), options);
}

function compileLoaded(loaded: LoadResult, options: CompileOptions): CompileResult {
  const validation = validateLoadedSpec(loaded, options.target);
  if (hasErrors(validation.problems) || !validation.spec || !validation.target) {
    return { ...(validation.spec ? { spec: validation.spec } : {}), problems: validation.problems };
  }

  const normalized = normalizeSpec(validation.spec.data as SpecDocument, validation.target);
  const plan = buildPlan(normalized, { file: validation.spec.file, digest: validation.spec.digest });
  const config = renderConfig(plan, options.layout ?? 'full');
  return { spec: validation.spec, plan, config, problems: validation.problems };
}

/**
 * Merges Binance's error and endpoint data with our annotations into typed modules — the one source for the
 * classifier, the CLI, the docs and the API profiles. One entry per Binance API (product):
 *
 * - spot: data/errors.json, data/messages.json, data/annotations.json → src/catalog/catalog.generated.ts
 *   (Spot's endpoint table, data/endpoints.json, is already in our shape and is read as is).
 * - every folder data/<product>/ (errors.json, endpoints.json, and annotations.json whose `$product.title` names
 *   it) → src/catalog/<product>.generated.ts (with `<product>Catalog`) and
 *   src/weights/<product>Endpoints.generated.ts (with `<product>EndpointTable`).
 *
 * It also lists the profile files, src/profiles/<product>.ts, in src/profiles/registry.generated.ts (the
 * `profiles` registry and the `ApiProduct` names) and src/profiles/exports.generated.ts (the package's exports), so
 * a new product is its data folder and its profile file, and no other hand-written change.
 *
 *   node scripts/generate-catalog.ts           write the modules
 *   node scripts/generate-catalog.ts --check   fail if a module is stale or an annotation is missing
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { EXECUTION, RETRYABILITY } from '../src/catalog/policy.ts';

const root = new URL('../', import.meta.url);
const text = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const read = (path: string): unknown => JSON.parse(text(path));

type Category = keyof typeof RETRYABILITY;
type Retryable = 'yes' | 'no' | 'idempotent';
type ExecutedValue = 'no' | 'unknown' | 'partial';

interface RawError {
  code: number;
  name: string | null;
  messages: string[];
  exampleMessages?: string[];
  http: number | null;
}
interface RawMessage {
  message: string;
  codes: number[];
  kind: 'matching-engine' | 'filter-failure';
}
interface RawEndpoint {
  method: string;
  path: string;
  weight?: number;
  security: string;
  rule?: { type: string; [key: string]: unknown };
  orderRateLimit?: Record<string, number>;
  unfilledOrderCount?: number;
  deprecated?: boolean;
  note?: string;
}
interface Annotation {
  category: Category;
  hint: string;
  name?: string;
  retryable?: Retryable;
  executed?: ExecutedValue;
  /** The symbol filter a futures code reports without naming it in its message. */
  filter?: string;
}
interface StatusMessageNote {
  status: number;
  message: string;
  category: Category;
  hint: string;
  retryable?: Retryable;
  executed?: ExecutedValue;
}
interface Annotations {
  /** A product folder's own facts: who its modules describe, e.g. `{ "title": "Binance USDⓈ-M Futures" }`. */
  $product?: { title: string };
  /** Which Binance documentation the data was taken from. */
  $source?: { repository: string; commit: string; date: string; files: string[]; note: string };
  codes: Record<string, Annotation>;
  reasons?: Record<string, { reason: string; hint: string }>;
  filters?: Record<string, string>;
  statusMessages?: StatusMessageNote[];
  /** Weights the docs leave out, keyed "METHOD /path", each with the reason for the number. */
  endpoints?: Record<string, { weight: number; why: string }>;
  /** Endpoints whose usage headers the docs say to ignore, keyed "METHOD /path", each with where it is said. */
  usageHeaderIgnored?: Record<string, string>;
}

interface Product {
  /** Who the module describes, e.g. `Binance Spot`. */
  title: string;
  errors: string;
  messages?: string;
  annotations: string;
  target: string;
  /** The `ErrorCatalog` the module exports, e.g. `usdmCatalog` (Spot builds its own in catalog.ts). */
  catalog?: string;
  /** `constant`: the raw list; `table`: the `EndpointTable` built from it, e.g. `usdmEndpointTable`. */
  endpoints?: { source: string; target: string; constant: string; table: string };
}

const problems: string[] = [];
const report: string[] = [];

/** Spot's data sits at the top of data/; every folder under data/ is one more product, named after the folder. */
const SPOT: Product = {
  title: 'Binance Spot',
  errors: 'data/errors.json',
  messages: 'data/messages.json',
  annotations: 'data/annotations.json',
  target: 'src/catalog/catalog.generated.ts',
};

/** `data/<product>/` → its entry: the data files, the two modules and the names they export. */
function folderProduct(name: string): Product {
  const annotations = `data/${name}/annotations.json`;
  const title = (read(annotations) as Annotations).$product?.title;
  if (!title) problems.push(`${annotations} has no "$product": { "title" } (e.g. "Binance USDⓈ-M Futures")`);
  return {
    title: title ?? name,
    errors: `data/${name}/errors.json`,
    annotations,
    target: `src/catalog/${name}.generated.ts`,
    catalog: `${name}Catalog`,
    endpoints: {
      source: `data/${name}/endpoints.json`,
      target: `src/weights/${name}Endpoints.generated.ts`,
      constant: `${name.toUpperCase()}_ENDPOINTS`,
      table: `${name}EndpointTable`,
    },
  };
}

const folders = readdirSync(new URL('data/', root), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
for (const name of folders) {
  if (!/^[a-z][a-z0-9]*$/.test(name))
    problems.push(`data/${name}/: a product's folder name is lower case letters and digits`);
}
const PRODUCTS: readonly Product[] = [SPOT, ...folders.map(folderProduct)];

const HEADER = `// Generated by scripts/generate-catalog.ts from data/*.json. Do not edit; run \`npm run generate -w @binance-errors/core\`.`;

const kebab = (s: string) => s.toLowerCase().replace(/[_\s]+/g, '-');
const PLACEHOLDER = /%[sdb]|'\{param\}'|'[xy]'/;

/** A server message template → an anchored regex source; placeholders become lazy groups. */
function templateToRegex(template: string): string {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^${escaped
    .replace(/%[sdb]/g, '(.*?)')
    .replace(/'\\\{param\\\}'/g, "'(.*?)'")
    .replace(/'[xy]'/g, "'(.*?)'")}$`;
}

/** A data file is either the bare array or an object holding it next to its `_source`. */
function list<T>(value: unknown, key: string): T[] {
  return (Array.isArray(value) ? value : (value as Record<string, unknown>)[key]) as T[];
}

function catalogModule(product: Product): string {
  const errors = list<RawError>(read(product.errors), 'errors');
  const messages = product.messages ? list<RawMessage>(read(product.messages), 'messages') : [];
  const notes = read(product.annotations) as Annotations;
  const where = product.annotations;

  const codes = errors.map((e) => {
    const note = notes.codes[String(e.code)];
    if (!note) {
      problems.push(`${where} has no entry for code ${e.code}`);
      return undefined;
    }
    if (note.category === 'unknown') problems.push(`${where}: code ${e.code} may not be in the category unknown`);
    const name = e.name ?? note.name;
    if (!name) problems.push(`code ${e.code} has no name in ${product.errors} nor in ${where}`);
    // Some codes list their bare NAME (with or without a period) as the "message"; those are not server texts.
    const serverMessages = e.messages.filter((m) => m.replace(/\.$/, '') !== e.name);
    return {
      code: e.code,
      name: name ?? 'UNNAMED',
      ...(e.name ? {} : { unofficialName: true }),
      messages: serverMessages,
      exampleMessages: e.exampleMessages ?? [],
      patterns: serverMessages.filter((m) => PLACEHOLDER.test(m)).map(templateToRegex),
      category: note.category,
      retryable: note.retryable ?? RETRYABILITY[note.category],
      executed: note.executed ?? EXECUTION[note.category],
      ...(e.http ? { http: e.http } : {}),
      ...(note.filter ? { filter: note.filter } : {}),
      hint: note.hint,
      slug: `${Math.abs(e.code)}-${kebab(name ?? 'unnamed')}`,
    };
  });
  for (const code of Object.keys(notes.codes)) {
    if (!errors.some((e) => String(e.code) === code))
      problems.push(`${where} annotates ${code}, which is not in ${product.errors}`);
  }

  const reasons = messages
    .filter((m) => m.kind === 'matching-engine')
    .map((m) => {
      const note = notes.reasons?.[m.message];
      if (!note) problems.push(`${where} has no reason for "${m.message}"`);
      return {
        message: m.message,
        codes: m.codes,
        reason: note?.reason ?? '',
        hint: note?.hint ?? '',
        slug: kebab(note?.reason ?? ''),
      };
    });

  const listed = messages.filter((m) => m.kind === 'filter-failure');
  const filters = [
    ...listed.map((m) => {
      const filter = m.message.replace(/^Filter failure: /, '');
      const hint = notes.filters?.[filter];
      if (!hint) problems.push(`${where} has no hint for filter ${filter}`);
      return { filter, message: m.message, codes: m.codes, hint: hint ?? '', slug: kebab(filter) };
    }),
    // Filters filters.md defines whose failure errors.md does not list: the message follows its "Filter failure: X" form.
    ...Object.entries(notes.filters ?? {})
      .filter(([filter]) => !listed.some((m) => m.message === `Filter failure: ${filter}`))
      .map(([filter, hint]) => ({
        filter,
        message: `Filter failure: ${filter}`,
        codes: [-1013],
        hint,
        slug: kebab(filter),
      })),
  ];

  const sha256 = (path: string) => createHash('sha256').update(text(path)).digest('hex');
  const dataFiles = [product.errors, ...(product.messages ? [product.messages] : [])];
  const catalogSource = notes.$source && {
    ...notes.$source,
    sha256: Object.fromEntries(dataFiles.map((path) => [path.replace(/^data\//, ''), sha256(path)])),
  };

  const statusMessages = (notes.statusMessages ?? []).map((s) => ({
    status: s.status,
    message: s.message,
    category: s.category,
    retryable: s.retryable ?? RETRYABILITY[s.category],
    executed: s.executed ?? EXECUTION[s.category],
    hint: s.hint,
  }));

  const types = [
    'CatalogEntry',
    ...(catalogSource ? ['CatalogSource'] : []),
    'FilterEntry',
    'ReasonEntry',
    ...(statusMessages.length ? ['StatusMessageEntry'] : []),
  ];
  let source = `${HEADER}
${product.catalog ? "import { ErrorCatalog } from './ErrorCatalog.ts';\n" : ''}import type { ${types.join(', ')} } from './types.ts';
${
  catalogSource
    ? `
/** Which Binance documentation the catalog was built from, and hashes of the data files it was built from. */
export const SOURCE: CatalogSource = ${JSON.stringify(catalogSource, null, 2)};
`
    : ''
}
/** Every ${product.title} error code, ${codes.length} in all. */
export const CODES: readonly CatalogEntry[] = ${JSON.stringify(codes, null, 2)};

/** Every matching-engine rejection message, with its normalised reason. */
export const REASONS: readonly ReasonEntry[] = ${JSON.stringify(reasons, null, 2)};

/** Every "Filter failure: X" message. */
export const FILTERS: readonly FilterEntry[] = ${JSON.stringify(filters, null, 2)};
`;
  if (statusMessages.length) {
    source += `
/** Messages whose meaning depends on the HTTP status they come with, whatever code the body carries. */
export const STATUS_MESSAGES: readonly StatusMessageEntry[] = ${JSON.stringify(statusMessages, null, 2)};
`;
  }
  if (product.catalog) {
    source += `
/** The ${product.title} catalog and its lookups: ${codes.length} codes${statusMessages.length ? `, ${statusMessages.length} status messages` : ''}. */
export const ${product.catalog}: ErrorCatalog = new ErrorCatalog({
  codes: CODES,
  reasons: REASONS,
  filters: FILTERS,${statusMessages.length ? '\n  statusMessages: STATUS_MESSAGES,' : ''}
});
`;
  }
  report.push(`${product.target}: ${codes.length} codes, ${reasons.length} reasons, ${filters.length} filters`);
  return source;
}

/** Brings an upstream endpoint list into our EndpointSpec shape: gaps filled from the annotations, limits named. */
function endpointModule(product: Product, spec: NonNullable<Product['endpoints']>): string {
  const raw = list<RawEndpoint>(read(spec.source), 'endpoints');
  const annotations = read(product.annotations) as Annotations;
  const fills = annotations.endpoints ?? {};
  const headerIgnored = annotations.usageHeaderIgnored ?? {};
  const entries = raw.map((e) => {
    const key = `${e.method} ${e.path}`;
    const weight = e.weight ?? fills[key]?.weight;
    if (weight === undefined)
      problems.push(`${spec.source}: ${key} has no weight and ${product.annotations} gives none`);
    if (e.weight !== undefined && fills[key])
      problems.push(`${product.annotations} fills the weight of ${key}, which the docs now state`);
    let rule = e.rule;
    let ownLimit: Record<string, unknown> | undefined;
    if (rule?.type === 'sharedLimit' || rule?.type === 'ownLimit') {
      // A separate per-IP limit, not a weight rule: a shared one is named after every endpoint that draws on it.
      const members = [key, ...((rule.sharedWith as string[] | undefined) ?? [])].sort();
      ownLimit = {
        group: members.join(' + '),
        limit: rule.limit,
        interval: rule.interval,
        intervalNum: rule.intervalNum,
      };
      rule = undefined;
    }
    return {
      method: e.method,
      path: e.path,
      weight: weight ?? 0,
      security: e.security,
      ...(rule ? { rule } : {}),
      ...(e.orderRateLimit ? { orderRateLimit: e.orderRateLimit } : {}),
      ...(ownLimit ? { ownLimit } : {}),
      ...(e.deprecated ? { deprecated: true } : {}),
      ...(headerIgnored[key] ? { usageHeaderIgnored: true } : {}),
      ...(e.weight === undefined && fills[key] ? { note: `weight ours: ${fills[key].why}` } : {}),
    };
  });
  for (const key of Object.keys(headerIgnored)) {
    if (!raw.some((e) => `${e.method} ${e.path}` === key))
      problems.push(`${product.annotations} ignores the usage header of ${key}, which ${spec.source} does not list`);
  }
  for (const key of Object.keys(fills)) {
    if (!raw.some((e) => `${e.method} ${e.path}` === key))
      problems.push(`${product.annotations} fills ${key}, which ${spec.source} does not list`);
  }
  report.push(`${spec.target}: ${entries.length} endpoints`);
  return `${HEADER}
import { createEndpointTable } from './endpointTable.ts';
import type { EndpointSpec, EndpointTable } from './types.ts';

/** Every ${product.title} REST endpoint whose weight we know, ${entries.length} in all. */
export const ${spec.constant}: readonly EndpointSpec[] = ${JSON.stringify(entries, null, 2)};

/**
 * The bundled ${product.title} endpoint table, keyed by \`"METHOD /path"\`. Read-only by convention; derive a
 * patched copy with \`createEndpointTable(overrides, ${spec.table})\`.
 */
export const ${spec.table}: EndpointTable = createEndpointTable(${spec.constant}, new Map());
`;
}

/** The files in src/profiles/ that are not a profile. */
const NOT_PROFILES = new Set(['ApiProfile.ts', 'profileForOrigin.ts']);
const PROFILE_HEADER = `// Generated by scripts/generate-catalog.ts from src/profiles/*.ts and data/*/. Do not edit; run \`npm run generate -w @binance-errors/core\`.`;

/** Every profile file, src/profiles/<product>.ts, each exporting `const <product>: ApiProfile`. */
function profileNames(): string[] {
  const names = readdirSync(new URL('src/profiles/', root))
    .filter((file) => file.endsWith('.ts') && !/\.(test|contract|generated)\.ts$/.test(file) && !NOT_PROFILES.has(file))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
  for (const name of names) {
    if (!new RegExp(`^export const ${name}: ApiProfile = defineProfile\\(`, 'm').test(text(`src/profiles/${name}.ts`)))
      problems.push(`src/profiles/${name}.ts does not export \`const ${name}: ApiProfile = defineProfile(...)\``);
  }
  for (const folder of folders) {
    if (!names.includes(folder)) problems.push(`data/${folder}/ has no profile: add src/profiles/${folder}.ts`);
  }
  return names;
}

/** The registry `profiles` is built from, and the product names `ApiProduct` is. */
function registryModule(names: readonly string[]): string {
  return `${PROFILE_HEADER}
${names.map((name) => `import { ${name} } from './${name}.ts';`).join('\n')}

/** The Binance REST APIs the core knows: one per profile file in \`src/profiles/\`, named after it. */
export type ApiProduct = ${names.map((name) => `'${name}'`).join(' | ')};

/** Every profile file's profile, by product. */
export const PROFILES = { ${names.join(', ')} } as const;
`;
}

/** What the package's entry exports for every profile: the profile module, and a product folder's catalog and table. */
function exportsModule(names: readonly string[]): string {
  // Each name spelt out, as everywhere in the entry: a profile file's helper does not become public by accident.
  const lines = names.map((name) => {
    const code = text(`src/profiles/${name}.ts`);
    const exported = [...code.matchAll(/^export (const|function|class|type|interface) (\w+)/gm)].map(([, kind, id]) =>
      kind === 'type' || kind === 'interface' ? `type ${id}` : `${id}`,
    );
    return `export { ${exported.join(', ')} } from './${name}.ts';`;
  });
  for (const product of PRODUCTS) {
    if (product.catalog) lines.push(`export { ${product.catalog} } from '../${product.target.slice('src/'.length)}';`);
    if (product.endpoints)
      lines.push(`export { ${product.endpoints.table} } from '../${product.endpoints.target.slice('src/'.length)}';`);
  }
  return `${PROFILE_HEADER}\n${lines.join('\n')}\n`;
}

const outputs = new Map<string, string>();
for (const product of PRODUCTS) {
  outputs.set(product.target, catalogModule(product));
  if (product.endpoints) outputs.set(product.endpoints.target, endpointModule(product, product.endpoints));
}
const names = profileNames();
outputs.set('src/profiles/registry.generated.ts', registryModule(names));
outputs.set('src/profiles/exports.generated.ts', exportsModule(names));

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const check = process.argv.includes('--check');
for (const [path, source] of outputs) {
  const target = new URL(path, root);
  if (!check) {
    writeFileSync(target, source);
    continue;
  }
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== source) {
    console.error(`${path} is stale: run \`npm run generate -w @binance-errors/core\`.`);
    process.exit(1);
  }
}
if (!check) console.log(report.join('\n'));

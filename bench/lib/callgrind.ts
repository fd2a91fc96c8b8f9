/**
 * Reading what callgrind counted (`--dump-instr=yes`) by function, with V8's JIT code named from the map Node writes
 * with `--perf-basic-prof` (`/tmp/perf-<pid>.map`). Used by `bench/instructions.ts`.
 */

/** One event's count per function: instructions (`Ir`), or with `--cache-sim=yes` a kind of miss (`ILmr`, …). */
export type Counts = Map<string, number>;

/**
 * V8's map of JIT-compiled code: start addresses (sorted), ends and names. Code V8 made later at an address it had
 * freed is listed after the old (the sort is stable, and a lookup takes the last start at or below an address).
 */
export interface CodeMap {
  starts: number[];
  ends: number[];
  names: string[];
}

export function parsePerfMap(text: string): CodeMap {
  const entries = text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, size, ...name] = line.split(' ');
      const s = Number.parseInt(start!, 16);
      return { start: s, end: s + Number.parseInt(size!, 16), name: jsName(name.join(' ')) };
    })
    .sort((a, b) => a.start - b.start);
  return { starts: entries.map((e) => e.start), ends: entries.map((e) => e.end), names: entries.map((e) => e.name) };
}

/** `JS:*run file:///…/packages/core/src/guard/BinanceGuard.ts:176:9` → `run (core/guard/BinanceGuard.ts)`, any tier. */
function jsName(name: string): string {
  const m = /^JS:[*~^+]?'?(\S*) ?(.*?)(?::\d+:\d+)?$/.exec(name);
  if (!m) return name;
  // WebAssembly (Node's own) by function, whichever tier ran it.
  if (m[1]!.startsWith('wasm-function[')) return m[1]!.replace(/-\d+-\w+$/, '');
  const where = m[2]!
    .replace(/^file:\/\/.*\/packages\/([^/]+)\/src\//, '$1/')
    .replace(/^file:\/\/.*\/bench\//, 'bench/')
    .replace(/^node:internal\/deps\//, '');
  return `${m[1] || '(anonymous)'} (${where || 'native'})`;
}

function codeAt(map: CodeMap, address: number): string | undefined {
  let lo = 0;
  let hi = map.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map.starts[mid]! <= address) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && address < map.ends[hi]! ? map.names[hi] : undefined;
}

/**
 * Self counts per function from a callgrind file written with `--dump-instr=yes` (positions: instr line), one
 * {@link Counts} per event the file names (`events: Ir`, or with `--cache-sim=yes` `Ir Dr Dw I1mr D1mr D1mw ILmr DLmr
 * DLmw`; a cost line may leave out its trailing zeros). Code callgrind has no symbol for (V8's JIT code) is named
 * from the perf map by address.
 */
export function attribute(text: string, map: CodeMap): Map<string, Counts> {
  const byEvent = new Map<string, Counts>();
  let events: Counts[] = [];
  let positions = 1;
  const names = new Map<string, string>();
  let fn = '';
  let unknown = false;
  let address = 0;
  let afterCalls = false;
  const define = (spec: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (!m) return spec;
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    return names.get(m[1]!) ?? spec;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      fn = define(line.slice(3));
      unknown = fn.startsWith('0x');
      continue;
    }
    if (line.startsWith('cfn=')) {
      define(line.slice(4));
      continue;
    }
    if (line.startsWith('calls=')) {
      // The next cost line is the call's inclusive cost, already counted in the callee.
      afterCalls = true;
      continue;
    }
    if (line.startsWith('events:')) {
      events = line
        .slice('events:'.length)
        .trim()
        .split(/\s+/)
        .map((event) => {
          const counts: Counts = new Map();
          byEvent.set(event, counts);
          return counts;
        });
      continue;
    }
    if (line.startsWith('positions:')) {
      positions = line.slice('positions:'.length).trim().split(/\s+/).length;
      continue;
    }
    const c = line.charCodeAt(0);
    const isCost = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42;
    if (!isCost) continue;
    const parts = line.split(' ');
    const at = parts[0]!;
    if (at[0] === '+') address += Number(at.slice(1));
    else if (at[0] === '-') address -= Number(at.slice(1));
    else if (at !== '*') address = Number(at);
    if (afterCalls) {
      afterCalls = false;
      continue;
    }
    const name = unknown ? (codeAt(map, address) ?? '(unnamed code)') : nativeName(fn);
    for (let i = positions; i < parts.length; i++) {
      const n = Number(parts[i]);
      if (n === 0) continue;
      const counts = events[i - positions]!;
      counts.set(name, (counts.get(name) ?? 0) + n);
    }
  }
  return byEvent;
}

/** `Builtins_LoadIC` → `builtin LoadIC`; a C++ symbol without its template and call arguments. */
function nativeName(symbol: string): string {
  if (symbol.startsWith('Builtins_')) return `builtin ${symbol.slice('Builtins_'.length)}`;
  let name = symbol.replaceAll('(anonymous namespace)::', '').replace(/\(.*$/, '');
  for (let shorter = name.replace(/<[^<>]*>/g, ''); shorter !== name; shorter = shorter.replace(/<[^<>]*>/g, '')) {
    name = shorter;
  }
  // What is left before a space is the return type.
  return `C++ ${name.replace(/^.* /, '')}`;
}

export const COMPILERS = "V8's compilers (C++)";
export const COLLECTOR = 'garbage collection and allocation (V8, C++)';

/** Which part of the process a function belongs to, for the report's first breakdown. */
export function partOf(name: string): string {
  if (name.startsWith('builtin ')) return "V8's builtins (property access, promises, maps, strings)";
  if (name.startsWith('C++ ')) {
    if (/compiler::|maglev::|AstValueFactory|Parser|Scanner|Bytecode/.test(name)) return COMPILERS;
    // The visitors that walk an object's fields (`BodyDescriptor`) and the remembered sets are the collector's too.
    return /Scaveng|Heap|Mark|Sweep|Evacuat|Slot|ObjectCache|Root|Alloc|BodyDescriptor|RememberedSet/.test(name)
      ? COLLECTOR
      : "V8's runtime (C++: string hashing, lookups)";
  }
  if (name.startsWith('RegExp')) return 'regular expressions';
  if (/\((core|axios|ky|got|redis|testing)\//.test(name)) return 'binance-errors (JIT code)';
  if (name.includes('(undici/')) return 'undici: Response and Headers (JIT code)';
  return 'elsewhere';
}

/**
 * What V8 compiled and deoptimized between the loop's two marks (`--trace-opt`, `--trace-deopt` on its stdout), by
 * function: `compiled settleNow (TURBOFAN_JS)` → how often. A compile inside a count is work the requests did not
 * need, and a deoptimization sends them through other code than a steady client runs.
 */
export function tracedBetween(stdout: string, begin: string, end: string): Map<string, number> {
  const from = stdout.indexOf(begin);
  const to = stdout.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`the loop's output lacks its marks (${begin} … ${end})`);
  const traced = new Map<string, number>();
  for (const line of stdout.slice(from, to).split('\n')) {
    const compiled = /^\[compiling method \S+ <JSFunction ?(.*?) \(sfi = \S+\)> \(target (\w+)\)( OSR)?/.exec(line);
    const deopt = /^\[bailout \(kind: ([^,]+), reason: (.*?)\): begin\. deoptimizing \S+ <JSFunction ?(.*?) \(sfi/.exec(
      line,
    );
    const what = compiled
      ? `compiled ${compiled[1] || '(anonymous)'} (${compiled[2]}${compiled[3] ?? ''})`
      : deopt && `deoptimized ${deopt[3] || '(anonymous)'} (${deopt[1]}: ${deopt[2]})`;
    if (what) traced.set(what, (traced.get(what) ?? 0) + 1);
  }
  return traced;
}

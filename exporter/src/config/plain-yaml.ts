/**
 * The light YAML reader for the config loader's happy path.
 *
 * `yaml`'s parseDocument keeps a concrete syntax tree and a node per scalar, with positions: for a
 * 10,000-component config (1.1 MB) that is a transient of ~115 MB, which made the exporter's peak
 * RSS. Positions are only needed to report errors, so the loader reads the text with js-yaml
 * first (~23 MB for the same file) and falls back to `yaml` with positions whenever anything is
 * wrong. Only the answer of a success must therefore be the same as `yaml`'s, and that is what
 * this module guarantees:
 * - scalars resolve with the YAML 1.2 core schema exactly as `yaml` 2 resolves them (the same
 *   patterns and conversions; no timestamps, no `<<` merge, no underscores or 0b in numbers);
 * - texts that use what the two libraries might treat differently (anchors and aliases, where
 *   `yaml` limits expansion; tags; directives; complex or null keys) are left to `yaml`:
 *   `undefined` is returned.
 */
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';
import { NULL, scanYaml } from './scan.js';

const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const coreSchema = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (s: string | null) => s === null || NULL.test(s),
      construct: () => null,
    }),
    new Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (s: string | null) => s !== null && BOOL.test(s),
      construct: (s: string) => s[0] === 't' || s[0] === 'T',
    }),
    new Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (s: string | null) => s !== null && (INT_OCT.test(s) || INT.test(s) || INT_HEX.test(s)),
      construct: (s: string) => (INT_OCT.test(s) ? parseInt(s.slice(2), 8) : INT_HEX.test(s) ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
    }),
    new Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (s: string | null) => s !== null && (FLOAT_NAN.test(s) || FLOAT_EXP.test(s) || FLOAT.test(s)),
      construct: (s: string) => {
        if (!FLOAT_NAN.test(s)) return parseFloat(s);
        if (s.slice(-3).toLowerCase() === 'nan') return NaN;
        return s[0] === '-' ? -Infinity : Infinity;
      },
    }),
  ],
});

/**
 * The config as plain data, or `undefined` when the text is not plain (see above) or is not
 * well-formed YAML: the caller then parses it with positions, which reports the problem.
 */
export function readPlainYaml(text: string): unknown {
  const scan = scanYaml(text);
  return scan.full || scan.problem ? undefined : loadPlain(text);
}

/**
 * The same, for a text that scanYaml() has found plain and within bounds (the loader scans once
 * and uses the answer for both).
 */
export function loadPlain(text: string): unknown {
  let warned = false;
  try {
    const value = load(text, { schema: coreSchema, json: false, onWarning: () => { warned = true; } });
    return warned ? undefined : value;
  } catch {
    return undefined;
  }
}

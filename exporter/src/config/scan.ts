/**
 * One streamed pass of `yaml`'s lexer over the config text (~0.2 s per MB, no tree kept), before
 * either parser runs. It answers two questions:
 * - is the text within bounds (nesting depth, string length; limits.ts)? Both parsers recurse per
 *   level, so a 2,000-deep mapping overflowed the stack (issue 14); checking the tokens first
 *   turns that into a positioned error;
 * - does the text use anything js-yaml and `yaml` may read differently (see plain-yaml.ts)? Then
 *   the light reader must leave it to `yaml`: node properties (anchors, aliases, tags),
 *   directives, explicit `?` keys, implicit keys that are not plain or quoted scalars
 *   (`[a, b]: x`) or that resolve to null (`~: x`), which the two turn into different strings, and
 *   `-` items whose value does not start on their line, where js-yaml 4 nests empty items wrongly
 *   (`- -` then `- x` gives [[null, x]]). All were found by the generated documents of
 *   test/config-plain-yaml.test.ts; configs written by people use none of them.
 */
import { CST, Lexer } from 'yaml';
import { MAX_DEPTH, MAX_STRING_LENGTH } from './limits.js';

export interface Scan {
  /** The text must be read by `yaml`, not the light reader. */
  readonly full: boolean;
  /** The first bound exceeded, at a character offset. */
  readonly problem?: { readonly offset: number; readonly message: string };
}

/** Plain scalars the YAML 1.2 core schema reads as null. */
export const NULL = /^(?:~|[Nn]ull|NULL)?$/;

/** Tokens the lexer adds that are not characters of the text. */
const SYNTHETIC = new Set<string>([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/**
 * Nesting, estimated from tokens: the chain of increasing indentations of block lines, plus the
 * `-`, `?` and `:` indicators on the current line, plus open flow brackets. It may count a level
 * or two more than `yaml` builds (a mapping's key line counts its `:`), never fewer.
 */
class DepthMeter {
  private readonly indents: number[] = [];
  private inline = 0;
  private flow = 0;

  line(indent: number): void {
    if (this.flow > 0) return;
    while (this.indents.length && this.indents[this.indents.length - 1]! >= indent) this.indents.pop();
    this.indents.push(indent);
    this.inline = 0;
  }

  token(type: string | null): number {
    switch (type) {
      case 'flow-map-start': case 'flow-seq-start': this.flow++; break;
      case 'flow-map-end': case 'flow-seq-end': if (this.flow > 0) this.flow--; break;
      case 'seq-item-ind': case 'explicit-key-ind': case 'map-value-ind': if (this.flow === 0) this.inline++; break;
    }
    return this.indents.length + this.inline + this.flow;
  }
}

export function scanYaml(text: string): Scan {
  let full = false;
  let offset = 0;
  let afterScalarMark = false;
  /** The last token that was not space, a comment or a line break, and whether it was a scalar. */
  let lastWasScalar = false;
  let lastPlain: string | undefined;
  /** A `-` whose item has not started yet on its line. */
  let openItem = false;
  let lineStart = true;
  let indent = 0;
  const depth = new DepthMeter();
  for (const token of new Lexer().lex(text)) {
    const at = offset;
    if (!SYNTHETIC.has(token)) offset += token.length;
    if (afterScalarMark) {
      // The text of a plain or block scalar: may start with anything.
      afterScalarMark = false;
      if (token.endsWith('\n')) { lineStart = true; indent = 0; } // a block scalar's lines
      if (token.length > MAX_STRING_LENGTH) return { full, problem: { offset: at, message: tooLong(token.length) } };
      lastWasScalar = true;
      lastPlain = token;
      continue;
    }
    const type = CST.tokenType(token);
    if (type === 'newline') { lineStart = true; indent = 0; }
    else if (type === 'space' && lineStart) indent = token.length;
    else if (type !== 'comment' && type !== 'doc-mode' && lineStart) {
      lineStart = false;
      depth.line(indent);
    }
    if (openItem && token !== CST.SCALAR) {
      if (type === 'newline' || type === 'doc-end' || type === 'doc-start') full = true;
      if (type !== 'space' && type !== 'comment') openItem = false;
    } else openItem = false;
    if (token === CST.SCALAR) {
      afterScalarMark = true;
      continue;
    }
    if (depth.token(type) > MAX_DEPTH) {
      return { full, problem: { offset: at, message: `nested more than ${MAX_DEPTH} levels deep` } };
    }
    switch (type) {
      case 'anchor': case 'alias': case 'tag': case 'directive-line': case 'explicit-key-ind':
        full = true;
        break;
      case 'single-quoted-scalar': case 'double-quoted-scalar':
        if (token.length > MAX_STRING_LENGTH + 2) return { full, problem: { offset: at, message: tooLong(token.length - 2) } };
        break;
      case 'space': case 'comment': case 'newline':
        continue;
      case 'seq-item-ind':
        openItem = true;
        break;
      case 'map-value-ind':
        if (!lastWasScalar || (lastPlain !== undefined && NULL.test(lastPlain))) full = true;
        break;
    }
    lastWasScalar = type === 'single-quoted-scalar' || type === 'double-quoted-scalar';
    lastPlain = undefined;
  }
  return { full: full || openItem };
}

export function tooLong(n: number): string {
  return `a string of ${n.toLocaleString('en')} characters; the limit is ${MAX_STRING_LENGTH.toLocaleString('en')}`;
}

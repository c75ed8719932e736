/**
 * A YAML emitter that writes block-style documents byte for byte as go-yaml does: libyaml's
 * emitter (indentation, indicators, scalar styles, 80-column folding in v2) reduced to what
 * encoding plain data needs. Helm's toYaml goes through sigs.k8s.io/yaml (go-yaml v2 after a
 * JSON round trip); toYamlPretty encodes with go-yaml v3 and an indent of 2.
 */
import { analyzeScalar, canUsePlain, isBreak, isPrintable } from './yaml-scalar.js';

export type YamlNode =
  | { kind: 'scalar'; text: string; quotable: boolean }
  | { kind: 'seq'; items: YamlNode[] }
  | { kind: 'map'; entries: [string, YamlNode][] };

export interface EmitterOptions {
  /** go-yaml v3 (no folding, sequences indented under mapping keys, non-BMP characters printable). */
  v3: boolean;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

interface Context {
  mapping: boolean;
  simpleKey: boolean;
}

const BEST_INDENT = 2;
const BEST_WIDTH_V2 = 80;
const ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

export class YamlEmitter {
  private out: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];
  private readonly width: number;

  constructor(private readonly opts: EmitterOptions) {
    this.width = opts.v3 ? Number.POSITIVE_INFINITY : BEST_WIDTH_V2;
  }

  /** One document: the node followed by a line break (as yaml.Marshal ends its output). */
  document(node: YamlNode): string {
    this.node(node, { mapping: false, simpleKey: false });
    this.writeIndentAtEnd();
    return this.out.join('');
  }

  private put(s: string): void {
    this.out.push(s);
    this.column += s.length;
  }

  private putChar(cp: number): void {
    this.out.push(String.fromCodePoint(cp));
    this.column++;
  }

  private putBreak(): void {
    this.out.push('\n');
    this.column = 0;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndentAtEnd(): void {
    if (!this.indention || this.column > 0 || !this.whitespace) this.putBreak();
  }

  private writeIndicator(
    ind: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(ind);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  private node(node: YamlNode, ctx: Context): void {
    if (node.kind === 'scalar') this.scalar(node.text, node.quotable, ctx);
    else if (node.kind === 'seq') this.sequence(node.items, ctx);
    else this.mapping(node.entries);
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  private sequence(items: YamlNode[], ctx: Context): void {
    if (items.length === 0) return this.emptyFlow('[', ']');
    const indentless = !this.opts.v3 && ctx.mapping && !this.indention;
    this.increaseIndent(false, indentless);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  private mapping(entries: [string, YamlNode][]): void {
    if (entries.length === 0) return this.emptyFlow('{', '}');
    this.increaseIndent(false, false);
    for (const [key, value] of entries) {
      this.writeIndent();
      // libyaml's check_simple_key: long or multi-line keys need the explicit "? " form.
      const simple = [...key].length <= 128 && !/[\n\r\u0085\u2028\u2029]/.test(key);
      if (simple) {
        this.scalar(key, true, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.scalar(key, true, { mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  private selectStyle(text: string, quotable: boolean, ctx: Context): Style {
    let style: Style = 'plain';
    if (quotable) {
      if (text.includes('\n')) style = 'literal';
      else if (!canUsePlain(text, this.opts.v3)) style = 'double';
    }
    const a = analyzeScalar(text, this.opts.v3);
    if (ctx.simpleKey && a.multiline) style = 'double';
    if (style === 'plain' && (!a.blockPlainAllowed || (text === '' && ctx.simpleKey))) style = 'single';
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || ctx.simpleKey)) style = 'double';
    return style;
  }

  /** `quotable` is false for scalars of other types (numbers, bools, null), always written plain. */
  private scalar(text: string, quotable: boolean, ctx: Context): void {
    const style = this.selectStyle(text, quotable, ctx);
    this.increaseIndent(true, false);
    const allowBreaks = !ctx.simpleKey;
    if (style === 'plain') this.writePlain(text, allowBreaks);
    else if (style === 'single') this.writeSingle(text, allowBreaks);
    else if (style === 'double') this.writeDouble(text, allowBreaks);
    else this.writeLiteral(text);
    this.popIndent();
  }

  private writePlain(text: string, allowBreaks: boolean): void {
    if (!this.whitespace && text !== '') this.put(' ');
    const cps = [...text].map((c) => c.codePointAt(0) as number);
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i] as number;
      if (cp === 0x20) {
        if (allowBreaks && !spaces && this.column > this.width && cps[i + 1] !== 0x20) this.writeIndent();
        else this.putChar(cp);
        spaces = true;
      } else {
        this.putChar(cp);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(text: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cps = [...text].map((c) => c.codePointAt(0) as number);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i] as number;
      if (cp === 0x20) {
        const fold = allowBreaks && !spaces && this.column > this.width && i !== 0 && i !== cps.length - 1;
        if (fold && cps[i + 1] !== 0x20) this.writeIndent();
        else this.putChar(cp);
        spaces = true;
      } else if (isBreak(cp)) {
        if (!breaks && cp === 0x0a) this.putBreak();
        this.writeBreak(cp);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (cp === 0x27) this.put("'");
        this.putChar(cp);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
  }

  private writeBreak(cp: number): void {
    if (cp === 0x0a) this.putBreak();
    else {
      this.out.push(String.fromCodePoint(cp));
      this.column = 0;
    }
  }

  private writeEscape(cp: number): void {
    this.put('\\');
    const short = ESCAPES[cp];
    if (short !== undefined) return this.put(short);
    const [prefix, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
    this.put(prefix + cp.toString(16).toUpperCase().padStart(width, '0'));
  }

  private writeDouble(text: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const cps = [...text].map((c) => c.codePointAt(0) as number);
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i] as number;
      if (!isPrintable(cp, this.opts.v3) || cp === 0xfeff || isBreak(cp) || cp === 0x22 || cp === 0x5c) {
        this.writeEscape(cp);
        spaces = false;
      } else if (cp === 0x20) {
        if (allowBreaks && !spaces && this.column > this.width && i !== 0 && i !== cps.length - 1) {
          this.writeIndent();
          if (cps[i + 1] === 0x20) this.put('\\');
        } else this.putChar(cp);
        spaces = true;
      } else {
        this.putChar(cp);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
  }

  private blockScalarHints(cps: number[]): void {
    const first = cps[0];
    if (first !== undefined && (first === 0x20 || isBreak(first)))
      this.writeIndicator(String(BEST_INDENT), false, false, false);
    const last = cps[cps.length - 1];
    let chomp = '';
    if (last === undefined || !isBreak(last)) chomp = '-';
    else if (cps.length === 1 || isBreak(cps[cps.length - 2] as number)) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }

  private writeLiteral(text: string): void {
    this.writeIndicator('|', true, false, false);
    const cps = [...text].map((c) => c.codePointAt(0) as number);
    this.blockScalarHints(cps);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const cp of cps) {
      if (isBreak(cp)) {
        this.writeBreak(cp);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent();
          breaks = false;
        }
        this.putChar(cp);
        this.indention = false;
      }
    }
  }
}

/** Encodes a node tree as one YAML document. */
export function emitYaml(node: YamlNode, opts: EmitterOptions): string {
  return new YamlEmitter(opts).document(node);
}

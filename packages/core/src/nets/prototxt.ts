import { ImpastoError } from '../errors';

/**
 * A protobuf text-format message (Caffe's `.prototxt`). Every field maps to the list of its values,
 * since any field may repeat. Quoted strings and enum identifiers are both strings; `true`/`false`
 * are booleans.
 */
export interface PrototxtMessage {
  readonly [field: string]: readonly PrototxtValue[];
}
export type PrototxtValue = string | number | boolean | PrototxtMessage;

type Token = { kind: 'punct' | 'ident' | 'string' | 'number'; text: string; value: string | number; line: number };

const PUNCT = new Set(['{', '}', '<', '>', ':', ',', ';', '[', ']']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', '?': '?' };

function fail(line: number, message: string): ImpastoError {
  return new ImpastoError('BAD_MODEL', `prototxt line ${line}: ${message}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, value: c, line });
      i++;
    } else if (c === '"' || c === "'") {
      let s = '';
      i++;
      while (text[i] !== c) {
        if (i >= text.length || text[i] === '\n') throw fail(line, 'unterminated string');
        if (text[i] === '\\') {
          const e = text[i + 1] ?? '';
          const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
          const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1, i + 4));
          if (octal) {
            s += String.fromCharCode(parseInt(octal[0], 8));
            i += 1 + octal[0].length;
          } else if (hex) {
            s += String.fromCharCode(parseInt(hex[1]!, 16));
            i += 1 + hex[0].length;
          } else {
            s += ESCAPES[e] ?? e;
            i += 2;
          }
        } else {
          s += text[i++];
        }
      }
      i++;
      tokens.push({ kind: 'string', text: s, value: s, line });
    } else {
      const m = /^[^\s{}<>:,;[\]#"']+/.exec(text.slice(i));
      const word = m![0];
      i += word.length;
      // C++-style float suffixes ('1.5f') and 'inf' spellings are valid text format.
      const num = /^[-+]?(\d|\.\d|inf|nan)/i.test(word) ? Number(word.replace(/([\d.])[fF]$/, '$1').replace(/^([-+]?)inf(inity)?$/i, '$1Infinity')) : NaN;
      if (!Number.isNaN(num) || /^[-+]?nan$/i.test(word)) tokens.push({ kind: 'number', text: word, value: num, line });
      else if (/^[A-Za-z_][\w.]*$/.test(word)) tokens.push({ kind: 'ident', text: word, value: word, line });
      else throw fail(line, `unexpected '${word}'`);
    }
  }
  return tokens;
}

/** Parses protobuf text format. Throws `BAD_MODEL` with the line of the first syntax error. */
export function parsePrototxt(text: string): PrototxtMessage {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const lastLine = () => tokens[tokens.length - 1]?.line ?? 1;

  function scalar(): string | number | boolean {
    const t = tokens[pos++];
    if (!t) throw fail(lastLine(), 'value expected at end of input');
    if (t.kind === 'string') {
      let s = t.text;
      while (peek()?.kind === 'string') s += tokens[pos++]!.text; // adjacent literals concatenate
      return s;
    }
    if (t.kind === 'number') return t.value;
    if (t.kind === 'ident') return t.text === 'true' || t.text === 'True' ? true : t.text === 'false' || t.text === 'False' ? false : t.text;
    throw fail(t.line, `value expected, found '${t.text}'`);
  }

  function message(close: string | undefined): PrototxtMessage {
    const fields: Record<string, PrototxtValue[]> = {};
    for (;;) {
      const t = peek();
      if (!t) {
        if (close) throw fail(lastLine(), `'${close}' expected at end of input`);
        return fields;
      }
      if (t.kind === 'punct' && t.text === close) {
        pos++;
        return fields;
      }
      if (t.kind !== 'ident') throw fail(t.line, `field name expected, found '${t.text}'`);
      pos++;
      const values = (fields[t.text] ??= []);
      if (peek()?.text === ':' && peek()?.kind === 'punct') pos++;
      const next = peek();
      if (next?.kind === 'punct' && (next.text === '{' || next.text === '<')) {
        pos++;
        values.push(message(next.text === '{' ? '}' : '>'));
      } else if (next?.kind === 'punct' && next.text === '[') {
        pos++;
        while (peek()?.text !== ']') {
          const open = peek();
          if (open?.kind === 'punct' && open.text === '{') {
            pos++;
            values.push(message('}'));
          } else {
            values.push(scalar());
          }
          if (peek()?.text === ',') pos++;
          else if (peek()?.text !== ']') throw fail(peek()?.line ?? lastLine(), `',' or ']' expected`);
        }
        pos++;
      } else {
        values.push(scalar());
      }
      if (peek()?.kind === 'punct' && (peek()?.text === ',' || peek()?.text === ';')) pos++;
    }
  }

  return message(undefined);
}

function values(msg: PrototxtMessage | undefined, field: string): readonly PrototxtValue[] {
  return msg?.[field] ?? [];
}

/** The messages of a (repeated) message field. */
export function getMessages(msg: PrototxtMessage | undefined, field: string): PrototxtMessage[] {
  return values(msg, field).filter((v): v is PrototxtMessage => typeof v === 'object');
}

/** The first message of a field, if any. */
export function getMessage(msg: PrototxtMessage | undefined, field: string): PrototxtMessage | undefined {
  return getMessages(msg, field)[0];
}

/** All numbers of a (repeated) numeric field. */
export function getNumbers(msg: PrototxtMessage | undefined, field: string): number[] {
  return values(msg, field).filter((v): v is number => typeof v === 'number');
}

/** The first number of a field, or `fallback`. */
export function getNumber(msg: PrototxtMessage | undefined, field: string, fallback: number): number;
export function getNumber(msg: PrototxtMessage | undefined, field: string): number | undefined;
export function getNumber(msg: PrototxtMessage | undefined, field: string, fallback?: number): number | undefined {
  return getNumbers(msg, field)[0] ?? fallback;
}

/** All strings (quoted or enum identifiers) of a field. */
export function getStrings(msg: PrototxtMessage | undefined, field: string): string[] {
  return values(msg, field).filter((v): v is string => typeof v === 'string');
}

/** The first string of a field, if any. */
export function getString(msg: PrototxtMessage | undefined, field: string): string | undefined {
  return getStrings(msg, field)[0];
}

/** The first boolean of a field, or `fallback`. */
export function getBool(msg: PrototxtMessage | undefined, field: string, fallback: boolean): boolean {
  const v = values(msg, field)[0];
  return typeof v === 'boolean' ? v : fallback;
}

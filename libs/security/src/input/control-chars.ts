/**
 * Control characters (C0, DEL, C1) have no place in an identifier or a code,
 * and PostgreSQL refuses NUL in text and jsonb outright. Lone UTF-16
 * surrogates are refused for the same reason: the database cannot store them.
 */
const CONTROL = /[\p{Cc}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const CONTROL_BUT_LINE_BREAKS = /[^\P{Cc}\t\n\r]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) make text
 * display otherwise than it reads ("Trojan Source"): a reason or a note would show one thing on
 * the dashboard and hold another. Marks (U+200E, U+200F, U+061C) that real right-to-left text needs stay allowed.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

/** For text we may not refuse (a provider's): every such character, but tab and line breaks, and every bidi control becomes U+FFFD. */
export function replaceControlCharacters(text: string): string {
  return text.replace(new RegExp(`${CONTROL_BUT_LINE_BREAKS.source}|${BIDI_CONTROL.source}`, 'gu'), '\uFFFD');
}

export function hasBidiControls(text: string): boolean {
  return BIDI_CONTROL.test(text);
}

export function hasControlCharacters(text: string, freeText = false): boolean {
  return (freeText ? CONTROL_BUT_LINE_BREAKS : CONTROL).test(text);
}

/**
 * Paths (`metadata.note`, `items[2]`, `["a\u0000"]` shown escaped) of strings and keys holding control
 * characters. `isFreeText(path)` names the fields where tab, newline and carriage return are text.
 */
export function findControlCharacters(value: unknown, isFreeText: (path: string) => boolean = () => false, root = ''): string[] {
  return findStrings(value, (text, path) => hasControlCharacters(text, path !== undefined && isFreeText(path)), root);
}

/** Paths of strings and keys holding bidi controls: refused everywhere, free text included. */
export function findBidiControls(value: unknown, root = ''): string[] {
  return findStrings(value, hasBidiControls, root);
}

/** `matches(text, path)` for a string value, `matches(key)` for a key: iterative, so any depth is safe. */
function findStrings(value: unknown, matches: (text: string, path?: string) => boolean, root: string): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (matches(current, path)) found.push(path || '(body)');
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const childPath = joinPath(path, key);
        if (matches(key)) found.push(childPath);
        else stack.push([child, childPath]);
      }
    }
  }
  return found.sort();
}

function joinPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  // JSON.stringify escapes control characters, so a path never carries one.
  return `${path}[${JSON.stringify(key.slice(0, 64))}]`;
}

// Changes as a person reads them: one line per path, with a symbol and a colour for its kind
// (+ added, − removed, ~ changed) and the old and new values. The symbols and words carry the
// meaning on their own; colour only repeats it.

import { el, json } from './dom.js';

const KINDS = {
  added: { symbol: '+', word: 'added' },
  removed: { symbol: '−', word: 'removed' },
  changed: { symbol: '~', word: 'changed' },
};

/** What the symbols and colours of a diff mean, for every page that shows diffs. */
export function legend() {
  return el('span', { class: 'legend' }, Object.entries(KINDS).map(([kind, { symbol, word }], i) =>
    [i ? ' · ' : null, el('span', { class: 'diff-' + kind + '-legend' }, symbol + ' ' + word + (kind === 'changed' ? ' (old → new)' : ''))]));
}

/** The value at an RFC 6901 JSON pointer in doc, or undefined when there is none. */
export function valueAt(doc, pointer) {
  if (pointer === '') {
    return doc;
  }
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) {
      return undefined;
    }
    node = node[key];
  }
  return node;
}

/** The old value of each path of a history entry, read from its undo operations. */
export function oldValuesFromUndo(undo) {
  const old = new Map();
  for (const op of undo || []) {
    if (op.op === 'add' || op.op === 'replace') {
      old.set(op.path, op.value);
    }
  }
  return (path) => old.get(path);
}

/** One line of a diff: its kind, path, old and new value (undefined where there is none). */
export function describe(op, oldValueOf) {
  const before = oldValueOf(op.path);
  const after = op.op === 'remove' ? undefined : op.value;
  // The whole user is null before its creation and after a hard delete: no user.
  const absent = (value) => value === undefined || value === null && op.path === '';
  let kind = 'changed';
  if (absent(before) && !absent(after)) {
    kind = 'added';
  } else if (!absent(before) && absent(after)) {
    kind = 'removed';
  }
  return { kind, path: op.path, before, after };
}

/** A list of changes (RFC 6902 operations), each with its old value from oldValueOf. */
export function renderChanges(changes, oldValueOf) {
  if (!changes || changes.length === 0) {
    return el('p', { class: 'diff-empty' }, 'No change.');
  }
  return el('ul', { class: 'diff' }, changes.map((op) => renderLine(describe(op, oldValueOf))));
}

function renderLine(line) {
  const kind = KINDS[line.kind];
  return el('li', { class: 'diff-line diff-' + line.kind },
    el('span', { class: 'diff-symbol', 'aria-hidden': 'true' }, kind.symbol),
    el('span', { class: 'visually-hidden' }, kind.word + ' '),
    el('code', { class: 'diff-path' }, line.path === '' ? '(whole user)' : line.path),
    ' ',
    values(line));
}

function values(line) {
  if (line.kind === 'added') {
    return el('span', { class: 'diff-values' }, el('span', { class: 'diff-new' }, json(line.after)));
  }
  if (line.kind === 'removed') {
    return el('span', { class: 'diff-values' }, el('del', { class: 'diff-old' }, json(line.before)));
  }
  return el('span', { class: 'diff-values' },
    el('del', { class: 'diff-old' }, json(line.before)),
    el('span', { class: 'diff-arrow' }, ' → '),
    el('ins', { class: 'diff-new' }, json(line.after)));
}

/**
 * The changes from document a to document b, for showing two versions side by side: objects
 * key by key at every depth, arrays and other values whole, as the history records them.
 * Display only: every undo and rollback is computed by the server, never from this.
 */
export function compare(a, b, path = '') {
  if (isObject(a) && isObject(b)) {
    const ops = [];
    for (const key of Object.keys(a)) {
      ops.push(...(key in b ? compare(a[key], b[key], child(path, key)) : [{ op: 'remove', path: child(path, key) }]));
    }
    for (const key of Object.keys(b).filter((k) => !(k in a))) {
      ops.push({ op: 'add', path: child(path, key), value: b[key] });
    }
    return ops;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ op: 'replace', path, value: b }];
}

/** The pointer to key inside path (RFC 6901: '~' and '/' escaped). */
function child(path, key) {
  return path + '/' + key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

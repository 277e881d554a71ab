// A JSON document as a readable tree: each key on its own line, nested objects and arrays as
// sections that open and close (native <details>, so the keyboard works without any script).

import { el, json } from './dom.js';

export function renderTree(value, label = 'data') {
  return el('div', { class: 'tree' }, node(label, value, true));
}

function node(key, value, open) {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    const size = Array.isArray(value) ? entries.length + (entries.length === 1 ? ' item' : ' items')
      : entries.length + (entries.length === 1 ? ' key' : ' keys');
    return el('details', { open: open || entries.length <= 8 },
      el('summary', {}, el('span', { class: 'tree-key' }, key), ' ', el('span', { class: 'tree-size' }, size)),
      entries.length === 0 ? el('p', { class: 'tree-empty' }, Array.isArray(value) ? '(empty list)' : '(no keys)')
        : el('ul', {}, entries.map(([k, v]) => el('li', {}, node(k, v, false)))));
  }
  return el('div', { class: 'tree-leaf' },
    el('span', { class: 'tree-key' }, key), el('span', { class: 'tree-colon' }, ': '),
    el('span', { class: 'tree-value tree-' + (value === null ? 'null' : typeof value) }, json(value)));
}

// One history entry as a card of the timeline: what changed (a diff), when, who, how (the
// source: api for the service, sql for anything else), and under which request.

import { el, time } from './dom.js';
import { oldValuesFromUndo, renderChanges } from './diff.js';

/**
 * options.showUser: link to the entry's user (recent changes across users);
 * options.actions: nodes for the entry's footer (links and buttons).
 */
export function renderEntry(entry, options = {}) {
  const sql = entry.source === 'sql';
  return el('li', {
    class: 'entry' + (sql ? ' entry-sql' : ''),
    'data-user': entry.userId,
    'data-version': entry.version,
    'data-source': entry.source,
    'data-op': entry.op,
  },
  el('div', { class: 'entry-head' },
    options.showUser ? el('a', { class: 'entry-user', href: '#/users/' + entry.userId }, 'User ' + entry.userId) : null,
    el('span', { class: 'entry-version' }, 'v' + entry.version),
    time(entry.at),
    el('span', { class: 'entry-op' }, entry.op),
    sourceBadge(entry.source),
    el('span', { class: 'entry-actor', title: 'actor' }, entry.actor)),
  renderChanges(entry.changes, oldValuesFromUndo(entry.undo)),
  el('div', { class: 'entry-foot' },
    el('span', { class: 'entry-request' }, 'request ', el('code', {}, entry.requestId || '(none: not through the API)')),
    options.actions && options.actions.length ? el('span', { class: 'entry-actions' }, options.actions) : null));
}

/** api or sql, with a symbol for sql: a write that went around the service stands out without colour too. */
export function sourceBadge(source) {
  return source === 'sql'
    ? el('span', { class: 'badge badge-sql', title: 'written directly in the database' }, '⚠ sql')
    : el('span', { class: 'badge badge-api', title: 'written through the API' }, 'api');
}

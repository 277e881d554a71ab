// Recent changes across all users, newest first: the page to open first during an incident.
// Writes made around the service (source sql) are marked, and a burst of them is summed up.

import { button, el, fill, time } from '../dom.js';
import * as api from '../api.js';
import { filterFields } from '../filters.js';
import { legend } from '../diff.js';
import { renderEntry, sourceBadge } from '../history.js';
import { problemBox } from '../problems.js';
import { openRollback } from './rollback.js';

const PAGE = 50;
const SQL_LISTED = 500;
let lastFilters = {};

export async function changesView(view, session) {
  const filters = filterFields('changes', lastFilters);
  const summary = el('div', { id: 'changes-summary', 'aria-live': 'polite' });
  const list = el('ol', { id: 'changes', class: 'timeline' });
  const more = el('div', {});
  const form = el('form', { id: 'changes-filter', class: 'panel filters' }, filters.nodes,
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, 'Show changes'),
      session.can('admin') ? button('Roll back these changes…', () => openRollback(session, filters.values()), { id: 'to-rollback' }) : null));
  const shown = { list, summary, more, onlySql: () => {
    filters.controls.source.value = 'sql';
    form.requestSubmit();
  } };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    lastFilters = filters.values();
    await load(shown, lastFilters);
  });
  fill(view, el('h1', {}, 'Recent changes'),
    el('p', { class: 'muted' }, 'Every change of every user, whoever made it, newest first. Leave a filter empty to match everything.'),
    el('p', { class: 'muted' }, legend(), ' · ', sourceBadge('sql'), ' made directly in the database'),
    form, summary, list, more);
  await load(shown, lastFilters);
}

/** shown: the page's list, summary and "more" elements, and onlySql, which shows only the changes made directly in the database. */
async function load(shown, filters) {
  fill(shown.list);
  fill(shown.summary);
  const sql = await sqlChanges(filters);
  await page(shown, filters, undefined, [], sql);
}

/**
 * The changes made directly in the database that match the filters, whether or not they are on
 * the page: a burst an hour ago stays visible under a page of newer API writes. At most SQL_LISTED
 * (more: true when there are others). Null when the filters select API writes only.
 */
async function sqlChanges(filters) {
  if (filters.source === 'api') {
    return null;
  }
  try {
    const answer = (await api.call('GET', '/changes', { query: { ...filters, source: 'sql', limit: SQL_LISTED } })).body;
    return { items: answer.items, more: answer.next !== null };
  } catch (e) {
    return null; // the page's own request reports the problem
  }
}

async function page(shown, filters, before, entries, sql) {
  const { list, summary, more } = shown;
  try {
    const answer = (await api.call('GET', '/changes', { query: { ...filters, limit: PAGE, before } })).body;
    entries.push(...answer.items);
    for (const entry of answer.items) {
      list.appendChild(renderEntry(entry, { showUser: true, actions: [
        el('a', { href: '#/users/' + entry.userId + '/versions/' + entry.version }, 'Open version ' + entry.version)] }));
    }
    fill(summary, describe(entries, sql, filters, shown.onlySql));
    fill(more, answer.next ? button('Older changes', () => page(shown, filters, answer.next, entries, sql), { id: 'older-changes' }) : null);
  } catch (e) {
    fill(summary, problemBox(e));
  }
}

/** How many changes were made around the service, by whom and when: those shown, or all that match when some are not shown. */
function describe(entries, sql, filters, onlySql) {
  if (entries.length === 0) {
    return el('p', { class: 'note', role: 'status' }, 'No change matches.');
  }
  const sqlShown = entries.filter((e) => e.source === 'sql');
  const hidden = sql !== null && (sql.more || sql.items.length > sqlShown.length);
  if (!hidden && sqlShown.length === 0) {
    return el('p', { class: 'muted', role: 'status' }, changes(entries.length) + ' shown, all through the API.');
  }
  const burst = hidden ? sql.items : sqlShown;
  const headline = hidden
    ? '⚠ ' + burst.length + (sql.more ? ' or more' : '') + ' changes matching these filters were made directly in the database '
      + '(source sql), ' + sqlShown.length + ' of them among the ' + changes(entries.length) + ' shown, '
    : '⚠ ' + burst.length + ' of the ' + changes(entries.length) + ' shown ' + (burst.length === 1 ? 'was' : 'were')
      + ' made directly in the database (source sql), ';
  return el('div', { class: 'alert-sql', role: 'status', id: 'sql-burst', 'data-sql-changes': burst.length },
    el('strong', {}, headline), 'between ', time(burst[burst.length - 1].at), ' and ', time(burst[0].at), ': ', byActor(burst), '.',
    hidden && filters.source !== 'sql'
      ? el('div', { class: 'buttons' }, button('Show only the changes made directly in the database', onlySql, { id: 'show-sql' }))
      : null);
}

function byActor(entries) {
  const counts = new Map();
  for (const entry of entries) {
    counts.set(entry.actor, (counts.get(entry.actor) || 0) + 1);
  }
  return Array.from(counts, ([actor, count]) => el('span', { class: 'actor-count' }, actor + ' × ' + count)).flatMap((n, i) => i ? [', ', n] : [n]);
}

function changes(count) {
  return count + (count === 1 ? ' change' : ' changes');
}

// Recent changes across all users, newest first: the page to open first during an incident.
// Writes made around the service (source sql) are marked, and a burst of them is summed up.

import { button, el, fill, time } from '../dom.js';
import * as api from '../api.js';
import { filterFields } from '../filters.js';
import { renderEntry } from '../history.js';
import { problemBox } from '../problems.js';
import { openRollback } from './rollback.js';

const PAGE = 50;
let lastFilters = {};

export async function changesView(view, session) {
  const filters = filterFields('changes', lastFilters);
  const summary = el('div', { id: 'changes-summary', 'aria-live': 'polite' });
  const list = el('ol', { id: 'changes', class: 'timeline' });
  const more = el('div', {});
  const form = el('form', { id: 'changes-filter', class: 'panel filters' }, filters.nodes,
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, 'Show changes'),
      session.can('admin') ? button('Roll back these changes…', () => openRollback(session, filters.values()), { id: 'to-rollback' }) : null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    lastFilters = filters.values();
    await load(list, summary, more, lastFilters);
  });
  fill(view, el('h1', {}, 'Recent changes'),
    el('p', { class: 'muted' }, 'Every change of every user, whoever made it, newest first. Leave a filter empty to match everything.'),
    form, summary, list, more);
  await load(list, summary, more, lastFilters);
}

async function load(list, summary, more, filters) {
  fill(list);
  fill(summary);
  await page(list, summary, more, filters, undefined, []);
}

async function page(list, summary, more, filters, before, shown) {
  try {
    const answer = (await api.call('GET', '/changes', { query: { ...filters, limit: PAGE, before } })).body;
    shown.push(...answer.items);
    for (const entry of answer.items) {
      list.appendChild(renderEntry(entry, { showUser: true, actions: [
        el('a', { href: '#/users/' + entry.userId + '/versions/' + entry.version }, 'Open version ' + entry.version)] }));
    }
    fill(summary, describe(shown));
    fill(more, answer.next ? button('Older changes', () => page(list, summary, more, filters, answer.next, shown), { id: 'older-changes' }) : null);
  } catch (e) {
    fill(summary, problemBox(e));
  }
}

/** How many of the changes shown were made around the service, by whom and when. */
function describe(entries) {
  if (entries.length === 0) {
    return el('p', { class: 'note', role: 'status' }, 'No change matches.');
  }
  const sql = entries.filter((e) => e.source === 'sql');
  if (sql.length === 0) {
    return el('p', { class: 'muted', role: 'status' }, changes(entries.length) + ' shown, all through the API.');
  }
  const byActor = new Map();
  for (const entry of sql) {
    byActor.set(entry.actor, (byActor.get(entry.actor) || 0) + 1);
  }
  return el('div', { class: 'alert-sql', role: 'status', id: 'sql-burst' },
    el('strong', {}, '⚠ ' + sql.length + ' of the ' + changes(entries.length) + ' shown '
      + (sql.length === 1 ? 'was' : 'were') + ' made directly in the database (source sql), '),
    'between ', time(sql[sql.length - 1].at), ' and ', time(sql[0].at), ': ',
    Array.from(byActor, ([actor, count]) => el('span', { class: 'actor-count' }, actor + ' × ' + count)).flatMap((n, i) => i ? [', ', n] : [n]),
    '.');
}

function changes(count) {
  return count + (count === 1 ? ' change' : ' changes');
}

// Roll back a bad deploy: choose a window and filters, preview what the API would undo and
// keep (its dry run), apply, and get the report with its own "undo this rollback".

import { button, el, field, fill, focusHeading } from '../dom.js';
import * as api from '../api.js';
import { filterFields, nextMicrosecond } from '../filters.js';
import { legend } from '../diff.js';
import { renderEntry } from '../history.js';
import { problemBox } from '../problems.js';

const LISTED = 100;
const REQUEST_PAGES = 20;
let prefill = null;

/** Opens the rollback page with its filters set; with expect (a count of changes), previews at once. */
export function openRollback(session, values, expect) {
  prefill = { values, expect };
  session.go('#/rollback');
}

export async function rollbackView(view, session) {
  const given = prefill || { values: {} };
  prefill = null;
  const filters = filterFields('rollback', given.values, true);
  const requestId = el('input', { id: 'rollback-request', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  requestId.value = given.values.requestId || '';
  const outcome = el('section', { id: 'rollback-outcome', 'aria-live': 'polite' });
  const form = el('form', { id: 'rollback', class: 'panel filters' }, filters.nodes,
    field('Request id (optional)', requestId, 'The API rolls back by window, actor and source. To undo what one request did, '
      + 'fill the window from its recorded changes: the preview then says whether the window holds anything else.'),
    el('div', { class: 'buttons' },
      button('Fill the window from this request', () => fillFromRequest(filters, requestId.value.trim(), outcome), { id: 'fill-from-request' }),
      el('button', { type: 'submit', class: 'primary' }, 'Preview rollback')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    preview(session, filters.values(), outcome, null);
  });
  fill(view, el('h1', {}, 'Roll back a window'),
    el('p', {}, 'Undoes every change in the window that matches the filters, across all users, as new changes. '
      + 'A path that a later change outside the window touched is kept as it is, and named.'),
    form, outcome);
  if (given.expect !== undefined) {
    await preview(session, filters.values(), outcome, given.expect);
  }
}

function bodyOf(values) {
  const body = { from: values.from, to: values.to };
  if (values.actor) {
    body.actor = values.actor;
  }
  if (values.source) {
    body.source = values.source;
  }
  return body;
}

async function preview(session, values, outcome, expect) {
  const body = bodyOf(values);
  try {
    const [report, changes] = await Promise.all([
      api.call('POST', '/admin/rollback', { query: { dryRun: true }, body }).then(api.finished),
      api.call('GET', '/changes', { query: { ...body, limit: LISTED } }),
    ]);
    const r = report.body;
    fill(outcome, el('div', { class: 'panel preview', 'data-preview': 'ready' },
      el('h2', {}, 'Preview of the rollback'),
      reportFacts(r),
      expect !== null && expect !== r.changesUndone
        ? el('p', { class: 'problem', role: 'alert', id: 'window-mismatch' }, 'The window holds ' + r.changesUndone
          + ' changes to undo, but the request made ' + expect + ': other changes of the same actor fall in it. Narrow the window before applying.')
        : null,
      conflicts(r),
      el('div', { class: 'buttons' },
        button('Apply the rollback', () => apply(session, body, outcome), { id: 'apply-rollback', class: 'primary', disabled: r.changesUndone === 0 }),
        button('Cancel', () => fill(outcome), { id: 'cancel' })),
      el('h3', {}, changes.body.next ? 'The first ' + LISTED + ' changes it undoes' : 'The changes it undoes'),
      el('p', { class: 'muted' }, legend()),
      el('ol', { class: 'timeline', id: 'rollback-changes' }, changes.body.items.map((e) => renderEntry(e, { showUser: true })))));
  } catch (e) {
    fill(outcome, problemBox(e));
  }
  focusHeading(outcome);
}

function reportFacts(r) {
  return el('dl', { class: 'facts', id: 'rollback-report', 'data-dry-run': String(r.dryRun) },
    el('dt', {}, 'Users affected'), el('dd', { 'data-field': 'usersAffected' }, String(r.usersAffected)),
    el('dt', {}, 'Changes undone'), el('dd', { 'data-field': 'changesUndone' }, String(r.changesUndone)),
    el('dt', {}, 'Paths kept (later writes)'), el('dd', { 'data-field': 'conflicts' }, String(r.conflicts.length)),
    el('dt', {}, 'Users that failed'), el('dd', { 'data-field': 'failed' }, String(r.failed.length)));
}

function conflicts(r) {
  return [
    r.conflicts.length ? el('div', {}, el('h3', {}, 'Writes that will be kept'),
      el('p', { class: 'muted' }, 'A later change outside the window set these paths; the rollback leaves them as they are.'),
      el('ul', { id: 'kept-writes' }, r.conflicts.map((c) => el('li', {},
        el('a', { href: '#/users/' + c.userId }, 'User ' + c.userId), ' ', el('code', {}, c.path), ' as set by ',
        el('a', { href: '#/users/' + c.userId + '/versions/' + c.keptVersion }, 'version ' + c.keptVersion))))) : null,
    r.failed.length ? el('div', {}, el('h3', {}, 'Users left untouched'),
      el('ul', { id: 'failed-users' }, r.failed.map((f) => el('li', {},
        el('a', { href: '#/users/' + f.userId }, 'User ' + f.userId), ': ', f.detail)))) : null,
  ];
}

async function apply(session, body, outcome) {
  const requestId = api.newRequestId('console-rollback');
  const started = Date.now();
  try {
    const done = await api.finished(await api.call('POST', '/admin/rollback', { body, headers: { 'X-Request-Id': requestId } }));
    const bounds = searchBounds(done.headers.get('Date'), Date.now() - started);
    fill(outcome, el('div', { class: 'panel result', role: 'status', 'data-result': 'done' },
      el('h2', {}, 'Rollback done'),
      reportFacts(done.body),
      conflicts(done.body),
      el('p', {}, 'Recorded under request ', el('code', { id: 'rollback-request-id' }, requestId), '.'),
      done.body.changesUndone > 0
        ? button('Undo this rollback…', () => undoRequest(session, requestId, bounds, outcome), { id: 'undo-rollback' }) : null));
  } catch (e) {
    fill(outcome, problemBox(e));
  }
  focusHeading(outcome);
}

/** A window around a response that surely holds the request's changes: its Date (whole seconds) less its duration, with a margin. */
function searchBounds(date, elapsedMillis) {
  const at = Date.parse(date || '');
  if (Number.isNaN(at)) {
    return {};
  }
  const margin = 60_000;
  return { from: new Date(at - elapsedMillis - margin).toISOString(), to: new Date(at + margin).toISOString() };
}

async function undoRequest(session, requestId, bounds, outcome) {
  try {
    const window = await windowOf(requestId, bounds);
    openRollback(session, { ...window.values, requestId }, window.count);
  } catch (e) {
    fill(outcome, problemBox(e));
  }
}

async function fillFromRequest(filters, requestId, outcome) {
  if (!requestId) {
    fill(outcome, el('p', { class: 'problem', role: 'alert' }, 'Type the request id first.'));
    return;
  }
  try {
    const given = filters.values();
    const window = await windowOf(requestId, { from: given.from, to: given.to });
    for (const [name, value] of Object.entries(window.values)) {
      filters.controls[name].value = value;
    }
    fill(outcome, el('p', { class: 'note', role: 'status' }, 'Request ' + requestId + ' made ' + window.count
      + ' changes; the window above holds them. Preview to see whether it holds anything else.'));
  } catch (e) {
    fill(outcome, problemBox(e));
  }
}

/** The smallest window, actor and source that hold every change recorded under requestId, and how many there are. */
async function windowOf(requestId, bounds) {
  const entries = [];
  let before;
  for (let i = 0; i < REQUEST_PAGES; i++) {
    const page = (await api.call('GET', '/changes', { query: { requestId, ...bounds, limit: 500, before } })).body;
    entries.push(...page.items);
    before = page.next;
    if (!before) {
      break;
    }
  }
  if (entries.length === 0) {
    throw new Error('No change is recorded under request id ' + requestId + (bounds.from ? ' between ' + bounds.from + ' and ' + bounds.to : '') + '.');
  }
  const times = entries.map((e) => e.at).sort();
  return {
    values: { from: times[0], to: nextMicrosecond(times[times.length - 1]), actor: entries[0].actor, source: entries[0].source },
    count: entries.length,
  };
}

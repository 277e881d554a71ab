// The filters that select changes across users, the same for the recent-changes list
// (GET /changes) and a rollback (POST /admin/rollback): a time window, an actor, a source.

import { button, el, field } from './dom.js';

/** Labelled inputs for from, to, actor and source; ids start with prefix; values: initial values; required: the window is. */
export function filterFields(prefix, values = {}, required = false) {
  const input = (name, needed) => {
    const control = el('input', { id: prefix + '-' + name, name, type: 'text', autocomplete: 'off', spellcheck: 'false', required: needed });
    control.value = values[name] || '';
    return control;
  };
  const controls = {
    from: input('from', required),
    to: input('to', required),
    actor: input('actor', false),
    source: el('select', { id: prefix + '-source', name: 'source' },
      el('option', { value: '' }, 'any'), el('option', { value: 'api' }, 'api (through the service)'),
      el('option', { value: 'sql' }, 'sql (directly in the database)')),
  };
  controls.source.value = values.source || '';
  const timeHint = 'RFC 3339, UTC, such as 2026-11-26T09:05:00Z; microseconds as history shows them are kept';
  const nodes = [
    field('From (inclusive)', controls.from, timeHint),
    field('To (exclusive)', controls.to, timeHint),
    el('div', { class: 'buttons quick' },
      button('Last 15 minutes', () => lastMinutes(controls, 15)),
      button('Last hour', () => lastMinutes(controls, 60)),
      button('Last day', () => lastMinutes(controls, 24 * 60))),
    field('Actor', controls.actor, 'As history names it: token:<name>, or sql:<database role>'),
    field('Source', controls.source),
  ];
  return { controls, nodes, values: () => valuesOf(controls) };
}

function lastMinutes(controls, minutes) {
  // The browser's clock: check it against the times in history when it matters.
  const now = Date.now();
  controls.from.value = new Date(now - minutes * 60_000).toISOString();
  controls.to.value = new Date(now + 60_000).toISOString();
}

function valuesOf(controls) {
  const values = {};
  for (const [name, control] of Object.entries(controls)) {
    const value = control.value.trim();
    if (value) {
      values[name] = value;
    }
  }
  return values;
}

/** The time one microsecond after an API time (2026-11-26T09:05:00.123456Z): the exclusive end of a window that holds it. */
export function nextMicrosecond(iso) {
  const match = /^(.*T\d\d:\d\d:\d\d)\.(\d{6})Z$/.exec(iso);
  if (!match) {
    throw new Error('not a time as the API writes it: ' + iso);
  }
  const micros = Number(match[2]) + 1;
  if (micros < 1_000_000) {
    return match[1] + '.' + String(micros).padStart(6, '0') + 'Z';
  }
  return new Date(Date.parse(match[1] + 'Z') + 1000).toISOString().replace(/\.\d{3}Z$/, '.000000Z');
}

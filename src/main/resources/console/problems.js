// How a refusal of the API is shown: its title, its detail (which says what to do), the values
// it names, and the conflicts of a revert. All as text.

import { el } from './dom.js';
import { Problem } from './api.js';

export function problemBox(error) {
  if (!(error instanceof Problem)) {
    // fetch rejects with a TypeError when the service cannot be reached at all.
    return el('div', { class: 'problem', role: 'alert' },
      error instanceof TypeError ? el('strong', {}, 'The console could not reach the service. ') : null,
      String(error && error.message || error));
  }
  const body = error.body;
  return el('div', { class: 'problem', role: 'alert', 'data-status': error.status, 'data-type': error.type },
    el('strong', {}, (body.title || 'Refused') + ' (' + error.status + '). '),
    el('span', { class: 'problem-detail' }, body.detail || ''),
    list(body.errors, (e) => [el('code', {}, e.path || '(body)'), ': ', e.message]),
    list(body.conflicts, (c) => ['later change to ', el('code', {}, c.path),
      c.changedIn ? ' in version ' + c.changedIn.join(', ') : '']),
    list(body.checks && body.checks.filter((c) => !c.ok), (c) => ['✗ ', c.name, ': ', c.detail || '']));
}

function list(items, render) {
  return items && items.length ? el('ul', {}, items.map((item) => el('li', {}, render(item)))) : null;
}

import { button, el, field, fill } from '../dom.js';
import * as api from '../api.js';
import { problemBox } from '../problems.js';

const PAGE = 20;

/** Find a user by id, email or a part of the name, or browse every user in id order. */
export async function findView(view, session) {
  const query = el('input', { id: 'find-query', name: 'q', type: 'search', autocomplete: 'off', required: true });
  const outcome = el('div', { id: 'find-outcome', 'aria-live': 'polite' });
  const form = el('form', { id: 'find', class: 'panel', role: 'search' },
    field('User id, email or name', query, 'A number opens that user; an address with @ finds its user, ignoring case; '
      + 'anything else (three characters or more, spaces included) lists the users whose name contains it, ignoring case.'),
    el('button', { type: 'submit' }, 'Find'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(outcome);
    try {
      await find(session, query.value, outcome);
    } catch (e) {
      fill(outcome, problemBox(e));
    }
  });
  const list = el('ul', { id: 'user-list', class: 'users' });
  const more = el('div', {});
  fill(view, el('h1', {}, 'Find a user'), form, outcome, el('h2', {}, 'All users'), list, more);
  await browse(list, more, {}, 'More users', 'That is every user.', 'No users yet.');
}

/** An id or an email is read without the spaces around it; a part of a name as typed, since " Li" differs from "Li". */
async function find(session, typed, outcome) {
  const text = typed.trim();
  if (/^\d+$/.test(text)) {
    const found = await api.call('GET', '/users/' + text);
    session.go('#/users/' + found.body.id);
  } else if (text.includes('@')) {
    const page = await api.call('GET', '/users', { query: { email: text, limit: 1 } });
    if (page.body.items.length) {
      session.go('#/users/' + page.body.items[0].id);
    } else {
      fill(outcome, el('p', { class: 'note', role: 'status' }, 'No user with the email ' + text + '.'));
    }
  } else {
    const matches = el('ul', { id: 'name-matches', class: 'users' });
    const more = el('div', {});
    fill(outcome, el('h2', {}, 'Names containing “' + typed + '”'), matches, more);
    await browse(matches, more, { name: typed }, 'More matches', 'That is every match.', 'No user’s name contains “' + typed + '”.');
  }
}

/** Appends a page of users (filtered by query) to list, and a button for the next page to more. */
async function browse(list, more, query, moreLabel, endText, noneText, after) {
  try {
    const page = await api.call('GET', '/users', { query: { ...query, limit: PAGE, after } });
    for (const user of page.body.items) {
      list.appendChild(el('li', { 'data-user': user.id },
        el('a', { href: '#/users/' + user.id }, user.name), ' ',
        el('span', { class: 'muted' }, user.email + ' · id ' + user.id + ' · v' + user.version)));
    }
    fill(more, page.body.next
      ? button(moreLabel, () => browse(list, more, query, moreLabel, endText, noneText, page.body.next),
        { id: query.name === undefined ? 'more-users' : 'more-matches' })
      : el('p', { class: 'muted', role: 'status' }, list.children.length ? endText : noneText));
  } catch (e) {
    fill(more, problemBox(e));
  }
}

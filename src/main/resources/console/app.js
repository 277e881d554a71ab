// The console's shell: signing in and out, the navigation the token's role allows, and the
// router from the address's #fragment to a view. Each view fills <main> and calls the API.

import { el, fill, focusHeading } from './dom.js';
import * as api from './api.js';
import { signInView } from './views/signin.js';
import { findView } from './views/find.js';
import { userView, versionView } from './views/user.js';
import { changesView } from './views/changes.js';
import { rollbackView } from './views/rollback.js';
import { backupsView } from './views/backups.js';
import { tokensView } from './views/tokens.js';

const RANKS = { read: 1, write: 2, admin: 3 };

/** Who is signed in, and the way to another view. Shared with every view. */
const session = {
  role: null,
  can(role) {
    return this.role !== null && RANKS[this.role] >= RANKS[role];
  },
  go(hash) {
    if (window.location.hash === hash) {
      render();
    } else {
      window.location.hash = hash;
    }
  },
  async signIn(token) {
    const role = await api.roleOf(token);
    api.keepToken(token);
    this.role = role;
    this.signOutMessage = null;
    showSession();
    const asked = window.location.hash;
    this.go(asked && asked !== '#/signin' ? asked : '#/changes');
  },
  signOut(message) {
    api.forgetToken();
    this.role = null;
    this.signOutMessage = message || null;
    showSession();
    this.go('#/signin');
  },
};

const ROUTES = [
  { pattern: /^#\/users\/(\d+)\/versions\/(\d+)$/, role: 'read', view: (main, m) => versionView(main, session, Number(m[1]), Number(m[2])) },
  { pattern: /^#\/users\/(\d+)$/, role: 'read', view: (main, m) => userView(main, session, Number(m[1])) },
  { pattern: /^#\/users$/, role: 'read', view: (main) => findView(main, session) },
  { pattern: /^#\/changes$/, role: 'read', view: (main) => changesView(main, session) },
  { pattern: /^#\/rollback$/, role: 'admin', view: (main) => rollbackView(main, session) },
  { pattern: /^#\/backups$/, role: 'admin', view: (main) => backupsView(main, session) },
  { pattern: /^#\/tokens$/, role: 'admin', view: (main) => tokensView(main) },
];

const NAV = [
  { hash: '#/changes', label: 'Recent changes', role: 'read' },
  { hash: '#/users', label: 'Find a user', role: 'read' },
  { hash: '#/rollback', label: 'Roll back', role: 'admin' },
  { hash: '#/backups', label: 'Backups', role: 'admin' },
  { hash: '#/tokens', label: 'Tokens', role: 'admin' },
];

function showSession() {
  const nav = document.getElementById('nav');
  const box = document.getElementById('session');
  nav.hidden = box.hidden = session.role === null;
  if (session.role === null) {
    fill(nav);
    fill(box);
    return;
  }
  fill(nav, el('ul', {}, NAV.filter((item) => session.can(item.role))
    .map((item) => el('li', {}, el('a', { href: item.hash, 'data-nav': item.hash.slice(2) }, item.label)))));
  fill(box,
    el('span', { class: 'role', 'data-role': session.role }, 'Signed in · role ', el('strong', {}, session.role)),
    el('button', { type: 'button', id: 'sign-out', on: { click: () => session.signOut('Signed out. The token is forgotten by this tab.') } }, 'Sign out'));
}

function markCurrent() {
  for (const link of document.querySelectorAll('#nav a')) {
    if (window.location.hash.startsWith(link.getAttribute('href'))) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

async function render() {
  // Each view draws into its own element: when the address changes again before a slow view
  // has its answers, that view's element is no longer in the page and its late drawing is unseen.
  const main = document.getElementById('main');
  const view = el('div', { class: 'view' });
  fill(main, view);
  if (session.role === null) {
    signInView(view, session);
    focusHeading(view);
    return;
  }
  const hash = window.location.hash || '#/changes';
  const route = ROUTES.find((r) => r.pattern.test(hash));
  markCurrent();
  if (!route) {
    fill(view, el('h1', {}, 'Nothing here'), el('p', {}, 'No page at ', el('code', {}, hash), '. ',
      el('a', { href: '#/changes' }, 'Recent changes')));
  } else if (!session.can(route.role)) {
    fill(view, el('h1', {}, 'Not for this token'), el('p', { role: 'alert' },
      'This page needs a token with role ' + route.role + '; this one has role ' + session.role + '.'));
  } else {
    await route.view(view, hash.match(route.pattern));
  }
  if (view.isConnected && !view.contains(document.activeElement)) {
    focusHeading(view);
  }
}

/**
 * The skip link's target is an element, but the address's #fragment is the router's: following
 * href="#main" would leave the page for "Nothing here". It moves the focus instead.
 */
function skipToContent(event) {
  event.preventDefault();
  const main = document.getElementById('main');
  const heading = main.querySelector('h1, h2');
  if (heading) {
    focusHeading(main);
  } else {
    main.focus();
  }
}

async function start() {
  document.querySelector('a.skip').addEventListener('click', skipToContent);
  api.whenUnauthorized(() => session.signOut('The API no longer accepts this token. Sign in again.'));
  const token = api.token();
  if (token) {
    try {
      session.role = await api.roleOf(token);
    } catch (refused) {
      api.forgetToken();
    }
  }
  showSession();
  window.addEventListener('hashchange', render);
  await render();
  document.body.setAttribute('data-ready', 'true');
}

start();

// Calls to the JSON API, with the token of this tab. The token lives in sessionStorage: it is
// sent only by this code, in the Authorization header, and is gone when the tab closes. No
// cookie is set, so no other site can make the browser send it (no CSRF to defend against).

const TOKEN_KEY = 'custodian.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function keepToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An answer of the API that is not 2xx, with its problem+json fields. */
export class Problem extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : 'the server answered ' + status);
    this.status = status;
    this.body = body || {};
  }

  get type() {
    return this.body.type || '';
  }
}

/** Called with a Problem whose status is 401: the token is wrong, expired or revoked. */
let onUnauthorized = () => {};

export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * One request. options: query (object; empty values left out), body (sent as JSON), headers,
 * tokenOverride. Resolves to {status, body, headers}; rejects with a Problem for 4xx and 5xx.
 */
export async function call(method, path, options = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(options.query || {})) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(name, String(value));
    }
  }
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const bearer = options.tokenOverride || token();
  if (bearer) {
    headers.Authorization = 'Bearer ' + bearer;
  }
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(url, { method, headers, body, credentials: 'omit', cache: 'no-store' });
  const text = await response.text();
  const parsed = text ? parseOrText(text) : null;
  if (!response.ok) {
    const problem = new Problem(response.status, typeof parsed === 'object' ? parsed : { detail: text });
    if (response.status === 401 && !options.tokenOverride) {
      onUnauthorized(problem);
    }
    throw problem;
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * The outcome of a rollback or restore: the answer itself, or for a 202 (it runs as a job), the
 * job's report once it has ended, polled at its Location. Rejects with the job's problem.
 */
export async function finished(answer) {
  if (answer.status !== 202) {
    return answer;
  }
  const location = answer.headers.get('Location');
  for (;;) {
    const job = (await call('GET', location)).body;
    if (job.status === 'succeeded') {
      return { status: 200, body: job.report, headers: answer.headers };
    }
    if (job.status !== 'running') {
      throw new Problem(job.problem ? job.problem.status : 503, job.problem
        || { detail: 'job ' + job.id + ' was interrupted: the server running it stopped; send it again' });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function parseOrText(text) {
  try {
    return JSON.parse(text);
  } catch (notJson) {
    return text;
  }
}

/** A request id for a write the console may need to find again in history (a rollback). */
export function newRequestId(prefix) {
  // getRandomValues, not randomUUID: the latter exists only on https or localhost.
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return prefix + '-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * What a token may do: 'read', 'write' or 'admin', asked of the API itself. Each probe is a
 * request the role check answers before anything is read or written: a read of one user, a
 * dry run of an empty create (403 below write, 422 from write up), and a read of the backup
 * list (admin only). Rejects with the Problem of a token the API does not accept.
 */
export async function roleOf(candidate) {
  const probe = { tokenOverride: candidate };
  await call('GET', '/users', { ...probe, query: { limit: 1 } });
  if (await allowed(() => call('GET', '/admin/backups', { ...probe, query: { limit: 1 } }))) {
    return 'admin';
  }
  const write = await allowed(() => call('POST', '/users', { ...probe, query: { dryRun: true }, body: {} }));
  return write ? 'write' : 'read';
}

async function allowed(request) {
  try {
    await request();
    return true;
  } catch (e) {
    if (e instanceof Problem && e.status === 403) {
      return false;
    }
    if (e instanceof Problem && e.status < 500 && e.status !== 401) {
      return true; // past the role check: the request itself was refused
    }
    throw e;
  }
}

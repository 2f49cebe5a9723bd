// The asl-server console. Its data comes from the Step Functions API of the page's own server
// (POST / with X-Amz-Target, as the SDKs send it); the server adds only the graph of a machine
// as SVG (/console/graph/ARN) and an execution's history as server-sent events
// (/console/events/ARN). Views are picked by the URL fragment: #/, #/machine/ARN,
// #/execution/ARN, #/activities.
'use strict';

// ---- The API -------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(code, message) { super(`${code}: ${message}`); this.code = code; }
}

async function api(action, body = {}) {
  const r = await fetch('/', {
    method: 'POST',
    headers: { 'X-Amz-Target': `AWSStepFunctions.${action}`, 'Content-Type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch (_) { json = { message: text }; }
  if (!r.ok) throw new ApiError(String(json.__type || r.status).split('#').pop(), json.message || text);
  return json;
}

/** Every page of a list action, up to `limit` items. */
async function apiAll(action, body, key, limit = 1000) {
  const out = [];
  let nextToken;
  do {
    const page = await api(action, { ...body, ...(nextToken ? { nextToken } : {}) });
    out.push(...(page[key] || []));
    nextToken = page.nextToken;
  } while (nextToken && out.length < limit);
  return out;
}

// ---- DOM helpers ---------------------------------------------------------------------------

/** h('a', {href}, child…): an element; strings become text (never HTML). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const view = () => document.getElementById('view');
const enc = encodeURIComponent;
const fmtTime = (t) => (t === undefined || t === null ? '—' : new Date(typeof t === 'number' ? t * 1000 : t).toLocaleString());
const toMs = (t) => (typeof t === 'number' ? t * 1000 : Date.parse(t));

function fmtDuration(ms) {
  if (!(ms >= 0)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Replaces an element's children, leaving out null and false (replaceChildren would write "null"). */
function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}

function errorBox(e) { return h('p', { class: 'error', role: 'alert' }, String(e.message || e)); }

// Status words and icons: colour is never the only signal.
const ICONS = { 'not reached': '○', running: '▶', succeeded: '✓', failed: '✗', caught: '⚠', retried: '↻',
  RUNNING: '▶', SUCCEEDED: '✓', FAILED: '✗', TIMED_OUT: '⏱', ABORTED: '■', PENDING_REDRIVE: '↺' };
function badge(status) {
  const cls = String(status).replace(' ', '-');
  return h('span', { class: `badge ${cls}`, 'data-status': status }, `${ICONS[status] || '•'} ${status}`);
}

/** JSON pretty-printed with spans for keys, strings, numbers and literals. */
function jsonView(value, attrs = {}) {
  const text = typeof value === 'string' ? prettyJson(value) : JSON.stringify(value, null, 2);
  const pre = h('pre', { class: 'json', ...attrs });
  const re = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;
  let last = 0;
  for (const m of (text || '').matchAll(re)) {
    pre.append(text.slice(last, m.index));
    if (m[1]) {
      pre.append(h('span', { class: m[2] ? 'k' : 's' }, m[1]));
      if (m[2]) pre.append(m[2]);
    } else pre.append(h('span', { class: m[3] ? 'n' : 'l' }, m[0]));
    last = m.index + m[0].length;
  }
  pre.append((text || '').slice(last));
  return pre;
}

/** Big payloads start folded. */
const small = (s) => (s || '').length < 4000;
const size = (s) => { const n = new Blob([s || '']).size; return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`; };

function prettyJson(s) {
  if (s === undefined || s === null) return '';
  try { return JSON.stringify(JSON.parse(s), null, 2); } catch (_) { return String(s); }
}

/** A textarea whose JSON is checked as it is typed; `check()` answers whether it parses. */
function jsonInput(id, label, initial) {
  const area = h('textarea', { id, spellcheck: 'false', 'aria-describedby': `${id}-msg` });
  area.value = initial;
  const msg = h('div', { id: `${id}-msg`, class: 'hint', 'aria-live': 'polite' });
  const check = () => {
    try { JSON.parse(area.value); msg.textContent = 'Valid JSON'; msg.className = 'hint'; area.removeAttribute('aria-invalid'); return true; }
    catch (e) { msg.textContent = `Not valid JSON: ${e.message}`; msg.className = 'error'; area.setAttribute('aria-invalid', 'true'); return false; }
  };
  area.addEventListener('input', () => { check(); area.dispatchEvent(new CustomEvent('checked')); });
  return { el: h('div', {}, h('label', { for: id }, label), area, msg), area, check };
}

// ---- Routing -------------------------------------------------------------------------------

let cleanup = [];

async function route(ev) {
  for (const f of cleanup) { try { f(); } catch (_) { /* the old view is gone anyway */ } }
  cleanup = [];
  const hash = location.hash.replace(/^#\/?/, '');
  const [kind, ...rest] = hash.split('/');
  const arg = decodeURIComponent(rest.join('/'));
  // Each view renders into its own element: a slower view left behind writes into a detached one.
  const v = h('div', { class: 'page' }, h('p', {}, 'Loading…'));
  fill(view(), v);
  // Following a link moves the focus to the new view, as a page load would (now, before the
  // view fills, so the focus never jumps under a user who has started on it).
  if (ev && ev.type === 'hashchange') view().focus();
  try {
    if (kind === 'machine' && arg) await machinePage(v, arg);
    else if (kind === 'execution' && arg) await executionPage(v, arg);
    else if (kind === 'activities') await activitiesPage(v);
    else await machinesPage(v);
  } catch (e) {
    fill(v, h('h1', {}, 'Something went wrong'), errorBox(e));
  }
}

/** Says something to screen readers (a status change, not every redraw). */
function announce(text) { document.getElementById('announce').textContent = text; }

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', route);

// ---- State machines ------------------------------------------------------------------------

const EXEC_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

function countsCell(execs) {
  if (execs instanceof Error) return h('span', { class: 'hint', title: execs.message }, 'unavailable');
  const by = {};
  for (const e of execs) by[e.status] = (by[e.status] || 0) + 1;
  const parts = EXEC_STATUSES.filter((s) => by[s]).map((s) => h('span', {}, badge(s), ` ${by[s]}`));
  return h('span', { class: 'counts' }, parts.length ? parts : h('span', { class: 'hint' }, 'none'));
}

async function machinesPage(v) {
  document.title = 'State machines · asl-server';
  await live(5000, async () => {
    const machines = await apiAll('ListStateMachines', {}, 'stateMachines');
    // Express executions are not kept (AWS lists none): nothing to count.
    const counts = await Promise.all(machines.map((m) => (m.type === 'EXPRESS' ? null : apiAll('ListExecutions', { stateMachineArn: m.stateMachineArn }, 'executions').catch((e) => e))));
    return { machines, counts };
  }, ({ machines, counts }) => {
    const rows = machines.map((m, i) => h('tr', {},
      h('td', {}, h('a', { href: `#/machine/${enc(m.stateMachineArn)}` }, m.name)),
      h('td', {}, m.type),
      h('td', {}, fmtTime(m.creationDate)),
      h('td', {}, counts[i] === null ? h('span', { class: 'hint' }, 'not kept (express)') : countsCell(counts[i]))));
    fill(v,
      h('h1', {}, 'State machines'),
      machines.length
        ? h('table', { id: 'machines' }, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Created'), h('th', {}, 'Executions by status'))), h('tbody', {}, rows))
        : h('p', {}, 'No state machines yet: create one with CreateStateMachine (the AWS CLI, an SDK, or asl-server/scripts).'));
  });
}

/**
 * Loads now and every `ms` while the view is shown; draws only when what was loaded changed
 * (so a redraw never takes the keyboard focus away for nothing).
 */
async function live(ms, load, draw) {
  let shown = null;
  const plain = (_, x) => (x instanceof Error ? `Error: ${x.message}` : x instanceof Set ? [...x] : x instanceof Map ? [...x] : x);
  const tick = async () => {
    const data = await load();
    const seen = JSON.stringify(data, plain);
    if (seen !== shown) { shown = seen; draw(data); }
  };
  await tick();
  const timer = setInterval(() => tick().catch(() => {}), ms);
  cleanup.push(() => clearInterval(timer));
}

async function loadGraph(container, arn) {
  const r = await fetch(`/console/graph/${enc(arn)}`);
  const text = await r.text();
  if (!r.ok) { fill(container, errorBox(new Error(`graph: ${text}`))); return null; }
  container.innerHTML = text; // SVG from this server; names in it are escaped.
  const svg = container.querySelector('svg');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'State graph');
  return svg;
}

/**
 * An EXPRESS machine: AWS keeps no record of its executions (ListExecutions, DescribeExecution
 * and GetExecutionHistory do not take them), so the page lists none and runs one with
 * StartSyncExecution instead, showing its result.
 */
async function expressPage(v, m) {
  const graph = h('div', { class: 'graph', id: 'graph' });
  const input = jsonInput('sync-input', 'Input (JSON)', '{}');
  const name = h('input', { type: 'text', id: 'sync-name', placeholder: 'a generated name', 'aria-label': 'Execution name' });
  const result = h('div', { id: 'sync-result', 'aria-live': 'polite' });
  const start = h('button', { class: 'primary', id: 'start-sync', type: 'submit' }, 'Start sync execution');
  input.area.addEventListener('checked', () => { start.disabled = !input.check(); });
  const form = h('form', { id: 'sync-form', class: 'panel' },
    h('h2', {}, 'Start a sync execution'), input.el, h('label', { for: 'sync-name' }, 'Name (optional)'), name, h('div', { class: 'row' }, start), result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!input.check()) { input.area.focus(); return; }
    start.disabled = true;
    fill(result, h('p', { class: 'hint' }, 'Running (StartSyncExecution)…'));
    try {
      const body = { stateMachineArn: m.stateMachineArn, input: input.area.value };
      if (name.value.trim()) body.name = name.value.trim();
      const out = await api('StartSyncExecution', body);
      const took = fmtDuration(toMs(out.stopDate) - toMs(out.startDate));
      fill(result, h('h3', {}, 'Result'),
        h('dl', { class: 'meta' }, h('dt', {}, 'Status'), h('dd', { id: 'sync-status' }, badge(out.status)), h('dt', {}, 'Name'), h('dd', {}, out.name || '—'),
          h('dt', {}, 'Took'), h('dd', {}, took),
          out.error !== undefined ? [h('dt', {}, 'Error'), h('dd', { id: 'sync-error' }, h('code', {}, out.error))] : null,
          out.cause !== undefined ? [h('dt', {}, 'Cause'), h('dd', { id: 'sync-cause' }, out.cause)] : null),
        out.output !== undefined ? [h('h3', {}, 'Output'), jsonView(out.output, { id: 'sync-output' })] : null);
    } catch (e) { fill(result, errorBox(e)); }
    start.disabled = false;
  });
  fill(v,
    h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'State machines'), ' / '),
    h('h1', {}, m.name),
    h('dl', { class: 'meta' }, h('dt', {}, 'ARN'), h('dd', {}, h('code', {}, m.stateMachineArn)), h('dt', {}, 'Type'), h('dd', {}, m.type),
      h('dt', {}, 'Created'), h('dd', {}, fmtTime(m.creationDate)), m.description ? [h('dt', {}, 'Description'), h('dd', {}, m.description)] : null),
    h('div', { class: 'cols' },
      h('section', { 'aria-label': 'Graph' }, h('h2', {}, 'Graph'), graph),
      h('section', {}, form, h('h2', {}, 'Definition'), jsonView(m.definition, { id: 'definition', tabindex: '0' }))),
    h('h2', {}, 'Executions'),
    h('p', { id: 'express-note' }, 'Executions of an express state machine are not kept: as on AWS, they cannot be listed or described and have no history to show. ',
      'Run one with the form above (StartSyncExecution) to see its status and output, or error and cause.'));
  await loadGraph(graph, m.stateMachineArn);
}

async function machinePage(v, arn) {
  const m = await api('DescribeStateMachine', { stateMachineArn: arn });
  document.title = `${m.name} · asl-server`;
  if (m.type === 'EXPRESS') { await expressPage(v, m); return; }
  const graph = h('div', { class: 'graph', id: 'graph' });
  const execs = h('div', { id: 'executions' }, h('p', {}, 'Loading…'));
  const input = jsonInput('exec-input', 'Input (JSON)', '{}');
  const name = h('input', { type: 'text', id: 'exec-name', placeholder: 'a generated name', 'aria-label': 'Execution name' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const start = h('button', { class: 'primary', id: 'start', type: 'submit' }, 'Start execution');
  input.area.addEventListener('checked', () => { start.disabled = !input.check(); });
  const form = h('form', { id: 'start-form', class: 'panel' },
    h('h2', {}, 'Start an execution'), input.el, h('label', { for: 'exec-name' }, 'Name (optional)'), name, h('div', { class: 'row' }, start), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!input.check()) { input.area.focus(); return; }
    start.disabled = true;
    try {
      const body = { stateMachineArn: arn, input: input.area.value };
      if (name.value.trim()) body.name = name.value.trim();
      const out = await api('StartExecution', body);
      location.hash = `#/execution/${enc(out.executionArn)}`;
    } catch (e) { fill(msg, errorBox(e)); start.disabled = false; }
  });
  fill(v,
    h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'State machines'), ' / '),
    h('h1', {}, m.name),
    h('dl', { class: 'meta' }, h('dt', {}, 'ARN'), h('dd', {}, h('code', {}, m.stateMachineArn)), h('dt', {}, 'Type'), h('dd', {}, m.type),
      h('dt', {}, 'Created'), h('dd', {}, fmtTime(m.creationDate)), m.description ? [h('dt', {}, 'Description'), h('dd', {}, m.description)] : null),
    h('div', { class: 'cols' },
      h('section', { 'aria-label': 'Graph' }, h('h2', {}, 'Graph'), graph),
      h('section', {}, form, h('h2', {}, 'Definition'), jsonView(m.definition, { id: 'definition', tabindex: '0' }))),
    h('h2', {}, 'Executions'), execs);
  await loadGraph(graph, arn);
  await live(2000, () => apiAll('ListExecutions', { stateMachineArn: arn }, 'executions').catch((e) => e), (list) => {
    if (list instanceof Error) { fill(execs, errorBox(list)); return; }
    fill(execs, list.length
      ? h('table', { id: 'executions-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Status'), h('th', {}, 'Started'), h('th', {}, 'Stopped'))),
        h('tbody', {}, list.map((e) => h('tr', {}, h('td', {}, h('a', { href: `#/execution/${enc(e.executionArn)}` }, e.name)),
          h('td', {}, badge(e.status)), h('td', {}, fmtTime(e.startDate)), h('td', {}, fmtTime(e.stopDate))))))
      : h('p', {}, 'No executions yet.'));
  });
}

// ---- Activities ----------------------------------------------------------------------------

async function activitiesPage(v) {
  document.title = 'Activities · asl-server';
  await live(2000, async () => ({ list: await apiAll('ListActivities', {}, 'activities'), open: await openActivityTasks().catch((e) => e) }),
    ({ list, open }) => drawActivities(v, list, open));
}

function drawActivities(v, list, open) {
  const tasksCell = (arn) => {
    if (open instanceof Error) return h('span', { class: 'hint', title: open.message }, 'unavailable');
    const tasks = open.tasks.filter((t) => t.activityArn === arn);
    if (!tasks.length) return h('span', { class: 'hint' }, 'none');
    return h('ul', {}, tasks.map((t) => h('li', {}, h('a', { href: `#/execution/${enc(t.executionArn)}` }, t.executionName), ' · ',
      t.worker ? `taken by ${t.worker}` : t.started ? 'started (no worker name)' : 'waiting for a worker')));
  };
  // Each worker that took a task of the activity (its workerName), newest first, with the
  // last time it took one.
  const workersCell = (arn) => {
    if (open instanceof Error) return '';
    const seen = [...(open.workers.get(arn) || new Map())].sort((a, b) => b[1] - a[1]);
    if (!seen.length) return h('span', { class: 'hint' }, 'none seen');
    return h('ul', {}, seen.map(([name, at]) => h('li', { 'data-worker': name }, h('code', {}, name), ' · last seen ', fmtTime(at))));
  };
  fill(v, h('h1', {}, 'Activities'),
    list.length
      ? h('table', { id: 'activities' }, h('thead', {}, h('tr', {}, ['Name', 'ARN', 'Created', 'Open tasks', 'Workers seen'].map((c) => h('th', {}, c)))),
        h('tbody', {}, list.map((a) => h('tr', { 'data-activity': a.activityArn }, h('td', {}, a.name), h('td', {}, h('code', {}, a.activityArn)), h('td', {}, fmtTime(a.creationDate)),
          h('td', { class: 'open-tasks' }, tasksCell(a.activityArn)), h('td', { class: 'workers' }, workersCell(a.activityArn))))))
      : h('p', {}, 'No activities yet.'),
    h('p', { class: 'hint' }, 'Open tasks come from the recent history of running executions, workers seen from the ActivityStarted events (the workerName given to GetActivityTask) of those and of the latest executions of each machine. A waiting task is answered on the page of its execution.'));
}

/**
 * Activity tasks scheduled and not yet answered in running executions, and the workers seen
 * taking tasks (name -> last time, by activity ARN) there and in the latest 20 executions of each
 * machine, from the last 100 events of each. (Express machines list no executions.)
 */
async function openActivityTasks() {
  const machines = await apiAll('ListStateMachines', {}, 'stateMachines');
  const lists = await Promise.all(machines.map(async (m) => {
    const running = await apiAll('ListExecutions', { stateMachineArn: m.stateMachineArn, statusFilter: 'RUNNING' }, 'executions', 100).catch(() => []);
    const latest = await api('ListExecutions', { stateMachineArn: m.stateMachineArn, maxResults: 20 }).then((r) => r.executions || []).catch(() => []);
    return [...running, ...latest];
  }));
  const executions = [...new Map(lists.flat().map((x) => [x.executionArn, x])).values()];
  const tasks = [];
  const workers = new Map();
  await Promise.all(executions.slice(0, 300).map(async (x) => {
    const page = await api('GetExecutionHistory', { executionArn: x.executionArn, reverseOrder: true, maxResults: 100 }).catch(() => ({}));
    const open = new Map(); // scheduled event id -> task
    const link = new Map(); // ActivityScheduled/Started event id -> scheduled event id
    const activityOf = new Map(); // scheduled event id -> activity ARN
    for (const e of (page.events || []).reverse()) {
      const d = details(e);
      if (e.type === 'ActivityScheduled') {
        activityOf.set(e.id, d.resource);
        if (x.status === 'RUNNING') open.set(e.id, { activityArn: d.resource, executionArn: x.executionArn, executionName: x.name, started: false, worker: null });
        link.set(e.id, e.id);
      } else if (e.type === 'ActivityStarted') {
        const sid = link.get(e.previousEventId);
        link.set(e.id, sid);
        const t = open.get(sid);
        if (t) {
          t.started = true;
          t.worker = d.workerName || null;
        }
        const activity = activityOf.get(sid);
        if (activity && d.workerName) {
          if (!workers.has(activity)) workers.set(activity, new Map());
          const seen = workers.get(activity);
          seen.set(d.workerName, Math.max(seen.get(d.workerName) || 0, toMs(e.timestamp) / 1000));
        }
      } else if (/^Activity(Succeeded|Failed|TimedOut)$/.test(e.type)) {
        open.delete(link.get(e.previousEventId));
      }
    }
    tasks.push(...open.values());
  }));
  return { tasks, workers };
}

// ---- An execution --------------------------------------------------------------------------

/** The details object of a history event (the one `…EventDetails` member). */
function details(e) {
  for (const [k, val] of Object.entries(e)) if (k.endsWith('EventDetails')) return val;
  return {};
}

/**
 * What the history says about each state: status (running / succeeded / failed / caught /
 * retried), input, output, error, cause, its events, and a waiting activity task or callback.
 */
class StateTracker {
  /** `resources`: each Task state's Resource, from the definition (events may not carry it). */
  constructor(resources = new Map()) { this.resources = resources; this.states = new Map(); this.owner = new Map(); this.lastEntered = null; this.execution = null; this.open = []; }

  state(name) {
    if (!this.states.has(name)) this.states.set(name, { name, status: 'not reached', events: [], failed: false, retried: false, iterations: {} });
    return this.states.get(name);
  }

  add(e) {
    const d = details(e);
    const t = e.type;
    let name;
    if (t.endsWith('StateEntered')) {
      name = d.name;
      // A failed state whose successor is entered without its own Exited event was caught.
      const before = this.states.get(this.owner.get(e.previousEventId));
      if (before && before.name !== name && before.status === 'running' && before.failed) before.status = 'caught';
      if (t === 'MapStateEntered' || t === 'ParallelStateEntered') this.open.push({ name, kind: t.slice(0, -'StateEntered'.length) });
      const s = this.state(name);
      Object.assign(s, { status: 'running', input: d.input, output: undefined, failed: false, retried: false, waiting: null, enteredAt: e.timestamp });
      this.lastEntered = name;
    } else if (t.endsWith('StateExited')) {
      name = d.name;
      const s = this.state(name);
      s.output = d.output;
      const at = this.open.map((o) => o.name).lastIndexOf(name);
      if (at >= 0) this.open.splice(at, 1);
      s.status = s.failed ? 'caught' : s.retried ? 'retried' : 'succeeded';
      s.waiting = null;
    } else if (t.startsWith('Execution')) {
      if (t === 'ExecutionSucceeded') this.execution = { status: 'SUCCEEDED', output: d.output };
      else if (t === 'ExecutionRedriven') this.execution = null; // running again
      else if (t !== 'ExecutionStarted') {
        this.execution = { status: t, error: d.error, cause: d.cause };
        for (const s of this.states.values()) {
          if (s.status !== 'running') continue;
          s.status = 'failed';
          s.waiting = null;
          if (s.error === undefined) { s.error = d.error; s.cause = d.cause; }
        }
      }
    } else if (t.startsWith('MapIteration') && d.name) {
      name = d.name;
    } else if (/^(Map|Parallel)/.test(t)) {
      // MapStateStarted, ParallelStateSucceeded, MapRunFailed…: the innermost open state of that kind.
      const kind = t.startsWith('Map') ? 'Map' : 'Parallel';
      name = [...this.open].reverse().find((o) => o.kind === kind)?.name ?? this.owner.get(e.previousEventId);
    } else {
      name = this.owner.get(e.previousEventId) ?? this.lastEntered;
    }
    if (name === undefined || name === null) return;
    this.owner.set(e.id, name);
    const s = this.state(name);
    s.events.push(e.id);
    if (t.startsWith('MapIteration')) {
      const k = t.slice('MapIteration'.length).toLowerCase();
      s.iterations[k] = (s.iterations[k] || 0) + 1;
    } else if (/(Failed|TimedOut)$/.test(t) && !t.endsWith('StateExited')) {
      s.failed = true;
      s.waiting = null;
      s.error = d.error ?? (t.endsWith('TimedOut') ? 'States.Timeout' : undefined);
      s.cause = d.cause;
    } else if (/Scheduled$/.test(t)) {
      if (s.failed) { s.retried = true; s.failed = false; }
      // A redriven execution reschedules its failed task without entering the state again.
      if (s.status !== 'running') { s.status = 'running'; s.retried = false; }
      s.error = undefined; s.cause = undefined;
      // AWS records activities as ActivityScheduled; a TaskScheduled of an activity ARN is one too.
      const task = this.resources.get(name) || {};
      const resource = d.resource && d.resource.startsWith('arn:') ? d.resource : task.resource;
      if (t === 'ActivityScheduled' || (t === 'TaskScheduled' && isActivity(resource))) {
        s.waiting = { kind: 'activity', id: e.id, activityArn: resource, input: d.input ?? d.parameters };
      } else if (t === 'TaskScheduled') {
        const token = findToken(d.parameters, task.tokenPath);
        s.waiting = token ? { kind: 'callback', id: e.id, taskToken: token, input: d.parameters } : null;
      }
    } else if (t === 'ActivityStarted' && s.waiting) {
      s.waiting.worker = d.workerName || 'a worker';
    } else if (/Succeeded$/.test(t) && s.waiting) {
      s.waiting = null;
    }
  }
}

const isActivity = (arn) => /^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(arn || '');

/**
 * Each Task state of a definition (nested branches and Map processors too): its Resource, and
 * where its Parameters (or Arguments) put the task token, as a path of member names.
 */
function taskResources(definition) {
  const out = new Map();
  const walk = (scope) => {
    for (const [name, st] of Object.entries((scope && scope.States) || {})) {
      if (st.Type === 'Task' && typeof st.Resource === 'string') out.set(name, { resource: st.Resource, tokenPath: tokenPath(st.Parameters ?? st.Arguments) });
      for (const b of st.Branches || []) walk(b);
      walk(st.ItemProcessor || st.Iterator);
    }
  };
  try { walk(JSON.parse(definition)); } catch (_) { /* drawn without resources */ }
  return out;
}

/** Each Parallel state's branches, as the names of the states in each (nested ones too). */
function parallelBranches(definition) {
  const out = new Map();
  const names = (scope) => Object.entries((scope && scope.States) || {}).flatMap(([n, st]) => [n, ...(st.Branches || []).flatMap(names), ...names(st.ItemProcessor || st.Iterator)]);
  const walk = (scope) => {
    for (const [name, st] of Object.entries((scope && scope.States) || {})) {
      if (st.Type === 'Parallel') out.set(name, (st.Branches || []).map(names));
      for (const b of st.Branches || []) walk(b);
      walk(st.ItemProcessor || st.Iterator);
    }
  };
  try { walk(JSON.parse(definition)); } catch (_) { /* no branches known */ }
  return out;
}

/** The member path whose value is the task token (`"x.$": "$$.Task.Token"`, or JSONata's). */
function tokenPath(template, at = []) {
  if (!template || typeof template !== 'object') return null;
  for (const [k, v] of Object.entries(template)) {
    if (typeof v === 'string' && /\$\$\.Task\.Token|\$states\.context\.Task\.Token/.test(v)) return [...at, k.endsWith('.$') ? k.slice(0, -2) : k];
    const inner = tokenPath(v, [...at, k]);
    if (inner) return inner;
  }
  return null;
}

/** The task token in a callback task's parameters: where the definition puts it, else a member named like `taskToken`. */
function findToken(parameters, path) {
  let value;
  try { value = typeof parameters === 'string' ? JSON.parse(parameters) : parameters; } catch (_) { return null; }
  if (path) {
    const at = path.reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), value);
    if (typeof at === 'string') return at;
  }
  let found = null;
  const walk = (v) => {
    if (found || !v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (/^task_?token$/i.test(k) && typeof x === 'string') { found = x; return; }
      walk(x);
    }
  };
  walk(value);
  return found;
}

const PAGE_SIZE = 50;
const STATE_STATUSES = ['not reached', 'running', 'succeeded', 'failed', 'caught', 'retried'];

async function executionPage(v, arn) {
  let desc = await api('DescribeExecution', { executionArn: arn });
  document.title = `${desc.name} · asl-server`;
  const machine = await api('DescribeStateMachineForExecution', { executionArn: arn }).catch(() => ({}));
  const tracker = new StateTracker(taskResources(machine.definition));
  const branchesOf = parallelBranches(machine.definition);
  const events = [];
  let page = 0; // the history page shown; -1 follows the last one
  let followLast = true;
  let selected = null;
  let marked = null; // the history row a state's event link points at
  let svg = null;

  const header = h('div', { id: 'summary' });
  const actions = h('div', { class: 'row', id: 'actions' });
  const graph = h('div', { class: 'graph', id: 'graph' });
  const waiting = h('div', { id: 'waiting', 'aria-live': 'polite' });
  const stateBox = h('div', { id: 'state-details', class: 'panel', 'aria-live': 'polite' }, h('p', { class: 'hint' }, 'Select a state in the graph (click, or Tab then Enter) to see its input, output, error and cause.'));
  const history = h('div', { id: 'history' });
  const live = h('span', { id: 'live', class: 'hint' });
  const legend = h('div', { class: 'legend', 'aria-label': 'Legend' }, STATE_STATUSES.map(badge));

  fill(v,
    h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'State machines'), ' / ', h('a', { href: `#/machine/${enc(desc.stateMachineArn)}` }, desc.stateMachineArn.split(':').pop()), ' / '),
    h('h1', {}, desc.name), header, actions,
    h('div', { class: 'cols' },
      h('section', { 'aria-label': 'Graph' }, h('h2', {}, 'Graph ', live), legend, graph),
      h('section', {}, waiting, h('h2', {}, 'State'), stateBox)),
    h('h2', {}, 'History'), history);

  let announced = desc.status;
  function renderSummary() {
    if (desc.status !== announced) { announced = desc.status; announce(`Execution ${desc.name}: ${desc.status}`); }
    const end = desc.stopDate ? toMs(desc.stopDate) : Date.now();
    fill(header, h('dl', { class: 'meta' },
      h('dt', {}, 'Status'), h('dd', { id: 'status' }, badge(desc.status)),
      h('dt', {}, 'Started'), h('dd', {}, fmtTime(desc.startDate)),
      h('dt', {}, 'Duration'), h('dd', { id: 'duration' }, fmtDuration(end - toMs(desc.startDate)), desc.stopDate ? '' : ' (running)'),
      h('dt', {}, 'ARN'), h('dd', {}, h('code', {}, desc.executionArn)),
      machine.stateMachineArn ? [h('dt', {}, 'Machine'), h('dd', {}, h('code', {}, machine.stateMachineArn))] : null,
      desc.error ? [h('dt', {}, 'Error'), h('dd', { id: 'exec-error', class: 'error' }, desc.error)] : null,
      desc.cause ? [h('dt', {}, 'Cause'), h('dd', { id: 'exec-cause' }, desc.cause)] : null),
    h('details', { open: small(desc.input) }, h('summary', {}, `Input (${size(desc.input)})`), jsonView(desc.input ?? '', { id: 'exec-input' })),
    desc.output != null ? h('details', { open: small(desc.output) }, h('summary', {}, `Output (${size(desc.output)})`), jsonView(desc.output, { id: 'exec-output' })) : null);
    const buttons = [];
    if (desc.status === 'RUNNING') {
      buttons.push(h('button', { class: 'danger', id: 'stop', onclick: async (ev) => {
        ev.target.disabled = true;
        try { await api('StopExecution', { executionArn: arn, error: 'Console.Stopped', cause: 'Stopped from the console' }); await refresh(); }
        catch (e) { actions.append(errorBox(e)); ev.target.disabled = false; }
      } }, '■ Stop'));
    } else if (['FAILED', 'TIMED_OUT', 'ABORTED'].includes(desc.status)) {
      buttons.push(h('button', { id: 'redrive', onclick: async (ev) => {
        ev.target.disabled = true;
        try { await api('RedriveExecution', { executionArn: arn }); await route(); }
        catch (e) { actions.append(errorBox(e)); ev.target.disabled = false; }
      } }, '↺ Redrive'));
    }
    fill(actions, ...buttons);
  }

  async function refresh() { desc = await api('DescribeExecution', { executionArn: arn }); renderSummary(); }

  function paintGraph() {
    if (!svg) return;
    for (const r of svg.querySelectorAll('rect[data-state]')) {
      const g = r.parentNode;
      const s = tracker.states.get(r.getAttribute('data-state'));
      const status = s ? s.status : 'not reached';
      for (const c of [...g.classList]) if (c.startsWith('st-')) g.classList.remove(c);
      g.classList.add(`st-${status.replace(' ', '-')}`);
      g.classList.toggle('selected', selected === r.getAttribute('data-state'));
      g.setAttribute('data-status', status);
      let icon = g.querySelector('text.st-icon');
      if (status === 'not reached') { if (icon) icon.remove(); }
      else {
        if (!icon) {
          icon = document.createElementNS('http://www.w3.org/2000/svg', 'text');
          icon.setAttribute('class', 'st-icon');
          icon.setAttribute('x', String(+r.getAttribute('x') + 5));
          icon.setAttribute('y', String(+r.getAttribute('y') + 14));
          g.append(icon);
        }
        icon.textContent = ICONS[status];
      }
      const name = r.getAttribute('data-state');
      const iterations = Object.entries((s && s.iterations) || {}).map(([k, n]) => `${n} ${k}`).join(' · ');
      const branches = branchTally(name);
      const counts = iterations ? `iterations ${iterations}` : branches ? `branches ${Object.entries(branches).map(([k, n]) => `${n} ${k}`).join(' · ')}` : '';
      let note = g.querySelector('text.st-count');
      if (counts) {
        if (!note) {
          note = document.createElementNS('http://www.w3.org/2000/svg', 'text');
          note.setAttribute('class', 'st-count');
          note.setAttribute('x', String(+r.getAttribute('x') + +r.getAttribute('width') - 8));
          note.setAttribute('y', String(+r.getAttribute('y') + 14));
          note.setAttribute('text-anchor', 'end');
          g.append(note);
        }
        // Compact in the picture (the frame may be narrow); in words in the label.
        let t = branches || {};
        if (iterations) {
          const it = s.iterations;
          const done = (it.succeeded || 0) + (it.failed || 0) + (it.aborted || 0);
          t = { running: Math.max(0, (it.started || 0) - done), succeeded: it.succeeded, failed: it.failed, aborted: it.aborted };
        }
        note.textContent = [[ICONS.running, t.running], [ICONS.succeeded, t.succeeded], [ICONS.failed, t.failed], [ICONS.ABORTED, t.aborted]]
          .filter(([, n]) => n > 0).map(([i, n]) => `${i}${n}`).join(' ');
      }
      r.setAttribute('aria-label', `${name}: ${status}${counts ? `, ${counts}` : ''}`);
    }
  }

  /** A Parallel state's branches by status (from the states in each), or null. */
  function branchTally(name) {
    const list = branchesOf.get(name);
    if (!list) return null;
    const tally = {};
    for (const names of list) {
      const st = names.map((n) => tracker.states.get(n)?.status).filter((x) => x && x !== 'not reached');
      if (!st.length) continue;
      const k = st.includes('failed') ? 'failed' : st.includes('running') ? 'running' : 'succeeded';
      tally[k] = (tally[k] || 0) + 1;
    }
    return Object.keys(tally).length ? tally : null;
  }

  function renderState() {
    if (!selected) return;
    const s = tracker.states.get(selected) || { name: selected, status: 'not reached', events: [], iterations: {} };
    const iters = Object.entries(s.iterations || {});
    fill(stateBox, 
      h('h3', {}, s.name, ' ', badge(s.status)),
      iters.length ? h('p', {}, 'Iterations: ', iters.map(([k, n]) => `${n} ${k}`).join(', ')) : null,
      s.error !== undefined ? h('p', {}, h('strong', {}, 'Error: '), h('span', { class: 'error', id: 'state-error' }, s.error)) : null,
      s.cause !== undefined ? h('div', {}, h('strong', {}, 'Cause'), jsonView(s.cause, { id: 'state-cause' })) : null,
      s.input !== undefined ? h('div', {}, h('strong', {}, 'Input'), jsonView(s.input)) : null,
      s.output !== undefined ? h('div', {}, h('strong', {}, 'Output'), jsonView(s.output)) : null,
      s.events.length
        ? h('p', { class: 'events' }, 'Events: ', s.events.slice(-50).map((id) => h('button', { type: 'button', class: 'link', onclick: () => showEvent(id) }, String(id))),
          s.events.length > 50 ? ` (the last 50 of ${s.events.length})` : '')
        : h('p', { class: 'hint' }, 'No events yet.'));
  }

  function select(name) { selected = name; paintGraph(); renderState(); }

  /** Turns the history to the page of an event and marks its row. */
  function showEvent(id) {
    const at = events[id - 1]?.id === id ? id - 1 : events.findIndex((e) => e.id === id);
    if (at < 0) return;
    page = Math.floor(at / PAGE_SIZE);
    followLast = false;
    marked = id;
    renderHistory();
    const row = history.querySelector(`tr[data-id="${id}"]`);
    if (row) { row.scrollIntoView({ block: 'center' }); row.focus(); }
  }

  function renderWaiting() {
    const open = [...tracker.states.values()].filter((s) => s.waiting && s.status === 'running');
    const shown = new Set([...waiting.children].map((c) => c.dataset.key));
    const want = new Set(open.map((s) => `${s.name}|${s.waiting.id}`));
    for (const c of [...waiting.children]) if (!want.has(c.dataset.key)) c.remove();
    for (const s of open) {
      const key = `${s.name}|${s.waiting.id}`;
      if (shown.has(key)) continue;
      waiting.append(waitingPanel(s, key));
    }
  }

  function waitingPanel(s, key) {
    const w = s.waiting;
    const body = h('div', {});
    const panel = h('section', { class: 'panel attention', 'data-key': key, 'aria-label': `Waiting task of ${s.name}` },
      h('h2', {}, `${ICONS.running} ${s.name} is waiting for `, w.kind === 'activity' ? 'an activity worker' : 'a callback'), body);
    if (w.kind === 'activity') {
      body.append(h('p', {}, 'Activity ', h('code', {}, w.activityArn)));
      const take = h('button', { class: 'primary', id: 'take-task' }, 'Take the task (as worker "console")');
      const note = h('div', { class: 'hint', 'aria-live': 'polite' });
      take.addEventListener('click', async () => {
        take.disabled = true;
        note.textContent = 'Asking for a task (GetActivityTask)…';
        try {
          const t = await api('GetActivityTask', { activityArn: w.activityArn, workerName: 'console' });
          if (!t.taskToken) { note.textContent = 'No task was waiting (another worker may have taken it).'; take.disabled = false; return; }
          note.textContent = '';
          take.remove();
          body.append(answerForm(t.taskToken, t.input));
        } catch (e) { fill(note, errorBox(e)); take.disabled = false; }
      });
      body.append(take, note);
    } else {
      body.append(answerForm(w.taskToken, w.input));
    }
    return panel;
  }

  function answerForm(token, input) {
    const out = jsonInput('task-output', 'Output (JSON)', '{}');
    const error = h('input', { type: 'text', id: 'task-error', placeholder: 'e.g. Rejected' });
    const cause = h('input', { type: 'text', id: 'task-cause' });
    const msg = h('div', { 'aria-live': 'assertive' });
    const ok = h('button', { class: 'primary', id: 'send-success', type: 'button' }, '✓ Send success');
    const fail = h('button', { class: 'danger', id: 'send-failure', type: 'button' }, '✗ Send failure');
    out.area.addEventListener('checked', () => { ok.disabled = !out.check(); });
    const send = async (action, body) => {
      ok.disabled = fail.disabled = true;
      try { await api(action, { taskToken: token, ...body }); fill(msg, h('p', {}, `${action} sent.`)); }
      catch (e) { fill(msg, errorBox(e)); ok.disabled = fail.disabled = false; }
    };
    ok.addEventListener('click', () => { if (out.check()) send('SendTaskSuccess', { output: out.area.value }); else out.area.focus(); });
    fail.addEventListener('click', () => send('SendTaskFailure', { error: error.value || undefined, cause: cause.value || undefined }));
    return h('div', {},
      h('details', {}, h('summary', {}, 'Task token'), h('pre', {}, token)),
      input !== undefined ? h('div', {}, h('strong', {}, 'Task input'), jsonView(input)) : null,
      out.el, h('div', { class: 'row' }, ok),
      h('label', { for: 'task-error' }, 'Error'), error, h('label', { for: 'task-cause' }, 'Cause'), cause, h('div', { class: 'row' }, fail), msg);
  }

  function renderHistory() {
    const pages = Math.max(1, Math.ceil(events.length / PAGE_SIZE));
    if (followLast) page = pages - 1;
    page = Math.min(page, pages - 1);
    const start0 = events.length ? toMs(events[0].timestamp) : 0;
    const rows = events.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((e, i, arr) => {
      const d = details(e);
      const prev = i > 0 ? arr[i - 1] : events[page * PAGE_SIZE - 1];
      const brief = d.error ? `${d.error}${d.cause ? `: ${d.cause}` : ''}` : d.name || d.resource || '';
      return h('tr', { 'data-type': e.type, 'data-id': e.id, class: e.id === marked ? 'marked' : null, tabindex: e.id === marked ? '-1' : null },
        h('td', {}, e.id), h('td', {}, e.type), h('td', {}, tracker.owner.get(e.id) ?? ''),
        h('td', {}, fmtTime(e.timestamp)),
        h('td', { title: 'since the previous event' }, prev ? fmtDuration(toMs(e.timestamp) - toMs(prev.timestamp)) : fmtDuration(toMs(e.timestamp) - start0)),
        h('td', {}, brief));
    });
    const go = (p) => { page = p; followLast = p >= pages - 1; renderHistory(); };
    fill(history,
      h('div', { class: 'pager' },
        h('button', { type: 'button', disabled: page === 0, onclick: () => go(0), 'aria-label': 'First page' }, '«'),
        h('button', { type: 'button', disabled: page === 0, onclick: () => go(page - 1), 'aria-label': 'Previous page' }, '‹'),
        h('span', { id: 'history-count' }, `Page ${page + 1} of ${pages} · ${events.length} events`),
        h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => go(page + 1), 'aria-label': 'Next page' }, '›'),
        h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => go(pages - 1), 'aria-label': 'Last page' }, '»')),
      h('table', { id: 'history-table' },
        h('thead', {}, h('tr', {}, ['ID', 'Type', 'State', 'Time', 'Duration', 'Details'].map((c) => h('th', {}, c)))),
        h('tbody', {}, rows)));
  }

  // Many events may arrive at once (a big Map): draw once per frame.
  let drawing = false;
  function redraw() {
    if (drawing) return;
    drawing = true;
    requestAnimationFrame(() => { drawing = false; paintGraph(); renderHistory(); renderWaiting(); renderState(); });
  }

  renderSummary();
  renderHistory();
  svg = await loadGraph(graph, arn);
  if (svg) {
    const pick = (ev) => {
      const r = ev.target.closest('g')?.querySelector('rect[data-state]');
      if (r) select(r.getAttribute('data-state'));
    };
    svg.addEventListener('click', pick);
    svg.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); pick(ev); } });
  }

  // Live: the history as server-sent events until the execution stops.
  const source = new EventSource(`/console/events/${enc(arn)}`);
  cleanup.push(() => source.close());
  const ticker = setInterval(() => { if (!desc.stopDate) renderSummary(); }, 1000);
  cleanup.push(() => clearInterval(ticker));
  live.textContent = '(live)';
  source.addEventListener('history', async (m) => {
    const batch = JSON.parse(m.data);
    for (const e of batch) { events.push(e); tracker.add(e); }
    redraw();
    if (tracker.execution && desc.status === 'RUNNING') await refresh();
  });
  source.addEventListener('end', (m) => {
    source.close();
    live.textContent = '';
    desc = JSON.parse(m.data);
    renderSummary();
    redraw();
  });
  source.addEventListener('failure', (m) => {
    source.close();
    live.textContent = '';
    const f = JSON.parse(m.data);
    history.prepend(errorBox(new Error(`History unavailable: ${f.error}: ${f.message}`)));
  });
}

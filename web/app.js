/*
 * app.js -- the planning page of `ridgeline serve`: three modes over the
 * HTTP API, a hand-drawn SVG roofline, and a permalink (the URL hash)
 * that restores the page and re-runs it.  No dependencies, no build step.
 *
 * Every number shown comes from an API response as is; the cells carry it
 * in data-k (what) / data-v (value) so tests/serve_page.sh can compare
 * the page with the API.  <body data-state> is idle | running | done | error.
 */
'use strict';

const $ = (s, r = document) => r.querySelector(s);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
};

const DEF = {
  target: { model: 'llama-3.1-70b', ctx: 4096, out: 256, users: 8,
            hw: 'rtx-4090,l40s,a100-80g-sxm,h100-sxm', counts: '1,2,4,8', objective: 'throughput' },
  hardware: { hw: 'rtx-4090', count: 1, runtime: 'llama.cpp', quant: 'q4_k_m', ctx: 1024, out: 256, users: 1 },
  whatif: { b: ['llama-3.1-8b~rtx-4090~1~llama.cpp~q4_k_m~1024~256~1',
                'llama-3.1-8b~l40s~1~vllm~fp16~1024~256~1'] },
};
const BUILD_KEYS = ['model', 'hw', 'count', 'runtime', 'quant', 'ctx', 'out', 'users'];
const COLORS = ['#2456a6', '#c0392b', '#1d7a3a', '#8e44ad', '#d35400', '#16a085'];
const SHARE_COLORS = { weights: '#2456a6', kv_cache: '#8e44ad', compute: '#c0392b',
                       communication: '#d35400', overhead: '#7f8c8d', offload: '#16a085' };

let cat = { models: [], hw: {}, runtimes: [], quants: [] };
let mode = 'target';
let state = JSON.parse(JSON.stringify(DEF));

/* ---- API ----------------------------------------------------------------- */

async function api(method, path, body) {
  const h = { 'Content-Type': 'application/json' };
  const tok = $('#token').value || sessionStorage.getItem('rl-token') || '';
  if (tok) h.Authorization = 'Bearer ' + tok;
  const r = await fetch(path, { method, headers: h, body: body ? JSON.stringify(body) : undefined });
  const j = await r.json().catch(() => ({ error: 'not JSON (HTTP ' + r.status + ')' }));
  if (!r.ok) throw new Error((j.error || 'HTTP ' + r.status) + (j.suggestion ? ' — did you mean ' + j.suggestion + '?' : ''));
  return j;
}

/* Run jobs with at most n in flight (the server has few cores). */
async function pool(jobs, n) {
  const out = new Array(jobs.length);
  let next = 0;
  async function worker() {
    while (next < jobs.length) { const i = next++; out[i] = await jobs[i]().catch(e => ({ _error: e.message })); }
  }
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return out;
}

async function loadCatalog() {
  const [m, h, r, q] = await Promise.all(['models', 'hardware-profiles', 'runtimes', 'quantizations']
    .map(k => api('GET', '/v1/catalog/' + k)));
  cat.models = m; cat.runtimes = r; cat.quants = q;
  for (const x of h) cat.hw[x.id] = x;
  const fill = (id, list) => $(id).replaceChildren(...list.map(x => el('option', { value: x.id }, x.name)));
  fill('#dl-models', m); fill('#dl-hardware', h); fill('#dl-runtimes', r); fill('#dl-quants', q);
}

/* ---- permalink --------------------------------------------------------------- */

function toHash() {
  const p = new URLSearchParams({ mode });
  const s = state[mode];
  for (const [k, v] of Object.entries(s)) {
    if (Array.isArray(v)) v.forEach(x => p.append(k, x)); else p.set(k, v);
  }
  return '#' + p.toString();
}

function fromHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  if (!p.get('mode') || !DEF[p.get('mode')]) return false;
  mode = p.get('mode');
  const s = state[mode];
  for (const k of Object.keys(DEF[mode])) {
    if (Array.isArray(DEF[mode][k])) { if (p.getAll(k).length) s[k] = p.getAll(k).slice(0, 4); }
    else if (p.has(k)) s[k] = p.get(k);
  }
  return true;
}

/* ---- forms ------------------------------------------------------------------------ */

function field(label, obj, key, opts = {}) {
  const i = el('input', { value: obj[key], name: key });
  if (opts.list) i.setAttribute('list', opts.list);
  if (opts.num) { i.type = 'number'; i.min = opts.min ?? 0; }
  i.addEventListener('input', () => { obj[key] = i.value; });
  return el('label', {}, label, i);
}

function buildObj(s) { const v = s.split('~'); const o = {}; BUILD_KEYS.forEach((k, i) => { o[k] = v[i] ?? ''; }); return o; }
function buildStr(o) { return BUILD_KEYS.map(k => o[k]).join('~'); }

function renderForm() {
  for (const b of document.querySelectorAll('#modes button')) b.classList.toggle('on', b.dataset.mode === mode);
  const f = $('#form');
  f.replaceChildren();
  const s = state[mode];
  if (mode === 'target') {
    f.append(field('model', s, 'model', { list: 'dl-models' }), field('context tokens', s, 'ctx', { num: 1 }),
      field('output tokens', s, 'out', { num: 1 }), field('users (concurrent)', s, 'users', { num: 1, min: 1 }),
      field('hardware to try (ids, comma)', s, 'hw', { list: 'dl-hardware' }),
      field('device counts', s, 'counts'), field('objective', s, 'objective'));
  } else if (mode === 'hardware') {
    f.append(field('hardware', s, 'hw', { list: 'dl-hardware' }), field('devices', s, 'count', { num: 1, min: 1 }),
      field('runtime', s, 'runtime', { list: 'dl-runtimes' }), field('quant', s, 'quant', { list: 'dl-quants' }),
      field('context tokens', s, 'ctx', { num: 1 }), field('output tokens', s, 'out', { num: 1 }),
      field('users', s, 'users', { num: 1, min: 1 }));
  } else {
    s.b.forEach((str, i) => {
      const o = buildObj(str);
      const box = el('div', { class: 'build' }, el('h3', { text: 'Build ' + (i + 1) }));
      for (const [k, lab, list] of [['model', 'model', 'dl-models'], ['hw', 'hardware', 'dl-hardware'],
        ['count', 'devices'], ['runtime', 'runtime', 'dl-runtimes'], ['quant', 'quant', 'dl-quants'],
        ['ctx', 'context'], ['out', 'output'], ['users', 'users']]) {
        const lf = field(lab, o, k, { list, num: !list });
        lf.querySelector('input').addEventListener('input', () => { s.b[i] = buildStr(o); });
        box.append(lf);
      }
      if (s.b.length > 2) {
        const rm = el('button', { text: 'remove' });
        rm.onclick = () => { s.b.splice(i, 1); renderForm(); };
        box.append(rm);
      }
      f.append(box);
    });
    if (s.b.length < 4) {
      const add = el('button', { text: '+ build' });
      add.onclick = () => { s.b.push(s.b[s.b.length - 1]); renderForm(); };
      f.append(add);
    }
  }
  $('#permalink').href = toHash();
}

/* ---- output pieces ---------------------------------------------------------------------- */

/* A number cell: the API's value as is, tagged for tests. */
function num(key, v, cls) {
  const t = v == null || Number.isNaN(v) ? '–' : String(v);
  return el('td', { 'data-k': key, 'data-v': v == null ? '' : String(v), class: cls || '' }, t);
}
function range(key, r) {
  if (!r) return el('td', {}, '–');
  return el('td', { 'data-k': key + '_p50', 'data-v': String(r.p50) }, String(r.p50), ' ',
    el('span', { class: 'rng', 'data-k': key + '_p10', 'data-v': String(r.p10) }, '(' + r.p10),
    el('span', { class: 'rng' }, '–'),
    el('span', { class: 'rng', 'data-k': key + '_p90', 'data-v': String(r.p90) }, r.p90 + ')'));
}
function feas(key, f) { return el('td', { class: 'l ' + f, 'data-k': key, 'data-v': f }, f.replace(/_/g, ' ')); }

function shares(sh) {
  const bar = el('div', { class: 'shares', title: 'decode step time shares' });
  for (const [k, c] of Object.entries(SHARE_COLORS))
    if (sh && sh[k] > 0) bar.append(el('span', { style: `width:${sh[k]}%;background:${c}`, title: `${k} ${sh[k]}%`, 'data-k': 'share_' + k, 'data-v': String(sh[k]) }));
  return bar;
}
function legend() {
  return el('div', { class: 'legend rng' }, 'decode time shares:',
    ...Object.entries(SHARE_COLORS).flatMap(([k, c]) => [el('span', { style: 'background:' + c }), k.replace('_', ' ')]));
}

/* Roofline, log-log: roofs of each hardware and the configurations. */
function roofline(series, title) {
  const W = 420, H = 280, L = 48, B = 34, T = 14, R = 12;
  const pts = series.flatMap(s => s.points), peaks = series.map(s => s.peak).filter(x => x > 0);
  if (!peaks.length) return el('div');
  const xs = [0.1, ...pts.map(p => p.x), ...series.map(s => s.ridge * 4)];
  const x0 = Math.pow(10, Math.floor(Math.log10(Math.max(1e-2, Math.min(...xs))))),
        x1 = Math.pow(10, Math.ceil(Math.log10(Math.max(...xs))));
  const ys = [...peaks, ...pts.map(p => p.y).filter(y => y > 0)];
  const y1 = Math.pow(10, Math.ceil(Math.log10(Math.max(...ys) * 1.5))),
        y0 = Math.pow(10, Math.floor(Math.log10(Math.min(...ys, y1 / 1e4))));
  const X = v => L + (Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0)) * (W - L - R);
  const Y = v => H - B - (Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) * (H - B - T);
  const NS = 'http://www.w3.org/2000/svg';
  const s = (tag, a, text) => { const e = document.createElementNS(NS, tag); for (const k in a) e.setAttribute(k, a[k]); if (text) e.textContent = text; return e; };
  const svg = s('svg', { width: W, height: H, class: 'roof', viewBox: `0 0 ${W} ${H}` });
  for (let d = Math.log10(x0); d <= Math.log10(x1); d++) {
    svg.append(s('line', { x1: X(10 ** d), x2: X(10 ** d), y1: T, y2: H - B, stroke: '#eee' }),
      s('text', { x: X(10 ** d), y: H - B + 12, 'text-anchor': 'middle' }, String(10 ** d)));
  }
  for (let d = Math.log10(y0); d <= Math.log10(y1); d++) {
    svg.append(s('line', { x1: L, x2: W - R, y1: Y(10 ** d), y2: Y(10 ** d), stroke: '#eee' }),
      s('text', { x: L - 4, y: Y(10 ** d) + 3, 'text-anchor': 'end' }, String(+(10 ** d).toPrecision(1))));
  }
  svg.append(s('text', { x: (L + W) / 2, y: H - 4, 'text-anchor': 'middle' }, 'arithmetic intensity (FLOP/byte)'),
    s('text', { x: 10, y: (T + H - B) / 2, transform: `rotate(-90 10 ${(T + H - B) / 2})`, 'text-anchor': 'middle' }, 'TFLOP/s per device'));
  series.forEach((r, i) => {
    const c = r.color || COLORS[i % COLORS.length];
    const a = x0, bw = r.bw / 1000;               /* GB/s x FLOP/B = GFLOP/s -> TFLOP/s */
    const d = `M${X(a)},${Y(Math.max(y0, Math.min(r.peak, bw * a)))} L${X(r.ridge)},${Y(r.peak)} L${X(x1)},${Y(r.peak)}`;
    svg.append(s('path', { d, fill: 'none', stroke: c, 'stroke-width': 1.5, 'stroke-dasharray': i ? '4 2' : '' }),
      s('circle', { cx: X(r.ridge), cy: Y(r.peak), r: 2.5, fill: c, 'data-k': 'ridge', 'data-v': String(r.ridge) }),
      s('text', { x: X(r.ridge) + 4, y: Y(r.peak) - 4 - 11 * i, fill: c }, `${r.label}: ridge ${r.ridge.toFixed(0)} FLOP/B`));
    for (const p of r.points) if (p.x > 0 && p.y > 0)
      svg.append(s('circle', { cx: X(p.x), cy: Y(p.y), r: 4, fill: c, opacity: .8 }, null),
        s('title', {}, `${p.label}: ${p.x.toPrecision(3)} FLOP/B, ${p.y.toPrecision(3)} TFLOP/s`));
  });
  return el('div', {}, el('h4', { text: title || 'Roofline (decode step)' }), svg);
}

function rooflineOf(res, label, color) {
  const r = res.roofline || {};
  return { peak: r.peak_tflops, bw: r.bandwidth_gbps, ridge: r.ridge_flop_per_byte, label, color,
           points: r.intensity_flop_per_byte ? [{ x: r.intensity_flop_per_byte, y: r.achieved_tflops, label }] : [] };
}

/* Prefix the data-k of a row's or column's cells ("b0.decode_p50",
 * "rtx-4090:2.decode_total_p50"), so that each shown number has one name. */
function scope(node, prefix) {
  for (const e of [node, ...node.querySelectorAll('[data-k]')])
    if (e.dataset && e.dataset.k) e.dataset.k = prefix + '.' + e.dataset.k;
}

/* ---- modes ---------------------------------------------------------------------------------- */

async function runTarget() {
  const s = state.target;
  const hws = s.hw.split(',').map(x => x.trim()).filter(Boolean).slice(0, 8);
  const counts = s.counts.split(',').map(x => parseInt(x, 10)).filter(x => x > 0).slice(0, 6);
  const jobs = [];
  for (const h of hws) for (const n of counts) jobs.push(async () => ({ h, n, r: await api('POST', '/v1/solve', {
    model: s.model, hardware: h, devices: n, objective: s.objective, top: 1,
    workload: { prompt_tokens: +s.ctx, output_tokens: +s.out, concurrency: +s.users } }) }));
  const res = (await pool(jobs, 2)).map((x, i) => x._error ? { h: hws[Math.floor(i / counts.length)], n: counts[i % counts.length], err: x._error } : x);
  for (const x of res) {
    const best = x.r && x.r.recommended_configs && x.r.recommended_configs[0];
    x.best = best;
    const price = (cat.hw[x.h] || {}).price_usd || 0;
    x.cost = best && price ? price * best.devices : null;
  }
  const feasible = res.filter(x => x.best).sort((a, b) => (a.cost ?? 1e18) - (b.cost ?? 1e18));
  let top = -1;
  for (const x of feasible) { if (x.best.throughput_tok_s > top) { x.tier = true; top = x.best.throughput_tok_s; } }
  if (feasible.length) feasible[0].mvb = true;
  const t = el('table', {}, el('tr', {}, ...['hardware', 'devices', 'status', 'best build', 'decode total tok/s (p10–p90)',
    'per user tok/s', 'TTFT p95 ms', 'VRAM GiB/dev', 'power W', 'hardware $', 'why'].map((h, i) => el('th', { class: i < 4 || i == 10 ? 'l' : '' }, h))));
  for (const x of [...feasible, ...res.filter(x => !x.best)]) {
    const tr = el('tr', { 'data-row': `${x.h}:${x.n}`, class: x.mvb ? 'mvb' : x.tier ? 'tier' : '' });
    tr.append(el('td', { class: 'l' }, x.h), el('td', {}, String(x.n)));
    if (x.err) { tr.append(el('td', { class: 'l error' }, 'error'), el('td', { class: 'why', colspan: 8 }, x.err)); t.append(tr); continue; }
    if (!x.best) {
      const why = Object.entries(x.r.rejected || {}).slice(0, 3).map(([k, v]) => `${k} (${v}): ${(x.r.rejected_examples || {})[k] || ''}`);
      tr.append(feas('status', 'infeasible'), el('td', {}), el('td', {}), el('td', {}), el('td', {}), el('td', {}), el('td', {}), el('td', {}),
        el('td', { class: 'why' }, why.join(' · ')));
      t.append(tr); continue;
    }
    const b = x.best, e = b.estimates;
    tr.append(el('td', { class: 'l ' + (x.mvb ? 'feasible' : '') }, x.mvb ? 'minimum viable' : x.tier ? 'upgrade tier' : 'feasible'),
      el('td', { class: 'l' }, `${b.runtime} ${b.quant}, tp ${b.tp} × pp ${b.pp}`),
      range('decode_total', e.decode_tok_s_total), num('decode_p50', e.decode_tok_s.p50), num('ttft_p95', e.ttft_ms.p95),
      num('vram', e.memory_gib.device_peak), num('power', e.power_w), num('cost', x.cost),
      el('td', { class: 'why' }, (b.explanations || [])[0] || ''));
    scope(tr, `${x.h}:${x.n}`);
    t.append(tr);
  }
  const out = [el('h2', { text: `${s.model}: ${s.ctx} context, ${s.out} output, ${s.users} users` }),
    el('p', { class: 'rng' }, 'Green: the cheapest build that meets the workload (minimum viable). Blue: upgrade tiers — each faster than every cheaper build. Cost = catalog price × devices used.'), t];
  const series = [];
  for (const id of [...new Set(feasible.map(x => x.h))].slice(0, 6)) {   /* one roof per device */
    const h = cat.hw[id] || {};
    if (h.fp16_tflops > 0 && h.bandwidth_gbps > 0)
      series.push({ peak: h.fp16_tflops, bw: h.bandwidth_gbps, ridge: h.fp16_tflops * 1000 / h.bandwidth_gbps, label: id, points: [] });
  }
  if (series.length) out.push(roofline(series, 'Rooflines of the devices tried (fp16 peak; What-if places a configuration on them)'));
  return out;
}

async function runHardware() {
  const s = state.hardware;
  const models = cat.models.filter(m => m.kind !== 'encoder');
  const jobs = models.map(m => () => api('POST', '/v1/estimate', {
    model_id: m.id, runtime_id: s.runtime, quant: s.quant || undefined,
    hardware: { hardware_id: s.hw, count: +s.count },
    workload: { context_tokens: +s.ctx, output_tokens: +s.out, concurrency: +s.users } }));
  const res = await pool(jobs, 4);
  const rows = models.map((m, i) => ({ m, r: res[i] }));
  const rank = x => x.r._error ? 3 : x.r.feasibility === 'in_vram' ? 0 : x.r.feasibility === 'with_offload' ? 1 : 2;
  rows.sort((a, b) => rank(a) - rank(b) || ((b.r.estimates || {}).decode_toks_sec || {}).p50 - ((a.r.estimates || {}).decode_toks_sec || {}).p50);
  const t = el('table', {}, el('tr', {}, ...['model', 'params B', 'feasibility', 'decode tok/s per user (p10–p90)',
    'prefill tok/s', 'TTFT p50 ms', 'VRAM GiB/dev', 'decode time shares', 'bottleneck'].map((h, i) => el('th', { class: [0, 2, 7, 8].includes(i) ? 'l' : '' }, h))));
  const pts = [];
  for (const { m, r } of rows) {
    const tr = el('tr', { 'data-row': m.id });
    tr.append(el('td', { class: 'l' }, m.id), el('td', {}, String(m.params_b)));
    if (r._error) { tr.append(el('td', { class: 'l error' }, 'error'), el('td', { class: 'why', colspan: 6 }, r._error)); t.append(tr); continue; }
    const e = r.estimates;
    tr.append(feas('feasibility', r.feasibility), range('decode', e.decode_toks_sec), num('prefill_p50', e.prefill_toks_sec.p50),
      num('ttft_p50', e.ttft_ms.p50), num('vram', e.vram_peak_gb.p50), el('td', { class: 'l' }, shares(r.bottleneck_shares_pct)),
      el('td', { class: 'why' }, (r.bottlenecks || [])[0] || ''));
    scope(tr, m.id);
    t.append(tr);
    if (r.feasibility !== 'insufficient_memory' && r.roofline && r.roofline.intensity_flop_per_byte)
      pts.push({ x: r.roofline.intensity_flop_per_byte, y: r.roofline.achieved_tflops, label: m.id });
  }
  const first = rows.find(x => !x.r._error);
  const out = [el('h2', { text: `What runs on ${s.count} × ${s.hw} (${s.runtime} ${s.quant})` }), legend(), t];
  if (first) out.push(roofline([Object.assign(rooflineOf(first.r, s.hw), { points: pts })], 'Roofline: every model that fits (decode step)'));
  return out;
}

async function runWhatif() {
  const builds = state.whatif.b.map(buildObj);
  const res = await pool(builds.map(b => () => api('POST', '/v1/estimate', {
    model_id: b.model, runtime_id: b.runtime || undefined, quant: b.quant || undefined,
    hardware: { hardware_id: b.hw, count: +b.count || 1 },
    workload: { context_tokens: +b.ctx, output_tokens: +b.out, concurrency: +b.users || 1 } })), 4);
  const t = el('table', {});
  const head = el('tr', {}, el('th', { class: 'l' }, ''));
  builds.forEach((b, i) => head.append(el('th', { class: 'l', 'data-col': String(i), style: 'color:' + COLORS[i] },
    `${i + 1}. ${b.model} on ${b.count} × ${b.hw}`, el('br'), el('span', { class: 'rng' }, `${b.runtime} ${b.quant}, ${b.ctx}+${b.out} tokens, ${b.users} users`))));
  t.append(head);
  const rows = [
    ['feasibility', r => feas('feasibility', r.feasibility)],
    ['decode tok/s per user', r => range('decode', r.estimates.decode_toks_sec)],
    ['decode tok/s total', r => range('decode_total', r.estimates.decode_toks_sec_total)],
    ['prefill tok/s', r => range('prefill', r.estimates.prefill_toks_sec)],
    ['TTFT ms p50 / p95', r => el('td', {}, el('span', { 'data-k': 'ttft_p50', 'data-v': String(r.estimates.ttft_ms.p50) }, String(r.estimates.ttft_ms.p50)),
      ' / ', el('span', { 'data-k': 'ttft_p95', 'data-v': String(r.estimates.ttft_ms.p95) }, String(r.estimates.ttft_ms.p95)))],
    ['TPOT ms p50', r => num('tpot_p50', r.estimates.tpot_ms.p50)],
    ['VRAM GiB per device', r => num('vram', r.estimates.vram_peak_gb.p50)],
    ['host RAM GiB', r => num('ram', r.estimates.ram_peak_gb.p50)],
    ['power W', r => num('power', r.estimates.power_w)],
    ['hardware $', r => num('cost', r.cost.hardware_usd || null)],
    ['decode time shares', r => el('td', { class: 'l' }, shares(r.bottleneck_shares_pct))],
    ['why', r => el('td', { class: 'why' }, ...[...(r.bottlenecks || []), ...(r.explanations || [])].slice(0, 4).map(x => el('div', {}, '• ' + x)))],
  ];
  for (const [name, f] of rows) {
    const tr = el('tr', {}, el('th', { class: 'l' }, name));
    res.forEach((r, i) => {
      const td = r._error ? el('td', { class: 'why err' }, name === 'feasibility' ? r._error : '') : f(r);
      td.setAttribute('data-col', String(i));
      scope(td, 'b' + i);
      tr.append(td);
    });
    t.append(tr);
  }
  const series = res.map((r, i) => r._error ? null : rooflineOf(r, `${i + 1}. ${builds[i].hw}`, COLORS[i])).filter(Boolean);
  return [el('h2', { text: 'What-if: builds side by side' }), legend(), t,
    el('div', { class: 'grid' }, roofline(series, 'Roofline: each build\'s decode step, per device'))];
}

async function run() {
  $('#permalink').href = toHash();
  history.replaceState(null, '', toHash());
  document.body.dataset.state = 'running';
  $('#status').textContent = 'computing…';
  try {
    const out = await ({ target: runTarget, hardware: runHardware, whatif: runWhatif })[mode]();
    $('#out').replaceChildren(...out);
    document.body.dataset.state = 'done';
    $('#status').textContent = '';
  } catch (e) {
    $('#out').replaceChildren(el('p', { class: 'err', text: e.message }));
    document.body.dataset.state = 'error';
    $('#status').textContent = '';
  }
}

async function main() {
  $('#token').value = sessionStorage.getItem('rl-token') || '';
  $('#token').addEventListener('change', e => sessionStorage.setItem('rl-token', e.target.value));
  for (const b of document.querySelectorAll('#modes button'))
    b.onclick = () => { mode = b.dataset.mode; renderForm(); $('#out').replaceChildren(); };
  $('#run').onclick = run;
  const fromLink = fromHash();
  renderForm();
  try { await loadCatalog(); } catch (e) {
    $('#out').replaceChildren(el('p', { class: 'err', text: 'catalog: ' + e.message }));
    document.body.dataset.state = 'error';
    return;
  }
  if (fromLink) await run();
}

main();

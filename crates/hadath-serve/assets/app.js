// hadath web UI: every page is rendered here from the JSON API. Article text reaches the page only
// through textContent and text nodes (never parsed as HTML), so a <script> in an article is shown as text.
'use strict';

const L = {
  ar: {
    nav_try: 'جرّب', nav_search: 'بحث', nav_events: 'الأحداث', nav_dyad: 'ثنائية', nav_network: 'الشبكة',
    footer: 'كل إجابة مقطع من النص الأصلي.', lang: 'English',
    try_title: 'جرّب: الصق خبرًا', try_hint: 'الصق نص خبر عربي، وحدّد تاريخ نشره إن عرفته، ثم حلّله.',
    published: 'تاريخ النشر', home: 'بلد المنبر', analyse: 'حلّل', example: 'مثال', working: 'جارٍ التحليل…',
    events: 'الأحداث', no_events: 'لا أحداث في هذا النص.', entities: 'الكيانات', times: 'التعابير الزمنية',
    PER: 'شخص', ORG: 'منظمة', LOC: 'مكان', GPE: 'كيان سياسي', MISC: 'أخرى', time: 'زمن',
    asserted: 'مؤكد', negated: 'منفي', future: 'مستقبلي', reported: 'منقول', hypothetical: 'افتراضي',
    date: 'التاريخ', place: 'المكان', modality: 'الصيغة', goldstein: 'غولدستين',
    search_title: 'البحث في الأرشيف', query: 'عبارة البحث', outlet: 'المنبر', from: 'من', to: 'إلى',
    search: 'ابحث', results: 'نتيجة', no_results: 'لا نتائج.',
    article: 'مقال', near_dups: 'نسخ قريبة', none: 'لا شيء', similarity: 'التشابه', open_events: 'أحداث هذا المقال',
    events_title: 'الأحداث المخزنة', source: 'المصدر', target: 'الهدف', either: 'أيّ الطرفين', root: 'الجذر (CAMEO)',
    filter: 'صفِّ', next: 'التالي', first: 'الأول', code: 'الرمز', summary: 'الملخص',
    dyad_title: 'ثنائية بلدين عبر الزمن', interval: 'الفترة', week: 'أسبوع', month: 'شهر', show: 'اعرض',
    swap: 'اعكس', top_dyads: 'أنشط الثنائيات', count: 'عدد الأحداث', gold_line: 'مجموع غولدستين',
    q1: 'تعاون لفظي', q2: 'تعاون مادي', q3: 'نزاع لفظي', q4: 'نزاع مادي',
    network_title: 'شبكة البلدان', network_hint: 'سُمك الخط بعدد الأحداث، ولونه بمتوسط غولدستين (أحمر نزاع، أخضر تعاون). انقر خطًا لرؤية ثنائيته.',
    no_store: 'لا مخزن مفتوح: شغّل الخادم مع ‎--db‎.', pick_pair: 'اختر بلدين (رموز ISO مثل SAU وYEM).',
  },
  en: {
    nav_try: 'Try it', nav_search: 'Search', nav_events: 'Events', nav_dyad: 'Dyad', nav_network: 'Network',
    footer: 'Every answer is a span of the original text.', lang: 'العربية',
    try_title: 'Try it: paste an article', try_hint: 'Paste an Arabic news article, give its publication date if you know it, and analyse it.',
    published: 'Published', home: 'Outlet country', analyse: 'Analyse', example: 'Example', working: 'Analysing…',
    events: 'Events', no_events: 'No events in this text.', entities: 'Entities', times: 'Time expressions',
    PER: 'Person', ORG: 'Organisation', LOC: 'Place', GPE: 'Polity', MISC: 'Other', time: 'Time',
    asserted: 'asserted', negated: 'negated', future: 'future', reported: 'reported', hypothetical: 'hypothetical',
    date: 'Date', place: 'Place', modality: 'Modality', goldstein: 'Goldstein',
    search_title: 'Search the archive', query: 'Query', outlet: 'Outlet', from: 'From', to: 'To',
    search: 'Search', results: 'results', no_results: 'No results.',
    article: 'Article', near_dups: 'Near duplicates', none: 'none', similarity: 'similarity', open_events: 'Events of this article',
    events_title: 'Stored events', source: 'Source', target: 'Target', either: 'Either side', root: 'CAMEO root',
    filter: 'Filter', next: 'Next', first: 'First', code: 'Code', summary: 'Summary',
    dyad_title: 'A pair of countries over time', interval: 'Interval', week: 'week', month: 'month', show: 'Show',
    swap: 'Swap', top_dyads: 'Most active pairs', count: 'Events', gold_line: 'Goldstein sum',
    q1: 'Verbal cooperation', q2: 'Material cooperation', q3: 'Verbal conflict', q4: 'Material conflict',
    network_title: 'Network of countries', network_hint: 'Edge width: events; colour: mean Goldstein (red conflict, green cooperation). Click an edge for its dyad.',
    no_store: 'No store is open: start the server with --db.', pick_pair: 'Pick two countries (ISO codes such as SAU and YEM).',
  },
};
let lang = (window.localStorage && localStorage.getItem('hadath-lang')) || 'ar';
function t(k) { return (L[lang] && L[lang][k]) || L.ar[k] || k; }

const SVGNS = 'http://www.w3.org/2000/svg';
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  for (const k of kids.flat()) {
    if (k === null || k === undefined || k === false) continue;
    e.append(typeof k === 'string' || typeof k === 'number' ? document.createTextNode(String(k)) : k);
  }
  return e;
}
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(SVGNS, tag);
  setAttrs(e, attrs);
  for (const k of kids.flat()) {
    if (k === null || k === undefined) continue;
    e.append(typeof k === 'string' || typeof k === 'number' ? document.createTextNode(String(k)) : k);
  }
  return e;
}
function setAttrs(e, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
}
// Only http(s) links from article metadata become hrefs.
function safeUrl(u) { return /^https?:\/\//i.test(u || '') ? u : null; }

async function api(path, opts) {
  const r = await fetch(path, opts);
  const ct = r.headers.get('content-type') || '';
  const body = ct.includes('json') ? await r.json() : await r.text();
  if (!r.ok) {
    const msg = body && body.error ? body.error : String(r.status);
    throw Object.assign(new Error(msg), { status: r.status });
  }
  return body;
}
function errorBox(e) {
  return el('div', { class: 'error', role: 'alert' }, e.status === 503 ? t('no_store') + ' (' + e.message + ')' : e.message);
}
function params() { return new URLSearchParams(location.search); }
function qs(o) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined && v !== '') p.set(k, v);
  return p.toString();
}
// Parts of a metadata line, each isolated for the bidi algorithm (dates stay 2015-07-21 in RTL text).
function joined(parts) {
  const out = [];
  parts.filter(p => p !== null && p !== undefined && p !== '').forEach((p, i) => {
    if (i) out.push(' · ');
    out.push(el('bdi', {}, String(p)));
  });
  return out;
}
function field(name, label, value, attrs) {
  return el('label', {}, t(label), el('input', Object.assign({ name, value: value || '' }, attrs || {})));
}

// ---- Document view: text with entities, times and evidence; event cards ----

function goldSpan(g) {
  const v = Number(g || 0);
  return el('span', { class: 'gold ' + (v < 0 ? 'neg' : v > 0 ? 'pos' : '') }, (v > 0 ? '+' : '') + v.toFixed(1));
}

function renderDoc(doc) {
  const text = doc.text || '';
  const cps = Array.from(text); // offsets are code points
  const n = cps.length;
  const fill = (arr, s, e, v) => { for (let k = Math.max(0, s); k < Math.min(e, n); k++) if (arr[k] < 0) arr[k] = v; };
  const sent = new Int32Array(n).fill(-1);
  (doc.sentences || []).forEach((s, i) => fill(sent, s.start, s.end, i));
  const ent = new Int32Array(n).fill(-1);
  const men = new Int32Array(n).fill(-1);
  let mid = 0;
  (doc.entities || []).forEach((e, i) => {
    const ms = e.mentions && e.mentions.length ? e.mentions : [{ start: e.start, end: e.end }];
    for (const m of ms) {
      mid++;
      for (let k = Math.max(0, m.start); k < Math.min(m.end, n); k++) if (ent[k] < 0) { ent[k] = i; men[k] = mid; }
    }
  });
  const tim = new Int32Array(n).fill(-1);
  (doc.times || []).forEach((x, i) => fill(tim, x.start, x.end, i));
  const trig = new Array(n).fill('');
  (doc.events || []).forEach((ev, i) => {
    const evid = ev.evidence && ev.evidence.length ? ev.evidence : [{ sentence: ev.sentence, trigger: ev.trigger }];
    for (const x of evid) for (let k = x.trigger.start; k < Math.min(x.trigger.end, n); k++) trig[k] += i + ',';
  });
  const box = el('div', { class: 'doc', dir: 'rtl', lang: 'ar' });
  const bySentence = new Map();
  const byEvent = new Map();
  let a = 0;
  while (a < n) {
    let b = a + 1;
    while (b < n && sent[b] === sent[a] && men[b] === men[a] && tim[b] === tim[a] && trig[b] === trig[a]) b++;
    const span = el('span', { 'data-s': sent[a] });
    span.textContent = cps.slice(a, b).join('');
    if (ent[a] >= 0) {
      const e = doc.entities[ent[a]];
      span.classList.add('ent', 'ent-' + e.type);
      span.dataset.ent = ent[a];
      span.dataset.m = men[a];
      span.title = [t(e.type), e.canonical, [e.country, e.agent].filter(Boolean).join(' ')].filter(Boolean).join(' · ');
    }
    if (tim[a] >= 0) {
      const x = doc.times[tim[a]];
      span.classList.add('time');
      span.dataset.time = tim[a];
      span.title = (x.value || '?') + ' (' + x.kind + ')';
    }
    if (trig[a]) {
      span.dataset.trig = trig[a];
      for (const i of trig[a].split(',').filter(Boolean)) {
        if (!byEvent.has(i)) byEvent.set(i, []);
        byEvent.get(i).push(span);
      }
    }
    if (!bySentence.has(sent[a])) bySentence.set(sent[a], []);
    bySentence.get(sent[a]).push(span);
    box.append(span);
    if (tim[a] >= 0 && (b >= n || tim[b] !== tim[a])) {
      const v = doc.times[tim[a]].value;
      if (v) box.append(el('sup', { class: 'tval', dir: 'ltr' }, v));
    }
    a = b;
  }
  const cards = el('div', { class: 'cards' });
  let active = null;
  const clear = () => box.querySelectorAll('.hl-ev, .hl-trig').forEach(s => s.classList.remove('hl-ev', 'hl-trig'));
  const show = (i) => {
    clear();
    const ev = doc.events[i];
    const evid = ev.evidence && ev.evidence.length ? ev.evidence : [{ sentence: ev.sentence }];
    for (const x of evid) for (const s of bySentence.get(x.sentence) || []) s.classList.add('hl-ev');
    for (const s of byEvent.get(String(i)) || []) s.classList.add('hl-trig');
  };
  (doc.events || []).forEach((ev, i) => {
    const src = ev.source || {}, tgt = ev.target || {};
    const code = (c) => (c.country || '?') + (c.agent ? ' ' + c.agent : '');
    const card = el('div', {
      class: 'card q' + ev.quad_class, tabindex: '0', 'data-event': i,
      'data-source': src.country || '', 'data-target': tgt.country || '', 'data-code': ev.code,
    },
      el('div', {}, el('span', { class: 'dyad', dir: 'ltr' }, code(src) + ' → ' + code(tgt)), ' · ',
        el('span', { class: 'act' }, ev.code + (ev.plover ? ' ' + ev.plover : '')), ' · ', goldSpan(ev.goldstein)),
      el('div', { class: 'actors' }, (src.text || '—') + ' ← ' + (tgt.text || '—')),
      el('div', { class: 'row' },
        t('date') + ': ', el('span', { dir: 'ltr' }, ev.date || '—'),
        ev.location ? ' · ' + t('place') + ': ' + ev.location.name : '',
        ' · ' + t('modality') + ': ' + t(ev.modality)),
      ev.summary_en ? el('div', { class: 'summary', dir: 'ltr', lang: 'en' }, ev.summary_en) : null,
    );
    card.addEventListener('mouseenter', () => show(i));
    card.addEventListener('mouseleave', () => { if (active !== null) show(active); else clear(); });
    card.addEventListener('click', () => {
      cards.querySelectorAll('.card.active').forEach(c => c.classList.remove('active'));
      if (active === i) { active = null; clear(); return; }
      active = i; card.classList.add('active'); show(i);
      const first = (byEvent.get(String(i)) || [])[0];
      if (first && first.scrollIntoView) first.scrollIntoView({ block: 'center', behavior: 'smooth' });
    });
    cards.append(card);
  });
  const legend = el('div', { class: 'legend' },
    ['PER', 'ORG', 'LOC', 'MISC'].map(k => el('span', { class: 'ent-' + k }, t(k))),
    el('span', { class: 'time' }, t('time')));
  return el('div', {},
    legend,
    el('div', { class: 'layout' },
      box,
      el('div', {}, el('h2', {}, t('events') + ' (' + (doc.events || []).length + ')'),
        (doc.events || []).length ? cards : el('p', { class: 'muted' }, t('no_events')))));
}

// ---- Pages ----

function pageTry(main) {
  const ta = el('textarea', { id: 'article', name: 'text', dir: 'rtl', lang: 'ar', placeholder: t('try_hint') });
  const pub = el('input', { id: 'published', type: 'date', name: 'published' });
  const home = el('input', { id: 'home', name: 'home', size: '4', maxlength: '3', placeholder: 'SAU' });
  const out = el('div', { id: 'result' });
  const go = el('button', { class: 'go', id: 'analyse', type: 'submit' }, t('analyse'));
  const form = el('form', {},
    ta,
    el('div', { class: 'bar' },
      el('label', {}, t('published'), pub), el('label', {}, t('home'), home), go,
      el('button', { type: 'button', id: 'example', onclick: async () => {
        ta.value = await (await fetch('/assets/example.txt')).text();
        pub.value = '2023-04-19';
      } }, t('example'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren(el('p', { class: 'muted' }, t('working')));
    go.disabled = true;
    try {
      const doc = await api('/api/extract?' + qs({ published: pub.value, home: home.value.trim() }), {
        method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: ta.value,
      });
      out.replaceChildren(renderDoc(doc));
      out.dataset.ready = '1';
    } catch (e) {
      out.replaceChildren(errorBox(e));
    } finally {
      go.disabled = false;
    }
  });
  main.append(el('h1', {}, t('try_title')), form, out);
}

function marked(snippet, ranges) {
  // highlighted ranges are UTF-8 byte offsets of the snippet
  const bytes = new TextEncoder().encode(snippet);
  const dec = new TextDecoder();
  const out = el('div', { class: 'snippet', dir: 'rtl' });
  let at = 0;
  for (const [s, e] of ranges || []) {
    if (s < at || e > bytes.length) continue;
    out.append(document.createTextNode(dec.decode(bytes.slice(at, s))));
    out.append(el('mark', {}, dec.decode(bytes.slice(s, e))));
    at = e;
  }
  out.append(document.createTextNode(dec.decode(bytes.slice(at))));
  return out;
}

async function pageSearch(main) {
  const p = params();
  main.append(el('h1', {}, t('search_title')),
    el('form', { class: 'bar', method: 'get', action: '/search' },
      el('label', {}, t('query'), el('input', { name: 'q', value: p.get('q') || '', size: '40', required: 'required' })),
      field('outlet', 'outlet', p.get('outlet')),
      field('from', 'from', p.get('from'), { size: '10', placeholder: 'YYYY-MM-DD' }),
      field('to', 'to', p.get('to'), { size: '10', placeholder: 'YYYY-MM-DD' }),
      el('button', { class: 'go', type: 'submit' }, t('search'))));
  if (!p.get('q')) return;
  try {
    const r = await api('/api/search?' + qs({ q: p.get('q'), outlet: p.get('outlet'), from: p.get('from'), to: p.get('to'), limit: 30 }));
    main.append(el('p', { class: 'muted' }, r.hits.length + ' ' + t('results') + ' (' + r.took_ms + ' ms)'));
    if (!r.hits.length) { main.append(el('p', {}, t('no_results'))); return; }
    main.append(el('ul', { class: 'hits' }, r.hits.map(h => el('li', {},
      el('a', { class: 't', href: '/article/' + h.article }, h.title || ('#' + h.article)),
      el('div', { class: 'muted' }, joined([h.published, h.outlet, 'BM25 ' + h.score.toFixed(2)])),
      marked(h.snippet, h.highlighted)))));
  } catch (e) { main.append(errorBox(e)); }
}

async function pageArticle(main, id) {
  try {
    const a = await api('/api/articles/' + encodeURIComponent(id));
    const d = a.document;
    const url = safeUrl(d.url);
    main.append(el('h1', {}, d.title || (t('article') + ' #' + a.article)),
      el('div', { class: 'meta muted' },
        joined(['#' + a.article, d.published, d.outlet, a.origin]), ' · ',
        url ? el('a', { href: url, rel: 'noopener noreferrer', dir: 'ltr' }, url) : null, ' · ',
        el('a', { href: '/events?' + qs({ article: a.article }) }, t('open_events'))),
      renderDoc(d),
      el('h2', {}, t('near_dups') + ' (' + a.near_duplicates.length + ')'),
      a.near_duplicates.length
        ? el('ul', { class: 'near' }, a.near_duplicates.map(m => el('li', {},
          el('a', { href: '/article/' + m.article }, m.title || ('#' + m.article)), ' ',
          el('span', { class: 'muted' }, joined([m.published, m.outlet, m.similarity != null ? t('similarity') + ' ' + m.similarity : null])))))
        : el('p', { class: 'muted' }, t('none')));
  } catch (e) { main.append(errorBox(e)); }
}

async function pageEvents(main) {
  const p = params();
  const keys = ['source', 'target', 'either', 'root', 'from', 'to', 'outlet', 'article'];
  main.append(el('h1', {}, t('events_title')),
    el('form', { class: 'bar', method: 'get', action: '/events' },
      field('source', 'source', p.get('source'), { size: '4' }), field('target', 'target', p.get('target'), { size: '4' }),
      field('either', 'either', p.get('either'), { size: '4' }), field('root', 'root', p.get('root'), { size: '5' }),
      field('from', 'from', p.get('from'), { size: '10' }), field('to', 'to', p.get('to'), { size: '10' }),
      p.get('article') ? el('input', { type: 'hidden', name: 'article', value: p.get('article') }) : null,
      el('button', { class: 'go', type: 'submit' }, t('filter'))));
  const q = {};
  for (const k of keys) if (p.get(k)) q[k] = p.get(k);
  try {
    const r = await api('/api/events?' + qs(Object.assign({ limit: 100, after: p.get('after') }, q)));
    main.append(el('p', { class: 'muted' }, r.events.length + ' · ',
      el('a', { href: '/api/events?' + qs(Object.assign({ format: 'csv', limit: 1000 }, q)) }, 'CSV'), ' · ',
      el('a', { href: '/api/events?' + qs(Object.assign({ format: 'jsonl', limit: 1000 }, q)) }, 'JSONL')));
    main.append(el('table', { class: 'list' },
      el('thead', {}, el('tr', {}, ['date', 'code', 'source', 'target', 'goldstein', 'summary', 'article'].map(k => el('th', {}, t(k))))),
      el('tbody', {}, r.events.map(e => el('tr', {},
        el('td', { class: 'ltr' }, e.date || ''), el('td', { class: 'ltr' }, e.code + (e.plover ? ' ' + e.plover : '')),
        el('td', {}, (e.source.country || '?') + ' ' + (e.source.text || '')),
        el('td', {}, (e.target.country || '?') + ' ' + (e.target.text || '')),
        el('td', {}, goldSpan(e.goldstein)),
        el('td', { class: 'ltr' }, e.summary_en),
        el('td', {}, el('a', { href: '/article/' + e.article }, e.title || ('#' + e.article))))))));
    main.append(el('div', { class: 'pager' },
      p.get('after') ? el('a', { href: '/events?' + qs(q) }, t('first')) : null,
      r.next ? el('a', { href: '/events?' + qs(Object.assign({}, q, { after: r.next })) }, t('next')) : null));
  } catch (e) { main.append(errorBox(e)); }
}

// ISO week helpers: "2015-W30" <-> Monday's date.
function weekMonday(label) {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return null;
  const jan4 = Date.UTC(+m[1], 0, 4);
  const dow = (new Date(jan4).getUTCDay() + 6) % 7;
  return new Date(jan4 - dow * 864e5 + (+m[2] - 1) * 7 * 864e5);
}
function isoWeek(d) {
  const day = (d.getUTCDay() + 6) % 7;
  const thu = new Date(d.getTime() - day * 864e5 + 3 * 864e5);
  const y = thu.getUTCFullYear();
  const w = 1 + Math.floor((thu - Date.UTC(y, 0, 1)) / (7 * 864e5));
  return y + '-W' + String(w).padStart(2, '0');
}
const ymd = (d) => d.toISOString().slice(0, 10);
// The intervals from the first label to the last, gaps filled; a gap longer than two years (an outlier
// date) becomes one "…" slot instead.
function fillIntervals(labels, interval) {
  const next = (l) => {
    if (interval === 'month') {
      let [y, m] = l.split('-').map(Number);
      m++; if (m > 12) { m = 1; y++; }
      return y + '-' + String(m).padStart(2, '0');
    }
    const d = weekMonday(l);
    return d ? isoWeek(new Date(d.getTime() + 7 * 864e5)) : l;
  };
  const maxGap = interval === 'month' ? 24 : 104;
  const out = [];
  labels.forEach((l, i) => {
    if (i > 0) {
      const fill = [];
      let c = next(labels[i - 1]);
      while (c < l && fill.length <= maxGap) { fill.push(c); c = next(c); }
      if (fill.length > maxGap) out.push('…'); else out.push(...fill);
    }
    out.push(l);
  });
  return out;
}
function intervalRange(label, interval) {
  if (interval === 'month') return { from: label, to: label };
  const mon = weekMonday(label);
  return mon ? { from: ymd(mon), to: ymd(new Date(mon.getTime() + 6 * 864e5)) } : {};
}

const QCOL = ['#4caf7d', '#1f7a4d', '#e8a33d', '#c0392b'];

function dyadChart(rows, interval, source, target) {
  const by = new Map(rows.map(r => [r.interval, r]));
  const labels = fillIntervals(rows.map(r => r.interval), interval);
  const bw = labels.length > 80 ? 8 : labels.length > 40 ? 12 : 22;
  const left = 44, right = 48, top = 16, h = 240, bottom = 70;
  const W = Math.max(720, left + right + labels.length * (bw + 3));
  const maxN = Math.max(1, ...rows.map(r => r.events));
  const golds = rows.map(r => r.goldstein);
  const gmax = Math.max(1, ...golds.map(Math.abs));
  const y = (v) => top + h - (v / maxN) * h;
  const gy = (v) => top + h / 2 - (v / gmax) * (h / 2);
  const s = svg('svg', { width: W, height: top + h + bottom, viewBox: `0 0 ${W} ${top + h + bottom}`, role: 'img', direction: 'ltr' });
  s.append(svg('line', { x1: left, y1: top + h, x2: W - right, y2: top + h, stroke: '#999' }));
  s.append(svg('line', { x1: left, y1: gy(0), x2: W - right, y2: gy(0), stroke: '#ccc', 'stroke-dasharray': '3 3' }));
  for (const v of [0, Math.round(maxN / 2), maxN]) {
    s.append(svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(v)));
  }
  for (const v of [-gmax, 0, gmax]) {
    s.append(svg('text', { x: W - right + 6, y: gy(v) + 4, fill: '#5b3fa0' }, v.toFixed(0)));
  }
  const pts = [];
  const every = Math.ceil(labels.length / 30);
  labels.forEach((l, i) => {
    const x = left + i * (bw + 3) + 2;
    const r = by.get(l);
    if (r) {
      const range = intervalRange(l, interval);
      const a = svg('a', { href: '/events?' + qs({ source, target, from: range.from, to: range.to }), class: 'bar-link', 'data-interval': l });
      let base = 0;
      r.quad.forEach((c, q) => {
        if (!c) return;
        a.append(svg('rect', { x, y: y(base + c), width: bw, height: Math.max(1, y(base) - y(base + c)), fill: QCOL[q] }));
        base += c;
      });
      a.append(svg('title', {}, `${l}: ${r.events} · Goldstein ${r.goldstein.toFixed(1)} (${r.quad.join('/')})`));
      s.append(a);
      pts.push([x + bw / 2, gy(r.goldstein)]);
    } else {
      pts.push([x + bw / 2, gy(0)]);
    }
    if (l === '…') {
      s.append(svg('text', { x: x + bw / 2, y: top + h - 4, 'text-anchor': 'middle' }, '…'));
    } else if (i % every === 0) {
      s.append(svg('text', { x: x + bw / 2, y: top + h + 12, transform: `rotate(60 ${x + bw / 2} ${top + h + 12})` }, l));
    }
  });
  if (pts.length > 1) {
    s.append(svg('polyline', { points: pts.map(p => p.join(',')).join(' '), fill: 'none', stroke: '#5b3fa0', 'stroke-width': 2 }));
  }
  pts.forEach((p, i) => { if (by.has(labels[i])) s.append(svg('circle', { cx: p[0], cy: p[1], r: 2.5, fill: '#5b3fa0' })); });
  return el('div', {},
    el('div', { class: 'keys' }, [0, 1, 2, 3].map(q => el('span', {}, el('i', { style: null, class: 'k' + q }), t('q' + (q + 1)))),
      el('span', {}, el('i', { class: 'kg' }), t('gold_line'))),
    el('div', { class: 'chart' }, s));
}

async function pageDyad(main) {
  const p = params();
  const source = (p.get('source') || '').toUpperCase(), target = (p.get('target') || '').toUpperCase();
  const interval = p.get('interval') === 'week' ? 'week' : 'month';
  const sel = el('select', { name: 'interval' },
    el('option', { value: 'month', selected: interval === 'month' ? 'selected' : null }, t('month')),
    el('option', { value: 'week', selected: interval === 'week' ? 'selected' : null }, t('week')));
  main.append(el('h1', {}, t('dyad_title')),
    el('form', { class: 'bar', method: 'get', action: '/dyad' },
      field('source', 'source', source, { size: '4', placeholder: 'SAU' }),
      field('target', 'target', target, { size: '4', placeholder: 'YEM' }),
      el('label', {}, t('interval'), sel),
      field('from', 'from', p.get('from'), { size: '10' }), field('to', 'to', p.get('to'), { size: '10' }),
      el('button', { class: 'go', type: 'submit' }, t('show')),
      source && target ? el('a', { href: '/dyad?' + qs({ source: target, target: source, interval }) }, t('swap')) : null));
  try {
    if (source && target) {
      const r = await api('/api/dyads?' + qs({ source, target, interval, from: p.get('from'), to: p.get('to') }));
      main.append(el('h2', { dir: 'ltr' }, source + ' → ' + target + ' (' + r.dyads.reduce((a, d) => a + d.events, 0) + ')'));
      main.append(r.dyads.length ? dyadChart(r.dyads, interval, source, target) : el('p', {}, t('no_results')));
    } else {
      main.append(el('p', { class: 'muted' }, t('pick_pair')));
    }
    const top = await api('/api/dyads?top=20');
    main.append(el('h2', {}, t('top_dyads')), el('table', { class: 'list' },
      el('thead', {}, el('tr', {}, [t('source'), t('target'), t('count'), t('goldstein')].map(x => el('th', {}, x)))),
      el('tbody', {}, top.dyads.map(d => el('tr', {},
        el('td', {}, el('a', { href: '/dyad?' + qs({ source: d.source, target: d.target, interval }) }, d.source)),
        el('td', {}, d.target), el('td', {}, d.events), el('td', {}, goldSpan(d.goldstein_mean)))))));
  } catch (e) { main.append(errorBox(e)); }
}

function goldColor(g) {
  const a = Math.min(1, Math.abs(g) / 5);
  const mix = (c) => Math.round(153 + (c - 153) * a);
  return g < 0 ? `rgb(${mix(192)},${mix(57)},${mix(43)})` : `rgb(${mix(31)},${mix(122)},${mix(77)})`;
}

async function pageNetwork(main) {
  main.append(el('h1', {}, t('network_title')), el('p', { class: 'muted' }, t('network_hint')));
  try {
    const r = await api('/api/dyads?top=300');
    const weight = new Map();
    const edges = new Map();
    for (const d of r.dyads) {
      weight.set(d.source, (weight.get(d.source) || 0) + d.events);
      weight.set(d.target, (weight.get(d.target) || 0) + d.events);
      const key = d.source < d.target ? d.source + '|' + d.target : d.target + '|' + d.source;
      const e = edges.get(key) || { a: key.split('|')[0], b: key.split('|')[1], events: 0, gold: 0 };
      e.events += d.events; e.gold += d.goldstein;
      edges.set(key, e);
    }
    const nodes = [...weight.entries()].sort((x, y) => y[1] - x[1]).slice(0, 40).map(([id, w]) => ({ id, w }));
    const idx = new Map(nodes.map((n, i) => [n.id, i]));
    const es = [...edges.values()].filter(e => idx.has(e.a) && idx.has(e.b));
    const W = 1000, H = 640;
    nodes.forEach((n, i) => {
      const a = (2 * Math.PI * i) / nodes.length;
      const rad = 120 + 160 * (i % 2);
      n.x = W / 2 + rad * Math.cos(a); n.y = H / 2 + rad * Math.sin(a);
    });
    const maxE = Math.max(1, ...es.map(e => e.events));
    for (let it = 0; it < 300; it++) {
      const cool = 1 - it / 300;
      for (const a of nodes) { a.dx = 0; a.dy = 0; }
      for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i], b = nodes[j];
        let dx = a.x - b.x, dy = a.y - b.y;
        const d2 = Math.max(dx * dx + dy * dy, 25);
        const f = 9000 / d2;
        const d = Math.sqrt(d2);
        dx /= d; dy /= d;
        a.dx += dx * f; a.dy += dy * f; b.dx -= dx * f; b.dy -= dy * f;
      }
      for (const e of es) {
        const a = nodes[idx.get(e.a)], b = nodes[idx.get(e.b)];
        const dx = b.x - a.x, dy = b.y - a.y;
        const d = Math.max(1, Math.sqrt(dx * dx + dy * dy));
        const f = (d - 90) * 0.02 * (0.5 + Math.log(1 + e.events) / Math.log(1 + maxE));
        a.dx += (dx / d) * f; a.dy += (dy / d) * f; b.dx -= (dx / d) * f; b.dy -= (dy / d) * f;
      }
      for (const a of nodes) {
        a.dx += (W / 2 - a.x) * 0.01; a.dy += (H / 2 - a.y) * 0.01;
        const m = Math.sqrt(a.dx * a.dx + a.dy * a.dy);
        const lim = 12 * cool + 0.5;
        if (m > lim) { a.dx *= lim / m; a.dy *= lim / m; }
        a.x = Math.min(W - 30, Math.max(30, a.x + a.dx));
        a.y = Math.min(H - 20, Math.max(20, a.y + a.dy));
      }
    }
    const maxW = Math.max(1, ...nodes.map(n => n.w));
    const s = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', direction: 'ltr' });
    for (const e of es.sort((x, y) => x.events - y.events)) {
      const a = nodes[idx.get(e.a)], b = nodes[idx.get(e.b)];
      const mean = e.gold / e.events;
      const link = svg('a', { href: '/dyad?' + qs({ source: e.a, target: e.b, interval: 'month' }), class: 'edge' });
      link.append(svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: goldColor(mean), 'stroke-opacity': 0.75,
        'stroke-width': (1 + 9 * Math.sqrt(e.events / maxE)).toFixed(1), 'stroke-linecap': 'round' }),
        svg('title', {}, `${e.a} – ${e.b}: ${e.events} · Goldstein ${mean.toFixed(2)}`));
      s.append(link);
    }
    for (const n of nodes) {
      const link = svg('a', { href: '/events?' + qs({ either: n.id }), class: 'node' });
      link.append(svg('circle', { cx: n.x, cy: n.y, r: (6 + 16 * Math.sqrt(n.w / maxW)).toFixed(1), fill: '#fff', stroke: '#333', 'stroke-width': 1.5 }),
        svg('text', { x: n.x, y: n.y + 4, 'text-anchor': 'middle' }, n.id),
        svg('title', {}, `${n.id}: ${n.w}`));
      s.append(link);
    }
    main.append(el('div', { class: 'chart net' }, s));
  } catch (e) { main.append(errorBox(e)); }
}

function applyLang() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  document.querySelectorAll('[data-l]').forEach(e => { e.textContent = t(e.dataset.l); });
  const b = document.getElementById('lang');
  if (b) b.textContent = t('lang');
}

function start() {
  applyLang();
  const b = document.getElementById('lang');
  if (b) b.addEventListener('click', () => {
    lang = lang === 'ar' ? 'en' : 'ar';
    try { localStorage.setItem('hadath-lang', lang); } catch (e) { /* private mode */ }
    location.reload();
  });
  const main = document.getElementById('app');
  main.replaceChildren();
  const path = location.pathname;
  let nav = 'try';
  if (path === '/search') { nav = 'search'; pageSearch(main); }
  else if (path.startsWith('/article/')) { nav = ''; pageArticle(main, decodeURIComponent(path.slice(9))); }
  else if (path === '/events') { nav = 'events'; pageEvents(main); }
  else if (path === '/dyad') { nav = 'dyad'; pageDyad(main); }
  else if (path === '/network') { nav = 'network'; pageNetwork(main); }
  else pageTry(main);
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === nav));
}

document.addEventListener('DOMContentLoaded', start);

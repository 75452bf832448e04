// Shared client code of the classroom pages (join, team, facilitator, brief): the token of the
// page's link, calls to the server's API, the live stream of a world's view, and the pieces of
// page that more than one page shows (status bar, the public state, a brief, the debrief).
// Needs Chart.js and charts.js (the `Parley` helpers) loaded first.
'use strict';

const Classroom = (function () {
  const P = Parley;
  const el = P.el;

  // ---- the link's secrets --------------------------------------------------------------------

  // The token travels in the fragment (#token=...): browsers never send a fragment to a server,
  // so it stays out of logs and Referer headers.
  function hashParams() {
    return new URLSearchParams(location.hash.slice(1));
  }
  function token() {
    return hashParams().get('token') || '';
  }

  // ---- the API -------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // One call to the server. Resolves with the answer's JSON; rejects with an ApiError carrying
  // the server's own `error` text, which pages show as it is (it says what was expected).
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    const init = { method, headers, cache: 'no-store' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body || {});
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'The server cannot be reached. Is the classroom server still running? (' + e.message + ')');
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      const why = data && data.error ? data.error : `${res.status} ${res.statusText}`;
      throw new ApiError(res.status, why.charAt(0).toUpperCase() + why.slice(1));
    }
    return data;
  }

  // A file the API serves (CSV, JSON), saved through a blob so that the token stays in a
  // header rather than in a URL.
  async function downloadFile(path, filename) {
    const headers = { Authorization: 'Bearer ' + token() };
    const res = await fetch(path, { headers, cache: 'no-store' });
    if (!res.ok) {
      let why = `${res.status} ${res.statusText}`;
      try { why = (await res.json()).error || why; } catch { /* not JSON */ }
      throw new ApiError(res.status, why);
    }
    const url = URL.createObjectURL(await res.blob());
    P.download(filename, url);
    setTimeout(() => URL.revokeObjectURL(url), 2000);
  }

  // ---- messages to the person at the page -----------------------------------------------------

  // Errors stay until dismissed or replaced (a teacher may look away); confirmations fade.
  function flash(text, kind) {
    const box = document.getElementById('messages');
    if (!box) return;
    const close = el('button', { type: 'button', className: 'small', text: 'Dismiss' });
    const item = el('div', { className: 'cl-flash ' + (kind || 'info'), role: kind === 'error' ? 'alert' : 'status' },
      [el('span', { text }), close]);
    close.addEventListener('click', () => item.remove());
    // One message of a kind at a time: the newest says what stands now.
    box.querySelectorAll('.cl-flash').forEach((e) => {
      if (kind === 'error' || !e.classList.contains('error')) e.remove();
    });
    box.append(item);
    // Long enough to read: about a second per ten words, four at least.
    if (kind !== 'error') setTimeout(() => item.remove(), Math.max(4000, text.length * 60));
  }

  // Runs an API action from a button: the button is disabled while the request is under way,
  // and a refusal is shown in the page with the server's reason. Resolves to the answer, or
  // to null after an error.
  async function act(button, fn, done) {
    if (button) button.disabled = true;
    try {
      const answer = await fn();
      if (done) flash(done, 'ok');
      return answer;
    } catch (e) {
      flash(e.message, 'error');
      return null;
    } finally {
      if (button) button.disabled = false;
    }
  }

  // ---- the live view --------------------------------------------------------------------------

  // Follows world `world`: onView(view) at once and on every change. The browser's EventSource
  // reconnects by itself after a dropped connection, and the server then sends the whole view
  // again; a refused stream (403/404: the link is wrong, or the world is gone) is closed by the
  // browser, so it is retried here after asking /api/me why. onState('live' | 'reconnecting' |
  // 'refused', message) tells the page how the connection stands.
  function follow(world, onView, onState) {
    let source = null;
    let timer = null;
    let stopped = false;
    function connect() {
      if (stopped) return;
      source = new EventSource(`/api/worlds/${world}/stream?token=${encodeURIComponent(token())}`);
      source.addEventListener('view', (e) => {
        onState('live');
        onView(JSON.parse(e.data));
      });
      source.onerror = () => {
        if (source.readyState !== EventSource.CLOSED) {
          onState('reconnecting');
          return;
        }
        source.close();
        onState('reconnecting');
        timer = setTimeout(check, 3000);
      };
    }
    async function check() {
      try {
        await api('GET', '/api/me');
        connect();
      } catch (e) {
        if (e.status === 403) onState('refused', e.message);
        else timer = setTimeout(check, 3000);
      }
    }
    connect();
    return {
      close() {
        stopped = true;
        clearTimeout(timer);
        if (source) source.close();
      },
    };
  }

  // ---- words and numbers ----------------------------------------------------------------------

  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                  'September', 'October', 'November', 'December'];

  // A turn's label as a person reads it: "2025-04" is "April 2025"; other labels stay.
  function when(label, short) {
    const m = /^(\d{4})-(\d{2})$/.exec(label || '');
    if (!m) return label;
    const name = MONTHS[Number(m[2]) - 1];
    return (short ? name.slice(0, 3) : name) + ' ' + m[1];
  }
  function turnWhen(view, turn) {
    const labels = view.scenario.turn_labels;
    return when(labels[Math.max(0, Math.min(turn, labels.length - 1))]);
  }

  // An issue's 0-100 value in its unit ("2.7 USD bn", "29%", "14 / 100").
  function inUnit(issue, q) {
    return issue.unit ? issue.unit_low + ((issue.unit_high - issue.unit_low) * q) / 100 : q;
  }
  // Rounded to a hundredth of the issue's range (whole points of a 0-100 scale, 0.01 of a
  // 0-9 bn range): finer digits would be noise to a reader. `extra` adds decimals (changes).
  function unitText(issue, v, extra) {
    const range = issue.unit ? Math.abs(issue.unit_high - issue.unit_low) || 1 : 100;
    const decimals = Math.max(0, Math.ceil(-Math.log10(range / 100))) + (extra || 0);
    const n = Number(v.toFixed(decimals));
    const text = (n === 0 ? 0 : n).toLocaleString('en-US', { maximumFractionDigits: decimals });
    if (!issue.unit) return text + ' / 100';
    if (issue.unit === '%') return text + '%';
    return text + ' ' + issue.unit;
  }
  function issueText(issue, q) {
    return unitText(issue, inUnit(issue, q));
  }

  function mmss(ms) {
    const s = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many || one + 's');
  }

  // How an actor feels about another (affinity -1..1), in words.
  function feeling(affinity) {
    if (affinity >= 0.5) return 'close ally';
    if (affinity >= 0.15) return 'friendly';
    if (affinity > -0.15) return 'neutral';
    if (affinity > -0.5) return 'unfriendly';
    return 'hostile';
  }

  // Who made an event happen, as the event feed says it.
  const SOURCES = {
    person: 'a team’s move', ai: 'played by the AI', timeline: 'scripted event',
    inject: 'news from the facilitator',
  };

  function actorNames(view) {
    const names = {};
    for (const r of view.public.recognition) names[r.actor] = r.name;
    return names;
  }

  // ---- the clock ------------------------------------------------------------------------------

  // The deadline in this browser's clock: the server's now_ms and deadline_ms are read against
  // the moment the view arrived, so a computer whose clock is off still counts down right.
  function clock(status) {
    return { status, deadline: status.deadline_ms > 0 ? Date.now() + (status.deadline_ms - status.now_ms) : 0 };
  }

  // What the status bar says of the turn now: { text, state } with state one of open, soon,
  // grace, late, paused, closed, over.
  function turnState(c) {
    const s = c.status;
    if (s.ended) return { text: 'The game has ended', state: 'over' };
    if (s.finished) return { text: 'Every turn has been played', state: 'over' };
    if (!s.open) {
      return { text: s.resolved === 0 ? 'Waiting for the first turn to open'
        : `Turn ${s.resolved} is over · waiting for turn ${s.resolved + 1}`, state: 'closed' };
    }
    if (s.paused) {
      return { text: 'Paused' + (s.remaining_ms > 0 ? ` · ${mmss(s.remaining_ms)} left when it resumes` : ''), state: 'paused' };
    }
    if (!c.deadline) return { text: 'Open · no deadline', state: 'open' };
    const left = c.deadline - Date.now();
    if (left > 0) return { text: `${mmss(left)} left`, state: left <= 30000 ? 'soon' : 'open' };
    const grace = left + s.grace_seconds * 1000;
    if (grace > 0) return { text: `Time is up · grace period: ${mmss(grace)}`, state: 'grace' };
    return { text: 'Time is up · the turn is resolving', state: 'late' };
  }

  // The status bar's pieces: world, turn with its month, and the clock. `bar` holds elements
  // with ids bar-world, bar-turn, bar-clock; the clock is redrawn every second.
  function statusBar(bar) {
    let current = null;
    const clockEl = bar.querySelector('.cl-clock');
    function tick() {
      if (!current) return;
      const t = turnState(current);
      clockEl.textContent = t.text;
      clockEl.className = 'cl-clock ' + t.state;
    }
    setInterval(tick, 1000);
    return {
      update(view) {
        const s = view.status;
        current = clock(s);
        bar.querySelector('.cl-world').textContent = s.name +
          (s.branched_from ? ` (branched from world ${s.branched_from.world} at turn ${s.branched_from.turn})` : '');
        const turnText = s.turn === 0 ? `Before turn 1 · ${when(s.turn_label)}`
          : `Turn ${s.turn} of ${s.turns} · ${when(s.turn_label)}`;
        bar.querySelector('.cl-turn').textContent = turnText;
        tick();
      },
      connection(state, message) {
        const c = bar.querySelector('.cl-conn');
        c.className = 'cl-conn ' + state;
        c.textContent = state === 'live' ? 'live' : state === 'refused' ? 'not connected' : 'reconnecting…';
        c.title = message || (state === 'live' ? 'This page updates by itself.' : 'The page reconnects by itself.');
      },
    };
  }

  // ---- small charts ---------------------------------------------------------------------------

  // A sparkline: the values as a line on a small canvas, the last one as a dot. `span` is the
  // least range the vertical axis shows, so that noise does not look like a landslide.
  function sparkline(values, span, label) {
    const w = 150, h = 40, ratio = window.devicePixelRatio || 1;
    const canvas = el('canvas', { className: 'cl-spark', role: 'img', 'aria-label': label, width: w * ratio, height: h * ratio });
    canvas.style.width = w + 'px';
    canvas.style.height = h + 'px';
    const ctx = canvas.getContext('2d');
    ctx.scale(ratio, ratio);
    let lo = Math.min(...values), hi = Math.max(...values);
    if (hi - lo < span) {
      const mid = (hi + lo) / 2;
      lo = mid - span / 2;
      hi = mid + span / 2;
    }
    const x = (k) => 4 + (values.length > 1 ? (k * (w - 8)) / (values.length - 1) : (w - 8) / 2);
    const y = (v) => h - 4 - ((v - lo) * (h - 8)) / (hi - lo || 1);
    ctx.strokeStyle = '#d9dde5';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, h - 0.5);
    ctx.lineTo(w, h - 0.5);
    ctx.stroke();
    ctx.strokeStyle = P.colour(0);
    ctx.lineWidth = 2;
    ctx.beginPath();
    values.forEach((v, k) => (k === 0 ? ctx.moveTo(x(k), y(v)) : ctx.lineTo(x(k), y(v))));
    ctx.stroke();
    ctx.fillStyle = P.colour(0);
    ctx.beginPath();
    ctx.arc(x(values.length - 1), y(values[values.length - 1]), 3, 0, 2 * Math.PI);
    ctx.fill();
    return canvas;
  }

  // ---- the public state -----------------------------------------------------------------------

  // Every issue in its unit, with its change since the last turn and a chart of its history.
  function issueCards(view) {
    const grid = el('div', { className: 'cl-issues' });
    for (const issue of view.public.issues) {
      const hist = issue.history.map((q) => inUnit(issue, q));
      const now = hist[hist.length - 1];
      const before = hist.length > 1 ? hist[hist.length - 2] : null;
      const span = Math.abs(inUnit(issue, 100) - inUnit(issue, 0)) * 0.1;
      let change = 'no change yet';
      if (before !== null) {
        const d = now - before;
        change = Math.abs(d) < span / 50 ? 'unchanged since last turn'
          : (d > 0 ? '▲ up ' : '▼ down ') + unitText(issue, Math.abs(d), 1).replace(' / 100', '') + ' since last turn';
      }
      grid.append(el('div', { className: 'cl-issue', 'data-issue': issue.id }, [
        el('h3', { text: issue.name }),
        el('p', { className: 'cl-value', text: unitText(issue, now) }),
        el('p', { className: 'cl-change', text: change }),
        sparkline(hist, span, `${issue.name} from ${unitText(issue, hist[0])} to ${unitText(issue, now)}`),
        el('p', { className: 'cl-scale', text: `0 = ${issue.low}; 100 = ${issue.high}` }),
      ]));
    }
    return grid;
  }

  // Who recognizes whom as a government.
  function recognitionTable(view) {
    const names = actorNames(view);
    return P.table(['actor', 'recognized as a government by'], view.public.recognition.map((r) => [
      r.name, r.recognized_by.length ? r.recognized_by.map((a) => names[a] || a).join(', ') : 'nobody',
    ]));
  }

  // The event feed, latest first: each headline with who made it and when.
  function eventFeed(view, limit) {
    const names = actorNames(view);
    const events = view.public.events.slice().reverse();
    const list = el('ol', { className: 'cl-feed', reversed: '' });
    if (events.length === 0) list.append(el('li', { className: 'muted', text: 'Nothing has happened yet.' }));
    for (const e of events.slice(0, limit || events.length)) {
      list.append(el('li', { 'data-move': e.move }, [
        el('span', { className: 'cl-when', text: turnWhen(view, e.turn) }),
        el('span', { className: 'cl-headline', text: e.headline }),
        el('span', { className: 'cl-by ' + e.by, text: `${names[e.actor] || e.actor} · ${SOURCES[e.by] || e.by}` }),
      ]));
    }
    return list;
  }

  // The facilitator's messages and announcements, latest first.
  function noticeList(view) {
    const list = el('ul', { className: 'cl-notices' });
    for (const n of view.public.notices.slice().reverse()) {
      list.append(el('li', {}, [
        el('span', { className: 'cl-when', text: n.turn > 0 ? `Turn ${n.turn}` : 'Before turn 1' }),
        el('span', { text: n.text }),
      ]));
    }
    return list;
  }

  // ---- a brief --------------------------------------------------------------------------------

  // What an actor wants of an issue, in words: the position in the issue's unit and what that
  // end of the scale means, and which way it is from where the issue stands.
  function wantWords(want, issue) {
    const p = want.position;
    let words;
    if (p <= 10) words = want.low;
    else if (p >= 90) words = want.high;
    else words = `closer to “${p < 50 ? want.low : want.high}” than to “${p < 50 ? want.high : want.low}”`;
    const target = issue ? unitText(issue, inUnit(issue, p)) : want.position_shown;
    const gap = p - want.status_quo;
    const way = Math.abs(gap) < 2 ? 'keep it where it is' : gap > 0 ? 'push it up' : 'push it down';
    return { target, words, way };
  }

  // The private brief: utility, what the actor wants, its relations. `compact` (print) leaves
  // out the utility chart and the relations (the printed page places them itself).
  function briefPanel(brief, view, compact) {
    const issues = {};
    for (const i of view.public.issues) issues[i.id] = i;
    const box = el('div', { className: 'cl-brief' });
    const hist = brief.utility_history.length ? brief.utility_history : [brief.utility];
    const start = hist[0];
    const util = el('div', { className: 'cl-utility' }, [
      el('div', {}, [
        el('p', { className: 'cl-value', text: 'Utility ' + brief.utility.toFixed(3) }),
        el('p', { className: 'cl-change', text: hist.length > 1
          ? `${brief.utility >= start ? '▲' : '▼'} ${P.signed(brief.utility - start, 2)} since the start (${start.toFixed(3)})`
          : 'at the start of the game' }),
      ]),
      compact ? null : sparkline(hist, 0.05, `utility of ${brief.name} over the turns`),
      el('p', { className: 'note', text: 'Utility runs from 0 to 1: how close the world is to what ' +
        `${brief.name} wants, weighted by how much each issue matters. Higher is better; moves cost utility.` }),
    ]);
    box.append(util);
    if (!compact) box.append(el('h3', { text: 'What you want' }));
    box.append(el('p', { className: 'muted cl-small', text: 'Most important first. How much an issue matters runs from 0 to 1.' }));
    // A list rather than a table: it reads on a phone, and each line is a sentence.
    box.append(el('ul', { className: 'cl-wants' }, brief.wants.map((w) => {
      const t = wantWords(w, issues[w.issue]);
      const now = issues[w.issue] ? issueText(issues[w.issue], w.status_quo) : w.status_quo_shown;
      return el('li', { 'data-issue': w.issue }, [
        el('div', { className: 'cl-want-head' }, [
          el('strong', { text: w.name }),
          el('span', { className: 'cl-importance ' + w.importance, text: `matters: ${w.importance} (${P.fmt(w.salience, 2)})` }),
        ]),
        el('div', {}, [
          document.createTextNode('You want '), el('strong', { text: t.target }), document.createTextNode(` (${t.words}). Now `),
          el('strong', { text: now }), document.createTextNode(': '), el('span', { className: 'cl-way', text: t.way }), document.createTextNode('.'),
        ]),
      ]);
    })));
    if (!compact) box.append(el('h3', { text: 'Your relations' }), relationsTable(brief));
    return box;
  }

  // How the actor sees each other actor (affinity -1..1) and who recognizes whom as a
  // government.
  function relationsTable(brief) {
    return P.table(['with', 'how you see them', 'you recognize them', 'they recognize you'], brief.relations.map((r) => [
      r.name, `${feeling(r.affinity)} (${P.signed(r.affinity, 2)})`, r.you_recognize ? 'yes' : 'no', r.recognizes_you ? 'yes' : 'no',
    ]));
  }

  // ---- the debrief ----------------------------------------------------------------------------

  function fanChart(parent, view, metric) {
    const labels = view.scenario.turn_labels.map((l) => when(l, true));
    const world = P.colour(0), ai = '#8a8f98';
    const k = metric.path.length - 1;
    const caption = metric.percentile === undefined ? '' : ` At turn ${k} this world is above ${P.fmt(metric.percentile, 2)}% of the AI’s runs (the ${ordinal(Math.round(metric.percentile))} percentile).`;
    return P.chartFigure(parent, {
      title: metric.title,
      filename: 'debrief-' + P.slug(metric.metric),
      note: `Bold line: this world. Band: where 90% of the AI-only runs went (5th to 95th percentile); dashed: their median.${caption}`,
      csv: () => {
        const rows = [['turn', 'label', 'world', 'ai_p05', 'ai_p50', 'ai_p95']];
        view.scenario.turn_labels.forEach((l, t) => rows.push([t, l, metric.path[t] ?? '', metric.p05[t], metric.p50[t], metric.p95[t]]));
        return rows;
      },
      config: {
        type: 'line',
        data: {
          labels,
          datasets: [
            { label: 'AI p05', data: metric.p05, borderColor: 'transparent', pointRadius: 0, fill: false, legend: false },
            { label: 'AI runs, 5th–95th percentile', data: metric.p95, borderColor: 'transparent', backgroundColor: 'rgba(138, 143, 152, 0.22)', pointRadius: 0, fill: '-1' },
            { label: 'AI median', data: metric.p50, borderColor: ai, backgroundColor: ai, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, fill: false },
            { label: 'this world', data: metric.path, borderColor: world, backgroundColor: world, borderWidth: 3, pointRadius: 2, fill: false },
          ],
        },
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: { y: { title: { display: true, text: metric.axis } } },
          plugins: {
            legend: { labels: { filter: (item, data) => data.datasets[item.datasetIndex].legend !== false, boxWidth: 14 } },
            tooltip: { filter: (item) => item.dataset.legend !== false },
          },
        },
      },
    });
  }

  function ordinal(n) {
    const s = ['th', 'st', 'nd', 'rd'], v = n % 100;
    return n + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  // Each team's utility against what the AI-only runs reached in its seat at the same turn
  // (the world's latest): 5th-95th percentile, median, and where the team stands among them.
  function teamUtilities(view) {
    const d = view.debrief;
    const out = [];
    for (const t of d.teams) {
      const m = d.metrics.find((x) => x.metric === 'utility.' + t.actor);
      if (!m || m.p05 === undefined) continue;
      const k = m.path.length - 1;
      out.push({ actor: t.actor, name: t.name, turn: k, utility: m.path[k], ai_p05: m.p05[k], ai_p50: m.p50[k], ai_p95: m.p95[k],
                 percentile: m.percentile });
    }
    return out;
  }

  function teamsChart(parent, view, teams) {
    if (teams.length === 0) return;
    const names = teams.map((t) => t.name);
    const turn = teams[0].turn;
    P.chartFigure(parent, {
      title: `Each team’s utility against the AI, at turn ${turn} (${when(view.scenario.turn_labels[turn])})`,
      filename: 'debrief-team-utility',
      note: `Bar: the utility the AI reached in that seat at turn ${turn} in 90% of its runs (5th to 95th percentile); line: its median; dot: what the team reached.`,
      height: 90 + 46 * teams.length,
      csv: () => [['actor', 'name', 'turn', 'utility', 'ai_p05', 'ai_p50', 'ai_p95', 'percentile']]
        .concat(teams.map((t) => [t.actor, t.name, t.turn, t.utility, t.ai_p05, t.ai_p50, t.ai_p95, t.percentile])),
      config: {
        type: 'bar',
        data: {
          labels: names,
          datasets: [
            { type: 'bar', label: 'AI, 5th–95th percentile', data: teams.map((t) => [t.ai_p05, t.ai_p95]), backgroundColor: 'rgba(138, 143, 152, 0.3)', borderColor: '#8a8f98', borderWidth: 1, barPercentage: 0.5, order: 3 },
            { type: 'scatter', label: 'AI median', data: teams.map((t) => ({ x: t.ai_p50, y: t.name })), pointStyle: 'line', rotation: 90, radius: 12, borderWidth: 2, borderColor: '#5b6475', backgroundColor: '#5b6475', order: 2 },
            { type: 'scatter', label: 'the team', data: teams.map((t) => ({ x: t.utility, y: t.name })), radius: 7, borderColor: P.colour(0), backgroundColor: P.colour(0), order: 1 },
          ],
        },
        options: {
          indexAxis: 'y',
          // Not from 0: the teams' differences are a few hundredths of utility.
          scales: { x: { beginAtZero: false, title: { display: true, text: 'utility, 0-1' } }, y: { type: 'category', labels: names } },
          plugins: { legend: { labels: { boxWidth: 14 } } },
        },
      },
    });
  }

  // The debrief of a world: its path over the AI's Monte Carlo fan for every headline metric,
  // each team against the AI, what each team did and what the AI would have done, and the
  // event record. `you` is the team's actor (its rows and charts come first), or null.
  function renderDebrief(container, view, you) {
    const d = view.debrief;
    container.replaceChildren();
    if (!d) return;
    if (!d.ready) {
      container.append(el('p', { className: 'muted', text: 'The AI’s reference runs are still being computed: the debrief appears here in a few seconds.' }));
      return;
    }
    const names = actorNames(view);
    container.append(el('p', { className: 'lead', text: `parley played this world ${d.runs.toLocaleString('en-US')} times with its AI in every seat ` +
      '(same option, same starting draw). The charts put what happened here against those runs: inside the grey band is what the AI usually gets; outside it, your class changed the outcome.' }));

    const teamsBox = el('section', { className: 'cl-debrief-part' }, [el('h3', { text: 'Teams against the AI' })]);
    container.append(teamsBox);
    const teams = teamUtilities(view);
    teamsChart(teamsBox, view, teams);
    teamsBox.append(P.table(['team', 'utility reached', 'AI: 5th pct', 'AI: median', 'AI: 95th pct', 'above the AI in'],
      teams.map((t) => [t.name, P.fmt(t.utility, 3), P.fmt(t.ai_p05, 3), P.fmt(t.ai_p50, 3), P.fmt(t.ai_p95, 3),
        `${P.fmt(t.percentile, 2)}% of its runs`]),
      [false, true, true, true, true, true]));

    const metricsBox = el('section', { className: 'cl-debrief-part' }, [el('h3', { text: 'The world against the AI’s runs' })]);
    const grid = el('div', { className: 'grid cl-fans' });
    metricsBox.append(grid);
    container.append(metricsBox);
    // The team's own utility first, then the issues, then the other utilities.
    const metrics = d.metrics.slice().sort((a, b) => rank(a) - rank(b));
    function rank(m) {
      if (you && m.metric === 'utility.' + you) return 0;
      return m.metric.startsWith('issue.') ? 1 : 2;
    }
    for (const m of metrics) fanChart(grid, view, m);

    const choicesBox = el('section', { className: 'cl-debrief-part' }, [el('h3', { text: 'What each team did, and what the AI would have done' })]);
    const rows = d.choices.slice().sort((a, b) => a.turn - b.turn || (a.actor === you ? -1 : b.actor === you ? 1 : 0))
      .map((c) => {
        const did = c.submitted ? (c.move_names.length ? c.move_names.join('; ') : 'passed (no move)')
          : `did not submit: ${c.missed === 'pass' ? 'no move' : 'the AI chose for them'}`;
        const ai = c.ai_choice_name || 'no move';
        const same = c.submitted && (c.moves.length === 0 ? c.ai_choice === null : c.moves.includes(c.ai_choice));
        return [String(c.turn), when(view.scenario.turn_labels[c.turn]), names[c.actor] || c.actor, did, ai, same ? '✓ same' : ''];
      });
    choicesBox.append(rows.length ? P.table(['turn', 'month', 'team', 'the team did', 'the AI would have done', 'same as the AI'], rows)
      : el('p', { className: 'muted', text: 'No turn has been played yet.' }));
    container.append(choicesBox);

    container.append(whySection(view, you));

    const eventsBox = el('section', { className: 'cl-debrief-part' }, [el('h3', { text: 'Everything that happened' })]);
    eventsBox.append(view.public.events.length ? P.table(['turn', 'month', 'who', 'headline', 'how'],
      view.public.events.map((e) => [String(e.turn), when(view.scenario.turn_labels[e.turn]), names[e.actor] || e.actor, e.headline, SOURCES[e.by] || e.by]))
      : el('p', { className: 'muted', text: 'Nothing happened.' }));
    container.append(eventsBox);
  }

  // Why the AI chose as it did: per resolved turn (collapsed), each AI actor's candidate moves
  // as parley scored them, and in each team's seat what the AI would have chosen; the table of
  // `parley explain`. A turn's tables are drawn when it is opened. The opened turns and the
  // actor shown stay as they were when the debrief is drawn again (a turn resolves).
  const whyShown = { open: new Set(), actor: '' };
  function whySection(view, you) {
    const why = view.debrief.why || [];
    const box = el('section', { className: 'cl-debrief-part cl-ai-why' }, [el('h3', { text: 'Why the AI chose' })]);
    if (why.length === 0) {
      box.append(el('p', { className: 'muted', text: 'No turn has been played yet.' }));
      return box;
    }
    box.append(el('p', { className: 'muted', text: 'Every move each AI actor could make, as parley scored it: its value ' +
      '(the actor’s utility after the move and the replies it expects, plus what the scripted events it triggers are worth) ' +
      'minus the value of passing minus the move’s cost. The AI makes a move only if its score beats passing (0); with ' +
      'some randomness a lower score is sometimes drawn, hence the probabilities. In a team’s seat: what the AI would ' +
      'have chosen there. Open a turn to see its tables.' }));
    const names = actorNames(view);
    const moveNames = {};
    for (const m of view.all_moves || view.moves || []) moveNames[m.id] = m.name;
    const actors = [];
    for (const t of why) for (const c of t.choices) if (!actors.includes(c.actor)) actors.push(c.actor);
    if (you && actors.includes(you)) {
      actors.splice(actors.indexOf(you), 1);
      actors.unshift(you);  // a team's own seat first
    }
    const select = el('select', { 'aria-label': 'Actor shown' }, [el('option', { value: '', text: 'every actor' })]
      .concat(actors.map((a) => el('option', { value: a, text: names[a] || a }))));
    select.value = actors.includes(whyShown.actor) ? whyShown.actor : '';
    box.append(el('label', { className: 'why-filter' }, [el('span', { text: 'Show' }), select]));
    const said = (c) => (c.choice === null ? 'passes' : c.choice);
    const turns = why.map((t) => {
      const summary = t.choices.map((c) => `${c.actor}${c.seated ? ' (team; the AI would: ' + said(c) + ')' : ': ' + said(c)}`).join(' · ');
      const body = el('div', { className: 'why-body' });
      const details = el('details', { className: 'why-turn', 'data-turn': String(t.turn) }, [
        el('summary', {}, [el('strong', { text: `Turn ${t.turn} (${when(view.scenario.turn_labels[t.turn])})` }),
          el('span', { className: 'muted', text: ' ' + summary })]),
        body,
      ]);
      const draw = () => {
        if (!details.open) return;
        body.replaceChildren(...t.choices.filter((c) => !select.value || c.actor === select.value).flatMap((c) => [
          el('h4', { className: 'why-actor', text: `${names[c.actor] || c.actor}: ` + (c.seated
            ? `a team’s seat; the AI would have ${c.choice === null ? 'passed' : 'made ' + c.choice}`
            : (c.choice === null ? 'passed' : 'made ' + c.choice)) }),
          P.whyTable(c, moveNames),
        ]));
      };
      details.addEventListener('toggle', () => {
        if (details.open) whyShown.open.add(t.turn); else whyShown.open.delete(t.turn);
        draw();
      });
      details.open = whyShown.open.has(t.turn);
      return { details, draw };
    });
    select.addEventListener('change', () => {
      whyShown.actor = select.value;
      for (const t of turns) t.draw();
    });
    for (const t of turns) {
      box.append(t.details);
      t.draw();
    }
    return box;
  }

  // Calls fn(value) only when value differs from the last one given under `key`: views come
  // many times a minute, and redrawing what did not change loses a reader's scroll and focus.
  const seen = new Map();
  function changed(key, value) {
    const text = JSON.stringify(value);
    if (seen.get(key) === text) return false;
    seen.set(key, text);
    return true;
  }

  // Forgets what was drawn (another world is shown: everything is drawn anew).
  function forget() {
    seen.clear();
    whyShown.open.clear();
    whyShown.actor = '';
  }

  // Replaces the children of the element with id `id`.
  function fill(id, ...children) {
    const e = document.getElementById(id);
    e.replaceChildren(...children.filter(Boolean));
    return e;
  }

  return {
    token, hashParams, api, ApiError, downloadFile, flash, act, follow, when, turnWhen, inUnit,
    unitText, issueText, mmss, plural, feeling, actorNames, statusBar, turnState, clock, sparkline,
    issueCards, recognitionTable, eventFeed, noticeList, wantWords, briefPanel, relationsTable, renderDebrief,
    changed, forget, fill, SOURCES,
  };
})();

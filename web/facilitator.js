// The facilitator's console: the join code for the projector, one tab per world, the turn
// cycle (open with a deadline, pause, extend, resolve, undo), announcements (injected events,
// messages), the game's switches (advisor, branch, end), the session's settings, who sits
// where, every team's brief, exports, and the debrief. Live from the selected world's stream.
'use strict';

(function () {
  const C = Classroom;
  const P = Parley;
  const el = P.el;
  const $ = (id) => document.getElementById(id);
  const bar = C.statusBar($('bar'));
  let view = null;
  let world = Number(C.hashParams().get('world')) || 1;
  let stream = null;
  let settingsDirty = false;
  let debriefOpened = false;

  const post = (path, body) => C.api('POST', path, body);
  const here = (path) => `/api/worlds/${world}/${path}`;

  function moveNames() {
    const names = {};
    for (const m of view.all_moves) names[m.id] = m.name;
    return names;
  }

  // ---- the world shown ------------------------------------------------------------------------

  function select(w) {
    if (stream) stream.close();
    world = w;
    view = null;
    debriefOpened = false;
    C.forget();
    $('debrief').replaceChildren();
    $('debrief-details').open = false;
    // The world is kept in the fragment next to the token, so a reload stays on it.
    const params = C.hashParams();
    params.set('world', String(w));
    history.replaceState(null, '', '#' + params.toString());
    stream = C.follow(w, (v) => {
      view = v;
      render();
    }, (state, message) => {
      bar.connection(state, message);
      if (state === 'refused') C.flash(message, 'error');
    });
  }

  function renderTabs() {
    const tabs = view.worlds.map((w) => {
      const b = el('button', { type: 'button', role: 'tab', className: 'cl-tab', 'aria-selected': String(w.world === world),
        text: `${w.name} · ${w.ended ? 'ended' : w.open ? 'turn ' + (w.resolved + 1) + ' open' : w.resolved === 0 ? 'not started' : C.plural(w.resolved, 'turn') + ' played'}` });
      b.addEventListener('click', () => { if (w.world !== world) select(w.world); });
      return b;
    });
    $('tabs').replaceChildren(...tabs);
  }

  function renderHead() {
    $('title').textContent = view.scenario.title;
    const link = `${location.origin}/join?code=${view.join_code}`;
    $('join-link').href = link;
    $('join-link').textContent = `${location.host}/join`;
    $('join-code').textContent = view.join_code;
    $('projector-link').textContent = `${location.host}/join`;
    $('projector-code').textContent = view.join_code;
    const n = view.players.length;
    const seated = view.players.filter((p) => p.actor).length;
    const count = `${C.plural(n, 'student')} in this world` + (n > seated ? ` (${n - seated} waiting for a seat)` : '');
    $('joined-count').textContent = count;
    $('projector-count').textContent = count;
  }

  // The turn's buttons are enabled only when the server would accept them, with a line on
  // what each one would do now.
  function renderControls() {
    const s = view.status;
    const live = !s.ended;
    const next = s.resolved + 1;
    $('open').textContent = s.finished ? 'Every turn is played' : `Open turn ${next} (${C.turnWhen(view, next)})`;
    $('open').disabled = !live || s.open || s.finished;
    $('pause').disabled = !live || !s.open || s.paused;
    $('resume').disabled = !live || !s.paused;
    const hasDeadline = s.deadline_ms > 0 || (s.paused && s.remaining_ms > 0);
    $('extend-60').disabled = $('extend-300').disabled = !live || !s.open || !hasDeadline;
    $('resolve').disabled = !live || !s.open;
    $('undo').disabled = !live || (!s.open && s.resolved === 0);
    $('inject').disabled = !live || !s.open;
    $('end').disabled = !live;
    $('branch').disabled = false;
    let help;
    if (s.ended) help = 'The game has ended. Branch a new world to play on from any turn.';
    else if (s.open) help = `Turn ${s.turn} is open. Resolve now plays it at once (teams that did not submit ${s.missed === 'ai' ? 'get the AI’s choice' : 'pass'}); Undo closes it and drops its choices.`;
    else if (s.resolved > 0) {
      // A reopened turn waits for Resolve (or a team's new submission), even when every team
      // had submitted in it.
      help = `Undo re-opens turn ${s.resolved} with the choices made in it; teams may change them, and it resolves when you press Resolve now or a team submits again.`;
    }
    else help = 'Open the first turn when the teams have read their briefs.';
    if (!s.open && !s.ended) help += ' Events can be announced while a turn is open.';
    $('turn-help').textContent = help;
    $('advisor').checked = s.advisor;
    $('advisor').disabled = !live;
    const submitted = s.teams.filter((t) => t.submitted).length;
    $('bar-submitted').textContent = s.open ? `${submitted} of ${C.plural(s.teams.length, 'team')} submitted` : C.plural(s.teams.length, 'team') + ' seated';
    $('option-line').textContent = `Option “${s.option}”: ${s.option_description}`;
    if (C.changed(`branch-${world}`, s.resolved)) {
      $('branch-turn').replaceChildren(...Array.from({ length: s.resolved + 1 }, (_, t) =>
        el('option', { value: String(t), text: `${t} (${C.turnWhen(view, t)})` })));
      $('branch-turn').value = String(s.resolved);
    }
    if (C.changed('inject-moves', view.all_moves)) {
      const names = C.actorNames(view);
      const groups = new Map();
      for (const m of view.all_moves) {
        if (!groups.has(m.actor)) groups.set(m.actor, el('optgroup', { label: names[m.actor] || m.actor }));
        groups.get(m.actor).append(el('option', { value: m.id, text: m.name }));
      }
      $('inject-move').replaceChildren(...groups.values());
    }
  }

  function renderSettings() {
    if (settingsDirty) return;
    const st = view.settings;
    $('set-missed').value = st.missed;
    $('set-team-choice').checked = st.team_choice;
    $('set-max-moves').value = String(st.max_moves);
    $('set-grace').value = String(st.grace_seconds);
  }

  // Who sits where, and the turn's choices: while a turn is open, who has submitted what;
  // between turns, what each team did in the last one.
  function renderTeams() {
    const names = moveNames();
    const s = view.status;
    const last = view.debrief.choices.filter((c) => c.turn === s.resolved);
    const rows = view.teams.map((t) => {
      const members = t.brief.members;
      let state = el('span', { className: 'muted', text: t.seated ? '–' : 'AI plays' });
      let choice = '';
      if (s.open && t.seated) {
        state = t.submission ? el('span', { className: 'cl-yes', text: '✓ submitted' }) : el('span', { className: 'cl-no', text: 'not yet' });
        if (t.submission) choice = t.submission.length ? t.submission.map((m) => names[m] || m).join('; ') : 'pass';
      } else if (!s.open) {
        const c = last.find((x) => x.actor === t.actor);
        if (c) {
          state = c.submitted ? el('span', { className: 'cl-yes', text: 'submitted' })
            : el('span', { className: 'cl-no', text: c.missed === 'pass' ? 'missed: passed' : 'missed: AI chose' });
          choice = c.submitted ? (c.move_names.length ? c.move_names.join('; ') : 'pass') : (c.missed === 'pass' ? '' : `(${c.ai_choice_name || 'no move'})`);
        }
      }
      return [t.name, members.length ? members.join(', ') : el('span', { className: 'muted', text: 'nobody' }), state, choice,
        t.brief.utility.toFixed(3)];
    });
    const turn = s.open ? s.resolved + 1 : s.resolved;
    const head = turn === 0 ? 'this turn' : `turn ${turn}${s.open ? '' : ' (played)'}`;
    C.fill('teams', P.table(['team', 'students', head, 'their choice', 'utility now'], rows, [false, false, false, false, true]));
  }

  function renderPlayers() {
    if (view.players.length === 0) {
      C.fill('players', el('p', { className: 'muted', text: 'Nobody has joined this world yet. Show the join code on the projector.' }));
      return;
    }
    const rows = view.players.map((p) => {
      const id = `seat-${p.player}`;
      const seat = el('select', { id, 'aria-label': `Team of ${p.name}` }, [el('option', { value: '', text: '— waiting for a seat —' })]
        .concat(view.teams.map((t) => el('option', { value: t.actor, text: t.name }))));
      seat.value = p.actor || '';
      seat.addEventListener('change', () => {
        C.act(seat, () => post(here('seat'), { player: p.player, actor: seat.value || null }), `${p.name} moved.`);
      });
      const copy = el('button', { type: 'button', className: 'small', text: 'Copy their link' });
      copy.addEventListener('click', async () => {
        const link = `${location.origin}/team#token=${p.token}`;
        try {
          await navigator.clipboard.writeText(link);
          C.flash(`${p.name}’s link is copied.`, 'ok');
        } catch {
          C.flash(`${p.name}’s link: ${link}`, 'info');
        }
      });
      return [p.name, seat, copy];
    });
    C.fill('players', P.table(['student', 'team', 'link'], rows));
  }

  // One <details> per actor; a brief is drawn when opened, and again when it changes.
  function renderBriefs() {
    const box = $('briefs');
    if (C.changed(`brief-list-${world}`, view.teams.map((t) => t.actor))) {
      box.replaceChildren(...view.teams.map((t) => {
        const d = el('details', { className: 'cl-brief-details', 'data-actor': t.actor }, [
          el('summary', {}, [el('span', { text: t.name }), el('a', { className: 'cl-print-link', target: '_blank', rel: 'noopener',
            href: `/brief#token=${encodeURIComponent(C.token())}&world=${world}&actor=${encodeURIComponent(t.actor)}`, text: 'printable brief' })]),
          el('div', { className: 'cl-brief-body' }),
        ]);
        d.addEventListener('toggle', () => drawBrief(d));
        return d;
      }));
    }
    box.querySelectorAll('details[open]').forEach(drawBrief);
  }

  function drawBrief(d) {
    if (!d.open || !view) return;
    const t = view.teams.find((x) => x.actor === d.dataset.actor);
    if (!t || !C.changed(`brief-${world}-${t.actor}`, t.brief)) return;
    d.querySelector('.cl-brief-body').replaceChildren(C.briefPanel(t.brief, view));
  }

  function renderDebrief() {
    const s = view.status;
    const details = $('debrief-details');
    // Opened by itself once the game is over; the teacher opens it earlier at will.
    if ((s.ended || s.finished) && !debriefOpened) {
      debriefOpened = true;
      details.open = true;
    }
    if (details.open && C.changed(`debrief-${world}`, view.debrief)) C.renderDebrief($('debrief'), view, null);
  }
  $('debrief-details').addEventListener('toggle', () => {
    if ($('debrief-details').open && view && C.changed(`debrief-${world}`, view.debrief)) C.renderDebrief($('debrief'), view, null);
  });

  function render() {
    bar.update(view);
    document.title = `${view.status.name} · facilitator · parley`;
    renderHead();
    renderTabs();
    renderControls();
    renderSettings();
    if (C.changed(`teams-${world}`, [view.teams, view.status.open, view.debrief.choices])) renderTeams();
    if (C.changed(`players-${world}`, [view.players, view.teams.map((t) => t.actor)])) renderPlayers();
    renderBriefs();
    const notices = view.public.notices;
    if (C.changed(`issues-${world}`, view.public.issues)) C.fill('issues', C.issueCards(view));
    if (C.changed(`recognition-${world}`, view.public.recognition)) C.fill('recognition', C.recognitionTable(view));
    if (C.changed(`events-${world}`, view.public.events)) C.fill('events', C.eventFeed(view));
    if (C.changed(`notices-${world}`, notices)) C.fill('notices', notices.length ? el('h3', { text: 'Your messages and announcements' }) : null, C.noticeList(view));
    renderDebrief();
    if (C.changed('options', view.options)) {
      $('new-option').replaceChildren(...view.options.map((o) => el('option', { value: o.name, text: o.name })));
      $('new-option').value = view.status.option;
      showOptionDescription();
    }
  }

  // ---- actions --------------------------------------------------------------------------------

  $('open-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const seconds = 60 * (Number($('deadline-minutes').value) || 0) + (Number($('deadline-seconds').value) || 0);
    C.act($('open'), () => post(here('open'), seconds > 0 ? { deadline_seconds: seconds } : {}),
      `Turn ${view.status.resolved + 1} is open` + (seconds > 0 ? ` for ${C.mmss(seconds * 1000)}.` : ' with no deadline.'));
  });
  $('pause').addEventListener('click', () => C.act($('pause'), () => post(here('pause'))));
  $('resume').addEventListener('click', () => C.act($('resume'), () => post(here('resume'))));
  $('extend-60').addEventListener('click', () => C.act($('extend-60'), () => post(here('extend'), { seconds: 60 }), 'One more minute.'));
  $('extend-300').addEventListener('click', () => C.act($('extend-300'), () => post(here('extend'), { seconds: 300 }), 'Five more minutes.'));
  $('resolve').addEventListener('click', () => C.act($('resolve'), () => post(here('resolve')), 'The turn is resolved.'));
  $('undo').addEventListener('click', () => C.act($('undo'), () => post(here('undo')), 'Undone.'));

  $('inject-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const move = $('inject-move').value;
    C.act($('inject'), () => post(here('inject'), { move }), 'Announced to every team of this world.');
  });

  function message(button, path) {
    const text = $('message-text').value.trim();
    if (!text) {
      C.flash('Type the message first.', 'error');
      $('message-text').focus();
      return;
    }
    C.act(button, () => post(path, { text }), 'Message sent.').then((ok) => { if (ok) $('message-text').value = ''; });
  }
  $('message-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    message($('message-world'), here('message'));
  });
  $('message-all').addEventListener('click', () => message($('message-all'), '/api/message'));

  $('advisor').addEventListener('change', () => {
    const on = $('advisor').checked;
    C.act($('advisor'), () => post(here('advisor'), { on }), on ? 'The advisor is on.' : 'The advisor is off.');
  });

  $('branch-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { turn: Number($('branch-turn').value) };
    const name = $('branch-name').value.trim();
    if (name) body.name = name;
    const answer = await C.act($('branch'), () => post(here('branch'), body));
    if (answer) {
      $('branch-name').value = '';
      C.flash(`World ${answer.world} starts from turn ${body.turn} of ${view.status.name}. Nobody sits in it yet: ` +
        'students join it on the join page, where they pick the world.', 'ok');
      select(answer.world);
    }
  });

  $('end').addEventListener('click', () => {
    if (!confirm(`End the game in ${view.status.name}? Every team then sees the debrief; this cannot be undone.`)) return;
    C.act($('end'), () => post(here('end')), 'The game has ended.');
  });

  $('settings-form').addEventListener('input', () => { settingsDirty = true; });
  $('settings-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      missed: $('set-missed').value,
      team_choice: $('set-team-choice').checked,
      max_moves: Number($('set-max-moves').value),
      grace_seconds: Number($('set-grace').value),
    };
    const ok = await C.act($('settings-save'), () => post('/api/settings', body), 'Settings saved for every world.');
    if (ok) {
      settingsDirty = false;
      renderSettings();
    }
  });

  // New world.
  function showOptionDescription() {
    const o = view.options.find((x) => x.name === $('new-option').value);
    $('new-option-description').textContent = o ? o.description : '';
  }
  $('new-option').addEventListener('change', showOptionDescription);
  $('new-world-open').addEventListener('click', () => {
    $('new-world').hidden = false;
    $('new-name').focus();
  });
  $('new-world-cancel').addEventListener('click', () => { $('new-world').hidden = true; });
  $('new-world').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { option: $('new-option').value };
    const name = $('new-name').value.trim();
    if (name) body.name = name;
    const seed = $('new-seed').value.trim();
    if (seed) {
      if (!/^\d+$/.test(seed)) {
        C.flash('The seed is a whole number (or leave it empty).', 'error');
        return;
      }
      body.seed = Number(seed);
    }
    const answer = await C.act($('new-world-create'), () => post('/api/worlds', body));
    if (answer) {
      $('new-world').hidden = true;
      $('new-name').value = '';
      C.flash(`World ${answer.world} is ready: students can pick it on the join page.`, 'ok');
      select(answer.world);
    }
  });

  // Exports.
  $('export-events').addEventListener('click', () =>
    C.act($('export-events'), () => C.downloadFile(here('events.csv'), `world-${world}-events.csv`)));
  $('export-trajectory').addEventListener('click', () =>
    C.act($('export-trajectory'), () => C.downloadFile(here('trajectory.csv'), `world-${world}-trajectory.csv`)));
  $('export-session').addEventListener('click', () =>
    C.act($('export-session'), () => C.downloadFile('/api/session.json', 'session.json')));

  // The projector view: the join code as large as the screen allows.
  $('projector-open').addEventListener('click', () => {
    $('projector').hidden = false;
    $('projector-close').focus();
  });
  $('projector-close').addEventListener('click', () => { $('projector').hidden = true; });
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') $('projector').hidden = true; });

  async function start() {
    let me;
    try {
      me = await C.api('GET', '/api/me');
    } catch (e) {
      $('problem-text').textContent = e.status === 0 ? e.message : `The server says: ${e.message}.`;
      $('problem').hidden = false;
      document.body.classList.add('cl-refused');
      bar.connection('refused', e.message);
      return;
    }
    if (me.role !== 'facilitator') {
      location.replace('/team' + location.hash);
      return;
    }
    if (!me.worlds.includes(world)) world = me.worlds[0] || 1;
    select(world);
  }

  start();
})();

// The team page: the status of the turn, the team's private brief, the public state and the
// moves of the turn to choose and submit. Everything comes live from the world's stream; the
// page never reloads. Once the game is over it shows the debrief.
'use strict';

(function () {
  const C = Classroom;
  const P = Parley;
  const el = P.el;
  const $ = (id) => document.getElementById(id);
  const bar = C.statusBar($('bar'));
  let view = null;
  // The moves ticked on this page. They follow the submission until the student changes them
  // (dirty); a new turn starts from what was submitted for it (nothing, or the undone turn's).
  let chosen = new Set();
  let chosenTurn = -1;
  let dirty = false;

  function moveName(id) {
    const m = (view.moves || []).find((x) => x.id === id);
    return m ? m.name : id;
  }

  function openTurn() {
    return view.status.resolved + 1;
  }

  // ---- moves ----------------------------------------------------------------------------------

  function syncChoice() {
    const s = view.status;
    const submitted = view.submission ? view.submission.moves : [];
    if (chosenTurn !== openTurn() || !dirty) {
      chosen = new Set(submitted);
      chosenTurn = openTurn();
      dirty = false;
    }
    // A move that is no longer available cannot stay chosen.
    for (const id of chosen) {
      const m = view.moves.find((x) => x.id === id);
      if (!m || (s.open && !m.available)) chosen.delete(id);
    }
  }

  function moveCard(m, open, max) {
    const id = 'move-' + m.id;
    const input = el('input', { type: 'checkbox', name: 'move', value: m.id, id });
    input.checked = chosen.has(m.id);
    input.disabled = !open || !m.available;
    const meta = [el('span', { className: 'cl-cost', text: m.cost > 0 ? `costs ${P.fmt(m.cost, 2)} utility` : 'costs nothing' })];
    if (m.score !== undefined) {
      meta.push(el('span', { className: 'cl-advice', text: `AI rates it ${P.signed(m.score, 2)}` }));
      meta.push(el('span', { className: 'cl-advice', text: `AI would pick it: ${Math.round(100 * m.probability)}%` }));
    }
    if (m.ai_choice) meta.push(el('span', { className: 'cl-badge', text: 'the AI’s pick' }));
    if (open && !m.available && m.why) meta.push(el('span', { className: 'cl-why', text: 'not now: ' + m.why }));
    const classes = ['cl-move'];
    if (open && !m.available) classes.push('unavailable');
    if (chosen.has(m.id)) classes.push('chosen');
    return el('label', { className: classes.join(' '), for: id, 'data-move': m.id }, [
      input,
      el('span', { className: 'cl-move-body' }, [
        el('strong', { className: 'cl-move-name', text: m.name }),
        m.headline ? el('span', { className: 'cl-move-headline', text: `News if you make it: “${m.headline}”` }) : null,
        el('span', { className: 'cl-move-meta' }, meta),
      ]),
    ]);
  }

  function renderMoves() {
    const s = view.status;
    const over = s.ended || s.finished;
    $('moves-section').hidden = view.role !== 'team' || over;
    if (view.role !== 'team' || over) return;
    syncChoice();
    const max = s.max_moves;
    const names = C.actorNames(view);
    const you = view.brief.actor;
    if (s.open) {
      $('moves-title').textContent = `Your moves for turn ${openTurn()} · ${C.turnWhen(view, openTurn())}`;
      $('moves-intro').textContent = (s.paused ? 'The game is paused: you can think it over, and submit once it resumes. ' : '') +
        (max === 1 ? `Choose one move for ${names[you]} and press Submit, or pass. ` : `Choose up to ${max} moves for ${names[you]}, then press Submit, or pass. `) +
        (view.status.advisor ? 'The advisor is on: the AI’s rating of each move is its expected gain in utility, net of the cost.' : '');
    } else {
      const last = view.public.events.filter((e) => e.turn === s.resolved && e.actor === you);
      $('moves-title').textContent = 'Your moves';
      $('moves-intro').textContent = (s.resolved === 0
        ? 'The game has not started yet: your teacher opens the first turn. Meanwhile, read your brief below and plan.'
        : `Turn ${s.resolved} is over. ` + (last.length ? `Your team made: ${last.map((e) => e.headline).join('; ')}. ` : 'Your team made no move. ') +
          `Your teacher opens turn ${s.resolved + 1} next.`);
    }
    if (C.changed('moves-list', { moves: view.moves, open: s.open, chosen: [...chosen] })) {
      // The moves that can be made now first, in the scenario's order; the others after.
      const order = s.open ? view.moves.filter((m) => m.available).concat(view.moves.filter((m) => !m.available)) : view.moves;
      $('moves').replaceChildren(...order.map((m) => moveCard(m, s.open, max)));
    }
    $('moves-form').hidden = !s.open;
    $('choice-count').textContent = chosen.size === 0 ? 'Nothing chosen: tick a move above, or pass.'
      : `Chosen: ${[...chosen].map(moveName).join('; ')} (${chosen.size} of at most ${max}).`;
    $('submit').disabled = chosen.size === 0 || s.paused;
    $('pass').disabled = s.paused;
    $('submit').textContent = chosen.size > 1 ? `Submit these ${chosen.size} moves` : 'Submit this move';
    // What the server holds for this turn: the submission, or what happens without one.
    let text = '';
    if (!s.open) {
      text = '';
    } else if (view.submission) {
      const moves = view.submission.moves;
      text = `Submitted for turn ${view.submission.turn}: ${moves.length ? moves.map(moveName).join('; ') : 'pass (no move)'}. ` +
        'You can change it until the turn closes.';
      const same = moves.length === chosen.size && moves.every((m) => chosen.has(m));
      if (dirty && !same) text += ' You changed your choice since: press Submit to send the new one.';
    } else {
      text = 'Not submitted yet. ' + (s.missed === 'ai' ? 'If you do not submit before the time is up, the AI chooses for you.'
        : 'If you do not submit before the time is up, you pass.');
    }
    $('submission').textContent = text;
    $('submission').className = 'cl-submission ' + (view.submission ? 'done' : s.open ? 'todo' : '');
  }

  $('moves').addEventListener('change', (ev) => {
    const input = ev.target;
    if (input.name !== 'move') return;
    const max = view.status.max_moves;
    if (input.checked) {
      if (max === 1) {
        chosen.clear();
      } else if (chosen.size >= max) {
        input.checked = false;
        C.flash(`You can choose at most ${C.plural(max, 'move')} a turn: untick one first.`, 'error');
        return;
      }
      chosen.add(input.value);
    } else {
      chosen.delete(input.value);
    }
    dirty = true;
    renderMoves();
  });

  async function send(button, moves) {
    const answer = await C.act(button, () => C.api('POST', `/api/worlds/${view.status.world}/moves`, { turn: openTurn(), moves }));
    if (!answer) return;
    dirty = false;
    C.flash(moves.length ? 'Submitted. You can change it until the turn closes.' : 'You pass this turn. You can change it until the turn closes.', 'ok');
  }

  $('moves-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    send($('submit'), [...chosen]);
  });
  $('pass').addEventListener('click', () => {
    chosen.clear();
    send($('pass'), []);
  });

  // ---- the rest of the page -----------------------------------------------------------------

  function render() {
    const s = view.status;
    bar.update(view);
    const team = view.brief ? view.brief.name : 'Waiting for a seat';
    $('bar-team').textContent = team;
    document.title = `${team} · ${s.name} · parley`;
    $('waiting').hidden = view.role !== 'waiting';
    if (view.role === 'waiting') {
      $('waiting-text').textContent = `${view.you.name}, you are in ${s.name}. Your teacher will put you in a team: ` +
        'this page changes by itself when they do. Keep it open.';
    }

    // The latest message of the facilitator stays on top during the turn it was sent in.
    const notices = view.public.notices;
    const latest = notices[notices.length - 1];
    $('notice').hidden = !latest || latest.turn < s.turn;
    if (latest) $('notice').textContent = latest.text;

    const over = s.ended || s.finished;
    $('debrief-section').hidden = !(over && view.debrief);
    if (over && view.debrief && C.changed('debrief', view.debrief)) {
      C.renderDebrief($('debrief'), view, view.brief ? view.brief.actor : null);
    }

    renderMoves();

    $('brief-section').hidden = !view.brief;
    if (view.brief && C.changed('brief', view.brief)) {
      $('brief-title').textContent = `Your brief: ${view.brief.name}`;
      $('members').textContent = 'Your team: ' + (view.brief.members.join(', ') || '–');
      C.fill('brief', C.briefPanel(view.brief, view));
      $('print-brief').href = `/brief#token=${encodeURIComponent(C.token())}&world=${s.world}`;
    }
    if (C.changed('issues', view.public.issues)) C.fill('issues', C.issueCards(view));
    if (C.changed('recognition', view.public.recognition)) C.fill('recognition', C.recognitionTable(view));
    if (C.changed('events', view.public.events)) C.fill('events', C.eventFeed(view));
    if (C.changed('notices', notices)) C.fill('notices', notices.length ? el('h3', { text: 'From your teacher' }) : null, C.noticeList(view));
  }

  $('copy-own-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      C.flash('Link copied.', 'ok');
    } catch {
      C.flash('Copy this page’s address from the address bar: ' + location.href, 'info');
    }
  });

  // Without a valid link there is nothing to show but the way back in.
  function problem(text) {
    $('problem-text').textContent = text;
    $('problem').hidden = false;
    document.body.classList.add('cl-refused');
    bar.connection('refused', text);
  }

  async function start() {
    if (!C.token()) {
      problem('The address of this page has no team token (a team link ends with #token=…).');
      return;
    }
    let me;
    try {
      me = await C.api('GET', '/api/me');
    } catch (e) {
      problem(e.status === 0 ? e.message : `The server says: ${e.message}.`);
      return;
    }
    if (me.role === 'facilitator') {
      // The teacher's own link opened here by mistake: their page is the console.
      location.replace('/facilitator' + location.hash);
      return;
    }
    C.follow(me.world, (v) => {
      view = v;
      render();
    }, (state, message) => {
      bar.connection(state, message);
      if (state === 'refused') C.flash(message, 'error');
    });
  }

  start();
})();
